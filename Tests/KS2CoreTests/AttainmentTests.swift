import Testing

@testable import KS2Core

@Suite struct AttainmentTests {
    /// Five pupils, hand-worked: J in reading (p2), writing (p3) and GPS (p4).
    func pupils() throws -> [KS2Pupil] {
        let check = try #require(UPN.checkLetter(forBody: "123456789012"))
        let upn = try #require(UPN("\(check)123456789012"))
        func p(_ read: TestResult, _ writ: Code, _ mat: TestResult, _ gps: TestResult) -> KS2Pupil {
            KS2Pupil(line: 2, upn: upn, school: 0, read: read, mat: mat, gps: gps, writTA: writ)
        }
        return [
            p(TestResult(scaled: 100), .EXS, TestResult(scaled: 110), TestResult(scaled: 109)),
            p(TestResult(scaled: 112, code: .J), .GDS, TestResult(scaled: 115), TestResult(scaled: 100)),
            p(TestResult(scaled: 99), .J, TestResult(scaled: 95), TestResult(scaled: 90)),
            p(TestResult(scaled: 110), .GDS, TestResult(scaled: 110), TestResult(code: .J)),
            p(TestResult(code: .B, ta: .PK6), .PK6, TestResult(code: .A), TestResult()),
        ]
    }

    @Test func perPupilFlags() throws {
        let a = try pupils().map(PupilAttainment.init)
        let s = { (e: Bool, h: Bool) in StandardReached(expected: e, high: h) }
        #expect(
            a[0]
                == PupilAttainment(
                    read: s(true, false), writ: s(true, false), mat: s(true, true),
                    gps: s(true, false), rwm: s(true, false)))
        #expect(
            a[1]
                == PupilAttainment(
                    read: nil, writ: s(true, true), mat: s(true, true),
                    gps: s(true, false), rwm: nil))
        #expect(
            a[2]
                == PupilAttainment(
                    read: s(false, false), writ: nil, mat: s(false, false),
                    gps: s(false, false), rwm: nil))
        #expect(
            a[3]
                == PupilAttainment(
                    read: s(true, true), writ: s(true, true), mat: s(true, true),
                    gps: nil, rwm: s(true, true)))
        // a nominal score never reaches a standard
        #expect(
            a[4]
                == PupilAttainment(
                    read: s(false, false), writ: s(false, false), mat: s(false, false),
                    gps: s(false, false), rwm: s(false, false)))
    }

    @Test func denominatorsLeaveOutJ() throws {
        let a = try pupils().map(PupilAttainment.init)
        #expect(a.compactMap(\.read).count == 4)
        #expect(a.compactMap(\.writ).count == 4)
        #expect(a.compactMap(\.mat).count == 5)
        #expect(a.compactMap(\.gps).count == 4)
        #expect(a.compactMap(\.rwm).count == 3)
        // RWM expected: p1 and p4 of 3; high: p4 of 3
        #expect(a.compactMap(\.rwm).filter(\.expected).count == 2)
        #expect(a.compactMap(\.rwm).filter(\.high).count == 1)
        // reading expected 2 of 4 (p1 100, p4 110), high 1 of 4
        #expect(a.compactMap(\.read).filter(\.expected).count == 2)
        #expect(a.compactMap(\.read).filter(\.high).count == 1)
    }

    @Test func averageUsesActualScaledScoresOnly() throws {
        let read = try pupils().compactMap { actualScaledScore($0.read) }
        // 100, 99, 110 (the J pupil's 112 and the nominal pupil are out): mean 103
        #expect(read == [100, 99, 110])
        #expect(arithmeticMean(read.map(Double.init)) == 103)
        #expect(actualScaledScore(TestResult(scaled: 80, code: .A)) == 80)
    }
}
