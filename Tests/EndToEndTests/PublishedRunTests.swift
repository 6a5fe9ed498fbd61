import Foundation
import Testing

/// The issue-13 defects on the real DfE files, through the binary: nothing lost or relabelled silently.
@Suite struct PublishedRunTests {
    static let tables = [
        "2017-850", "2017-936", "2018-850", "2018-936", "2019-850", "2019-936",
        "2019-england-progress",
    ]
    .map { "Data/published/ks2final-\($0).csv" }

    /// run.json as a dictionary.
    private func manifest(_ out: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: out.appendingPathComponent("run.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func aYearThatContradictsTheFileStops() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        let r = try Harness.run([
            "published", "--year", "2019", "Data/published/ks2final-2017-850.csv",
            "--out", out.path,
        ])
        #expect(r.status == 1)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(
            r.stderr.contains("ks2final-2017-850.csv:1:1") && r.stderr.contains("so it is 2017")
                && r.stderr.contains("is 2019"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func everyRowOfEveryPublishedFileIsAccountedFor() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        let r = try Harness.run(["published"] + Self.tables + ["--out", out.path, "--no-xlsx"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try #require(try manifest(out)["rows"] as? [String: [String: Any]])
        #expect(rows.count == Self.tables.count)
        var rejected = 0
        for (k, table) in Self.tables.enumerated() {
            let account = try #require(rows["table\(k + 1)"])
            let read = try #require(account["read"] as? Int)
            let accepted = try #require(account["accepted"] as? Int)
            let rejectedHere = try #require(account["rejected"] as? Int)
            // data rows of the file (CRLF lines, no line breaks inside fields): lines − header
            let bytes = try Data(contentsOf: Harness.repoRoot.appendingPathComponent(table))
            // the LA files end without a line end, the national extract with one
            let lines = bytes.filter { $0 == 0x0A }.count + (bytes.last == 0x0A ? 0 : 1)
            #expect(read == lines - 1, "\(table)")
            #expect(read == accepted + rejectedHere, "\(table)")
            rejected += rejectedHere
        }
        // the national extract: 570 schools of the two LA files again + 86 other name+postcode repeats
        #expect((rows["table7"]?["rejected"] as? Int) == 656)
        let rejects = try Harness.read(out.appendingPathComponent("rejects.csv")).split(separator: "\n")
        #expect(rejects.count - 1 == rejected)
        #expect(
            rejects.dropFirst().allSatisfy {
                $0.contains(",duplicate_school,") || $0.contains(",duplicate_area,")
            })
        // which values came from prior-year columns is said
        let fills = try #require(try manifest(out)["prior_year_values"] as? [[String: Any]])
        #expect(fills.contains { ($0["year"] as? Int) == 2017 && ($0["kind"] as? String) == "band" })
        #expect(r.stdout.contains("2017 values from prior-year columns: 940 band from ks2final-2018-850.csv"))
        // England's progress is 0 by definition, in every comparison row
        let comparison = try Harness.csv(out.appendingPathComponent("comparison.csv"))
        #expect(comparison.dropFirst().allSatisfy { $0[14] == "0.0" || $0[14] == "0" })
        // every LA school once in 2019, not once per file
        let schools = try Harness.read(out.appendingPathComponent("schools.csv")).split(separator: "\n")
            .map(Harness.fields)
        let hampshire2019 = schools.filter { $0[0] == "2019" && $0[1] == "school" && $0[4] == "850" }
        #expect(hampshire2019.count == 331)
        #expect(Set(hampshire2019.map { $0[2] }).count == 331)
    }

    @Test func bandsOf2017AreThereWithThe2017File() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        let r = try Harness.run([
            "published", "Data/published/ks2final-2017-850.csv",
            "Data/published/ks2final-2018-850.csv",
            "--cohorts", "Data/published/hampshire-cohort.csv", "--out", out.path, "--no-xlsx",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let schools = try Harness.csv(out.appendingPathComponent("schools.csv"))
        #expect(schools[0][14] == "read_band")
        // Anstey Junior School 2017 reading: band 4 (READPROG_DESCR_17 of the 2018 file)
        #expect(schools.first { $0[0] == "2017" && $0[2] == "115851" }?[14] == "4")
        let banded = schools.filter { $0[0] == "2017" && $0[1] == "school" && !$0[14].isEmpty }
        #expect(banded.count > 250)
        // the cohort's 2017→2018 crosses the capping change: named on the console and in run.json
        #expect(r.stdout.contains("crosses capping"))
        let warnings = try #require(try manifest(out)["warnings"] as? [String])
        #expect(warnings.contains { $0.contains("2017→2018 crosses capping") })
        let cohortSchools = try Harness.read(out.appendingPathComponent("cohort_schools.csv")).split(separator: "\n")
        #expect(cohortSchools[0].hasSuffix(",missing_reason,comparability"))
        #expect(cohortSchools.count == 9 && cohortSchools.dropFirst().allSatisfy { $0.hasSuffix(",capping") })
    }

    @Test func theComparisonWorkbookIsTitledAndLabelledOnce() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        let r = try Harness.run(["published", "Data/published/ks2final-2017-850.csv", "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let unzip = Process()
        unzip.executableURL = URL(fileURLWithPath: "/usr/bin/unzip")
        unzip.arguments = ["-p", out.appendingPathComponent("impact.xlsx").path, "xl/sharedStrings.xml"]
        let pipe = Pipe()
        unzip.standardOutput = pipe
        try unzip.run()
        let strings = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        unzip.waitUntilExit()
        #expect(strings.contains("Hampshire (pooled from schools)"))
        #expect(!strings.contains("(pooled from schools) (pooled from its schools)"))
        #expect(strings.contains("KS2 progress: county comparison"))
        // never titled as a project impact report when no cohorts were given
        #expect(!strings.contains("project impact") && !strings.contains("impact: No project cohorts"))
    }

    @Test func aSubjectWithoutItsColumnsStopsUnlessMappedToNothing() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data")
        let synth = try Harness.run(["synth", "--schools", "2", "--year", "2019", "--seed", "3", "--out", data.path])
        #expect(synth.status == 0, "\(synth.stderr)")
        // NPD-like headers the aliases do not know for reading; writing and maths recognised
        let ks2 = data.appendingPathComponent("ks2.csv")
        var text = try Harness.read(ks2)
        let header = try #require(text.split(separator: "\n").first)
        let renamed = header.replacingOccurrences(of: "read_score", with: "KS2_READSCOR")
            .replacingOccurrences(of: "read_code", with: "KS2_READOUTCOM")
            .replacingOccurrences(of: "read_ta", with: "KS2_READTAOUTCOM")
        text = renamed + text.dropFirst(header.count)
        try Harness.write(text, to: ks2)
        let out = dir.appendingPathComponent("out")
        let r = try Harness.run([
            "progress", "--ks2", ks2.path, "--ks1", data.appendingPathComponent("ks1.csv").path,
            "--year", "2019", "--out", out.path, "--no-xlsx",
        ])
        #expect(r.status == 1)
        #expect(r.stderr.contains("no reading results column") && r.stderr.contains("\"KS2_READSCOR\""))
        #expect(r.stderr.contains("\"KS2_READSCOR\" is 1 edit(s) from \"ks2 readscore\" (read_score)"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
        // A pipeline file saying the file has no reading results on purpose runs.
        let pipeline = dir.appendingPathComponent("p.yml")
        try Harness.write(
            """
            output: \(out.path)
            xlsx: false
            years:
              - year: 2019
                ks2: \(ks2.path)
                ks1: \(data.appendingPathComponent("ks1.csv").path)
                ks2_columns:
                  read_score: ~
                  read_code: ""
                  read_ta: null
            """, to: pipeline)
        let p = try Harness.run(["run", pipeline.path])
        #expect(p.status == 0, "\(p.stderr)")
        let pupils = try Harness.csv(out.appendingPathComponent("pupils.csv"))
        #expect(pupils[0][8] == "read_source" && pupils.dropFirst().allSatisfy { $0[8] == "none" })
    }

    @Test func aPipelineAccountsForItsTablesAndRefusesAContradictingYear() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        let table = Harness.repoRoot.appendingPathComponent("Data/published/ks2final-2018-936.csv").path
        let good = dir.appendingPathComponent("good.yml")
        try Harness.write("output: \(out.path)\nxlsx: false\npublished:\n  - \(table)\n", to: good)
        let r = try Harness.run(["run", good.path])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try #require(try manifest(out)["rows"] as? [String: [String: Any]])
        // 238 rows: 222 + 13 schools, Surrey, England twice (the all-schools row not used)
        #expect((rows["table1"]?["read"] as? Int) == 238 && (rows["table1"]?["rejected"] as? Int) == 1)
        let bad = dir.appendingPathComponent("bad.yml")
        try Harness.write("output: \(out.path)\nxlsx: false\npublished_year: 2019\npublished:\n  - \(table)\n", to: bad)
        let b = try Harness.run(["run", bad.path])
        #expect(b.status == 1)
        #expect(b.stderr.contains("ks2final-2018-936.csv") && b.stderr.contains("so it is 2018"))
        #expect(b.stderr.contains("is 2019"))
    }
}
