import Foundation
import Testing

/// Long stages show progress on stderr only (a line every few seconds when stderr is not a
/// terminal), `--quiet` shows none. The two-second delay is shortened for the test through
/// `KS2PROGRESS_PROGRESS_AFTER`.
@Suite struct ProgressDisplayTests {
    @Test func progressGoesToStderrAndQuietSilencesIt() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try Harness.run(["synth", "--schools", "60", "--year", "2019", "--out", dir.path + "/in"]).status == 0)
        let arguments = [
            "progress", "--ks2", dir.path + "/in/ks2.csv", "--ks1", dir.path + "/in/ks1.csv",
            "--year", "2019",
        ]
        let shown = try Harness.run(
            arguments + ["--out", dir.path + "/a"], environment: ["KS2PROGRESS_PROGRESS_AFTER": "0"])
        #expect(shown.status == 0, "\(shown.stderr)")
        // a counted stage shows count, rate and time left; every line is a progress line
        #expect(shown.stderr.contains("school workbooks [") && shown.stderr.contains("/60 "), "\(shown.stderr)")
        let lines = shown.stderr.split(separator: "\n")
        #expect(lines.allSatisfy { $0.contains("…") || $0.contains(" [") }, "\(shown.stderr)")
        #expect(!shown.stdout.contains("[") && shown.stdout.contains("wrote "))
        let quiet = try Harness.run(
            arguments + ["--out", dir.path + "/b", "--quiet"],
            environment: ["KS2PROGRESS_PROGRESS_AFTER": "0"])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stderr)")
    }
}
