import KS2Core
import TestSupport
import Testing

@testable import KS2Analysis

/// A valid UPN for serial `n` (check letter computed).
func testUPN(_ n: Int) -> UPN {
    let body = "85020011" + String(format3(n)) + "0"
    let full = String(UPN.checkLetter(forBody: body)!) + body
    return UPN(full)!
}
private func format3(_ n: Int) -> String {
    let s = String(n)
    return String(repeating: "0", count: 3 - s.count) + s
}

/// Six pupils worked by hand (KS2 2017, levels-era PAGs, no capping):
///   P1 KS1 2B/2B/2B (APS 15, PAG 14)  read 110, writ GDS 113, mat 100
///   P2 KS1 2B/2B/2B (APS 15, PAG 14)  read 100, writ EXS 103, mat 104
///   P3 KS1 3/3/3    (APS 21, PAG 20)  read 108, writ WTS 91,  mat B + PKF = nominal 73
///   P4 no KS1                          read 95,  writ EXS,     mat 100
///   P5 KS1 2A/2A/A  (incomplete)       read 100, writ EXS,     mat 100
///   P6 KS1 3/3/3    (APS 21, PAG 20)  read J,   writ EXS 103, mat 120
/// Estimates: read PAG14 (110+100)/2 = 105, PAG20 108; writ PAG14 108, PAG20 (91+103)/2 = 97;
/// mat PAG14 102, PAG20 (73+120)/2 = 96.5.
func handCohort() -> (KS2Cohort, [KS1Record], [Int32]) {
    func pupil(_ k: Int, read: TestResult, writ: Code, mat: TestResult) -> KS2Pupil {
        KS2Pupil(
            line: Int32(k + 1), upn: testUPN(k), school: 0, la: 0, gender: k % 2 == 0 ? .male : .female,
            read: read, mat: mat, gps: TestResult(scaled: 100), writTA: writ)
    }
    let pupils = [
        pupil(1, read: TestResult(scaled: 110), writ: .GDS, mat: TestResult(scaled: 100)),
        pupil(2, read: TestResult(scaled: 100), writ: .EXS, mat: TestResult(scaled: 104)),
        pupil(3, read: TestResult(scaled: 108), writ: .WTS, mat: TestResult(code: .B, ta: .PKF)),
        pupil(4, read: TestResult(scaled: 95), writ: .EXS, mat: TestResult(scaled: 100)),
        pupil(5, read: TestResult(scaled: 100), writ: .EXS, mat: TestResult(scaled: 100)),
        pupil(6, read: TestResult(code: .J), writ: .EXS, mat: TestResult(scaled: 120)),
    ]
    let ks1 = [
        KS1Record(line: 2, upn: testUPN(1), read: .level2B, writ: .level2B, mat: .level2B),
        KS1Record(line: 3, upn: testUPN(2), read: .level2B, writ: .level2B, mat: .level2B),
        KS1Record(line: 4, upn: testUPN(3), read: .level3, writ: .level3, mat: .level3),
        KS1Record(line: 5, upn: testUPN(5), read: .level2A, writ: .level2A, mat: .A),
        KS1Record(line: 6, upn: testUPN(6), read: .level3, writ: .level3, mat: .level3),
    ]
    let cohort = KS2Cohort(
        year: 2017, pupils: pupils, schools: [SchoolInfo(id: "100001", name: "Hand School", la: "850")],
        localAuthorities: ["850"])
    return (cohort, ks1, [0, 1, 2, -1, 3, 4])
}

@Suite struct PupilProgressTests {
    let methodology = methodologyForTests(2017)

