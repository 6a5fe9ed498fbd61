import Foundation
import KS2Core

/// A run's output folder, written whole or not at all: files go to a hidden sibling folder that is
/// renamed into place only when every file is written, so a failed or killed run never leaves
/// half-written reports where the last good ones were.
/// Sendable because its only mutable state (`committed`) changes in `commit()`, after every
/// writer has finished; concurrent writes go to different files.
public final class OutputFolder: @unchecked Sendable {
    public let finalPath: String
    public let workingPath: String
    private var committed = false

    /// Pupil-level files are readable by the owner and group only.
    public static let pupilFileMode: mode_t = 0o640
    public static let summaryFileMode: mode_t = 0o644

    public init(_ path: String) throws {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        finalPath = url.path
        let parent = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        let fm = FileManager.default
        try fm.createDirectory(atPath: parent, withIntermediateDirectories: true)
        // Leftovers of killed runs (their pid is gone) are removed.
        if let entries = try? fm.contentsOfDirectory(atPath: parent) {
            for e in entries where e.hasPrefix(".\(name).partial-") {
                // `.NAME.partial-PID` or `.NAME.partial-PID.previous`
                let digits = e.dropFirst(".\(name).partial-".count).prefix { $0.isNumber }
                if let pid = Int32(digits), kill(pid, 0) != 0 {
                    try? fm.removeItem(atPath: parent + "/" + e)
                }
            }
        }
        workingPath = parent + "/.\(name).partial-\(getpid())"
        try? fm.removeItem(atPath: workingPath)
        try fm.createDirectory(atPath: workingPath, withIntermediateDirectories: true)
    }

    deinit { if !committed { try? FileManager.default.removeItem(atPath: workingPath) } }

    /// Path of a file inside the working folder (for writers that take a path, e.g. workbooks).
    public func path(_ name: String) -> String { workingPath + "/" + name }

    /// Writes bytes to `name` (subfolders created) with the given permissions.
    public func write(_ name: String, _ bytes: [UInt8], mode: mode_t = OutputFolder.summaryFileMode) throws {
        let full = path(name)
        let dir = (full as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw PipelineError.io("cannot create \(full): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        fchmod(fd, mode)
        var offset = 0
        try bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let w = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if w < 0 { throw PipelineError.io("cannot write \(full): \(String(cString: strerror(errno)))") }
                offset += w
            }
        }
    }

    /// Writes a large file made of parts: parts are formatted in parallel batches and written in
    /// order, so the file never sits whole in memory and its bytes never depend on the thread count.
    public func write(_ name: String, parts: [@Sendable () -> [UInt8]], threads: Int,
                      mode: mode_t = OutputFolder.summaryFileMode) throws {
        let full = path(name)
        let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw PipelineError.io("cannot create \(full): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        fchmod(fd, mode)
        let batch = max(1, threads) * 4
        let failure = WriteFailure()
        @Sendable func writeAll(_ slots: SendableBuffer<[UInt8]>) {
            for k in 0..<slots.count where !failure.failed {
                slots[k].withUnsafeBytes { raw in
                    var done = 0
                    while done < raw.count {
                        let w = Foundation.write(fd, raw.baseAddress! + done, raw.count - done)
                        if w < 0 { failure.record(errno); return }
                        done += w
                    }
                }
            }
        }
        if threads <= 1 {
            // one thread means one: format a part, write it, go on
            for part in parts where !failure.failed {
                let slot = SendableBuffer<[UInt8]>(repeating: part(), count: 1)
                writeAll(slot)
            }
            if let e = failure.code { throw PipelineError.io("cannot write \(full): \(String(cString: strerror(e)))") }
            return
        }
        // Formatting runs in parallel batches; one writer thread writes the previous batch meanwhile
        // (the kernel serialises writes to one file, so more writers would only spin on its lock).
        let writer = DispatchQueue(label: "ks2progress.write")
        let inFlight = DispatchSemaphore(value: 2)
        var start = 0
        while start < parts.count && !failure.failed {
            let end = min(parts.count, start + batch)
            let slots = SendableBuffer<[UInt8]>(repeating: [], count: end - start)
            let first = start
            parallelFor(end - start, threads: threads) { k in slots[k] = parts[first + k]() }
            inFlight.wait()
            writer.async {
                defer { inFlight.signal() }
                writeAll(slots)
            }
            start = end
        }
        writer.sync {}
        if let e = failure.code { throw PipelineError.io("cannot write \(full): \(String(cString: strerror(e)))") }
    }

    public func write(_ name: String, text: String, mode: mode_t = OutputFolder.summaryFileMode) throws {
        try write(name, Array(text.utf8), mode: mode)
    }

    /// Renames the finished folder into place, replacing the previous run's outputs.
    public func commit() throws {
        let fm = FileManager.default
        // Linux: swap the two folders in one step, so the final path always holds a whole run
        if fm.fileExists(atPath: finalPath), let exchange = OutputFolder.renameExchange,
           exchange(AT_FDCWD, workingPath, AT_FDCWD, finalPath, OutputFolder.renameExchangeFlag) == 0 {
            committed = true
            try? fm.removeItem(atPath: workingPath)   // now the previous outputs
            return
        }
        var old: String? = nil
        if fm.fileExists(atPath: finalPath) {
            let aside = workingPath + ".previous"
            try fm.moveItem(atPath: finalPath, toPath: aside)
            old = aside
        }
        do {
            try fm.moveItem(atPath: workingPath, toPath: finalPath)
        } catch {
            if let o = old { try? fm.moveItem(atPath: o, toPath: finalPath) }
            throw PipelineError.io("cannot move outputs into \(finalPath): \(error.localizedDescription)")
        }
        committed = true
        if let o = old { try? fm.removeItem(atPath: o) }
    }
}

extension OutputFolder {
    typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    /// glibc's renameat2 (not exported by the Glibc module), looked up at run time; nil elsewhere.
    static let renameExchange: RenameAt2? = {
        #if os(Linux)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: RenameAt2.self)
        #else
        return nil
        #endif
    }()
    /// RENAME_EXCHANGE: atomically exchange the two paths.
    static let renameExchangeFlag: UInt32 = 2
}

/// A fault that stops a run; the CLI prints it and exits with status 1.
public enum PipelineError: Error, CustomStringConvertible, Sendable {
    case input(InputError)
    case io(String)
    case invalid(String)

    public var description: String {
        switch self {
        case .input(let e): return e.description
        case .io(let m), .invalid(let m): return m
        }
    }
}

/// The first write error of a background writer (guarded by a lock).
private final class WriteFailure: @unchecked Sendable {
    private let lock = NSLock()
    private var error: Int32? = nil
    var failed: Bool { lock.lock(); defer { lock.unlock() }; return error != nil }
    var code: Int32? { lock.lock(); defer { lock.unlock() }; return error }
    func record(_ e: Int32) { lock.lock(); if error == nil { error = e }; lock.unlock() }
}
