import Foundation
import KS2Core
import KS2Ingest
import TestSupport
import Testing

@testable import KS2Pipeline

// Hand-worked targets (formats.md targets.csv, methodology.md §2, §3, §9) for pupils of both KS1
// frameworks, against small estimate tables written out here.

private let dataDirectory: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.appendingPathComponent("Data/methodology").path
}()

private let levelsBounds: [Double] = [
    0, 1, 1.75, 2.5, 3, 5, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25.5,
]
private let interimBounds: [Double] = [0, 1, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7, 7.5, 8, 8.5, 9, 9.5, 10]

/// A valid UPN for LA 850, establishment 2000, year 16 and the given serial.
private func upn(_ serial: Int) -> String {
    let body = "850200016" + String(format: "%03d", serial)
    return String(UPN.checkLetter(forBody: body)!) + body
}

/// An estimates table whose listed PAGs have the given estimates (read, writ, mat) and whose
/// other PAGs have none.
private func table(year: Int, bounds: [Double], _ estimates: [Int: (Double, Double, Double)]) -> EstimateTable {
    var pags = PerSubject<[PAGEstimate]>(repeating: [])
    for (k, lower) in bounds.enumerated() {
        let e = estimates[k + 1]
        let values = [e?.0, e?.1, e?.2]
        for subject in Subject.allCases {
            let s = subject.rawValue
            pags[subject].append(
                PAGEstimate(
                    pag: k + 1, lower: lower, upper: k + 1 < bounds.count ? bounds[k + 1] : nil,
                    pupils: values[s] == nil ? 0 : 100, estimate: values[s], sd: nil, cap: nil))
        }
    }
    let national = PerSubject<NationalFigures> { subject in
        NationalFigures(subject: subject, pupils: 100, sd: 6, capZ: nil, p10: nil, p90: nil)
    }
    return EstimateTable(year: year, pags: pags, national: national)
}

private func cohortText(_ header: String, _ rows: [String]) -> DelimitedText {
    let split = { (line: String) in
        line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    }
    return DelimitedText(
        file: "/tmp/cohort.csv", header: split(header), rows: rows.map(split),
        lines: rows.indices.map { $0 + 2 })
}

private let header = "upn,urn,school_name,ks1_read,ks1_writ,ks1_mat,read_predicted,writ_predicted,mat_predicted"

@Suite struct TargetsTests {
    let levels = try! loadMethodology(year: 2019, directory: dataDirectory)
    let interim = try! loadMethodology(year: 2023, directory: dataDirectory)