    @Test func estimatesAndProgressByHand() {
        let (cohort, ks1, index) = handCohort()
        let r = computePupilProgress(
            cohort: cohort, ks1: ks1, ks1Index: index, methodology: methodology,
            supplied: nil, threads: 1)
        let t = r.table
        #expect(t.ks1APS[0] == 15 && t.pag[0] == 14)
        #expect(t.ks1APS[2] == 21 && t.pag[2] == 20)
        #expect(t.ks1APS[3].isNaN && t.pag[3] == 0)
        #expect(t.excluded[t.at(0, 3)] == .noKS1)
        #expect(t.excluded[t.at(0, 4)] == .ks1Incomplete)
        #expect(t.excluded[t.at(0, 5)] == .discounted)
        #expect(t.estimate[t.at(0, 0)] == 105 && t.estimate[t.at(0, 2)] == 108)
        #expect(t.estimate[t.at(1, 0)] == 108 && t.estimate[t.at(1, 2)] == 97)
        #expect(t.estimate[t.at(2, 0)] == 102 && t.estimate[t.at(2, 2)] == 96.5)
        // read: P1 +5, P2 −5, P3 0; mat: P3 73 − 96.5 = −23.5, P6 +23.5; writ: P3 −6, P6 +6
        #expect(t.progress[t.at(0, 0)] == 5 && t.progress[t.at(0, 1)] == -5 && t.progress[t.at(0, 2)] == 0)
        #expect(t.score[t.at(2, 2)] == 73 && t.source[t.at(2, 2)] == .nominal)
        #expect(t.progress[t.at(2, 2)] == -23.5 && t.progress[t.at(2, 5)] == 23.5)
        #expect(t.progress[t.at(1, 2)] == -6 && t.progress[t.at(1, 5)] == 6)
        #expect(t.source[t.at(1, 0)] == .ta)
        // the estimate is written for an excluded pupil with a PAG (P6 reading, discounted)
        #expect(t.estimate[t.at(0, 5)] == 108 && t.progress[t.at(0, 5)].isNaN)
        // σ read = sd(5, −5, 0) = 5
        #expect(r.estimates.national.read.sd == 5)
        #expect(r.estimates.national.read.pupils == 3)
        #expect(r.estimates.national.read.capZ == nil)
    }

    @Test func schoolRowByHand() {
        let (cohort, ks1, index) = handCohort()
        let r = computePupilProgress(
            cohort: cohort, ks1: ks1, ks1Index: index, methodology: methodology,
            supplied: nil, threads: 1)
        let sigma = r.estimates.national.map(\.sd)
        let agg = aggregate(
            cohort: cohort, table: r.table, sigma: sigma, thresholds: nil, includeNational: true,
            laNames: ["850": "Hampshire"], threads: 1)
        #expect(agg.rows.map(\.level) == [.school, .la, .national])
        let school = agg.rows[0]
        #expect(school.id == "100001" && school.eligible == 6)
        #expect(school.ks1APS == 18)  // (15 + 15 + 21 + 21) / 4
        #expect(school[.read].n == 3 && school[.read].coverage == 60)  // 3 of 5 not discounted
        #expect(school[.mat].n == 4 && school[.mat].coverage == Double(400) / 6)
        #expect(school[.read].progress == 0 && school[.read].status == .supp && school[.read].band == nil)
        // CI: 0 ± 1.96 · 5 / √3
        let halfWidth: Double = 1.96 * 5 / 3.0.squareRoot()
        #expect(abs(school[.read].lower! + halfWidth) < 1e-12)
        // read expected: 110, 100, 108, 100 of 5 not discounted = 80%; high: 110 only = 20%
        #expect(school[.pctReadExp] == 80 && school[.pctReadHigh] == 20)
        let readAvg: Double = (110.0 + 100 + 108 + 95 + 100) / 5
        #expect(school[.readAvg] == readAvg)
        // writing expected: GDS, EXS, EXS, EXS, EXS of 6 = 5/6; RWM over the 5 not discounted in any:
        // P1 (110, GDS, 100) yes, P2 (100, EXS, 104) yes, P3 no (WTS), P4 no (95), P5 yes → 60%
        #expect(school[.pctWritExp] == Double(500) / 6)
        #expect(school[.pctRwmExp] == 60)
        #expect(agg.rows[1].name == "Hampshire")
        #expect(agg.rows[2].id == "E92000001")
        #expect(agg.rows[2][.read].band == nil)
        // groups: gender F = P1, P3, P5 (odd serials are female here)
        let female = agg.groups.first { $0.group == "gender" && $0.value == "F" && $0.result.level == .school }
        #expect(female?.result.eligible == 3)
    }

