import Testing

@testable import KS2Core

@Suite struct StatisticsTests {
    @Test func sampleStandardDeviationTwoPassAndWelford() throws {
        let xs: [Double] = [2, 4, 4, 4, 5, 5, 7, 9]
        // mean 5, Σd² = 32, variance 32/7
        let expected = 2.138089935299395
        #expect(try abs(#require(sampleStandardDeviation(xs)) - expected) < 1e-15)
        var m = RunningMoments()
        for x in xs { m.add(x) }
        #expect(m.count == 8 && m.mean == 5)
        #expect(try abs(#require(m.sampleStandardDeviation) - expected) < 1e-15)
        var a = RunningMoments()
        var b = RunningMoments()
        for x in xs[..<3] { a.add(x) }
        for x in xs[3...] { b.add(x) }
        a.merge(b)
        #expect(a.count == 8 && abs(a.mean - 5) < 1e-15)
        #expect(try abs(#require(a.sampleVariance) - 32.0 / 7) < 1e-13)
        #expect(sampleStandardDeviation([1.0]) == nil && RunningMoments().sampleVariance == nil)
    }

    @Test func standardDeviationIsStableFarFromZero() throws {
        // [4, 7, 13, 16] has variance 30; shifted by 1e9 it must stay 30
        let xs: [Double] = [4, 7, 13, 16].map { $0 + 1e9 }
        #expect(try abs(#require(sampleStandardDeviation(xs)) - 30.0.squareRoot()) < 1e-6)
        var m = RunningMoments()
        for x in xs { m.add(x) }
        #expect(try abs(#require(m.sampleVariance) - 30) < 1e-6)
    }

    @Test func capRankRoundsHalfUp() {
        #expect(capRank(count: 49) == 0)
        #expect(capRank(count: 50) == 1)
        #expect(capRank(count: 149) == 1)
        #expect(capRank(count: 150) == 2)
        #expect(capRank(count: 250) == 3)
        #expect(capRank(count: 650_000) == 6500)
    }

    @Test func capOnSmallCohorts() {
        // 250 z values -1.00, -0.99, … in shuffled order: k = 3, cap z = the third smallest
        let value = { (i: Int) in Double(i) / 100 - 1 }
        var z = (0..<250).map(value)
        var g = SystemRandomNumberGenerator()
        z.shuffle(using: &g)
        let cap = capZ(sortedOrUnsortedZ: z)
        #expect(cap == value(2))
        // pupils strictly below it are capped: -1.00 and -0.99
        #expect(z.filter { $0 < value(2) }.count == 2)
        #expect(capZ(sortedOrUnsortedZ: z.sorted()) == value(2))
        // N = 149 (the largest, 0.01 … 1.49, descending): k = 1, the smallest (nobody below it)
        #expect(capZ(sortedOrUnsortedZ: Array(z.sorted().reversed().prefix(149))) == value(101))
        // N = 49: k = 0, no capping
        #expect(capZ(sortedOrUnsortedZ: Array(z.prefix(49))) == nil)
        #expect(capZ(sortedOrUnsortedZ: []) == nil)
    }

    @Test func capZMatchesTheSortedRankOnRandomData() {
        var g = SystemRandomNumberGenerator()
        for n in [50, 51, 99, 149, 150, 251, 1000, 4321] {
            for _ in 0..<5 {
                // integers in a small range make many ties
                let z = (0..<n).map { _ in Double(Int.random(in: -40...40, using: &g)) / 8 }
                let k = (n + 50) / 100
                #expect(capZ(sortedOrUnsortedZ: z) == z.sorted()[k - 1], "n = \(n)")
            }
        }
    }

    @Test func capWithTies() {
        // 300 values, k = 3: -3, -2, -2, -2, then 0s: cap z = -2, only -3 below it
        var z = [Double](repeating: 0, count: 296) + [-2, -3, -2, -2]
        z.swapAt(0, 297)
        #expect(capZ(sortedOrUnsortedZ: z) == -2)
    }

