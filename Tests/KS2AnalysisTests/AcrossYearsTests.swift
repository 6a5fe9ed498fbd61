import KS2Core
import Testing

@testable import KS2Analysis

/// A table of pupils' adjusted (= unadjusted) progress per subject, every pupil counted in each
/// subject's coverage denominator; NaN = not in the measure.
private func progressTable(_ bySubject: [[Double]]) -> PupilProgressTable {
    let count = bySubject[0].count
    var t = PupilProgressTable(count: count)
    let progress = SendableBuffer<Double>(repeating: .nan, count: 3 * count)
    let flags = SendableBuffer<Int8>(repeating: -1, count: AttainmentFlag.allCases.count * count)
    for s in 0..<3 {
        for i in 0..<count { progress[t.at(s, i)] = bySubject[s][i] }
    }
    for flag in [AttainmentFlag.readExp, .writExp, .matExp] {
        for i in 0..<count { flags[t.at(flag.rawValue, i)] = 0 }
    }
    t.progress = Column(progress)
    t.progressUnadjusted = t.progress
    t.attainment = Column(flags)
    return t
}

/// One school (100001, LA 850) in one year: `read` progress per pupil (writing and maths the same),
/// disadvantaged flags per pupil.
private func year(_ y: Int, read: [Double], disadvantaged: [YesNo]? = nil, sigma: Double) -> Aggregation {
    let pupils = read.indices.map { i in
        KS2Pupil(
            line: Int32(i + 2), upn: testUPN(i + 1), school: 0, la: 0,
            disadvantaged: disadvantaged?[i] ?? .unknown)
    }
    let cohort = KS2Cohort(
        year: y, pupils: pupils, schools: [SchoolInfo(id: "100001", name: "Hand School", la: "850")],
        localAuthorities: ["850"])
    return aggregate(
        cohort: cohort, table: progressTable([read, read, read]),
        sigma: PerSubject(read: sigma, writ: sigma, mat: sigma),
        thresholds: nil, includeNational: true, laNames: ["850": "Hampshire"], threads: 1)
}

@Suite struct AcrossYearsTests {
    /// A national aggregation returns England's other pupils' progress itself (what national.csv's
    /// other_progress holds): other pupils 1 and 3 → 2; the disadvantaged pupil's 10 is left out.
    @Test func nationalAggregationReturnsEnglandOtherProgress() {
        let a = year(2019, read: [1, 3, 10], disadvantaged: [.no, .no, .yes], sigma: 5)
        #expect(a.englandOtherProgress == PerSubject(read: 2, writ: 2, mat: 2))
        let unknown = year(2019, read: [1, 3, 10], sigma: 5)
        #expect(unknown.englandOtherProgress == nil)
    }

    /// Three years of one school's pupils, by hand (reading; σ 6, 5, 4):
    ///   2017 progress 1, 3          n 2  p 2
    ///   2018 progress −1, 0, 4      n 3  p 1
    ///   2019 progress 2, 2, 2, 6 and one pupil without progress (in the denominator)   n 4  p 3
    /// progress3 = (2·2 + 3·1 + 4·3) / 9 = 19/9; half-width 1.96·√(2·36 + 3·25 + 4·16)/9 = 1.96·√211/9;
    /// coverage 9/10 → ok; interval spans 0 → not significant; 2017–2019 crosses capping.
    @Test func threeYearProgressPoolsPupilsByHand() {
        let years = [
            year(2017, read: [1, 3], sigma: 6), year(2018, read: [-1, 0, 4], sigma: 5),
            year(2019, read: [2, 2, 2, 6, .nan], sigma: 4),
        ]
        let rows = years.flatMap(\.rows)
        let sigma: [Int: Double] = [2017: 6, 2018: 5, 2019: 4]
        let (three, warnings) = threeYearRows(rows) { y, _ in sigma[y] }
        #expect(warnings.isEmpty)
        let school = three.first { $0.level == .school && $0.subject == .read }!
        #expect(school.years == [2017, 2018, 2019])
        #expect(school.n == 9)
        #expect(abs(school.progress! - 19.0 / 9) < 1e-12)
        #expect(abs(school.lower! - -1.0522938367571708) < 1e-12)
        #expect(abs(school.upper! - 5.274516058979393) < 1e-12)
        #expect(school.status == .ok)
        #expect(school.significance == .notSignificant)
        #expect(school.comparability == [.capping])
        // the LA and England pool the same pupils
        #expect(three.filter { $0.subject == .read }.map(\.level) == [.school, .la, .national])
    }

