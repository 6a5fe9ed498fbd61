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

    /// Writes large files made of parts, in order: workers claim the next part as they become free
    /// and one writer thread writes finished parts in file order, so formatting never waits at a
    /// batch boundary or between files, no file sits whole in memory (at most a few parts per
    /// worker are in flight), and the bytes never depend on the thread count.
    public func write(_ files: [PartFile], threads: Int) throws {
        var fds: [Int32] = []
        defer { for fd in fds { close(fd) } }
        for f in files {
            let full = path(f.name)
            let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC, f.mode)
            guard fd >= 0 else { throw PipelineError.io("cannot create \(full): \(String(cString: strerror(errno)))") }
            fchmod(fd, f.mode)
            fds.append(fd)
        }
        // every part of every file, in the order they are written
        var order: [PartRef] = []
        for (k, f) in files.enumerated() { for j in f.parts.indices { order.append(PartRef(file: Int32(k), part: Int32(j))) } }
        let failure = WriteFailure()
        let descriptors = fds
        @Sendable func writeOut(_ bytes: [UInt8], _ file: Int) {
            bytes.withUnsafeBytes { raw in
                var done = 0
                while done < raw.count {
                    let w = Foundation.write(descriptors[file], raw.baseAddress! + done, raw.count - done)
                    if w < 0 {
                        if errno == EINTR { continue }
                        failure.record(errno, file: file); return
                    }
                    done += w
                }
            }
        }
        if threads <= 1 {
            // one thread means one: format a part, write it, go on
            for ref in order where !failure.failed {
                writeOut(files[Int(ref.file)].parts[Int(ref.part)](), Int(ref.file))
            }
        } else {
            let total = order.count
            let refs = order
            let slots = SendableBuffer<[UInt8]>(repeating: [], count: total)
            let ready = (0..<total).map { _ in DispatchSemaphore(value: 0) }
            // parts claimed but not yet written; a worker takes a place before it claims a part,
            // so every claimed part is being formatted and the writer always gets its next part
            let window = DispatchSemaphore(value: 4 * threads)
            let written = DispatchSemaphore(value: 0)
            // a thread of its own: Dispatch's workers may all be formatting (or waiting for a place)
            let writer = Thread {
                for k in 0..<total {
                    ready[k].wait()
                    if !failure.failed { writeOut(slots[k], Int(refs[k].file)) }
                    slots[k] = []
                    window.signal()
                }
                written.signal()
            }
            writer.start()
            let claims = WorkClaims(count: total)
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                while true {
                    window.wait()
                    guard let k = claims.claim() else { window.signal(); return }
                    if !failure.failed { slots[k] = files[Int(refs[k].file)].parts[Int(refs[k].part)]() }
                    ready[k].signal()
                }
            }
            written.wait()
        }
        if let (e, file) = failure.first {
            throw PipelineError.io("cannot write \(path(files[file].name)): \(String(cString: strerror(e)))")
        }
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

/// One file of a streamed write: its parts are formatted in parallel and written in order.
public struct PartFile: Sendable {
    public var name: String
    public var parts: [@Sendable () -> [UInt8]]
    public var mode: mode_t
    public init(name: String, parts: [@Sendable () -> [UInt8]], mode: mode_t = OutputFolder.summaryFileMode) {
        self.name = name; self.parts = parts; self.mode = mode
    }
}

/// A part of a streamed write: file index and part index (a struct, not a tuple, for the workers).
private struct PartRef: Sendable {
    var file: Int32
    var part: Int32
}

/// The first write error of a background writer, and its file (guarded by a lock).
private final class WriteFailure: @unchecked Sendable {
    private let lock = NSLock()
    private var error: (Int32, Int)? = nil
    var failed: Bool { lock.lock(); defer { lock.unlock() }; return error != nil }
    var first: (Int32, Int)? { lock.lock(); defer { lock.unlock() }; return error }
    func record(_ e: Int32, file: Int) { lock.lock(); if error == nil { error = (e, file) }; lock.unlock() }
}