    @Test func adjustedProgressRules() {
        #expect(pagZ(unadjusted: -12, pagSD: 4, pagPupils: 10) == -3)
        #expect(pagZ(unadjusted: -12, pagSD: 4, pagPupils: 1) == nil)
        #expect(pagZ(unadjusted: -12, pagSD: 0, pagPupils: 10) == nil)
        #expect(pagZ(unadjusted: -12, pagSD: nil, pagPupils: 10) == nil)
        // z -3 below cap z -2.5: adjusted = 4 × -2.5 = -10
        #expect(adjustedProgress(unadjusted: -12, z: -3, pagSD: 4, capZ: -2.5) == (-10, true))
        // z exactly at the cap is not capped
        #expect(adjustedProgress(unadjusted: -10, z: -2.5, pagSD: 4, capZ: -2.5) == (-10, false))
        #expect(adjustedProgress(unadjusted: -12, z: nil, pagSD: 4, capZ: -2.5) == (-12, false))
        #expect(adjustedProgress(unadjusted: -12, z: -3, pagSD: 4, capZ: nil) == (-12, false))
        // supplied run: the PAG floor
        #expect(adjustedProgress(unadjusted: -12, pagCap: -10) == (-10, true))
        #expect(adjustedProgress(unadjusted: -10, pagCap: -10) == (-10, false))
        #expect(adjustedProgress(unadjusted: -12, pagCap: nil) == (-12, false))
    }

    @Test func confidenceIntervalAndCoverage() {
        // 1.5 ± 1.96 × 6.17 / √30 = 1.5 ± 2.2079061441404915
        let ci = confidenceInterval(progress: 1.5, sigma: 6.17, n: 30)
        #expect(abs(ci.lower - -0.7079061441404915) < 1e-12)
        #expect(abs(ci.upper - 3.7079061441404915) < 1e-12)
        // n = 4, σ = 5: ± 1.96 × 5 / 2 = ± 4.9
        let small = confidenceInterval(progress: 0, sigma: 5, n: 4)
        #expect(abs(small.lower + 4.9) < 1e-12 && abs(small.upper - 4.9) < 1e-12)
        #expect(coveragePercent(n: 6, denominator: 12) == 50)
        #expect(coveragePercent(n: 27, denominator: 30) == 90)
        #expect(coveragePercent(n: 0, denominator: 0) == nil)
    }

    @Test func statusEdges() {
        #expect(MeasureStatus(n: 0, denominator: 30) == .none)
        #expect(MeasureStatus(n: 0, denominator: 0) == .none)
        #expect(MeasureStatus(n: 1, denominator: 1) == .supp)
        #expect(MeasureStatus(n: 5, denominator: 5) == .supp)
        #expect(MeasureStatus(n: 6, denominator: 6) == .ok)
        // coverage exactly 50% is not below 50%
        #expect(MeasureStatus(n: 6, denominator: 12) == .ok)
        #expect(MeasureStatus(n: 6, denominator: 13) == .lowcov)
        #expect(MeasureStatus(n: 5, denominator: 30) == .supp)
        #expect([MeasureStatus.none, .supp, .lowcov, .ok].map(\.name) == ["none", "supp", "lowcov", "ok"])
    }

    @Test func significance() {
        #expect(Significance(Interval(lower: 0.01, upper: 3)) == .above)
        #expect(Significance(Interval(lower: 0, upper: 3)) == .notSignificant)
        #expect(Significance(Interval(lower: -3, upper: 0)) == .notSignificant)
        #expect(Significance(Interval(lower: -3, upper: -0.01)) == .below)
    }

