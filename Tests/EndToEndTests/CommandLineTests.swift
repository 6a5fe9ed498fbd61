import Foundation
import Testing

/// The command-line contract of formats.md: subcommands, help, exit statuses, messages.
@Suite struct CommandLineTests {
    @Test(arguments: ["run", "validate", "progress", "published", "targets", "synth"])
    func everySubcommandHasHelp(_ name: String) throws {
        let r = try Harness.run([name, "--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("USAGE"))
    }

    @Test func versionAndTopLevelHelp() throws {
        let v = try Harness.run(["--version"])
        #expect(v.status == 0)
        #expect(v.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
        let h = try Harness.run(["--help"])
        for name in ["run", "validate", "progress", "published", "targets", "synth"] {
            #expect(h.stdout.contains(name))
        }
    }

    @Test func badUsageExitsTwo() throws {
        #expect(try Harness.run(["progress", "--ks2", "x.csv"]).status == 2)
        #expect(try Harness.run(["frobnicate"]).status == 2)
        #expect(try Harness.run(["synth", "--schools", "0", "--year", "2019", "--out", "/tmp/x"]).status == 2)
    }

    @Test func failedRunExitsOneAndLeavesNothing() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Harness.write("upn,urn\nA123,100001\n", to: dir.appendingPathComponent("ks2.csv"))
        try Harness.write("upn,ks1_read,ks1_writ,ks1_mat\n", to: dir.appendingPathComponent("ks1.csv"))
        let out = dir.appendingPathComponent("out")
        let r = try Harness.run(
            [
                "progress", "--ks2", "ks2.csv", "--ks1", "ks1.csv", "--year", "2019",
                "--out", out.path, "--no-xlsx",
            ], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("ks2.csv:1:"))
        #expect(r.stderr.contains("writ_ta"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".out") }
        #expect(leftovers.isEmpty)
    }

    /// A KS2 file whose every row is rejected measures nothing: the run fails (exit 1) and says why,
    /// reasons counted and the first reject shown, rather than writing empty tables and exiting 0.
    @Test func aKS2FileWithNoAcceptedRowFailsAndSaysWhy() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ks2 = try Harness.read(Harness.repoRoot.appendingPathComponent("Data/sample/ks2-2019.csv"))
        var lines = ks2.split(separator: "\n", omittingEmptySubsequences: false).prefix(6).map(String.init)
        // a UPN cut to twelve characters on three rows, the year changed on the other two
        for k in 1...3 { lines[k] = String(lines[k].dropFirst()) }
        for k in 4...5 { lines[k] = lines[k].replacingOccurrences(of: ",2019,", with: ",2018,") }
        try Harness.write(lines.joined(separator: "\n") + "\n", to: dir.appendingPathComponent("ks2.csv"))
        let out = dir.appendingPathComponent("out")
        let r = try Harness.run(
            [
                "progress", "--ks2", "ks2.csv", "--ks1",
                Harness.repoRoot.appendingPathComponent("Data/sample/ks1-2019.csv").path,
                "--year", "2019", "--estimates",
                Harness.repoRoot.appendingPathComponent("Data/sample/national-2019").path,
                "--out", out.path, "--no-xlsx",
            ], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("ks2.csv: none of its 5 pupil rows was accepted (invalid_upn 3, wrong_year 2)"))
        #expect(r.stderr.contains("the first, line 2: invalid_upn"))
        #expect(r.stderr.contains("ks2progress validate"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
        // a KS1 file whose every row is rejected leaves no pupil with prior attainment: it fails too
        let ks1 = try Harness.read(Harness.repoRoot.appendingPathComponent("Data/sample/ks1-2019.csv"))
        let ks1Lines = ks1.split(separator: "\n").prefix(4).enumerated().map { k, line in
            k == 0 ? String(line) : String(line.dropFirst())
        }
        try Harness.write(ks1Lines.joined(separator: "\n") + "\n", to: dir.appendingPathComponent("ks1.csv"))
        let k = try Harness.run(
            [
                "progress", "--ks2", Harness.repoRoot.appendingPathComponent("Data/sample/ks2-2019.csv").path,
                "--ks1", "ks1.csv", "--year", "2019", "--estimates",
                Harness.repoRoot.appendingPathComponent("Data/sample/national-2019").path, "--out", out.path,
                "--no-xlsx",
            ], in: dir)
        #expect(k.status == 1)
        #expect(
            k.stderr.contains(
                "ks1.csv: none of its 3 pupil rows was accepted (invalid_upn 3): no pupil has prior attainment"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    /// A KS2 export with a column of its own and without disadvantaged, EAL and SEN: the run says
    /// so on the console and in run.json, and groups.csv has no rows for those groups.
    @Test func columnsNotReadAndAbsentAreSaidOnTheConsoleAndInRunJSON() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = Harness.repoRoot.appendingPathComponent("Data/sample")
        let rows = try Harness.csv(sample.appendingPathComponent("ks2-2019.csv"))
        let drop: Set<String> = ["disadvantaged", "eal", "sen"]
        let keep = rows[0].indices.filter { !drop.contains(rows[0][$0]) }
        let text = rows.filter { $0.count == rows[0].count }.enumerated().map { k, row in
            (keep.map { row[$0] } + [k == 0 ? "Reg group" : "6B"]).joined(separator: ",")
        }
        try Harness.write(text.joined(separator: "\n") + "\n", to: dir.appendingPathComponent("ks2.csv"))
        let r = try Harness.run(
            [
                "progress", "--ks2", "ks2.csv", "--ks1", sample.appendingPathComponent("ks1-2019.csv").path,
                "--year", "2019", "--estimates", sample.appendingPathComponent("national-2019").path,
                "--out", "o", "--no-xlsx",
            ], in: dir)
        #expect(r.status == 0)
        #expect(r.stdout.contains("note: ks2.csv: columns not read (no name ks2progress knows): \"Reg group\""))
        #expect(
            r.stdout.contains(
                "note: ks2.csv: no disadvantaged column: no disadvantaged groups and no gaps; "
                    + "no eal column: no EAL groups; no sen column: no SEN groups"))
        let run = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("o/run.json")))
        let columns = try #require((run as? [String: Any])?["columns"] as? [String: Any])
        let ks2 = try #require(columns["ks2"] as? [String: Any])
        #expect(ks2["not_read"] as? [String] == ["Reg group"])
        #expect((ks2["absent"] as? [String: String])?.keys.sorted() == ["disadvantaged", "eal", "sen"])
        let groups = try Harness.csv(dir.appendingPathComponent("o/groups.csv"))
        #expect(!groups.dropFirst().contains { ["disadvantaged", "eal", "sen"].contains($0[5]) })
    }

    /// Estimates of another year than the run's: the message says which year the folder holds.
    @Test func estimatesOfAnotherYearSayWhichYearTheyHold() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = Harness.repoRoot.appendingPathComponent("Data/sample")
        let r = try Harness.run(
            [
                "progress", "--ks2", sample.appendingPathComponent("ks2-2019.csv").path, "--ks1",
                sample.appendingPathComponent("ks1-2019.csv").path, "--year", "2019", "--estimates",
                sample.appendingPathComponent("national-2018").path, "--out", "o", "--no-xlsx",
            ], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("no read estimates for 2019 (it holds 2018; the run's year is 2019)"))
    }

    /// The same for a current-cohort file (targets), a tracking file (track) and a removal file
    /// (whatif) with no usable row.
    @Test func cohortAndTrackingFilesWithNoUsableRowFail() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = Harness.repoRoot.appendingPathComponent("Data/sample")
        let estimates = sample.appendingPathComponent("national-2023").path
        // every UPN of four cohort rows loses its check letter
        let cohort = try Harness.read(sample.appendingPathComponent("current-cohort.csv"))
        let cohortLines = cohort.split(separator: "\n").prefix(5).enumerated().map { k, line in
            k == 0 ? String(line) : String(line.dropFirst())
        }
        try Harness.write(cohortLines.joined(separator: "\n") + "\n", to: dir.appendingPathComponent("cohort.csv"))
        let targets = try Harness.run(
            ["targets", "--cohort", "cohort.csv", "--estimates", estimates, "--out", "t", "--no-xlsx"], in: dir)
        #expect(targets.status == 1)
        #expect(targets.stderr.contains("cohort.csv: none of its 4 pupil rows was accepted (invalid_upn 4)"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("t").path))
        // three tracking rows, all of a window the run does not have
        let tracking = try Harness.read(sample.appendingPathComponent("tracking.csv"))
        let trackingLines = tracking.split(separator: "\n").prefix(4).enumerated().map { k, line in
            guard k > 0 else { return String(line) }
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields[2] = "dec"
            return fields.joined(separator: ",")
        }
        try Harness.write(trackingLines.joined(separator: "\n") + "\n", to: dir.appendingPathComponent("tracking.csv"))
        let track = try Harness.run(
            [
                "track", "--cohort", sample.appendingPathComponent("current-cohort.csv").path, "--estimates",
                estimates, "--tracking", "tracking.csv", "--out", "k", "--no-xlsx",
            ], in: dir)
        #expect(track.status == 1)
        #expect(track.stderr.contains("tracking.csv: none of its 3 tracking rows was accepted (unknown_window 3)"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("k").path))
        // a what-if whose two removal rows name no pupil of the run
        try Harness.write(
            "upn,subject\nA123,mat\nT999999999999,\n", to: dir.appendingPathComponent("remove.csv"))
        let whatIf = try Harness.run(
            [
                "whatif", "--ks2", sample.appendingPathComponent("ks2-2019.csv").path, "--ks1",
                sample.appendingPathComponent("ks1-2019.csv").path, "--year", "2019", "--estimates",
                sample.appendingPathComponent("national-2019").path, "--remove", "remove.csv", "--out", "w",
                "--no-xlsx",
            ], in: dir)
        #expect(whatIf.status == 1)
        #expect(
            whatIf.stderr.contains(
                "remove.csv: none of its 2 removal rows was accepted (invalid_upn 2): nothing to remove"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("w").path))
    }
}

