import Foundation
import TestSupport
import Testing

/// Interrupted runs, determinism of every output (workbooks included) and data protection, on
/// the real binary.
@Suite(.serialized) struct ReliabilityTests {
    // MARK: helpers

    /// Every regular file under `root` (relative path → bytes).
    static func snapshot(_ root: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: root.path) else { return files }
        for case let rel as String in walker {
            var isDir: ObjCBool = false
            let full = root.appendingPathComponent(rel).path
            if fm.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue {
                files[rel] = try Data(contentsOf: URL(fileURLWithPath: full))
            }
        }
        return files
    }

    /// The XML parts of a workbook (part name → text).
    static func xmlParts(_ xlsx: URL) throws -> [String: String] {
        var parts: [String: String] = [:]
        for name in try unzip(["-Z1", xlsx.path]).split(separator: "\n").map(String.init)
        where name.hasSuffix(".xml") || name.hasSuffix(".rels") {
            parts[name] = try unzip(["-p", xlsx.path, name])
        }
        return parts
    }

    /// Every UPN-shaped token (check letter + 11 digits + digit or letter) in `text`.
    static func upns(in text: String) -> Set<String> {
        var found = Set<String>()
        let chars = Array(text.utf8)
        var i = 0
        while i + 13 <= chars.count {
            let c = chars[i]
            let prevIsAlnum = i > 0 && (chars[i - 1].isASCIIDigit || chars[i - 1].isASCIIUpper)
            if c.isASCIIUpper && !prevIsAlnum && chars[(i + 1)..<(i + 12)].allSatisfy(\.isASCIIDigit)
                && (chars[i + 12].isASCIIDigit || chars[i + 12].isASCIIUpper)
                && (i + 13 == chars.count || !(chars[i + 13].isASCIIDigit || chars[i + 13].isASCIIUpper))
            {
                found.insert(String(decoding: chars[i..<(i + 13)], as: UTF8.self))
                i += 13
            } else {
                i += 1
            }
        }
        return found
    }

    static func mode(_ url: URL) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int ?? -1
    }

    static func progress(_ data: URL, out: URL, threads: Int, extra: [String] = []) throws -> Harness.Result {
        try Harness.run(
            [
                "progress", "--ks2", data.appendingPathComponent("ks2.csv").path,
                "--ks1", data.appendingPathComponent("ks1.csv").path, "--year", "2019",
                "--out", out.path, "--threads", String(threads),
            ] + extra)
    }

    // MARK: interrupted runs

    @Test func killedRunLeavesThePreviousOutputsIntactAndTheNextRunCleansUp() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let small = try ProgressRunTests.synth(dir.appendingPathComponent("small"), schools: 30, year: 2019, seed: 2)
        let big = try ProgressRunTests.synth(dir.appendingPathComponent("big"), schools: 1500, year: 2019, seed: 4)
        let out = dir.appendingPathComponent("out")
        #expect(try Self.progress(small, out: out, threads: 1).status == 0)
        let before = try Self.snapshot(out)
        #expect(before.count > 8)

        let p = Process()
        p.executableURL = URL(fileURLWithPath: Harness.binary)
        p.arguments = [
            "progress", "--ks2", big.appendingPathComponent("ks2.csv").path,
            "--ks1", big.appendingPathComponent("ks1.csv").path, "--year", "2019", "--out", out.path, "--threads", "1",
        ]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        // the working folder is `.out.partial-PID-NONCE`: wait for it, then for the first file
        // written into it, and kill
        let prefix = ".out.partial-\(p.processIdentifier)-"
        var partial = dir
        let start = Date()
        var files: [String] = []
        while p.isRunning && Date().timeIntervalSince(start) < 120 {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            if let name = entries.first(where: { $0.hasPrefix(prefix) }) {
                partial = dir.appendingPathComponent(name)
                files = (try? FileManager.default.contentsOfDirectory(atPath: partial.path)) ?? []
                if !files.isEmpty { break }
            }
            usleep(2_000)
        }
        let wasRunning = p.isRunning
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(wasRunning && p.terminationReason == .uncaughtSignal, "the run ended before it could be killed")
        #expect(!files.isEmpty, "killed before writing anything")

        // the previous outputs are byte-identical and nothing partial is among them
        let after = try Self.snapshot(out)
        #expect(Set(after.keys) == Set(before.keys))
        #expect(after == before)
        #expect(FileManager.default.fileExists(atPath: partial.path), "the killed run's working folder")

        // the next run removes the dead run's working folder
        #expect(try Self.progress(small, out: out, threads: 2).status == 0)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".out.") }
        #expect(leftovers.isEmpty, "\(leftovers)")
        let rerun = try Self.snapshot(out)
        #expect(rerun.filter { $0.key != "run.json" } == before.filter { $0.key != "run.json" })
    }

    // MARK: determinism

    @Test func identicalCSVsAndWorkbooksAcrossRunsAndThreadCounts() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try ProgressRunTests.synth(dir, schools: 30, year: 2019, seed: 9, edge: true)
        let runs = [("a", 1), ("b", 1), ("c", 4)].map { dir.appendingPathComponent($0.0) }
        for (url, threads) in zip(runs, [1, 1, 4]) {
            let r = try Self.progress(data, out: url, threads: threads)
            #expect(r.status == 0, "\(r.stderr)")
        }
        let first = try Self.snapshot(runs[0]).filter { $0.key != "run.json" }
        #expect(first.keys.contains("impact.xlsx") && first.keys.filter { $0.hasPrefix("schools/") }.count == 30)
        for other in runs.dropFirst() {
            let snap = try Self.snapshot(other).filter { $0.key != "run.json" }
            #expect(Set(snap.keys) == Set(first.keys))
            for (name, bytes) in first { #expect(snap[name] == bytes, "\(name) differs in \(other.lastPathComponent)") }
        }
        // the sheets themselves (not only the zip bytes) match, and the creation date is the fixed one
        let school = first.keys.sorted().first { $0.hasPrefix("schools/") } ?? ""
        for name in ["impact.xlsx", school] {
            let a = try Self.xmlParts(runs[0].appendingPathComponent(name))
            let c = try Self.xmlParts(runs[2].appendingPathComponent(name))
            #expect(!a.isEmpty && a == c, "\(name)")
            #expect(
                a["docProps/core.xml"]?.contains(
                    "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2000-01-01T00:00:00Z</dcterms:created>") == true)
        }
    }

    // MARK: data protection

    @Test func pupilLevelOutputsAreOwnerAndGroupOnlyAndWorkbooksHoldOnlyTheirOwnPupils() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try ProgressRunTests.synth(dir, schools: 30, year: 2019, seed: 11)
        let out = dir.appendingPathComponent("out")
        let cohorts = dir.appendingPathComponent("cohorts.csv")
        let ks2 = try Harness.csv(data.appendingPathComponent("ks2.csv"))
        let urnCol = ks2[0].firstIndex(of: "urn") ?? 1
        let someURNs = Array(Set(ks2.dropFirst().map { $0[urnCol] })).sorted().prefix(5)
        try Harness.write(
            "urn,cohort,baseline_year,outcome_year\n" + someURNs.map { "\($0),Pilot,2018,2019\n" }.joined(), to: cohorts
        )
        let r = try Self.progress(data, out: out, threads: 2, extra: ["--cohorts", cohorts.path])
        #expect(r.status == 0, "\(r.stderr)")

        // modes
        for f in ["pupils.csv", "rejects.csv"] {
            #expect(try Self.mode(out.appendingPathComponent(f)) == 0o640, "\(f)")
        }
        let workbooks = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("schools").path)
            .sorted()
        #expect(workbooks.count == 30)
        for w in workbooks { #expect(try Self.mode(out.appendingPathComponent("schools/" + w)) == 0o640, "\(w)") }

        // each workbook holds exactly its own school's pupils
        let pupils = try Harness.csv(out.appendingPathComponent("pupils.csv"))
        let pu = pupils[0].firstIndex(of: "upn") ?? 3
        let pr = pupils[0].firstIndex(of: "urn") ?? 1
        var bySchool: [String: Set<String>] = [:]
        for row in pupils.dropFirst() { bySchool[row[pr], default: []].insert(row[pu]) }
        for w in workbooks {
            let urn = String(w.prefix { $0 != " " })
            let text = try Self.xmlParts(out.appendingPathComponent("schools/" + w)).values.joined(separator: "\n")
            #expect(Self.upns(in: text) == bySchool[urn], "\(w)")
        }

        // county outputs carry no UPN and no pupil name
        let fo = ks2[0].firstIndex(of: "forename") ?? 8
        let su = ks2[0].firstIndex(of: "surname") ?? 7
        let names = Set(ks2.dropFirst().flatMap { [$0[fo], $0[su], "\($0[fo]) \($0[su])"] })
        #expect(names.count > 20)
        let county = ["schools.csv", "groups.csv", "cohorts.csv", "impact.xlsx"]
        for f in county {
            let url = out.appendingPathComponent(f)
            #expect(FileManager.default.fileExists(atPath: url.path), "\(f)")
            let text =
                f.hasSuffix(".xlsx") ? try Self.xmlParts(url).values.joined(separator: "\n") : try Harness.read(url)
            #expect(Self.upns(in: text).isEmpty, "UPNs in \(f)")
            let cells: [String]
            if f.hasSuffix(".xlsx") {
                cells = text.components(separatedBy: "<t").dropFirst().compactMap { piece in
                    guard let open = piece.firstIndex(of: ">"), let close = piece.range(of: "</t>") else { return nil }
                    return String(piece[piece.index(after: open)..<close.lowerBound])
                }
            } else {
                cells = text.split(separator: "\n").flatMap { Harness.fields($0) }
            }
            let leaked = cells.filter { names.contains($0) }
            #expect(leaked.isEmpty, "pupil names in \(f): \(leaked.prefix(5))")
        }

        // targets.csv (current cohort) is pupil-level too
        let ks1 = try Harness.csv(data.appendingPathComponent("ks1.csv"))
        let upnToURN = Dictionary(ks2.dropFirst().map { ($0[0], $0[urnCol]) }, uniquingKeysWith: { a, _ in a })
        let current = dir.appendingPathComponent("current.csv")
        try Harness.write(
            (["urn," + ks1[0].joined(separator: ",")]
                + ks1.dropFirst().compactMap { row in
                    upnToURN[row[0]].map { "\($0)," + row.joined(separator: ",") }
                }).joined(separator: "\n") + "\n", to: current)
        let targets = dir.appendingPathComponent("targets")
        let t = try Harness.run([
            "targets", "--cohort", current.path, "--estimates", out.path, "--out", targets.path, "--no-xlsx",
        ])
        #expect(t.status == 0, "\(t.stderr)")
        #expect(try Self.mode(targets.appendingPathComponent("targets.csv")) == 0o640)
    }

    @Test func formulaLikeTextIsNeutralisedInCSVAndWrittenAsTextInWorkbooks() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try ProgressRunTests.synth(dir, schools: 12, year: 2019, seed: 13)
        // craft: the first school's name and three of its pupils' names start like formulas
        let ks2URL = data.appendingPathComponent("ks2.csv")
        var lines = try Harness.read(ks2URL).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        let nameCol = header.firstIndex(of: "school_name") ?? 4
        let urnCol = header.firstIndex(of: "urn") ?? 1
        let fo = header.firstIndex(of: "forename") ?? 8
        let su = header.firstIndex(of: "surname") ?? 7
        let target = Harness.fields(Substring(lines[1]))[urnCol]
        let evilSchool = "=HYPERLINK(\"\"http://evil.example\"\";\"\"click\"\")"
        let crafted = [("+cmd", "-2+3"), ("@SUM(A1)", "=1+1"), ("-Ann", "+Lee")]
        var k = 0
        for i in 1..<lines.count {
            var f = Harness.fields(Substring(lines[i]))
            guard f.count == header.count, f[urnCol] == target else { continue }
            f[nameCol] = evilSchool
            if k < crafted.count {
                f[fo] = crafted[k].0
                f[su] = crafted[k].1
                k += 1
            }
            lines[i] = f.enumerated().map { $0.offset == nameCol ? "\"\($0.element)\"" : $0.element }.joined(
                separator: ",")
        }
        try Harness.write(lines.joined(separator: "\n") + "\n", to: ks2URL)
        let out = dir.appendingPathComponent("out")
        let r = try Self.progress(data, out: out, threads: 1)
        #expect(r.status == 0, "\(r.stderr)")
        // CSV: the name is written with a leading apostrophe
        let schools = try Harness.read(out.appendingPathComponent("schools.csv"))
        let row = schools.split(separator: "\n").map { Harness.fields($0) }.first { $0.count > 3 && $0[2] == target }
        #expect(row?[3] == "'=HYPERLINK(\"http://evil.example\";\"click\")")
        #expect(!schools.split(separator: "\n").flatMap { Harness.fields($0) }.contains { $0.hasPrefix("=") })
        // XLSX: the texts are strings, and no cell is a formula
        let workbook = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("schools").path)
            .first { $0.hasPrefix(target + " ") }
        #expect(workbook != nil)
        for f in [out.appendingPathComponent("impact.xlsx")]
            + (workbook.map { [out.appendingPathComponent("schools/" + $0)] } ?? [])
        {
            let parts = try Self.xmlParts(f)
            let sheets = parts.filter { $0.key.hasPrefix("xl/worksheets/sheet") }.values.joined()
            #expect(!sheets.contains("<f>") && !sheets.contains("<f "), "\(f.lastPathComponent) has a formula")
            let strings = (parts["xl/sharedStrings.xml"] ?? "") + sheets
            #expect(
                strings.contains("=HYPERLINK(&quot;http://evil.example&quot;;&quot;click&quot;)")
                    || strings.contains("=HYPERLINK(\"http://evil.example\";\"click\")"), "\(f.lastPathComponent)")
        }
        if let workbook {
            let text = try Self.xmlParts(out.appendingPathComponent("schools/" + workbook)).values.joined()
            for (forename, surname) in crafted {
                #expect(text.contains(forename) && text.contains(surname), "\(forename) \(surname) as text")
            }
        }
    }
}

extension UInt8 {
    fileprivate var isASCIIDigit: Bool { self >= 0x30 && self <= 0x39 }
    fileprivate var isASCIIUpper: Bool { self >= 0x41 && self <= 0x5A }
}
