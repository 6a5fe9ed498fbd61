import Foundation
import Testing

/// `track` on the real binary with the bundled demo files: every pupil's predicted progress, on
/// track and focus re-derived here from targets.csv and the tracking file alone, the project means
/// from track_pupils.csv; rejects and a pipeline's `tracking:` block on a hand-made file.
@Suite(.serialized) struct TrackRunTests {
    static let cohort = "Data/sample/current-cohort.csv"
    static let estimates = "Data/sample/national-2023"
    static let tracking = "Data/sample/tracking.csv"
    static let writing: [String: Double] = [
        "GDS": 113, "EXS": 103, "WTS": 91, "PK6": 79, "PK5": 76, "PK4": 73,
        "PK3": 70, "PK2": 67, "PK1": 64, "BLW": 62, "P4": 61, "EM": 59,
    ]

    @Test func demoFilesRederived() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("track")
        let targetsOut = dir.appendingPathComponent("targets")
        let r = try Harness.run([
            "track", "--cohort", Self.cohort, "--estimates", Self.estimates, "--tracking", Self.tracking,
            "--cohorts", "Data/sample/tracking-cohorts.csv", "--out", out.path,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("focus pupils predicted on track"))
        let t = try Harness.run([
            "targets", "--cohort", Self.cohort, "--estimates", Self.estimates, "--out", targetsOut.path,
            "--no-xlsx",
        ])
        #expect(t.status == 0)

        // targets.csv: upn → row; tracking.csv: upn|window → row
        var targets: [String: [String]] = [:]
        for row in try Harness.csv(targetsOut.appendingPathComponent("targets.csv")).dropFirst() {
            targets[row[1]] = row
        }
        var predictions: [String: [String]] = [:]
        let trackingRows = try Harness.csv(Harness.repoRoot.appendingPathComponent(Self.tracking)).dropFirst()
        for row in trackingRows { predictions["\(row[1])|\(row[2])"] = row }
        let windows = ["oct", "jan", "mar", "jul"]
        let pupils = try Harness.csv(out.appendingPathComponent("track_pupils.csv"))
        #expect(
            pupils[0].joined(separator: ",")
                == "urn,upn,subject,estimate,target,focus,oct_predicted,oct_progress,oct_on_track,jan_predicted,jan_progress,jan_on_track,mar_predicted,mar_progress,mar_on_track,jul_predicted,jul_progress,jul_on_track"
        )
        var expectedRows = 0
        for row in targets.values {
            for k in 0..<3 where !row[6 + 5 * k].isEmpty { expectedRows += 1 }
        }
        #expect(pupils.count - 1 == expectedRows)
        var sums: [String: (Double, Int)] = [:]
        var focusSeen = 0
        for p in pupils.dropFirst() {
            let k = ["read", "writ", "mat"].firstIndex(of: p[2])!
            let target = try #require(targets[p[1]])
            #expect(p[0] == target[0] && p[3] == target[6 + 5 * k] && p[4] == target[7 + 5 * k])
            let estimate = Double(p[3])!
            let targetScore = k == 1 ? Self.writing[p[4]]! : Double(p[4])!
            var focus = ""
            for (w, name) in windows.enumerated() {
                let cells = Array(p[(6 + 3 * w)...(8 + 3 * w)])
                let given = predictions["\(p[1])|\(name)"]?[3 + k] ?? ""
                #expect(cells[0] == given)
                let score = k == 1 ? Self.writing[given] : Double(given)
                guard let score else {
                    #expect(cells[1] == "" && cells[2] == "")
                    continue
                }
                #expect(abs(Double(cells[1])! - (score - estimate)) < 1e-9)
                #expect(cells[2] == (score >= targetScore ? "Y" : "N"))
                if focus.isEmpty { focus = score < estimate ? "Y" : "N" }
                sums["\(p[2])|\(name)", default: (0, 0)].0 += score - estimate
                sums["\(p[2])|\(name)", default: (0, 0)].1 += 1
            }
            #expect(p[5] == focus)
            if focus == "Y" { focusSeen += 1 }
        }
        #expect(focusSeen > 0)

