import Dispatch
import Foundation
import KS2Core

/// Every input file this process has read, with the size and SHA-256 of exactly the bytes that
/// were parsed (run.json's provenance). The digest is computed from the reader's own buffer, on a
/// background thread when the run has more than one, so an input is opened once and a file that
/// changes during the run is described as it was read.
public final class InputLedger: @unchecked Sendable {
    /// One input as read.
    public struct Entry: Sendable, Equatable {
        public let path: String
        public let bytes: Int
        public let sha256: String
    }

    /// The process's ledger: every reader records here.
    public static let shared = InputLedger()

    /// A digest being computed (or done) for one read of a file.
    private final class Pending: @unchecked Sendable {
        let done = DispatchGroup()
        var entry: Entry? = nil
    }

    private let lock = NSLock()
    private var reads: [String: Pending] = [:]

    /// Records a read of `path`; the latest read of a path is the one reported.
    func record(path: String, raw: RawFile, threads: Int) {
        let pending = Pending()
        pending.done.enter()
        lock.withLock { reads[path] = pending }
        let hash: @Sendable () -> Void = {
            pending.entry = Entry(path: path, bytes: raw.bytes.count, sha256: SHA256.hex(of: raw.bytes))
            pending.done.leave()
        }
        if threads <= 1 {
            hash()  // one thread means one core
        } else {
            DispatchQueue.global(qos: .utility).async(execute: hash)
        }
    }

    /// The size and digest of the last read of `path`, waiting for its hash; nil when this
    /// process has not read it.
    public func entry(for path: String) -> Entry? {
        guard let pending = lock.withLock({ reads[path] }) else { return nil }
        pending.done.wait()
        return pending.entry
    }

    /// Reads a small text file (a pipeline file) once, regular files only, and records it; throws
    /// when it is not UTF-8.
    public func readText(path: String) throws(InputError) -> String {
        let raw = try RawFile.load(path: path)
        record(path: path, raw: raw, threads: 1)
        guard let text = String(validating: raw.bytes, as: UTF8.self) else {
            throw InputError(file: path, line: 0, column: 0, message: "not UTF-8 text: expected a YAML file in UTF-8")
        }
        return text
    }

    /// Reads `path` once (when no reader has) and returns its entry.
    public func describe(path: String) throws(InputError) -> Entry {
        if let known = entry(for: path) { return known }
        let raw = try RawFile.load(path: path)
        record(path: path, raw: raw, threads: 1)
        return entry(for: path)!
    }
}
