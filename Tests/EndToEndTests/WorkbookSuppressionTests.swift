import Foundation
import TestSupport
import Testing

/// Suppression everywhere (issue 16): no figure whose status is `supp` or `none` appears in any cell
/// or chart (a chart's cached values are in its XML) of any workbook of a run.
@Suite struct WorkbookSuppressionTests {
    /// Every XML part under `xl/` of a workbook, joined (one unzip per workbook).
    static func xlParts(_ xlsx: URL) throws -> String { try unzip(["-p", xlsx.path, "xl/*"]) }

    /// Every number stored in a sheet cell (`<v>`) or a chart cache (`<c:v>`), to 12 significant digits.
    static func storedNumbers(_ xml: String) -> Set<String> {
        var out: Set<String> = []
        for m in xml.matches(of: /<(?:c:)?v>([^<]+)<\/(?:c:)?v>/) {
            if let d = Double(m.output.1) { out.insert(Self.key(d)) }
        }
        return out
    }

    static func key(_ d: Double) -> String { String(format: "%.12g", d) }

    /// The interval bounds of every suppressed figure of a results CSV (schools.csv or groups.csv):
    /// bounds, unlike a one-pupil school's mean, are never a pupil's own figure.
    static func suppressedBounds(_ rows: [[String]]) -> Set<String> {
        guard let header = rows.first else { return [] }
        var out: Set<String> = []
        for subject in ["read", "writ", "mat"] {
            guard let status = header.firstIndex(of: "\(subject)_status"),
                let lower = header.firstIndex(of: "\(subject)_lower"),
                let upper = header.firstIndex(of: "\(subject)_upper")
            else { continue }
            for row in rows.dropFirst() where ["supp", "none"].contains(row[status]) {
                for col in [lower, upper] { if let d = Double(row[col]) { out.insert(key(d)) } }
            }
        }
        return out
    }

    /// A Notes sheet, and a page header (with the run date) and footer (page x of y) on every visible sheet.
    static func expectNotesAndHeaders(_ xlsx: URL) throws {
        let workbook = try unzip(["-p", xlsx.path, "xl/workbook.xml"])
        #expect(workbook.contains("name=\"Notes\""), "\(xlsx.lastPathComponent)")
        let sheets = workbook.matches(of: /<sheet name="[^"]+" sheetId="(\d+)"( state="hidden")?/)
        #expect(sheets.count >= 4)
        for sheet in sheets where sheet.output.2 == nil {
            let xml = try unzip(["-p", xlsx.path, "xl/worksheets/sheet\(sheet.output.1).xml"])
            #expect(
                xml.contains("<oddHeader>") && xml.contains("1 January 2000</oddHeader>"),
                "\(xlsx.lastPathComponent) sheet \(sheet.output.1)")
            #expect(
                xml.contains("Page &amp;P of &amp;N</oddFooter>"),
                "\(xlsx.lastPathComponent) sheet \(sheet.output.1)")
        }
    }

    @Test func targetsWorkbooksHaveNotesAndHeaders() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("targets")
        let r = try Harness.run([
            "targets", "--cohort", "Data/sample/current-cohort.csv", "--estimates",
            "Data/sample/national-2023", "--out", out.path,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let books = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("targets").path)
        #expect(books.count > 50)
        try Self.expectNotesAndHeaders(out.appendingPathComponent("targets/" + (books.sorted().first ?? "")))
    }

    @Test func noSuppressedFigureInAnyWorkbookOfTheDemoRun() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = Harness.repoRoot.appendingPathComponent("Data/sample").path
        let out = dir.appendingPathComponent("demo")
        let yml = dir.appendingPathComponent("demo.yml")
        try Harness.write(
            """
            output: \(out.path)
            xlsx: true
            years:
              - year: 2018
                ks2: \(sample)/ks2-2018.csv
                ks1: \(sample)/ks1-2018.csv
                estimates: \(sample)/national-2018
              - year: 2019
                ks2: \(sample)/ks2-2019.csv
                ks1: \(sample)/ks1-2019.csv
                estimates: \(sample)/national-2019
            cohorts: \(sample)/cohorts.csv

            """, to: yml)
        let r = try Harness.run(["run", yml.path])
        #expect(r.status == 0, "\(r.stderr)")
        let schools = try Harness.csv(out.appendingPathComponent("schools.csv"))
        let groups = try Harness.csv(out.appendingPathComponent("groups.csv"))
        let schoolBounds = Self.suppressedBounds(schools)
        let groupBounds = Self.suppressedBounds(groups)
        // the sample has suppressed schools and groups, so the scan below can fail
        #expect(schoolBounds.count >= 8 && groupBounds.count >= 8, "\(schoolBounds.count) \(groupBounds.count)")
        let suppressed = schoolBounds.union(groupBounds)

        let books = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("schools").path)
        #expect(books.count == 91)
        var scanned = 0
        for name in ["impact.xlsx"] + books.map({ "schools/" + $0 }) {
            let xml = try Self.xlParts(out.appendingPathComponent(name))
            #expect(xml.contains("<c:numCache>") || !xml.contains("<c:chart>"), "\(name)")
            let shown = Self.storedNumbers(xml).intersection(suppressed)
            #expect(shown.isEmpty, "\(name) shows suppressed figures \(shown.sorted())")
            scanned += 1
        }
        #expect(scanned == 92)
        // every workbook explains itself and prints traceably: a Notes sheet, headers and footers
        for name in ["impact.xlsx", "schools/" + (books.sorted().first ?? "")] {
            try Self.expectNotesAndHeaders(out.appendingPathComponent(name))
        }
        // a suppressed school's own workbook says SUPP where its figures would be
        let small = schools.dropFirst().first { $0[1] == "school" && $0[0] == "2019" && $0[13] == "supp" }
        let smallBook = books.first { $0.hasPrefix((small?[2] ?? "?") + " ") }
        #expect(smallBook != nil)
        if let smallBook {
            let text = try unzip([
                "-p", out.appendingPathComponent("schools/" + smallBook).path,
                "xl/sharedStrings.xml",
            ])
            #expect(text.contains("<t>SUPP</t>"))
        }
    }
}
