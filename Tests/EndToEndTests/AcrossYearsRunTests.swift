import Foundation
import TestSupport
import Testing

/// trends.csv, three_year.csv, gaps.csv and whatif.csv from the real binary (methodology.md §10).
@Suite(.serialized) struct AcrossYearsRunTests {
    static let trendsHeader =
        "level,id,name,la,subject,year,n,progress,lower,upper,status,band,prev_year,change,comparability"
    static let threeYearHeader =
        "level,id,name,la,subject,years,n,progress,lower,upper,status,significance,comparability"
    static let gapsHeader =
        "year,level,id,name,la,subject,dis_n,dis_progress,dis_lower,dis_upper,dis_status,other_n,other_progress,national_other_progress,gap,gap_lower,gap_upper,within_school_gap"

    /// A CSV's rows as fields keyed by its header.
    static func table(_ url: URL) throws -> (header: [String], rows: [[String: String]]) {
        // the DfE files start with a byte-order mark and end lines with CRLF
        let text = try Harness.read(url).replacingOccurrences(of: "\u{FEFF}", with: "")
        let lines = text.split { $0 == "\n" || $0 == "\r\n" }
        let header = Harness.fields(lines[0])
        let rows = lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, Harness.fields(line)))
        }
        return (header, rows)
    }

    /// A pipeline file over the sample's two county years (absolute paths), written into `dir`.
    static func samplePipeline(_ dir: URL, out: URL, estimates: (Int) -> String) throws -> URL {
        let sample = Harness.repoRoot.appendingPathComponent("Data/sample").path
        var text = "name: across\noutput: \(out.path)\nxlsx: false\nyears:\n"
        for y in [2018, 2019] {
            text += "  - year: \(y)\n    ks2: \(sample)/ks2-\(y).csv\n    ks1: \(sample)/ks1-\(y).csv\n"
            text += "    estimates: \(estimates(y))\n"
        }
        let file = dir.appendingPathComponent("across.yml")
        try Harness.write(text, to: file)
        return file
    }

    @Test func samplePipelineWritesTrendsThreeYearAndGaps() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        let sample = Harness.repoRoot.appendingPathComponent("Data/sample").path
        let pipeline = try Self.samplePipeline(dir, out: out) { "\(sample)/national-\($0)" }
        let r = try Harness.run(["run", pipeline.path])
        #expect(r.status == 0, "\(r.stderr)")
        let trends = try Self.table(out.appendingPathComponent("trends.csv"))
        #expect(trends.header.joined(separator: ",") == Self.trendsHeader)
        let schools = Set(trends.rows.filter { $0["level"] == "school" }.map { $0["id"]! })
        #expect(schools.count == 91)
        // every school, LA: 3 subjects × 2 years; 2019 compared with 2018 (comparable)
        #expect(trends.rows.count == (91 + 1) * 3 * 2)
        for row in trends.rows where row["year"] == "2019" {
            #expect(row["prev_year"] == "2018" && row["comparability"] == "")
            let both =
                row["status"] == "ok"
                && trends.rows.contains {
                    $0["id"] == row["id"] && $0["subject"] == row["subject"] && $0["year"] == "2018"
                        && $0["status"] == "ok"
                }
            #expect((row["change"] != "") == both)
        }
        let three = try Self.table(out.appendingPathComponent("three_year.csv"))
        #expect(three.header.joined(separator: ",") == Self.threeYearHeader)
        #expect(three.rows.allSatisfy { $0["years"] == "2018;2019" || $0["years"] == "2018" || $0["years"] == "2019" })
        // the pooled n is the two years' n
        let school = three.rows.first { $0["level"] == "school" && $0["subject"] == "mat" }!
        let n = trends.rows.filter { $0["id"] == school["id"] && $0["subject"] == "mat" }.compactMap { Int($0["n"]!) }
            .reduce(0, +)
        #expect(Int(school["n"]!) == n)
        let gaps = try Self.table(out.appendingPathComponent("gaps.csv"))
        #expect(gaps.header.joined(separator: ",") == Self.gapsHeader)
        // the sample's national folders carry England's other pupils' progress: every disadvantaged
        // figure has its gap against England
        #expect(!gaps.rows.isEmpty)
        #expect(
            gaps.rows.allSatisfy {
                ($0["dis_progress"] == "") == ($0["gap"] == "") && $0["national_other_progress"] != ""
            })
        #expect(gaps.rows.contains { $0["within_school_gap"] != "" })
        #expect(!r.stdout.contains("no progress of England's other pupils"))

        // national.csv files from before other_progress still read: the empty gap is said, not silent
        for y in [2018, 2019] {
            let old = dir.appendingPathComponent("old-\(y)")
            try FileManager.default.createDirectory(at: old, withIntermediateDirectories: true)
            try FileManager.default.copyItem(
                atPath: "\(sample)/national-\(y)/estimates.csv",
                toPath: old.appendingPathComponent("estimates.csv").path)
            let national = try Harness.read(URL(fileURLWithPath: "\(sample)/national-\(y)/national.csv"))
            // the columns of formats.md alone: before other_progress and England's attainment
            let stripped =
                national.split(separator: "\n").map {
                    $0.split(separator: ",", omittingEmptySubsequences: false)
                        .prefix(7).joined(separator: ",")
                }.joined(separator: "\n") + "\n"
            try Harness.write(stripped, to: old.appendingPathComponent("national.csv"))
        }
        let oldOut = dir.appendingPathComponent("old-out")
        let oldPipeline = try Self.samplePipeline(dir, out: oldOut) { dir.appendingPathComponent("old-\($0)").path }
        let o = try Harness.run(["run", oldPipeline.path])
        #expect(o.status == 0, "\(o.stderr)")
        let oldGaps = try Self.table(oldOut.appendingPathComponent("gaps.csv"))
        #expect(oldGaps.rows.allSatisfy { $0["gap"] == "" && $0["national_other_progress"] == "" })
        #expect(o.stdout.contains("gaps.csv: no progress of England's other pupils for 2019"))
        let run =
            try JSONSerialization.jsonObject(with: Data(contentsOf: oldOut.appendingPathComponent("run.json")))
            as! [String: Any]
        #expect((run["warnings"] as? [String])?.contains { $0.contains("other_progress") } == true)
    }

    /// A national run writes England's other pupils' progress at the end of national.csv; a county run
    /// given that folder measures its disadvantaged pupils against it.
    @Test func nationalRunGivesEnglandsOtherPupilsToSuppliedRuns() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var other: [Int: Double] = [:]
        for y in [2018, 2019] {
            let data = try ProgressRunTests.synth(dir, schools: 60, year: y)
            let national = dir.appendingPathComponent("national-\(y)")
            let r = try ProgressRunTests.progress(data, year: y, out: national)
            #expect(r.status == 0, "\(r.stderr)")
            let nat = try Self.table(national.appendingPathComponent("national.csv"))
            #expect(
                nat.header.prefix(8).joined(separator: ",") == "year,subject,pupils,sd,cap_z,p10,p90,other_progress")
            let groups = try Self.table(national.appendingPathComponent("groups.csv"))
            let englandOther = groups.rows.first {
                $0["level"] == "national" && $0["group"] == "disadvantaged" && $0["value"] == "N"
            }!
            let read = nat.rows.first { $0["subject"] == "read" }!
            #expect(read["other_progress"] == englandOther["read_progress"])
            other[y] = Double(read["other_progress"]!)!
        }
        let out = dir.appendingPathComponent("county")
        let pipeline = try Self.samplePipeline(dir, out: out) { dir.appendingPathComponent("national-\($0)").path }
        let r = try Harness.run(["run", pipeline.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stdout.contains("warning"))
        let gaps = try Self.table(out.appendingPathComponent("gaps.csv"))
        var checked = 0
        for row in gaps.rows where row["subject"] == "read" {
            let year = Int(row["year"]!)!
            #expect(Double(row["national_other_progress"]!) == other[year])
            if let dis = Double(row["dis_progress"]!) {
                #expect(abs(Double(row["gap"]!)! - (dis - other[year]!)) < 1e-9)
                checked += 1
            }
        }
        #expect(checked > 100)
    }

    /// The gaps from the real DfE tables reproduce the published DIFFN_*PROG of every school.
    @Test func publishedGapsReproduceDIFFN() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        // the 2017 files give 2017's pupil counts (TELIG, coverage) for the three-year figures
        let files = [
            "ks2final-2018-850.csv", "ks2final-2018-936.csv", "ks2final-2019-850.csv", "ks2final-2019-936.csv",
            "ks2final-2017-850.csv", "ks2final-2017-936.csv",
        ]
        .map { Harness.repoRoot.appendingPathComponent("Data/published/\($0)").path }
        let out = dir.appendingPathComponent("out")
        let r = try Harness.run(["published"] + files + ["--out", out.path, "--no-xlsx"])
        #expect(r.status == 0, "\(r.stderr)")
        let gaps = try Self.table(out.appendingPathComponent("gaps.csv"))
        var ours: [String: String] = [:]
        for row in gaps.rows where row["level"] == "school" {
            ours["\(row["year"]!)|\(row["id"]!)|\(row["subject"]!)"] = row["gap"]!
        }
        var compared = 0
        var coded = 0
        for (file, year) in zip(files.prefix(4), [2018, 2018, 2019, 2019]) {
            let published = try Self.table(URL(fileURLWithPath: file))
            for row in published.rows where row["RECTYPE"] == "1" || row["RECTYPE"] == "2" {
                for (prefix, subject) in [("READ", "read"), ("WRIT", "writ"), ("MAT", "mat")] {
                    let diffn = row["DIFFN_\(prefix)PROG"] ?? ""
                    let gap = ours["\(year)|\(row["URN"]!)|\(subject)"] ?? ""
                    if let expected = Double(diffn) {
                        let value = try #require(Double(gap), "\(file) URN \(row["URN"]!) \(subject): no gap")
                        #expect(
                            abs((value * 10).rounded() / 10 - expected) < 1e-9,
                            "\(file) URN \(row["URN"]!) \(subject): \(value) against DIFFN \(expected)")
                        compared += 1
                    } else {
                        #expect(gap == "", "\(file) URN \(row["URN"]!) \(subject): gap \(gap) where DIFFN is \(diffn)")
                        coded += 1
                    }
                }
            }
        }
        #expect(compared > 1500 && coded > 500, "compared \(compared), coded \(coded)")
        // England's row: its disadvantaged against its other pupils (2019 reading −0.6 − 0.3)
        let england = gaps.rows.first { $0["level"] == "national" && $0["year"] == "2019" && $0["subject"] == "read" }!
        #expect(abs(Double(england["gap"]!)! - -0.9) < 1e-9)
        // trends and three-year figures come with the tables
        let three = try Self.table(out.appendingPathComponent("three_year.csv"))
        let anstey = three.rows.first { $0["id"] == "115851" && $0["subject"] == "read" }!
        #expect(anstey["years"] == "2017;2018;2019" && anstey["comparability"] == "capping")
        // by hand: n = TELIG × COV / 100 rounded half up: 63 × 95% → 60, 63 × 94% → 59, 60 × 100% → 60;
        // progress3 = (60·−1.8 + 59·−2.0 + 60·−1.9) / 179 = −340/179;
        // half-width 1.96·√(60·6.22² + 59·5.98² + 60·6.17²) / 179 = 1.96·√6715.3016 / 179
        #expect(anstey["n"] == "179")
        #expect(abs(Double(anstey["progress"]!)! - -340.0 / 179) < 1e-12)
        #expect(abs(Double(anstey["lower"]!)! - (-340.0 - 1.96 * 6715.3016.squareRoot()) / 179) < 1e-12)
        #expect(anstey["status"] == "ok" && anstey["significance"] == "below")
    }

    /// England's other pupils come from the all-schools row (RECTYPE 4), not the state-funded one (5).
    @Test func publishedGapUsesEnglandAllSchoolsRow() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let table = dir.appendingPathComponent("ks2final.csv")
        try Harness.write(
            """
            RECTYPE,LEA,URN,SCHNAME,TELIG,READPROG,READCOV,READPROG_FSM6CLA1A,READPROG_NotFSM6CLA1A,DIFFN_READPROG
            1,850,100001,Hill School,30,0.5,100%,-1.0,1.2,-1.3
            4,,,,600000,0,99%,-0.6,0.3,0
            5,,,,580000,0,99%,-0.7,0.5,0

            """, to: table)
        let out = dir.appendingPathComponent("out")
        let r = try Harness.run(["published", "--year", "2019", table.path, "--out", out.path, "--no-xlsx"])
        #expect(r.status == 0, "\(r.stderr)")
        let gaps = try Self.table(out.appendingPathComponent("gaps.csv")).rows.filter { $0["subject"] == "read" }
        let school = gaps.first { $0["id"] == "100001" }!
        #expect(school["national_other_progress"] == "0.3")
        #expect(abs(Double(school["gap"]!)! - -1.3) < 1e-12)
        #expect(abs(Double(school["within_school_gap"]!)! - -2.2) < 1e-12)
        let england = gaps.first { $0["level"] == "national" }!
        #expect(england["dis_progress"] == "-0.6" && england["other_progress"] == "0.3")
    }

    @Test func whatIfRemovesPupilsAndRejectsUnknownUPNs() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = Harness.repoRoot.appendingPathComponent("Data/sample").path
        let remove = dir.appendingPathComponent("remove.csv")
        // two Elmwood pupils (one from maths only, one from every subject), and a UPN of no 2019 pupil
        try Harness.write("upn,subject\nT850205612458,mat\nG850205612459,all\nA123456789012,read\n", to: remove)
        let out = dir.appendingPathComponent("out")
        let r = try Harness.run([
            "whatif", "--ks2", "\(sample)/ks2-2019.csv", "--ks1", "\(sample)/ks1-2019.csv",
            "--year", "2019", "--estimates", "\(sample)/national-2019", "--remove", remove.path,
            "--out", out.path, "--no-xlsx",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("what-if, not an official figure"))
        let whatIf = try Self.table(out.appendingPathComponent("whatif.csv"))
        #expect(
            whatIf.header.joined(separator: ",")
                == "urn,name,subject,removed,n_before,progress_before,lower_before,upper_before,status_before,band_before,n_after,progress_after,lower_after,upper_after,status_after,band_after"
        )
        #expect(whatIf.rows.map { $0["subject"]! } == ["read", "writ", "mat"])
        #expect(whatIf.rows.map { $0["removed"]! } == ["1", "1", "2"])
        for row in whatIf.rows {
            #expect(row["urn"] == "120734")
            #expect(Int(row["n_after"]!)! == Int(row["n_before"]!)! - Int(row["removed"]!)!)
        }
        // the before figures are the official ones
        let progress = dir.appendingPathComponent("official")
        let p = try Harness.run([
            "progress", "--ks2", "\(sample)/ks2-2019.csv", "--ks1", "\(sample)/ks1-2019.csv",
            "--year", "2019", "--estimates", "\(sample)/national-2019", "--out", progress.path, "--no-xlsx",
        ])
        #expect(p.status == 0, "\(p.stderr)")
        let school = try Self.table(progress.appendingPathComponent("schools.csv")).rows.first { $0["id"] == "120734" }!
        #expect(whatIf.rows[2]["progress_before"] == school["mat_progress"])
        let rejects = try Harness.csv(out.appendingPathComponent("rejects.csv"))
        #expect(
            rejects.contains {
                $0[0] == "remove.csv" && $0[1] == "4" && $0[2] == "A123456789012" && $0[3] == "unknown_upn"
            })
        let run =
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("run.json")))
            as! [String: Any]
        #expect((run["parameters"] as! [String: Any])["note"] as? String == "what-if, not an official figure")
    }

    @Test func whatIfWritesOneLabelledWorkbookPerTouchedSchool() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = Harness.repoRoot.appendingPathComponent("Data/sample").path
        let remove = dir.appendingPathComponent("remove.csv")
        try Harness.write("upn,subject\nT850205612458,mat\n", to: remove)
        let out = dir.appendingPathComponent("out")
        let r = try Harness.run([
            "whatif", "--ks2", "\(sample)/ks2-2019.csv", "--ks1", "\(sample)/ks1-2019.csv",
            "--year", "2019", "--estimates", "\(sample)/national-2019", "--remove", remove.path,
            "--out", out.path,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("whatif/ (1 workbook, what-if, not an official figure)"))
        let books = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("whatif").path)
        #expect(books.count == 1 && books[0].hasPrefix("120734 ") && books[0].hasSuffix(" what-if.xlsx"))
        let path = out.appendingPathComponent("whatif/" + books[0]).path
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o640)
        let strings = try unzipText(path, "xl/sharedStrings.xml")
        #expect(strings.contains("What-if, not an official figure"))
    }
}
