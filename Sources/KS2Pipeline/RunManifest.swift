import Foundation
import KS2Core
import KS2Ingest

/// run.json: what was run, on which inputs (size and SHA-256), with which parameters, the row
/// accounting per file and seconds per stage — so any figure can be traced back to its run.
public struct RunManifest {
    public var command: String
    public var inputs: [(role: String, path: String)] = []
    public var parameters: [String: Any] = [:]
    public var accounts: [(role: String, account: FileAccount)] = []
    public var pupilsInMeasure: [String: Int]? = nil
    public var extra: [String: Any] = [:]

    public init(command: String) { self.command = command }

    /// `processorSeconds`: per stage of `stages`, when measured (written as `cpu_seconds`).
    public func json(stages: [(String, Double)], processorSeconds: [Double] = []) throws -> [UInt8] {
        var root: [String: Any] = ["tool": "ks2progress", "version": ks2progressVersion, "command": command]
        var inputObj: [String: Any] = [:]
        for (role, path) in inputs { inputObj[role] = try fileInfo(path) }
        root["inputs"] = inputObj
        root["parameters"] = parameters
        var rows: [String: Any] = [:]
        for (role, a) in accounts {
            var o: [String: Any] = ["file": a.file, "read": a.read, "accepted": a.accepted, "rejected": a.rejected]
            var by: [String: Int] = [:]
            for (r, n) in a.rejectedByReason { by[r.rawValue] = n }
            o["rejected_by_reason"] = by
            if let m = a.matched { o["matched"] = m }
            if let u = a.unmatched { o["unmatched"] = u }
            rows[role] = o
        }
        root["rows"] = rows
        if let p = pupilsInMeasure { root["pupils_in_measure"] = p }
        var seconds: [String: Double] = [:]
        var total = 0.0
        for (s, t) in stages {
            seconds[s] = (seconds[s] ?? 0) + t
            total += t
        }
        seconds["total"] = total
        root["seconds"] = seconds
        if processorSeconds.count == stages.count && !stages.isEmpty {
            var cpu: [String: Double] = [:]
            for ((s, _), t) in zip(stages, processorSeconds) { cpu[s] = (cpu[s] ?? 0) + t }
            cpu["total"] = processorSeconds.reduce(0, +)
            root["cpu_seconds"] = cpu
        }
        // each stage once, where it first ran, as `seconds` sums a stage that ran again (a
        // pipeline's years, the CSVs written in two streams)
        var named = Set<String>()
        root["stage_order"] = stages.map(\.0).filter { named.insert($0).inserted }
        for (k, v) in extra { root[k] = v }
        let data = try JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys])
        return Array(data) + [0x0A]
    }

    /// Byte size and SHA-256 of an input file, as the run read it (the readers record every
    /// input they open in `InputLedger`; an input no reader opened is read once here).
    func fileInfo(_ path: String) throws -> [String: Any] {
        let entry = try wrapInput { try InputLedger.shared.describe(path: path) }
        return ["path": path, "bytes": entry.bytes, "sha256": entry.sha256]
    }
}

/// The tool's version, written in run.json and printed by `--version`.
public let ks2progressVersion = "0.1.0"