        // the project rows: pupils and mean predicted progress from track_pupils.csv
        let schools = try Harness.csv(out.appendingPathComponent("track_schools.csv"))
        #expect(
            schools[0].joined(separator: ",")
                == "level,id,name,subject,window,pupils,predicted_progress,lower,upper,status,focus,focus_on_track,movement"
        )
        let project = schools.filter { $0[0] == "project" }
        #expect(project.count == 12)
        for row in project {
            let (sum, n) = try #require(sums["\(row[3])|\(row[4])"])
            #expect(row[5] == String(n))
            #expect(abs(Double(row[6])! - sum / Double(n)) < 1e-9)
            #expect(row[9] == "ok" && (row[4] == "oct") == row[12].isEmpty)
        }
        #expect(Set(schools.filter { $0[0] == "cohort" }.map { $0[1] }) == ["Cohort 2024", "Cohort 2025"])
        #expect(try Harness.read(out.appendingPathComponent("rejects.csv")) == "file,line,upn,reason,detail\n")
        let books = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("tracking").path)
        #expect(books.count == Set(targets.values.map { $0[0] }).count)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("tracking.xlsx").path))
        let run =
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("run.json")))
            as! [String: Any]
        let rows = (run["rows"] as! [String: [String: Any]])["tracking"]!
        #expect(rows["read"] as? Int == trackingRows.count && rows["accepted"] as? Int == trackingRows.count)
    }

    @Test func synthTrackingMakesTheBundledFile() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Harness.run([
            "synth-tracking", "--cohort", Self.cohort, "--estimates", Self.estimates, "--seed", "1",
            "--out", dir.path,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let made = try Harness.read(dir.appendingPathComponent("tracking.csv"))
        #expect(made == (try Harness.read(Harness.repoRoot.appendingPathComponent(Self.tracking))))
    }

    @Test func rejectsAndAPipelineTrackingBlock() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cohort = try Harness.read(Harness.repoRoot.appendingPathComponent(Self.cohort)).split(separator: "\n")
            .dropFirst().prefix(2).map(Harness.fields)
        let (a, b) = (cohort[0], cohort[1])
        let file = dir.appendingPathComponent("tracking.csv")
        try Harness.write(
            """
            urn,upn,window,read_predicted,writ_predicted,mat_predicted
            \(a[1]),\(a[0]),oct,100,EXS,101
            \(a[1]),Y936200419001,oct,100,EXS,101
            \(a[1]),\(a[0]),feb,100,EXS,101
            \(a[1]),\(b[0]),jan,100,EXS,101
            \(a[1]),\(b[0]),jan,104,EXS,101

            """, to: file)
        let root = Harness.repoRoot.path
        let yml = dir.appendingPathComponent("t.yml")
        try Harness.write(
            """
            output: \(dir.path)/pipe
            xlsx: false
            tracking:
              cohort: \(root)/\(Self.cohort)
              estimates: \(root)/\(Self.estimates)
              tracking: \(file.path)
              windows: [oct, jan]

            """, to: yml)
        let r = try Harness.run(["run", yml.path])
        #expect(r.status == 0, "\(r.stderr)")
        let rejects = try Harness.csv(dir.appendingPathComponent("pipe/rejects.csv")).dropFirst()
        #expect(
            rejects.map { "\($0[1]):\($0[3])" } == [
                "3:unknown_pupil", "4:unknown_window", "5:repeated_window",
                "6:repeated_window",
            ])
        #expect(rejects.allSatisfy { $0[0] == "tracking.csv" })
        let pupils = try Harness.csv(dir.appendingPathComponent("pipe/track_pupils.csv"))
        #expect(
            pupils[0].suffix(6) == [
                "oct_predicted", "oct_progress", "oct_on_track", "jan_predicted", "jan_progress", "jan_on_track",
            ])
        let aRead = try #require(pupils.first { $0[1] == a[0] && $0[2] == "read" })
        #expect(aRead[6] == "100" && aRead[9] == "")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("pipe/tracking.xlsx").path))

        // a window named twice fails the run and leaves no output folder
        let twice = try Harness.run([
            "track", "--cohort", Self.cohort, "--estimates", Self.estimates, "--tracking", file.path,
            "--windows", "oct,OCT", "--out", dir.appendingPathComponent("o").path,
        ])
        #expect(twice.status == 1 && twice.stderr.contains("named twice"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("o").path))
    }
}