/// `published` on the real DfE files: bad input gets a clear message and exit 1, or a listed warning.
@Suite struct PublishedCommandTests {
    @Test func notADfETableExitsOne() throws {
        let r = try Harness.run(["published", "Data/published/ks2_meta-2019.csv", "--out", "/tmp/ks2e2e-never"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("ks2_meta-2019.csv:1:1") && r.stderr.contains("RECTYPE"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/ks2e2e-never"))
    }

    @Test func cohortYearsAndURNsNoFileHoldsAreListedWarnings() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cohorts = dir.appendingPathComponent("cohorts.csv")
        try Harness.write(
            "urn,cohort,baseline_year,outcome_year\n115854,P,2017,2021\n999999,P,2017,2021\n", to: cohorts)
        let out = dir.appendingPathComponent("out")
        let r = try Harness.run([
            "published", "Data/published/ks2final-2017-850.csv", "--cohorts", cohorts.path,
            "--out", out.path, "--no-xlsx",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("warning: cohort P asks for 2021, which no input holds"))
        #expect(r.stdout.contains("warning: cohort P: URN 999999 in no input"))
        let schools = try Harness.read(out.appendingPathComponent("cohort_schools.csv"))
        #expect(schools.contains("999999") && schools.contains("URN 999999 is in no results file"))
        #expect(schools.contains("no 2021 row in the tables"))
    }

    @Test func countyComparisonPoolsSchoolsWithinRoundingOfThePublishedLARows() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        let files = ["2017-850", "2017-936", "2018-850", "2018-936", "2019-850", "2019-936"].map {
            "Data/published/ks2final-\($0).csv"
        }
        let r = try Harness.run(["published"] + files + ["--out", out.path, "--no-xlsx"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try Harness.csv(out.appendingPathComponent("comparison.csv"))
        #expect(
            rows[0].joined(separator: ",")
                == "year,la,la_name,subject,published_progress,published_lower,published_upper,published_status,pooled_schools,schools_without_n,pooled_pupils,pooled_progress,pooled_lower,pooled_upper,england_progress,difference,differs"
        )
        // 2 LAs × 3 subjects × 3 years own figures pooled (prior-year 2016 columns carry no coverage)
        let pooled = rows.dropFirst().filter { !$0[11].isEmpty }
        #expect(pooled.count == 18)
        for row in pooled {
            #expect(abs(Double(row[15])!) <= 0.1, "\(row)")
            #expect(row[16] == "N")
        }
    }
}