    @Test func capOnASmallCohort() {
        // 2019, one PAG, 200 pupils in reading: k = round-half-up(200/100) = 2, cap_z = the 2nd smallest z;
        // only the pupil strictly below it (read 80) is capped, to sd × cap_z = the 85 pupil's progress.
        var pupils: [KS2Pupil] = []
        var ks1: [KS1Record] = []
        for k in 0..<200 {
            let score: UInt8 = k == 0 ? 80 : k == 1 ? 85 : (k % 2 == 0 ? 100 : 101)
            pupils.append(
                KS2Pupil(
                    line: Int32(k + 2), upn: testUPN(k), school: 0, la: 0,
                    read: TestResult(scaled: score), mat: TestResult(scaled: 100),
                    gps: TestResult(), writTA: .EXS))
            ks1.append(KS1Record(line: Int32(k + 2), upn: testUPN(k), read: .level2B, writ: .level2B, mat: .level2B))
        }
        let cohort = KS2Cohort(year: 2019, pupils: pupils, schools: [SchoolInfo(id: "1")], localAuthorities: ["850"])
        let r = computePupilProgress(
            cohort: cohort, ks1: ks1, ks1Index: (0..<200).map(Int32.init),
            methodology: methodologyForTests(2019), supplied: nil, threads: 2)
        let t = r.table
        let mean = 20064.0 / 200  // 99·100 + 99·101 + 80 + 85
        #expect(t.estimate[t.at(0, 0)] == mean)
        #expect(t.capped[t.at(0, 0)] && !t.capped[t.at(0, 1)])
        #expect(t.capped[0..<t.count].filter { $0 }.count == 1)
        #expect(abs(t.progress[t.at(0, 0)] - (85 - mean)) < 1e-9)
        #expect(t.progressUnadjusted[t.at(0, 0)] == 80 - mean)
        // maths: every pupil 100, sd 0 → nobody capped
        #expect(t.capped[(2 * t.count)...].allSatisfy { !$0 })
    }

    @Test func identicalForAnyThreadCount() {
        var pupils: [KS2Pupil] = []
        var ks1: [KS1Record] = []
        let levels: [Code] = [.level1, .level2C, .level2B, .level2A, .level3]
        for k in 0..<40_000 {
            let u = UPN(key: UInt64(k) * 64 + 7)
            pupils.append(
                KS2Pupil(
                    line: Int32(k + 2), upn: u, school: Int32(k % 97), la: Int32(k % 3),
                    read: TestResult(scaled: UInt8(80 + (k * 7919) % 41)),
                    mat: TestResult(scaled: UInt8(80 + (k * 104_729) % 41)),
                    gps: TestResult(), writTA: [.WTS, .EXS, .GDS][k % 3]))
            ks1.append(
                KS1Record(line: 0, upn: u, read: levels[k % 5], writ: levels[(k / 5) % 5], mat: levels[(k / 25) % 5]))
        }
        let cohort = KS2Cohort(
            year: 2019, pupils: pupils, schools: (0..<97).map { SchoolInfo(id: String(100_000 + $0)) },
            localAuthorities: ["850", "936", "201"])
        func run(_ threads: Int) -> (ProgressComputation, Aggregation) {
            let r = computePupilProgress(
                cohort: cohort, ks1: ks1, ks1Index: (0..<40_000).map(Int32.init),
                methodology: methodologyForTests(2019), supplied: nil, threads: threads)
            let a = aggregate(
                cohort: cohort, table: r.table, sigma: r.estimates.national.map(\.sd),
                thresholds: nil,
                includeNational: true, laNames: [:], threads: threads)
            return (r, a)
        }
        let (r1, a1) = run(1)
        let (r8, a8) = run(8)
        #expect(r1.estimates == r8.estimates)
        #expect(a1.rows == a8.rows)
        #expect(a1.groups == a8.groups)
        #expect(a1.pupilOrder == a8.pupilOrder)
        // national mean unadjusted progress is 0 by construction
        let nat = a1.rows.last!
        for s in Subject.allCases { #expect(abs(nat[s].progressUnadjusted!) < 1e-9) }
    }
}
