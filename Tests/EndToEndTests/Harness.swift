import Foundation
import TestSupport

/// Runs the real `ks2progress` binary (the one `swift build` put beside the tests) in temporary
/// folders, as a user would.
enum Harness {
    static let repoRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static let binary: String = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
                "ks2progress"
            ).path,
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("ks2progress").path,
            repoRoot.appendingPathComponent(".build/debug/ks2progress").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// True when the run was killed for passing its time limit.
        var timedOut = false
    }

    /// The environment with a fixed run date (2000-01-01), so two runs give byte-identical workbooks.
    static var fixedDateEnvironment: [String: String] {
        ProcessInfo.processInfo.environment.merging(["SOURCE_DATE_EPOCH": "946684800"]) { _, fixed in fixed }
    }

    /// Runs the binary with `arguments` in `directory` (default: the repository root); a run
    /// longer than `timeout` seconds is killed (SIGKILL) and reported as timed out.
    @discardableResult
    static func run(
        _ arguments: [String], in directory: URL? = nil, timeout: Double = 600,
        environment: [String: String] = [:], launcher: [String] = []
    ) throws -> Result {
        let p = Process()
        if launcher.isEmpty {
            p.executableURL = URL(fileURLWithPath: binary)
            p.arguments = arguments
        } else {
            p.executableURL = URL(fileURLWithPath: launcher[0])
            p.arguments = Array(launcher.dropFirst()) + arguments
        }
        // a fixed run date unless the caller sets one, so two runs give byte-identical workbooks
        p.environment = fixedDateEnvironment.merging(environment) { $1 }
        p.currentDirectoryURL = directory ?? repoRoot
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let finished = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var timedOut = false
        let pid = p.processIdentifier
        DispatchQueue.global().async {
            if finished.wait(timeout: .now() + timeout) == .timedOut {
                timedOut = true
                kill(pid, SIGKILL)
            }
        }
        // Read both pipes to the end before waiting, so a large output cannot block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        finished.signal()
        return Result(
            status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self), timedOut: timedOut)
    }

    /// A fresh temporary folder, removed by the caller's `defer`.
    static func temporaryFolder() throws -> URL {
        try TestSupport.temporaryFolder("ks2e2e")
    }

    static func read(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    /// A CSV as rows of fields (simple split: the outputs tested here hold no quoted commas).
    static func csv(_ url: URL) throws -> [[String]] {
        try read(url).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
    }

    /// The fields of one CSV line, honouring double quotes (no line breaks inside quotes).
    static func fields(_ line: Substring) -> [String] {
        var out: [String] = []
        var cur = ""
        var quoted = false
        var it = line.makeIterator()
        var pending: Character? = nil
        while let c = pending ?? it.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let n = it.next() {
                        if n == "\"" {
                            cur.append("\"")
                        } else {
                            quoted = false
                            pending = n
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    cur.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                out.append(cur)
                cur = ""
            } else {
                cur.append(c)
            }
        }
        out.append(cur)
        return out
    }

    static func write(_ text: String, to url: URL) throws {
        try text.write(to: url, atomically: true, encoding: .utf8)
    }
}
