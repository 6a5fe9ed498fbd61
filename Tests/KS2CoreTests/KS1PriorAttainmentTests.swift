import Testing

@testable import KS2Core

/// Levels-era and interim PAG lower bounds of methodology.md §3, written out as test data.
let levelsBounds: [Double] = [
    0, 1, 1.75, 2.5, 3, 5, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25.5,
]
let interimBounds: [Double] = [0, 1, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7, 7.5, 8, 8.5, 9, 9.5, 10]

@Suite struct KS1PriorAttainmentTests {
    @Test func levelsAPS() {
        // 2B 15, 2C 13, maths 3 = 21: (15 + 13 + 42) / 4 = 17.5
        #expect(ks1APS(read: .level2B, writ: .level2C, mat: .level3) == 17.5)
        // 3 21, 2A 17, 4+ 27: (21 + 17 + 54) / 4 = 23
        #expect(ks1APS(read: .level3, writ: .level2A, mat: .level4plus) == 23)
        // W 3, 1 9, 4 27: (3 + 9 + 54) / 4 = 16.5
        #expect(ks1APS(read: .levelW, writ: .level1, mat: .level4) == 16.5)
    }

    @Test func interimAPS() {
        // GDS 10, EXS 8, WTS 6: (10 + 8 + 12) / 4 = 7.5
        #expect(ks1APS(read: .GDS, writ: .EXS, mat: .WTS) == 7.5)
        // PKF 4, PK3 3.5, PK2 3: (4 + 3.5 + 6) / 4 = 3.375
        #expect(ks1APS(read: .PKF, writ: .PK3, mat: .PK2) == 3.375)
        // PK4 4, PK1 2.5, BLW 2: (4 + 2.5 + 4) / 4 = 2.625
        #expect(ks1APS(read: .PK4, writ: .PK1, mat: .BLW) == 2.625)
    }

    @Test func pScalesAndMixedFrameworks() {
        // P1i 0.25, P8 2.75, P4 1.75: (0.25 + 2.75 + 3.5) / 4 = 1.625
        #expect(ks1APS(read: .P1i, writ: .P8, mat: .P4) == 1.625)
        // P1ii 0.5, P2i 0.75, P2ii 1.0: (0.5 + 0.75 + 2) / 4 = 0.8125
        #expect(ks1APS(read: .P1ii, writ: .P2i, mat: .P2ii) == 0.8125)
        // P3i 1.25, P3ii 1.5, P5 2.0: (1.25 + 1.5 + 4) / 4 = 1.6875
        #expect(ks1APS(read: .P3i, writ: .P3ii, mat: .P5) == 1.6875)
        // P6 2.25, P7 2.5, maths W 3 (levels) with interim: (2.25 + 2.5 + 6) / 4 = 2.6875
        #expect(ks1APS(read: .P6, writ: .P7, mat: .levelW) == 2.6875)
        // the union applies: level 2B reading, interim EXS writing, 2A maths: (15 + 8 + 34) / 4 = 14.25
        #expect(ks1APS(read: .level2B, writ: .EXS, mat: .level2A) == 14.25)
    }

    @Test func invalidSubjectsGiveNoAPS() {
        for bad in [Code.A, .D, .M, .L, .X, .none, .HNM, .PK6, .T, .J] {
            #expect(ks1APS(read: bad, writ: .level2B, mat: .level2B) == nil)
            #expect(ks1APS(read: .level2B, writ: bad, mat: .level2B) == nil)
            #expect(ks1APS(read: .level2B, writ: .level2B, mat: bad) == nil)
        }
    }

    @Test func priorAttainmentReasons() throws {
        #expect(PriorAttainment(record: nil) == PriorAttainment(aps: nil, reason: .noKS1))
        let check = try #require(UPN.checkLetter(forBody: "123456789012"))
        let upn = try #require(UPN("\(check)123456789012"))
        let incomplete = KS1Record(line: 2, upn: upn, read: .level2B, writ: .A, mat: .level3)
        #expect(PriorAttainment(record: incomplete) == PriorAttainment(aps: nil, reason: .ks1Incomplete))
        let valid = KS1Record(line: 3, upn: upn, read: .level2B, writ: .level2C, mat: .level3)
        #expect(PriorAttainment(record: valid) == PriorAttainment(aps: 17.5, reason: nil))
        #expect(ExclusionReason.noKS1.name == "no_ks1")
        #expect(ExclusionReason.ks1Incomplete.name == "ks1_incomplete")
    }

    @Test func bandEdges() {
        #expect(KS1Band(aps: 0) == .low)
        #expect(KS1Band(aps: 11.75) == .low)
        #expect(KS1Band(aps: 12) == .middle)
        #expect(KS1Band(aps: 17.5) == .middle)
        #expect(KS1Band(aps: 18) == .high)
        #expect(KS1Band(aps: 27) == .high)
        #expect([KS1Band.low, .middle, .high].map(\.name) == ["L", "M", "H"])
    }

    @Test func everyLevelsPAGEdge() {
        #expect(levelsBounds.count == 24)
        for (i, b) in levelsBounds.enumerated() {
            // a value exactly on a bound belongs to the group the bound opens
            #expect(priorAttainmentGroup(aps: b, bounds: levelsBounds) == i + 1)
            if i > 0 { #expect(priorAttainmentGroup(aps: b.nextDown, bounds: levelsBounds) == i) }
        }
        #expect(priorAttainmentGroup(aps: 17.5, bounds: levelsBounds) == 16)  // [17, 18)
        #expect(priorAttainmentGroup(aps: 1.625, bounds: levelsBounds) == 2)  // [1, 1.75)
        #expect(priorAttainmentGroup(aps: 27, bounds: levelsBounds) == 24)  // [25.5, ∞)
    }

    @Test func everyInterimPAGEdge() {
        #expect(interimBounds.count == 19)
        for (i, b) in interimBounds.enumerated() {
            #expect(priorAttainmentGroup(aps: b, bounds: interimBounds) == i + 1)
            if i > 0 { #expect(priorAttainmentGroup(aps: b.nextDown, bounds: interimBounds) == i) }
        }
        #expect(priorAttainmentGroup(aps: 7.5, bounds: interimBounds) == 14)  // [7.5, 8)
        #expect(priorAttainmentGroup(aps: 2.625, bounds: interimBounds) == 4)  // [2.5, 3)
        #expect(priorAttainmentGroup(aps: 10, bounds: interimBounds) == 19)  // [10, ∞)
    }
}
