import Foundation
import TestSupport
import Testing

/// England's attainment carried from a national run to a county run (national.csv's attainment
/// columns after `other_progress`), so that a county run's school Overviews show England.
@Suite(.serialized) struct EnglandAttainmentRunTests {
    static let attainmentColumns = [
        "pct_read_exp", "pct_read_high", "read_avg", "pct_writ_exp", "pct_writ_high", "pct_mat_exp", "pct_mat_high",
        "mat_avg", "pct_gps_exp", "pct_gps_high", "gps_avg", "pct_rwm_exp", "pct_rwm_high",
    ]

    /// A county run of the sample's 2019 pupils against the national folder `estimates`, with workbooks.
    static func countyRun(estimates: URL, out: URL) throws -> Harness.Result {
        let sample = Harness.repoRoot.appendingPathComponent("Data/sample").path
        return try Harness.run([
            "progress", "--ks2", "\(sample)/ks2-2019.csv", "--ks1", "\(sample)/ks1-2019.csv", "--year", "2019",
            "--estimates", estimates.path, "--out", out.path,
        ])
    }

    /// The Overview sheet (the first) of the county run's first school workbook, and its shared strings.
    static func firstOverview(_ out: URL) throws -> (sheet: String, strings: String) {
        let folder = out.appendingPathComponent("schools")
        let first = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()[0]
        let path = folder.appendingPathComponent(first).path
        return (try unzipText(path, "xl/worksheets/sheet1.xml"), try unzipText(path, "xl/sharedStrings.xml"))
    }

    /// Every number stored in a sheet's cells.
    static func numbers(_ sheet: String) -> [Double] {
        sheet.matches(of: /<v>([^<]+)<\/v>/).compactMap { Double($0.output.1) }
    }

    @Test func nationalRunGivesEnglandAttainmentToCountyWorkbooks() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try ProgressRunTests.synth(dir, schools: 60, year: 2019)
        let national = dir.appendingPathComponent("national")
        let n = try ProgressRunTests.progress(data, year: 2019, out: national)
        #expect(n.status == 0, "\(n.stderr)")
        let nat = try AcrossYearsRunTests.table(national.appendingPathComponent("national.csv"))
        #expect(
            nat.header == ["year", "subject", "pupils", "sd", "cap_z", "p10", "p90", "other_progress"]
                + Self.attainmentColumns)
        // the national run's own England row, the same on every subject row
        let schools = try AcrossYearsRunTests.table(national.appendingPathComponent("schools.csv"))
        let england = schools.rows.first { $0["level"] == "national" }!
        #expect(nat.rows.count == 3)
        for row in nat.rows {
            for c in Self.attainmentColumns { #expect(row[c] == england[c], "\(c)") }
        }
        let rwm = Double(england["pct_rwm_exp"]!)!
        let readAverage = Double(england["read_avg"]!)!
        #expect(rwm > 0 && readAverage > 100)

        let out = dir.appendingPathComponent("county")
        let r = try Self.countyRun(estimates: national, out: out)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stdout.contains("England attainment"))
        let (sheet, strings) = try Self.firstOverview(out)
        let stored = Self.numbers(sheet)
        // percentages are stored as fractions (shown with a % format), averages as they are
        #expect(stored.contains { abs($0 - rwm / 100) < 1e-12 })
        #expect(stored.contains { abs($0 - readAverage) < 1e-12 })
        #expect(!strings.contains("England attainment (n/a)"))
    }

    /// A national.csv from before the attainment columns still reads: the Overview says n/a and
    /// the run warns on the console and in run.json; some of the columns without the others is an error.
    @Test func olderNationalFileWarnsAndPartialColumnsFail() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = Harness.repoRoot.appendingPathComponent("Data/sample/national-2019")
        let national = try Harness.read(sample.appendingPathComponent("national.csv"))
        func folder(_ name: String, columns: Int) throws -> URL {
            let folder = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(
                at: sample.appendingPathComponent("estimates.csv"), to: folder.appendingPathComponent("estimates.csv"))
            let cut =
                national.split(separator: "\n").map {
                    $0.split(separator: ",", omittingEmptySubsequences: false).prefix(columns).joined(separator: ",")
                }.joined(separator: "\n") + "\n"
            try Harness.write(cut, to: folder.appendingPathComponent("national.csv"))
            return folder
        }
        let out = dir.appendingPathComponent("old-out")
        let old = try Self.countyRun(estimates: try folder("old", columns: 8), out: out)
        #expect(old.status == 0, "\(old.stderr)")
        #expect(old.stdout.contains("warning: the estimates' national.csv for 2019 has no England attainment columns"))
        let run =
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("run.json")))
            as! [String: Any]
        #expect((run["warnings"] as? [String])?.contains { $0.contains("no England attainment columns") } == true)
        let (_, strings) = try Self.firstOverview(out)
        #expect(strings.contains("England attainment (n/a)"))

        let partial = try Self.countyRun(
            estimates: try folder("partial", columns: 20), out: dir.appendingPathComponent("partial-out"))
        #expect(partial.status == 1)
        #expect(partial.stderr.contains("missing column pct_rwm_high"), "\(partial.stderr)")
    }
}