    @Test func threeYearWindowSkipsYearsWithoutAMeasureAndNeedsOkOrSupp() {
        func row(_ y: Int, _ p: Double?, n: Int?, status: ResultStatus, cov: Double? = 100) -> SchoolResult {
            var r = SchoolResult(year: y, level: .school, id: "A", name: "A School", la: "850")
            r[.read] = SubjectResult(n: n, coverage: cov, progress: p, status: status)
            return r
        }
        // 2017 has no measure anywhere: the window is 2016, 2018, 2019 and not 2017
        let rows = [
            row(2015, 9, n: 10, status: .ok), row(2016, 1, n: 10, status: .ok),
            row(2017, nil, n: 0, status: .none), row(2018, -1, n: 30, status: .ok),
            row(2019, 2, n: 4, status: .supp),
        ]
        #expect(threeYearWindow(rows) == [2016, 2018, 2019])
        let (three, warnings) = threeYearRows(rows) { _, _ in nil }
        let read = three.first { $0.subject == .read }!
        #expect(read.years == [2016, 2018, 2019])
        #expect(read.n == 44)
        #expect(abs(read.progress! - (10.0 - 30 + 8) / 44) < 1e-12)
        #expect(read.lower == nil && read.upper == nil)  // no σ: no interval, and a warning says so
        #expect(warnings.count == 1 && warnings[0].contains("no national σ"))
        #expect(read.comparability == [.capping, .pagTable, .nominalScores])
        // a school whose only pooled year is lowcov has no three-year row
        let low = [row(2019, 1, n: 6, status: .lowcov, cov: 40)]
        #expect(threeYearRows(low) { _, _ in 5 }.rows.isEmpty)
        // pooled coverage below 50%: lowcov on N
        let pooledLow = [row(2018, 1, n: 6, status: .ok, cov: 60), row(2019, 1, n: 6, status: .lowcov, cov: 30)]
        #expect(threeYearRows(pooledLow) { _, _ in 5 }.rows.first?.status == .lowcov)
    }

    @Test func trendsChangeOnlyBetweenOkYearsAndNameTheChangesCrossed() {
        func row(_ y: Int, _ p: Double?, status: ResultStatus) -> SchoolResult {
            var r = SchoolResult(year: y, level: .school, id: "A", name: y == 2019 ? "A School (new name)" : "A School")
            r[.read] = SubjectResult(n: 20, progress: p, status: status)
            return r
        }
        let rows = [
            row(2016, 1, status: .ok), row(2017, nil, status: .none), row(2018, -0.5, status: .ok),
            row(2019, 0.25, status: .supp),
        ]
        let read = trendRows(rows).filter { $0.subject == .read }
        #expect(read.map(\.year) == [2016, 2017, 2018, 2019])
        #expect(read.allSatisfy { $0.name == "A School (new name)" })
        #expect(read[0].previousYear == nil && read[0].change == nil && read[0].comparability.isEmpty)
        #expect(read[1].previousYear == 2016 && read[1].change == nil)
        #expect(read[1].comparability == [.pagTable, .nominalScores])
        // 2017 had no measure: 2018 is compared with 2016
        #expect(read[2].previousYear == 2016 && read[2].change == -1.5)
        #expect(read[2].comparability == [.capping, .pagTable, .nominalScores])
        // 2019 is supp: no change
        #expect(read[3].previousYear == 2018 && read[3].change == nil && read[3].comparability.isEmpty)
    }

