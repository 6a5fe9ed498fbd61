import Foundation
import Testing

/// One malformed-input case of Corpus/cases.json: a command over committed files and its exact
/// expected outcome (hand-derived): the reject rows, or exit 1 with `file:line:column: message`.
struct CorpusCase: Sendable, CustomTestStringConvertible {
    var name: String
    var why: String
    var arguments: [String]
    var subject: String
    var status: Int32
    var error: String?
    var rejects: [String]
    var read: Int?
    var accepted: Int?
    var stdout: String?
    var testDescription: String { "\(name): \(why)" }

    static let folder = Harness.repoRoot.appendingPathComponent("Tests/EndToEndTests/Corpus")

    static let all: [CorpusCase] = {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("cases.json")),
            let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        else { return [] }
        return list.map { c in
            let ks2 = c["ks2"] as? String ?? ""
            let ks1 = c["ks1"] as? String ?? ""
            let args = (c["args"] as? [String] ?? []).map {
                $0.replacingOccurrences(of: "{ks2}", with: ks2).replacingOccurrences(of: "{ks1}", with: ks1)
                    .replacingOccurrences(of: "{repo}", with: Harness.repoRoot.path)
            }
            let name = c["name"] as? String ?? ""
            return CorpusCase(
                name: name, why: c["why"] as? String ?? "", arguments: args,
                subject: name, status: Int32(c["status"] as? Int ?? -1), error: c["error"] as? String,
                rejects: c["rejects"] as? [String] ?? [], read: c["read"] as? Int,
                accepted: c["accepted"] as? Int, stdout: c["stdout"] as? String)
        }
    }()
}

/// Every corpus case on the real binary: the exact outcome, never a crash, a hang or a silent drop.
@Suite struct CorpusTests {
    @Test func corpusHasAtLeastFortyCases() {
        #expect(CorpusCase.all.count >= 40)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: CorpusCase.folder.path)) ?? []
        #expect(files.filter { $0.hasSuffix(".csv") && !$0.hasPrefix("base_") }.count >= 40)
    }

    @Test(arguments: CorpusCase.all)
    func corpusCase(_ c: CorpusCase) throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        let r = try Harness.run(c.arguments + ["--out", out.path], in: CorpusCase.folder, timeout: 60)
        #expect(!r.timedOut, "hung")
        #expect(r.status == c.status, "exit \(r.status): \(r.stderr)")
        if let error = c.error {
            // the message names file, line and column, and nothing is left in the output folder
            #expect(
                r.stderr.contains("error: " + error) || (c.name.hasPrefix("year_") && r.stderr.contains(error)),
                "stderr: \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out.path))
            let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            #expect(leftovers.isEmpty, "left behind: \(leftovers)")
            return
        }
        // the exact reject rows (file, line, upn, reason)
        let text = try Harness.read(out.appendingPathComponent("rejects.csv"))
        let rows = text.split(separator: "\n").dropFirst().map { Harness.fields($0) }
        #expect(rows.allSatisfy { $0[0] == c.subject }, "\(rows)")
        let got = rows.map { $0[1...3].joined(separator: ",") }
        #expect(got == c.rejects)
        #expect(rows.allSatisfy { $0.count == 5 && !$0[4].isEmpty })
        // row accounting: nothing dropped silently
        let run =
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("run.json")))
            as? [String: Any]
        let accounts = run?["rows"] as? [String: [String: Any]] ?? [:]
        let ks2 = accounts["ks2"] ?? [:]
        let ks1 = accounts["ks1"] ?? [:]
        func n(_ a: [String: Any], _ k: String) -> Int { a[k] as? Int ?? -1 }
        #expect(n(ks2, "read") == n(ks2, "accepted") + n(ks2, "rejected"))
        #expect(n(ks1, "read") == n(ks1, "matched") + n(ks1, "unmatched") + n(ks1, "rejected"))
        #expect(n(ks2, "rejected") + n(ks1, "rejected") == rows.count)
        let subject = (ks2["file"] as? String) == c.subject ? ks2 : ks1
        #expect(subject["file"] as? String == c.subject)
        if let read = c.read { #expect(n(subject, "read") == read) }
        if let accepted = c.accepted { #expect(n(subject, "accepted") == accepted) }
        if let expected = c.stdout { #expect(r.stdout.contains(expected), "stdout: \(r.stdout)") }
        let mode =
            try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("rejects.csv").path)[
                .posixPermissions] as? Int
        #expect(mode == 0o640)
    }
}
