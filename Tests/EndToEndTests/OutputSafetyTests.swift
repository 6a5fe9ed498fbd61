import Foundation
import Testing

/// The output-folder policy, strict pipeline files, interruptions and input kinds (issue "Never
/// destroy what the tool did not write"), on the real binary: nothing outside a previous
/// ks2progress output is ever changed by any command.
@Suite struct OutputSafetyTests {
    /// Every file below `root` (relative path → bytes), links and folders included by name.
    static func tree(_ root: URL) -> [String: Data] {
        var out: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return out }
        while let entry = walker.nextObject() as? String {
            let full = root.appendingPathComponent(entry).path
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: full, isDirectory: &isFolder)
            out[entry] =
                isFolder.boolValue ? Data("folder".utf8) : (FileManager.default.contents(atPath: full) ?? Data())
        }
        return out
    }

    /// A scratch folder holding synthetic inputs (`in/ks2.csv`, `in/ks1.csv`) and a user's files.
    static func workspace() throws -> URL {
        let dir = try Harness.temporaryFolder()
        let r = try Harness.run([
            "synth", "--schools", "8", "--year", "2019", "--seed", "1", "--out",
            dir.appendingPathComponent("in").path,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        try Harness.write("precious\n", to: dir.appendingPathComponent("precious.txt"))
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("docs"), withIntermediateDirectories: true)
        try Harness.write("my notes\n", to: dir.appendingPathComponent("docs/notes.txt"))
        return dir
    }

    static func progress(
        out: String, in dir: URL, extra: [String] = [],
        environment: [String: String] = [:]
    ) throws -> Harness.Result {
        try Harness.run(
            [
                "progress", "--ks2", "in/ks2.csv", "--ks1", "in/ks1.csv", "--year", "2019",
                "--out", out, "--no-xlsx",
            ] + extra, in: dir, timeout: 60, environment: environment)
    }

    static func oneLine(_ text: String) -> Bool {
        text.split(separator: "\n").count == 1 && !text.contains("NSCocoaErrorDomain") && !text.contains("[ERROR]")
    }

    @Test(arguments: [
        ("in", "it holds the input"), (".", "it is the working folder"), ("x/..", "it is the working folder"),
        ("in/ks2.csv", "it is a file, not a folder"), ("precious.txt", "it is a file, not a folder"),
        ("docs", "is not a ks2progress output"), ("/", "it is the root folder"), ("..", "it is the working folder"),
    ])
    func refusedOutputsTouchNothing(out: String, reason: String) throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = Self.tree(dir)
        let r = try Self.progress(out: out, in: dir)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("refused") && r.stderr.contains(reason), "\(r.stderr)")
        #expect(Self.oneLine(r.stderr), "\(r.stderr)")
        #expect(Self.tree(dir) == before)
    }

    @Test func usageErrorsCreateNothing() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = Self.tree(dir)
        for (out, extra) in [
            ("", [String]()), ("~", []), ("~/reports", []), ("o", ["--threads", "0"]),
            ("o", ["--threads", "2000"]), ("o", ["--threads", "9223372036854775807"]),
        ] {
            let r = try Self.progress(out: out, in: dir, extra: extra)
            #expect(r.status == 2, "\(out) \(extra): \(r.stderr)")
        }
        #expect(
            try Harness.run(["validate", "--ks2", "in/ks2.csv", "--year", "2036", "--out", "o"], in: dir).status == 2)
        #expect(Self.tree(dir) == before)
    }

    @Test func theHomeFolderIsRefused() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let home = dir.appendingPathComponent("docs")
        let before = Self.tree(dir)
        // the home folder itself, and a folder holding it
        for out in [home.path, dir.path] {
            let r = try Self.progress(out: out, in: dir, environment: ["HOME": home.path])
            #expect(r.status == 1 && r.stderr.contains("refused"), "\(r.stderr)")
        }
        #expect(Self.tree(dir) == before)
    }

    @Test func aPreviousOutputIsReplacedUnlessItHoldsSomethingElse() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try Self.progress(out: "reports/2019", in: dir).status == 0)
        let marker = try Harness.read(dir.appendingPathComponent("reports/2019/.ks2progress-output"))
        #expect(marker.hasPrefix("ks2progress output folder") && marker.contains("\npupils.csv\n"))
        // an empty folder and a previous output are taken; a previous output holding a user's file is not
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("empty"), withIntermediateDirectories: true)
        #expect(try Self.progress(out: "empty", in: dir).status == 0)
        #expect(try Self.progress(out: "reports/2019", in: dir).status == 0)
        try Harness.write("mine\n", to: dir.appendingPathComponent("reports/2019/analysis.txt"))
        let r = try Self.progress(out: "reports/2019", in: dir)
        #expect(r.status == 1 && r.stderr.contains("analysis.txt"), "\(r.stderr)")
        #expect(try Harness.read(dir.appendingPathComponent("reports/2019/analysis.txt")) == "mine\n")
        // an output whose parent is a file: one plain line, no Foundation dump
        let bad = try Self.progress(out: "precious.txt/sub", in: dir)
        #expect(bad.status == 1 && Self.oneLine(bad.stderr), "\(bad.stderr)")
        #expect(try Harness.read(dir.appendingPathComponent("precious.txt")) == "precious\n")
    }

    @Test func onlyRegularFilesAreRead() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(mkfifo(dir.appendingPathComponent("fifo").path, 0o600) == 0)
        for (input, kind) in [("fifo", "FIFO"), ("/dev/zero", "character device"), ("docs", "folder")] {
            let r = try Harness.run(
                [
                    "progress", "--ks2", input, "--ks1", "in/ks1.csv", "--year", "2019",
                    "--out", "o", "--no-xlsx",
                ], in: dir, timeout: 20)
            #expect(!r.timedOut && r.status == 1, "\(input): \(r.stderr)")
            #expect(r.stderr.contains("not a regular file (") && r.stderr.contains(kind), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("o").path))
        }
    }

    @Test func runJSONDescribesTheBytesRead() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try Self.progress(out: "o", in: dir).status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("o/run.json")))
        let ks2 = ((json as? [String: Any])?["inputs"] as? [String: Any])?["ks2"] as? [String: Any]
        let bytes = try Data(contentsOf: dir.appendingPathComponent("in/ks2.csv"))
        #expect(ks2?["bytes"] as? Int == bytes.count)
        let sum = Process()
        sum.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        sum.arguments = [dir.appendingPathComponent("in/ks2.csv").path]
        let pipe = Pipe()
        sum.standardOutput = pipe
        try sum.run()
        let digest = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(64)
        sum.waitUntilExit()
        #expect(ks2?["sha256"] as? String == String(digest))
    }

    // MARK: pipeline files

    static func pipeline(_ text: String, in dir: URL) throws -> Harness.Result {
        let folder = dir.appendingPathComponent("p")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Harness.write(text, to: folder.appendingPathComponent("a.yml"))
        // run from the repository root: the pipeline's paths are the pipeline file's own
        return try Harness.run(["run", folder.appendingPathComponent("a.yml").path], timeout: 60)
    }

    static let goodPipeline = """
        output: out
        xlsx: false
        years:
          - year: 2019
            ks2: ../in/ks2.csv
            ks1: ../in/ks1.csv

        """

    @Test func pipelinePathsAreRelativeToThePipelineFile() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Self.pipeline(Self.goodPipeline, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("p/out/pupils.csv").path))
    }

    @Test(arguments: [
        ("    estimate: ../nat\n", "a.yml:7: unknown key `estimate` in years[1] (did you mean `estimates`?)"),
        ("xslx: true\n", "a.yml:7: unknown key `xslx` (did you mean `xlsx`?)"),
        ("threads: 0\n", "a.yml:7: `threads` is 0: expected 1 to 1024"),
        ("threads: 9223372036854775807\n", "a.yml:7: `threads` is 9223372036854775807: expected 1 to 1024"),
        ("cohorts: ~\n", "a.yml:7: `cohorts` is empty (null)"),
        ("focus_threshold: high\n", "a.yml:7: `focus_threshold` has the wrong type: expected a number"),
    ])
    func pipelineMistakesAreErrors(extra: String, message: String) throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Self.pipeline(Self.goodPipeline + extra, in: dir)
        #expect(r.status == 1 && r.stderr.contains(message), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("p/out").path))
    }

    @Test func pipelineOutputAndYearsAreChecked() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = Self.tree(dir)
        let cases = [
            (
                Self.goodPipeline.replacingOccurrences(of: "output: out", with: "output: ~"),
                "a.yml:1: `output` is empty (null)"
            ),
            (Self.goodPipeline.replacingOccurrences(of: "output: out", with: "output: \"\""), "`output` is empty"),
            (Self.goodPipeline.replacingOccurrences(of: "output: out", with: "output: \"~\""), "does not expand"),
            (Self.goodPipeline.replacingOccurrences(of: "output: out", with: "output: .."), "holds the input"),
            (Self.goodPipeline.replacingOccurrences(of: "year: 2019", with: "year: 2040"), "a.yml:4: `year` is 2040"),
            (
                Self.goodPipeline.replacingOccurrences(
                    of: "ks1: ../in/ks1.csv", with: "ks1: ../in/ks1.csv\n    ks2_columns:\n      read_scor: Reading"),
                "unknown column `read_scor` in years[1].ks2_columns (did you mean `read_score`?)"
            ),
        ]
        for (text, message) in cases {
            let r = try Self.pipeline(text, in: dir)
            #expect(r.status == 1 && r.stderr.contains(message) && Self.oneLine(r.stderr), "\(message): \(r.stderr)")
        }
        var after = Self.tree(dir)
        after = after.filter { $0.key != "p" && !$0.key.hasPrefix("p/") }
        #expect(after == before)
    }

    // MARK: interruptions

    /// Starts a long run (workbooks for 600 schools) into `out` and sends `signal` once its working
    /// folder holds a file; returns the exit status.
    static func interrupt(_ dir: URL, out: URL, signal: Int32) throws -> Int32 {
        let data = dir.appendingPathComponent("big")
        #expect(
            try Harness.run(["synth", "--schools", "600", "--year", "2019", "--seed", "5", "--out", data.path]).status
                == 0)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Harness.binary)
        p.arguments = [
            "progress", "--ks2", data.path + "/ks2.csv", "--ks1", data.path + "/ks1.csv", "--year", "2019",
            "--out", out.path, "--threads", "1",
        ]
        p.currentDirectoryURL = Harness.repoRoot
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let parent = out.deletingLastPathComponent()
        let start = Date()
        while p.isRunning && Date().timeIntervalSince(start) < 120 {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
            if let partial = entries.first(where: { $0.hasPrefix(".out.partial-") }),
                !((try? FileManager.default.contentsOfDirectory(atPath: parent.appendingPathComponent(partial).path))
                    ?? []).isEmpty
            {
                break
            }
            usleep(2_000)
        }
        #expect(p.isRunning, "the run ended before it could be interrupted")
        kill(p.processIdentifier, signal)
        p.waitUntilExit()
        return p.terminationStatus
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func anInterruptedRunLeavesNothing(signal: Int32) throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        // the output's parents do not exist: the run creates them, and removes them when interrupted
        let out = dir.appendingPathComponent("new/parents/out")
        let status = try Self.interrupt(dir, out: out, signal: signal)
        #expect(status == 128 + signal)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("new").path))
    }

    @Test func aLiveRunsWorkingFolderIsNeverTakenForALeftover() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        // another run (here: this test, in whatever PID namespace) holds its working folder's lock
        let other = dir.appendingPathComponent(".o.partial-1-abcdef")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try Harness.write("pupil data\n", to: other.appendingPathComponent("pupils.csv"))
        let fd = open(other.path, O_RDONLY | O_DIRECTORY)
        #expect(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
        #expect(try Self.progress(out: "o", in: dir).status == 0)
        #expect(FileManager.default.fileExists(atPath: other.appendingPathComponent("pupils.csv").path))
        // once its process is gone (the lock is free), a later run removes the leftover
        close(fd)
        #expect(try Self.progress(out: "o", in: dir).status == 0)
        #expect(!FileManager.default.fileExists(atPath: other.path))
    }

    // MARK: a full disk

    /// True when this process may mount a small tmpfs (root on this machine and in CI).
    static let canMountTmpfs: Bool = {
        guard getuid() == 0 else { return false }
        let probe = NSTemporaryDirectory() + "ks2-mount-probe-\(getpid())"
        try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: probe) }
        let mounted = shell(["/bin/mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe]) == 0
        if mounted { _ = shell(["/bin/umount", probe]) }
        return mounted
    }()

    @discardableResult
    static func shell(_ arguments: [String]) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: arguments[0])
        p.arguments = Array(arguments.dropFirst())
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// A disk that fills while CSVs (1 MB) or workbooks (3 MB) are written: one plain line naming
    /// the output file and the cause, no libxlsxwriter noise, nothing left on the disk.
    @Test(.enabled(if: OutputSafetyTests.canMountTmpfs), arguments: ["1m", "3m"])
    func aFullDiskFailsInOneLineAndLeavesNothing(size: String) throws {
        let dir = try Harness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data")
        #expect(
            try Harness.run(["synth", "--schools", "100", "--year", "2019", "--seed", "3", "--out", data.path]).status
                == 0)
        let disk = dir.appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        #expect(Self.shell(["/bin/mount", "-t", "tmpfs", "-o", "size=\(size)", "tmpfs", disk.path]) == 0)
        defer { Self.shell(["/bin/umount", disk.path]) }
        let r = try Harness.run(
            [
                "progress", "--ks2", data.path + "/ks2.csv", "--ks1", data.path + "/ks1.csv",
                "--year", "2019", "--out", disk.path + "/out",
            ], timeout: 120)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(
            Self.oneLine(r.stderr) && r.stderr.lowercased().contains("no space left on device")
                && r.stderr.contains(disk.path + "/out/") && !r.stderr.contains("partial"), "\(r.stderr)")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: disk.path)) ?? ["?"]).isEmpty)
    }

    // MARK: an unprivileged user

    /// As user `nobody` whose home is a scratch folder: `~` and the home folder are refused, and a
    /// read-only output parent fails in one line, leaving nothing.
    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func anUnprivilegedUserWithAScratchHome() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let home = dir.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try Harness.write("keep\n", to: home.appendingPathComponent("keep.txt"))
        let tool = dir.appendingPathComponent("tool")
        try FileManager.default.createDirectory(at: tool, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: Harness.binary, toPath: tool.appendingPathComponent("ks2progress").path)
        try FileManager.default.copyItem(
            at: Harness.repoRoot.appendingPathComponent("Data/methodology"),
            to: tool.appendingPathComponent("methodology"))
        for path in [
            dir.path, home.path, tool.path, dir.path + "/in", dir.path + "/in/ks2.csv", dir.path + "/in/ks1.csv",
        ] {
            chmod(path, path.hasSuffix(".csv") ? 0o644 : 0o755)
        }
        chown(home.path, 65534, 65534)
        chown(home.appendingPathComponent("keep.txt").path, 65534, 65534)
        let before = Self.tree(home)
        func run(_ out: String) throws -> Harness.Result {
            try Harness.run(
                [
                    "progress", "--ks2", "in/ks2.csv", "--ks1", "in/ks1.csv", "--year", "2019",
                    "--out", out, "--no-xlsx", "--methodology", tool.path + "/methodology",
                ],
                in: dir, timeout: 60, environment: ["HOME": home.path],
                launcher: [
                    "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                    tool.path + "/ks2progress",
                ])
        }
        #expect(try run("~").status == 2)
        let homeRun = try run(home.path)
        #expect(homeRun.status == 1 && homeRun.stderr.contains("home folder"), "\(homeRun.stderr)")
        #expect(Self.tree(home) == before)
        // the scratch folder's parent belongs to root: nobody cannot write there
        let readOnly = try run(dir.path + "/reports")
        #expect(
            readOnly.status == 1 && Self.oneLine(readOnly.stderr) && readOnly.stderr.contains("ermission denied"),
            "\(readOnly.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/reports"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("partial") }
        #expect(leftovers.isEmpty)
        // a run into the home folder's own subfolder works
        let ok = try run(home.path + "/reports")
        #expect(ok.status == 0, "\(ok.stderr)")
    }
}
