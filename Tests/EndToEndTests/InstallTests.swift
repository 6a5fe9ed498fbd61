import Foundation
import Testing

/// `make install PREFIX=…` lays out PREFIX/bin/ks2progress and PREFIX/share/ks2progress/methodology:
/// the binary copied there runs from any folder, with no checkout and no KS2PROGRESS_DATA.
@Suite struct InstallTests {
    @Test func anInstalledBinaryRunsFromAnyFolder() throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let prefix = dir.appendingPathComponent("prefix")
        let fm = FileManager.default
        try fm.createDirectory(at: prefix.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try fm.createDirectory(
            at: prefix.appendingPathComponent("share/ks2progress"), withIntermediateDirectories: true)
        try fm.copyItem(atPath: Harness.binary, toPath: prefix.appendingPathComponent("bin/ks2progress").path)
        try fm.copyItem(
            at: Harness.repoRoot.appendingPathComponent("Data/methodology"),
            to: prefix.appendingPathComponent("share/ks2progress/methodology"))
        let work = dir.appendingPathComponent("work")
        try fm.createDirectory(at: work, withIntermediateDirectories: true)
        func run(_ arguments: [String]) throws -> Harness.Result {
            try Harness.run(
                arguments, in: work, timeout: 120, environment: ["KS2PROGRESS_DATA": ""],
                launcher: [prefix.appendingPathComponent("bin/ks2progress").path])
        }
        #expect(try run(["synth", "--schools", "5", "--year", "2019", "--out", "in"]).status == 0)
        let r = try run([
            "progress", "--ks2", "in/ks2.csv", "--ks1", "in/ks1.csv", "--year", "2019", "--out", "out",
            "--no-xlsx",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(fm.fileExists(atPath: work.appendingPathComponent("out/schools.csv").path))
        // without the share folder it says how to install
        try fm.removeItem(at: prefix.appendingPathComponent("share"))
        let missing = try run([
            "progress", "--ks2", "in/ks2.csv", "--ks1", "in/ks1.csv", "--year", "2019", "--out", "o2",
        ])
        #expect(missing.status == 1 && missing.stderr.contains("make install"), "\(missing.stderr)")
    }
}