    @Test func aCohortFileColumnOfItsOwnIsReportedNotRead() throws {
        let t = table(year: 2019, bounds: levelsBounds, [17: (104.3, 101.2, 105.0)])
        let text = cohortText(header + ",Class", ["\(upn(1)),100001,Oak School,2B,2A,3,104,wts,105,6B"])
        let c = try computeTargets(text, table: t, methodology: levels, stretch: 0)
        #expect(c.targets.count == 1)
        #expect(c.columns.notRead == ["Class"])
        #expect(
            try computeTargets(
                cohortText(header, ["\(upn(1)),100001,Oak School,2B,2A,3,104,wts,105"]),
                table: t, methodology: levels, stretch: 0
            ).columns.notRead.isEmpty)
    }

    @Test func levelsPupilsEstimatesTargetsAndFocus() throws {
        // 2B, 2A, 3: (15 + 17 + 2·21) / 4 = 18.5, in [18, 19) = PAG 17 of 24.
        // P7, W, P8 (a P-scale pupil): (2.5 + 3 + 2·2.75) / 4 = 2.75, in [2.5, 3) = PAG 4.
        let t = table(year: 2019, bounds: levelsBounds, [17: (104.3, 101.2, 105.0), 4: (72.4, 63.5, 70.9)])
        let text = cohortText(
            header,
            [
                "\(upn(1)),100001,Oak School,2B,2A,3,104,wts,105",
                "\(upn(2)),100001,Oak School,P7,W,P8,,PK2,80",
            ])
        let c = try computeTargets(text, table: t, methodology: levels, stretch: 0)
        #expect(c.rejects.isEmpty)
        #expect(c.targets.count == 2)
        let a = try #require(c.targets.first { $0.upn == upn(1) })
        #expect(a.ks1APS == 18.5)
        #expect(a.pag == 17)
        #expect(a.excluded == "")
        #expect(a.estimatesYear == 2019)
        #expect(a.estimate == PerSubject(read: 104.3, writ: 101.2, mat: 105.0))
        // ⌈104.3⌉ = 105; writing: WTS 91 < 101.2 ≤ EXS 103; ⌈105.0⌉ = 105
        #expect(a.target == PerSubject(read: "105", writ: "EXS", mat: "105"))
        #expect(a.predicted == PerSubject(read: "104", writ: "WTS", mat: "105"))
        // 104 − 104.3; WTS 91 − 101.2; 105 − 105 = 0 (not below: on track)
        #expect(abs(a.predictedProgress.read! - (-0.3)) < 1e-9)
        #expect(abs(a.predictedProgress.writ! - (-10.2)) < 1e-9)
        #expect(a.predictedProgress.mat == 0)
        #expect(a.focus == PerSubject(read: "Y", writ: "Y", mat: "N"))

        let p = try #require(c.targets.first { $0.upn == upn(2) })
        #expect(p.ks1APS == 2.75)
        #expect(p.pag == 4)
        #expect(p.target == PerSubject(read: "73", writ: "WTS", mat: "71"))
        // writing PK2 scores its 2019 nominal 67: 67 − 63.5 = 3.5; maths 80 − 70.9 = 9.1
        #expect(p.predicted == PerSubject(read: "", writ: "PK2", mat: "80"))
        #expect(p.predictedProgress.read == nil)
        #expect(p.predictedProgress.writ == 3.5)
        #expect(abs(p.predictedProgress.mat! - 9.1) < 1e-9)
        #expect(p.focus == PerSubject(read: "", writ: "N", mat: "N"))
        #expect(c.frameworkMismatches == 0)
    }

    @Test func interimPupilsEstimatesTargetsAndFocus() throws {
        // EXS, WTS, GDS: (8 + 6 + 2·10) / 4 = 8.5, in [8.5, 9) = PAG 16 of 19 (on a bound: the higher group).
        // PK2, BLW, P5: (3 + 2 + 2·2) / 4 = 2.25, in [2, 2.5) = PAG 3.
        let t = table(year: 2023, bounds: interimBounds, [16: (106.02, 104.5, 107.9), 3: (76.0, 70.25, 74.5)])
        let text = cohortText(
            header,
            [
                "\(upn(3)),100002,Elm School,exs,WTS,GDS,106,GDS,107",
                "\(upn(4)),100002,Elm School,PK2,BLW,P5,80,PK1,80",
            ])
        let c = try computeTargets(text, table: t, methodology: interim, stretch: 0)
        let a = try #require(c.targets.first { $0.upn == upn(3) })
        #expect(a.ks1APS == 8.5)
        #expect(a.pag == 16)
        #expect(a.estimatesYear == 2023)
        // ⌈106.02⌉ = 107; writing 104.5 > EXS 103, ≤ GDS 113; ⌈107.9⌉ = 108
        #expect(a.target == PerSubject(read: "107", writ: "GDS", mat: "108"))
        #expect(abs(a.predictedProgress.read! - (-0.02)) < 1e-9)
        #expect(a.predictedProgress.writ == 113 - 104.5)
        #expect(abs(a.predictedProgress.mat! - (-0.9)) < 1e-9)
        #expect(a.focus == PerSubject(read: "Y", writ: "N", mat: "Y"))
        #expect(c.rejects.isEmpty, "\(c.rejects)")
        let b = try #require(c.targets.first { $0.upn == upn(4) })
        #expect(b.ks1APS == 2.25)
        #expect(b.pag == 3)
        #expect(b.target == PerSubject(read: "76", writ: "WTS", mat: "75"))
        // PK1 in writing scores 64 (2019-on nominal): 64 − 70.25 = −6.25
        #expect(b.predictedProgress == PerSubject(read: 4, writ: -6.25, mat: 5.5))  // 80 − 76, 64 − 70.25, 80 − 74.5
        #expect(b.focus == PerSubject(read: "N", writ: "Y", mat: "N"))
    }

    @Test func pupilsWithoutPriorAttainmentAreListedWithTheirReason() throws {
        let t = table(year: 2023, bounds: interimBounds, [15: (103, 101, 104)])
        let text = cohortText(
            header,
            [
                "\(upn(5)),100003,,,,,100,EXS,101",  // no KS1 record at all
                "\(upn(6)),100003,,EXS,A,EXS,,,",  // writing absent at KS1
                "\(upn(7)),100003,,EXS,EXS,EXS,,,",  // 8 → PAG 15
            ])
        let c = try computeTargets(text, table: t, methodology: interim, stretch: 0)
        #expect(c.targets.map(\.upn) == [upn(5), upn(6), upn(7)].sorted())
        let none = try #require(c.targets.first { $0.upn == upn(5) })
        #expect(none.excluded == "no_ks1")
        #expect(none.ks1APS == nil && none.pag == nil)
        #expect(none.estimate == PerSubject(read: nil, writ: nil, mat: nil))
        #expect(none.target == PerSubject(read: "", writ: "", mat: ""))
        // shown, but no progress without an estimate
        #expect(none.predicted == PerSubject(read: "100", writ: "EXS", mat: "101"))
        #expect(none.focus == PerSubject(read: "", writ: "", mat: ""))
        let incomplete = try #require(c.targets.first { $0.upn == upn(6) })
        #expect(incomplete.excluded == "ks1_incomplete")
        #expect(incomplete.estimate == PerSubject(read: nil, writ: nil, mat: nil))
        let ok = try #require(c.targets.first { $0.upn == upn(7) })
        #expect(ok.excluded == "" && ok.pag == 15 && ok.focus == PerSubject(read: "", writ: "", mat: ""))
    }

    @Test func stretchAndTheCapAt120() throws {
        #expect(testTarget(estimate: 104.3, stretch: 0) == 105)
        #expect(testTarget(estimate: 105, stretch: 0) == 105)
        #expect(testTarget(estimate: 104.3, stretch: 3) == 108)
        #expect(testTarget(estimate: 117.0, stretch: 3) == 120)
        #expect(testTarget(estimate: 118.2, stretch: 2) == 120)  // 119 + 2 capped
        #expect(testTarget(estimate: 119.5, stretch: 0) == 120)
        let t = table(year: 2023, bounds: interimBounds, [19: (116.4, 112.0, 118.6)])
        let text = cohortText(header, ["\(upn(8)),100004,,GDS,GDS,GDS,117,EXS,120"])
        let c = try computeTargets(text, table: t, methodology: interim, stretch: 3)
        // ⌈116.4⌉ + 3 = 120; ⌈118.6⌉ + 3 = 122 → 120; writing has no stretch: 112 → GDS
        #expect(c.targets[0].target == PerSubject(read: "120", writ: "GDS", mat: "120"))
        // focus compares the prediction with the estimate, not the stretched target
        #expect(c.targets[0].focus == PerSubject(read: "N", writ: "Y", mat: "N"))
    }

    @Test func writingTargetAtItsEdges() {
        let points = interim.writingTAPoints
        #expect(writingTarget(estimate: 60, points: points) == .WTS)
        #expect(writingTarget(estimate: 91, points: points) == .WTS)
        #expect(writingTarget(estimate: 91.0001, points: points) == .EXS)
        #expect(writingTarget(estimate: 103, points: points) == .EXS)
        #expect(writingTarget(estimate: 103.01, points: points) == .GDS)
        #expect(writingTarget(estimate: 113, points: points) == .GDS)
        #expect(writingTarget(estimate: 114, points: points) == .GDS)  // none reaches it
    }

    @Test func rejectsOfTheCohortFileInFormatsOrder() throws {
        let t = table(year: 2023, bounds: interimBounds, [15: (103, 101, 104)])
        let text = cohortText(
            header,
            [
                "\(upn(10)),100005,,EXS,EXS,EXS,,",  // 2: 8 fields
                "A12345678901X,100005,,EXS,EXS,EXS,,,",  // 3: bad UPN
                "\(upn(11)),,,EXS,EXS,EXS,,,",  // 4: no school
                "\(upn(12)),100005,,EXS,EXS,T,121,,abc",  // 5: bad_score before out of range and KS1 T
                "\(upn(13)),100005,,EXS,EXS,T,121,,",  // 6: out of range before unknown code
                "\(upn(14)),100005,,EXS,EXS,T,,,",  // 7: T is no KS1 outcome
                "\(upn(15)),100005,,EXS,EXS,EXS,,2B,",  // 8: a KS1 level is no writing TA
                "\(upn(16)),100005,,EXS,EXS,EXS,B,HNM,",  // 9: codes: accepted, no score
                "\(upn(17)),100005,,EXS,EXS,EXS,100,,",  // 10
                "\(upn(17)),100005,,EXS,EXS,EXS,100,,",  // 11: copy → duplicate_row
                "\(upn(18)),100005,,EXS,EXS,EXS,100,,",  // 12
                "\(upn(18)),100005,,EXS,EXS,EXS,101,,",  // 13: differs → both duplicate_upn
            ])
        let c = try computeTargets(text, table: t, methodology: interim, stretch: 0)
        #expect(c.rejects.map(\.line) == [2, 3, 4, 5, 6, 7, 8, 11, 12, 13])
        #expect(
            c.rejects.map(\.reason) == [
                .wrongFieldCount, .invalidUPN, .missingSchool, .badScore, .scoreOutOfRange,
                .unknownCode, .unknownCode, .duplicateRow, .duplicateUPN, .duplicateUPN,
            ])
        #expect(c.rejects.allSatisfy { $0.file == "cohort.csv" })
        #expect(c.targets.map(\.upn) == [upn(16), upn(17)].sorted())
        let coded = try #require(c.targets.first { $0.upn == upn(16) })
        #expect(coded.predicted == PerSubject(read: "B", writ: "HNM", mat: ""))
        #expect(coded.predictedProgress == PerSubject(read: nil, writ: nil, mat: nil))
        #expect(coded.focus == PerSubject(read: "", writ: "", mat: ""))
        #expect(c.account.read == 12 && c.account.accepted == 2 && c.account.rejected == 10)
        #expect(c.account.rejectedByReason[.duplicateUPN] == 2)
    }

    @Test func sortedBySchoolThenUPNWithAliasesAndNames() throws {
        let t = table(year: 2023, bounds: interimBounds, [15: (103, 101, 104)])
        let text = cohortText(
            "UPN,School URN,School,Legal surname,Forename,KS1 Reading,KS1 Writing,KS1 Maths",
            [
                "\(upn(21)),200002,Beech,Khan,Aisha,EXS,EXS,EXS",
                "\(upn(20)),200002,Beech,Lee,Max,EXS,EXS,EXS",
                "\(upn(22)),100009,Ash,Ali,Zara,EXS,EXS,EXS",
            ])
        let c = try computeTargets(text, table: t, methodology: interim, stretch: 0)
        #expect(c.targets.map(\.urn) == ["100009", "200002", "200002"])
        #expect(c.targets.map(\.upn) == [upn(22)] + [upn(20), upn(21)].sorted())
        #expect(c.schoolNames == ["200002": "Beech", "100009": "Ash"])
        #expect(c.names[upn(20)] == PupilName(forename: "Max", surname: "Lee"))
        let books = targetWorkbookData(c, stretch: 0)
        #expect(books.map(\.urn) == ["100009", "200002"])
        #expect(books[1].pupils.map(\.row.upn) == [upn(20), upn(21)].sorted())
    }

    @Test func levelsPupilsAgainstInterimEstimatesAreCounted() throws {
        let t = table(year: 2023, bounds: interimBounds, [19: (110, 110, 110), 15: (103, 101, 104)])
        let text = cohortText(
            header,
            [
                "\(upn(30)),100001,,2B,2B,2B,,,",  // levels outcomes: 15 → the interim table's top PAG
                "\(upn(31)),100001,,EXS,EXS,EXS,,,",
                "\(upn(32)),100001,,P5,P5,P5,,,",  // P-scales belong to both frameworks
            ])
        let c = try computeTargets(text, table: t, methodology: interim, stretch: 0)
        #expect(c.frameworkMismatches == 1)
        #expect(c.estimatesFramework == .interim)
    }

    @Test func missingColumnAndHeaderOnlyStopTheRun() {
        let t = table(year: 2023, bounds: interimBounds, [:])
        #expect(throws: InputError.self) {
            try computeTargets(
                cohortText("upn,urn,ks1_read,ks1_writ", ["\(upn(1)),1,EXS,EXS"]), table: t,
                methodology: interim, stretch: 0)
        }
        #expect(throws: InputError.self) {
            try computeTargets(cohortText(header, []), table: t, methodology: interim, stretch: 0)
        }
    }

    @Test func latestYearOfAnEstimatesFolder() throws {
        let dir = try temporaryFolder("ks2targets").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var est = "year,subject,pag,lower,upper,pupils,estimate,sd,cap\n"
        var nat = "year,subject,pupils,sd,cap_z,p10,p90\n"
        for (year, e) in [(2022, 100.0), (2023, 101.5)] {
            for s in ["read", "writ", "mat"] {
                est += "\(year),\(s),1,0,10,5,\(e - 10),1,\n\(year),\(s),2,10,,5,\(e),1,\n"
                nat += "\(year),\(s),10,6,,,\n"
            }
        }
        try est.write(toFile: dir + "/estimates.csv", atomically: true, encoding: .utf8)
        try nat.write(toFile: dir + "/national.csv", atomically: true, encoding: .utf8)
        #expect(try latestEstimatesYear(dir) == 2023)
        #expect(try latestEstimatesYear(dir + "/estimates.csv") == 2023)
        let t = try readEstimateTables(dir, year: 2023)
        #expect(t.lowerBounds == [0, 10])
        #expect(t.pags.writ[1].estimate == 101.5)
        #expect(throws: PipelineError.self) { try latestEstimatesYear(dir + "/nothing") }
    }
}