    /// 2019 pupils: reading 2 (Y), 2 (Y), 2 (N), 6 (N), none (N); σ 4.
    /// Disadvantaged n 2, p 2, interval 2 ± 1.96·4/√2; others n 2, p 4 — also England's other pupils here.
    /// gap = 2 − 4 = −2, gap interval = the disadvantaged interval − 4, within-school gap −2.
    @Test func disadvantagedGapByHand() {
        let agg = year(2019, read: [2, 2, 2, 6, .nan], disadvantaged: [.yes, .yes, .no, .no, .no], sigma: 4)
        let other = nationalOtherProgress(agg.groups)
        #expect(other[2019]?[.read] == 4)
        let (gaps, missing) = gapRows(agg.rows, groups: agg.groups, nationalOther: other)
        #expect(missing.isEmpty)
        let school = gaps.first { $0.level == .school && $0.subject == .read }!
        #expect(school.disadvantaged.n == 2 && school.disadvantaged.progress == 2)
        #expect(school.disadvantaged.status == .supp)
        #expect(abs(school.disadvantaged.lower! - -3.5437171645025325) < 1e-12)
        #expect(school.other.n == 2 && school.other.progress == 4)
        #expect(school.nationalOtherProgress == 4)
        #expect(school.gap == -2)
        #expect(abs(school.gapLower! - (-3.5437171645025325 - 4)) < 1e-12)
        #expect(abs(school.gapUpper! - (7.5437171645025325 - 4)) < 1e-12)
        #expect(school.withinSchoolGap == -2)
        #expect(gaps.map(\.level) == [.school, .school, .school, .la, .la, .la, .national, .national, .national])
        // without England's figure the gap is empty and the year is reported
        let (unknown, years) = gapRows(
            agg.rows.filter { $0.level != .national }, groups: agg.groups, nationalOther: [:])
        #expect(unknown.allSatisfy { $0.gap == nil } && years == [2019])
    }

    /// Removing pupil 0 (progress 1) from reading: before n 3, p 2, coverage 3/4; after n 2, p 2.5,
    /// interval 2.5 ± 1.96·5/√2, and the pupil is out of the denominator too (2 of 3).
    @Test func whatIfRemovesFromProgressAndDenominator() {
        let pupils = (0..<4).map { KS2Pupil(line: Int32($0 + 2), upn: testUPN($0 + 1), school: 0, la: 0) }
        let cohort = KS2Cohort(
            year: 2019, pupils: pupils, schools: [SchoolInfo(id: "100001", name: "Hand School", la: "850")],
            localAuthorities: ["850"])
        let table = progressTable([[1, 2, 3, .nan], [1, 2, 3, 4], [1, 2, 3, 4]])
        func run(_ t: PupilProgressTable) -> Aggregation {
            aggregate(
                cohort: cohort, table: t, sigma: PerSubject(read: 5, writ: 5, mat: 5),
                thresholds: SchoolProgressThresholds(
                    p10: PerSubject(read: -1, writ: -1, mat: -1), p90: PerSubject(read: 1, writ: 1, mat: 1)),
                includeNational: false, laNames: [:], threads: 1)
        }
        let before = run(table)
        let removal = [SubjectRemoval(pupil: 0, subject: .read)]
        let after = run(removingPupils(table, removal))
        let rows = whatIfRows(cohort: cohort, removals: removal + removal, before: before.rows, after: after.rows)
        #expect(rows.count == 1)
        let r = rows[0]
        #expect(r.urn == "100001" && r.subject == .read && r.removed == 1)
        #expect(r.before.n == 3 && r.before.progress == 2 && r.before.coverage == 75)
        #expect(r.after.n == 2 && r.after.progress == 2.5)
        #expect(abs(r.after.coverage! - 200.0 / 3) < 1e-12)
        #expect(abs(r.after.lower! - -4.429646455628165) < 1e-12)
        // writing and maths untouched
        #expect(after.rows[0][.writ] == before.rows[0][.writ])
        #expect(after.rows[0][.mat] == before.rows[0][.mat])
    }
}
