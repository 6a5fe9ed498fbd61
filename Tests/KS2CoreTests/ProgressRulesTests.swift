import Testing

@testable import KS2Core

/// A small made-up nominal table: the rules are tested here, the real tables by year in
/// MethodologyFileTests (which load Data/methodology).
private let table = CodeScoreTable([.PK6: 79, .BLW: 62, .P4: 61, .P1i: 59])
private let writing = CodeScoreTable([.GDS: 113, .EXS: 103, .WTS: 91])

private func test(_ r: TestResult, n: Double? = 79) -> ScoreForProgress {
    testScoreForProgress(r, nominalScores: table, nominalForNoScaledScore: n)
}

private func writ(_ ta: Code) -> ScoreForProgress {
    writingScoreForProgress(ta, writingTAPoints: writing, nominalScores: table)
}

@Suite struct ProgressRulesTests {
    @Test func scaledScoreWins() {
        #expect(test(TestResult(scaled: 105)) == .scored(105, .scaled))
        // a scaled score makes any code but J irrelevant
        #expect(test(TestResult(scaled: 80, code: .A)) == .scored(80, .scaled))
        #expect(test(TestResult(scaled: 120, code: .NS)) == .scored(120, .scaled))
        #expect(test(TestResult(scaled: 99, code: .AS)) == .scored(99, .scaled))
        #expect(test(TestResult(scaled: 99, code: .B, ta: .PK6)) == .scored(99, .scaled))
    }

    @Test func discountedEvenWithScore() {
        #expect(test(TestResult(scaled: 112, code: .J)) == .excluded(.discounted))
        #expect(test(TestResult(code: .J)) == .excluded(.discounted))
        #expect(ExclusionReason.discounted.name == "J")
        #expect(isDiscounted(TestResult(scaled: 112, code: .J)))
        #expect(!isDiscounted(TestResult(scaled: 112, code: .A)))
    }

    @Test func noScaledScore() {
        #expect(test(TestResult(code: .N)) == .scored(79, .nominal))
        #expect(test(TestResult(code: .NS)) == .scored(79, .nominal))
        // 2016 and before: excluded, the code as reason
        #expect(test(TestResult(code: .N), n: nil) == .excluded(.code(.N)))
        #expect(test(TestResult(code: .NS), n: nil) == .excluded(.code(.NS)))
        #expect(ExclusionReason.code(.NS).name == "NS")
    }

    @Test func belowTheTest() {
        #expect(test(TestResult(code: .B, ta: .PK6)) == .scored(79, .nominal))
        #expect(test(TestResult(code: .B, ta: .P1i)) == .scored(59, .nominal))
        #expect(test(TestResult(code: .B, ta: .BLW)) == .scored(62, .nominal))
        // a TA with no nominal score, or none at all: reason B
        #expect(test(TestResult(code: .B, ta: .GDS)) == .excluded(.code(.B)))
        #expect(test(TestResult(code: .B, ta: .P8)) == .excluded(.code(.B)))
        #expect(test(TestResult(code: .B)) == .excluded(.code(.B)))
        #expect(ExclusionReason.code(.B).name == "B")
        // a TA alone (no B) gives nothing: blank
        #expect(test(TestResult(ta: .PK6)) == .excluded(.blank))
    }

    @Test func everyOtherCodeIsItsReason() {
        let codes: [Code] = [.A, .T, .U, .H, .Q, .F, .P, .D, .M, .L, .X, .AS]
        for c in codes {
            #expect(test(TestResult(code: c, ta: .PK6)) == .excluded(.code(c)))
        }
        #expect(
            codes.map { ExclusionReason.code($0).name } == [
                "A", "T", "U", "H", "Q", "F", "P", "D", "M", "L", "X", "AS",
            ])
        #expect(test(TestResult()) == .excluded(.blank))
        #expect(ExclusionReason.blank.name == "blank")
    }

    @Test func writingScores() {
        #expect(writ(.GDS) == .scored(113, .ta))
        #expect(writ(.EXS) == .scored(103, .ta))
        #expect(writ(.WTS) == .scored(91, .ta))
        #expect(writ(.PK6) == .scored(79, .nominal))
        #expect(writ(.P4) == .scored(61, .nominal))
        #expect(writ(.HNM) == .excluded(.code(.HNM)))
        #expect(writ(.PK5) == .excluded(.code(.PK5)))
        #expect(writ(.A) == .excluded(.code(.A)))
        #expect(writ(.P1ii) == .excluded(.code(.P1ii)))
        #expect(writ(.J) == .excluded(.discounted))
        #expect(writ(.none) == .excluded(.blank))
        #expect(ExclusionReason.code(.HNM).name == "HNM")
        #expect(ExclusionReason.code(.P1ii).name == "P1II")
        #expect(isDiscounted(writingTA: .J) && !isDiscounted(writingTA: .HNM))
    }

    @Test func sourceNames() {
        #expect([ScoreSource.scaled, .ta, .nominal, .none].map(\.name) == ["scaled", "ta", "nominal", "none"])
    }

    @Test func exclusionPrecedence() {
        let valid = PriorAttainment(aps: 15, reason: nil)
        let noKS1 = PriorAttainment(record: nil)
        let incomplete = PriorAttainment(read: .A, writ: .level2B, mat: .level2B)
        let discounted = test(TestResult(scaled: 110, code: .J))
        let absent = test(TestResult(code: .A))
        let scaled = test(TestResult(scaled: 101))
        // J first, whatever the KS1 record
        #expect(progressExclusion(score: discounted, prior: noKS1) == .discounted)
        #expect(progressExclusion(score: discounted, prior: incomplete) == .discounted)
        #expect(progressExclusion(score: writ(.J), prior: noKS1) == .discounted)
        // then no_ks1 / ks1_incomplete, also over the result's own reason and over a score
        #expect(progressExclusion(score: absent, prior: noKS1) == .noKS1)
        #expect(progressExclusion(score: scaled, prior: noKS1) == .noKS1)
        #expect(progressExclusion(score: test(TestResult()), prior: incomplete) == .ks1Incomplete)
        #expect(progressExclusion(score: writ(.HNM), prior: incomplete) == .ks1Incomplete)
        // then the result's own reason
        #expect(progressExclusion(score: absent, prior: valid) == .code(.A))
        #expect(progressExclusion(score: test(TestResult(code: .B, ta: .GDS)), prior: valid) == .code(.B))
        #expect(progressExclusion(score: test(TestResult()), prior: valid) == .blank)
        // in the measure
        #expect(progressExclusion(score: scaled, prior: valid) == nil)
        #expect(progressExclusion(score: writ(.WTS), prior: valid) == nil)
    }
}