    @Test func everyBandEdge() {
        func band(_ p: Double, _ lo: Double, _ hi: Double, _ s: MeasureStatus = .ok) -> Int? {
            progressBand(progress: p, interval: Interval(lower: lo, upper: hi), status: s, p10: -3, p90: 3)
        }
        #expect(band(3, 0.5, 5.5) == 1)  // progress exactly p90
        #expect(band(3.5, 1, 6) == 1)
        #expect(band(2.99, 0.5, 5.5) == 2)  // just below p90
        #expect(band(3.5, 0, 7) == 3)  // lower exactly 0: not significant
        #expect(band(0, -2, 2) == 3)
        #expect(band(-3.5, -7, 0) == 3)  // upper exactly 0
        #expect(band(-2.99, -5.5, -0.5) == 4)  // just above p10
        #expect(band(-3, -5.5, -0.5) == 5)  // progress exactly p10
        #expect(band(-4, -6, -2) == 5)
        // only status ok has a band
        #expect(band(5, 2, 8, .lowcov) == nil)
        #expect(band(5, 2, 8, .supp) == nil)
        #expect(band(5, 2, 8, .none) == nil)
        // no thresholds (no school with status ok): significant ones are 2 and 4
        #expect(progressBand(progress: 5, interval: Interval(lower: 2, upper: 8), status: .ok, p10: nil, p90: nil) == 2)
        #expect(
            progressBand(progress: -5, interval: Interval(lower: -8, upper: -2), status: .ok, p10: nil, p90: nil) == 4)
    }

    @Test func nearestRank() throws {
        let ten = (1...10).map(Double.init)
        // M = 10: ⌈1⌉ = 1st, ⌈9⌉ = 9th
        #expect(nearestRankBandThresholds(sortedAscending: ten) == BandThresholds(p10: 1, p90: 9))
        let eleven = (1...11).map(Double.init)
        // M = 11: ⌈1.1⌉ = 2nd, ⌈9.9⌉ = 10th
        #expect(nearestRankBandThresholds(sortedAscending: eleven) == BandThresholds(p10: 2, p90: 10))
        #expect(nearestRankBandThresholds(sortedAscending: [4]) == BandThresholds(p10: 4, p90: 4))
        #expect(nearestRankBandThresholds(sortedAscending: []) == nil)
        // M = 20: 2nd and 18th
        #expect(
            nearestRankBandThresholds(sortedAscending: (1...20).map(Double.init)) == BandThresholds(p10: 2, p90: 18))
        #expect(nearestRankPercentile(sortedAscending: eleven, percent: 50) == 6)
    }

    @Test(arguments: [
        (1.0, 12.706204736174694), (2, 4.302652729749462), (3, 3.1824463052837078),
        (4, 2.7764451051977934), (5, 2.5705818356363146), (10, 2.228138851986274),
        (30, 2.0422724563012378), (120, 1.9799304050824402), (1000, 1.9623390808264083),
        (2.5, 3.5746548420036817), (7.3, 2.345066736547703), (27.983, 2.0484632069150606),
        (0.5, 164.55767348048818),
    ])
    func tQuantile(df: Double, expected: Double) throws {
        let t = try #require(studentT975(degreesOfFreedom: df))
        #expect(abs(t - expected) < 1e-9 * max(1, expected))
    }

    @Test func tQuantileOtherProbabilities() throws {
        #expect(studentTQuantile(probability: 0.5, degreesOfFreedom: 7) == 0)
        let lower = try #require(studentTQuantile(probability: 0.025, degreesOfFreedom: 10))
        #expect(abs(lower + 2.228138851986274) < 1e-9)
        #expect(studentTQuantile(probability: 1, degreesOfFreedom: 7) == nil)
        #expect(studentTQuantile(probability: 0.975, degreesOfFreedom: 0) == nil)
    }

    @Test func meanInterval() throws {
        // 1 ± t(0.975, 4) × 2 / √5 = 1 ± 2.483327996407528
        let i = try #require(meanTInterval(mean: 1, sd: 2, count: 5))
        #expect(abs(i.lower - -1.483327996407528) < 1e-9 && abs(i.upper - 3.483327996407528) < 1e-9)
        #expect(meanTInterval(mean: 1, sd: 0, count: 1) == nil)
    }

    @Test func welch() throws {
        // A: mean 2, sd 1, n 10; B: mean 1, sd 2, n 20. se² = 0.1 + 0.2 = 0.3,
        // ν = 0.09 / (0.01/9 + 0.04/19) = 27.981818…, t = 2.0484671071316654
        let w = try #require(welchInterval(meanA: 2, sdA: 1, countA: 10, meanB: 1, sdB: 2, countB: 20))
        #expect(w.difference == 1)
        #expect(try abs(#require(w.degreesOfFreedom) - 27.981818181818184) < 1e-9)
        #expect(abs(w.lower - -0.12199164288336495) < 1e-9)
        #expect(abs(w.upper - 2.1219916428833647) < 1e-9)
        #expect(welchInterval(meanA: 2, sdA: 1, countA: 1, meanB: 1, sdB: 2, countB: 20) == nil)
        let flat = try #require(welchInterval(meanA: 2, sdA: 0, countA: 3, meanB: 1, sdB: 0, countB: 3))
        #expect(flat == WelchInterval(difference: 1, lower: 1, upper: 1, degreesOfFreedom: nil))
    }
}
