import Foundation
import Testing

/// `targets` on the real binary: a synthetic current cohort against a synthetic national 2023 run,
/// every pupil's estimate, target and focus re-derived here from the files alone.
@Suite(.serialized) struct TargetsRunTests {
    /// Interim-framework KS1 points and the 2023 PAG lower bounds (methodology.md §2, §3).
    static let points: [String: Double] = [
        "GDS": 10, "EXS": 8, "WTS": 6, "PKF": 4, "PK4": 4, "PK3": 3.5, "PK2": 3,
        "PK1": 2.5, "BLW": 2, "P1I": 0.25, "P1II": 0.5, "P2I": 0.75, "P2II": 1,
        "P3I": 1.25, "P3II": 1.5, "P4": 1.75, "P5": 2, "P6": 2.25, "P7": 2.5, "P8": 2.75,
    ]
    static let bounds: [Double] = [0, 1, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7, 7.5, 8, 8.5, 9, 9.5, 10]
    static let writing: [String: Double] = [
        "GDS": 113, "EXS": 103, "WTS": 91, "PK6": 79, "PK5": 76, "PK4": 73,
        "PK3": 70, "PK2": 67, "PK1": 64, "BLW": 62, "P4": 61, "EM": 59,
    ]

    @Test func targetsFromANationalRunsFolder() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let national = dir.appendingPathComponent("n23")
        let estimates = dir.appendingPathComponent("e23")
        #expect(
            try Harness.run(["synth", "--schools", "60", "--year", "2023", "--seed", "1", "--out", national.path])
                .status == 0)
        let p = try Harness.run([
            "progress", "--ks2", national.path + "/ks2.csv", "--ks1", national.path + "/ks1.csv",
            "--year", "2023", "--out", estimates.path, "--no-xlsx",
        ])
        #expect(p.status == 0, "\(p.stderr)")
        let cohortDir = dir.appendingPathComponent("cc")
        let s = try Harness.run([
            "synth", "--current-cohort", "--schools", "200", "--la", "850", "--year", "2026",
            "--seed", "5", "--out", cohortDir.path,
        ])
        #expect(s.status == 0, "\(s.stderr)")
        let cohortFile = cohortDir.appendingPathComponent("current-cohort.csv")
        let out = dir.appendingPathComponent("targets")
        let r = try Harness.run([
            "targets", "--cohort", cohortFile.path, "--estimates", estimates.path,
            "--out", out.path, "--stretch", "1",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("estimates of KS2 2023"))

        // estimates.csv: (subject, pag) → estimate text
        var estimate: [String: String] = [:]
        for row in try Harness.csv(estimates.appendingPathComponent("estimates.csv")).dropFirst() {
            estimate["\(row[1])|\(row[2])"] = row[6]
        }
        let cohort = try Harness.read(cohortFile).split(separator: "\n").dropFirst().map(Harness.fields)
        let targets = try Harness.csv(out.appendingPathComponent("targets.csv"))
        #expect(
            targets[0].joined(separator: ",")
                == "urn,upn,ks1_aps,pag,excluded,estimates_year,read_estimate,read_target,read_predicted,read_predicted_progress,read_focus,writ_estimate,writ_target,writ_predicted,writ_predicted_progress,writ_focus,mat_estimate,mat_target,mat_predicted,mat_predicted_progress,mat_focus"
        )
        #expect(targets.count - 1 == cohort.count)
        let byUPN = Dictionary(uniqueKeysWithValues: targets.dropFirst().map { ($0[1], $0) })
        let keys = targets.dropFirst().map { $0[0] + "|" + $0[1] }
        #expect(keys == keys.sorted())
        var focus = 0
        var noKS1 = 0
        for c in cohort {
            let t = try #require(byUPN[c[0]])
            #expect(t[0] == c[1] && t[5] == "2023")
            let ks1 = [c[5], c[6], c[7]].map { $0.uppercased() }
            if ks1.allSatisfy(\.isEmpty) {
                #expect(t[4] == "no_ks1")
                noKS1 += 1
                continue
            }
            guard let r = Self.points[ks1[0]], let w = Self.points[ks1[1]], let m = Self.points[ks1[2]] else {
                #expect(t[4] == "ks1_incomplete")
                continue
            }
            let aps = (r + w + 2 * m) / 4
            let pag = Self.bounds.lastIndex { $0 <= aps }! + 1
            #expect(Double(t[2]) == aps && t[3] == String(pag) && t[4] == "")
            for (k, subject) in ["read", "writ", "mat"].enumerated() {
                let base = 6 + 5 * k
                let e = try #require(estimate["\(subject)|\(pag)"])
                #expect(t[base] == e)
                guard let ev = Double(e) else {
                    #expect(t[base + 1] == "")
                    continue
                }
                let predicted = c[8 + k].uppercased()
                if subject == "writ" {
                    let target =
                        ["WTS": 91.0, "EXS": 103, "GDS": 113].filter { $0.value >= ev }.min { $0.value < $1.value }?.key
                        ?? "GDS"
                    #expect(t[base + 1] == target)
                } else {
                    #expect(t[base + 1] == String(min(120, Int(ev.rounded(.up)) + 1)))
                }
                let score = subject == "writ" ? Self.writing[predicted] : Double(predicted)
                if let score {
                    #expect(t[base + 4] == (score < ev ? "Y" : "N"))
                    #expect(abs(Double(t[base + 3])! - (score - ev)) < 1e-9)
                    if score < ev { focus += 1 }
                } else {
                    #expect(t[base + 3] == "" && t[base + 4] == "")
                }
            }
        }
        #expect(focus > 0 && noKS1 > 0)

        let books = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("targets").path)
        #expect(books.count == Set(cohort.map { $0[1] }).count)
        #expect(books.allSatisfy { $0.hasSuffix(".xlsx") && cohort.map { $0[1] }.contains(String($0.prefix(6))) })
        let run =
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("run.json")))
            as! [String: Any]
        let parameters = run["parameters"] as! [String: Any]
        #expect(parameters["estimates_year"] as? Int == 2023 && parameters["stretch"] as? Int == 1)
        let rows = (run["rows"] as! [String: [String: Any]])["targets_cohort"]!
        #expect(rows["read"] as? Int == cohort.count && rows["accepted"] as? Int == cohort.count)

        // a pipeline declaring targets, without workbooks
        let yml = dir.appendingPathComponent("t.yml")
        try Harness.write(
            "output: \(dir.path)/pipe\nxlsx: false\ntargets:\n  cohort: \(cohortFile.path)\n  estimates: \(estimates.path)\n  stretch: 1\n",
            to: yml)
        let pr = try Harness.run(["run", yml.path])
        #expect(pr.status == 0, "\(pr.stderr)")
        #expect(
            try Harness.read(dir.appendingPathComponent("pipe/targets.csv"))
                == Harness.read(out.appendingPathComponent("targets.csv")))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("pipe/targets").path))
    }

    @Test func badStretchIsUsageAndMissingEstimatesFail() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Harness.run([
            "targets", "--cohort", "Data/sample/current-cohort.csv", "--estimates", dir.path,
            "--out", dir.appendingPathComponent("o").path, "--stretch", "41",
        ])
        #expect(r.status == 2)
        let m = try Harness.run([
            "targets", "--cohort", "Data/sample/current-cohort.csv", "--estimates",
            dir.appendingPathComponent("none").path, "--out", dir.appendingPathComponent("o").path,
        ])
        #expect(m.status == 1)
        #expect(m.stderr.contains("none"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("o").path))
    }
}
