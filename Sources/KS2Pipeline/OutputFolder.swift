import Foundation
import KS2Core
import KS2Reports

/// A run's output folder, written whole or not at all: files go to a hidden sibling folder that is
/// renamed into place only when every file is written, so a failed or killed run never leaves
/// half-written reports where the last good ones were. It is the one place where ks2progress
/// deletes, and it only ever replaces what ks2progress itself wrote (`OutputPolicy`).
/// Sendable because its only mutable state (`committed`) changes in `commit()`, after every
/// writer has finished; concurrent writes go to different files.
public final class OutputFolder: @unchecked Sendable {
    public let finalPath: String
    public let workingPath: String
    private var committed = false
    /// An open descriptor of the working folder holding an exclusive `flock`: while this process
    /// lives, no other run takes the folder for a killed run's leftover.
    private let lockDescriptor: Int32
    /// Folders above the output that this run created (deepest last), removed when it fails.
    private let createdParents: [String]

    /// Pupil-level files are readable by the owner and group only.
    public static let pupilFileMode: mode_t = 0o640
    public static let summaryFileMode: mode_t = 0o644

    /// Checks `path` against the output policy (the inputs named so that no folder holding one is
    /// ever replaced), removes leftovers of killed runs that no live process holds, and creates
    /// the locked working folder.
    public init(_ path: String, inputs: [String] = []) throws {
        let target = try OutputPolicy.check(path, inputs: inputs)
        finalPath = target.path
        let parent = (finalPath as NSString).deletingLastPathComponent
        let name = (finalPath as NSString).lastPathComponent
        createdParents = try OutputPolicy.makeParents(parent)
        OutputPolicy.removeLeftovers(in: parent, of: name)
        var made: (path: String, lock: Int32)? = nil
        for _ in 0..<8 where made == nil {
            made = try OutputPolicy.makeLockedFolder(parent + "/.\(name).partial-\(getpid())-\(OutputPolicy.nonce())")
        }
        guard let made else {
            OutputPolicy.removeParents(createdParents)
            throw PipelineError.io("cannot create a working folder beside \(finalPath)")
        }
        workingPath = made.path
        lockDescriptor = made.lock
        InProgressOutputs.shared.add(self)
        InProgressOutputs.shared.remember(working: workingPath, final: finalPath)
    }

    deinit {
        if !committed { abandon() }
        InProgressOutputs.shared.remove(self)
        close(lockDescriptor)
    }

    /// Removes the working folder and any parent folder this run created (a failed or interrupted
    /// run leaves nothing behind).
    func abandon() {
        OutputPolicy.removeTree(workingPath)
        OutputPolicy.removeParents(createdParents)
    }

    /// Removes every output folder of this process that is still being written (SIGINT/SIGTERM:
    /// the command line calls this before it exits).
    public static func abandonAllInProgress() {
        for folder in InProgressOutputs.shared.all() where !folder.committed { folder.abandon() }
    }

    /// Creates the subfolder `name` of the working folder (never the working folder itself, so a
    /// writer cannot bring back a folder an interruption removed).
    public func makeDirectory(_ name: String) throws {
        if mkdir(path(name), 0o750) != 0 && errno != EEXIST {
            throw PipelineError.io("cannot create \(path(name)): \(String(cString: strerror(errno)))")
        }
    }

    /// Path of a file inside the working folder (for writers that take a path, e.g. workbooks).
    public func path(_ name: String) -> String { workingPath + "/" + name }

    /// Writes bytes to `name` (subfolders created) with the given permissions.
    public func write(_ name: String, _ bytes: [UInt8], mode: mode_t = OutputFolder.summaryFileMode) throws {
        let full = path(name)
        if name.contains("/") { try makeDirectory((name as NSString).deletingLastPathComponent) }
        let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw PipelineError.io("cannot create \(full): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        fchmod(fd, mode)
        try writeAll(fd, bytes, path: full)
    }

    /// Writes large files made of parts, in order: workers claim the next part as they become free
    /// and one writer thread writes finished parts in file order, so formatting never waits at a
    /// batch boundary or between files, no file sits whole in memory (at most a few parts per
    /// worker are in flight), and the bytes never depend on the thread count.
    public func write(_ files: [PartFile], threads: Int) throws {
        let stream = try PartStream(self, files: files.map { ($0.name, $0.mode) })
        var parts: [StreamPart] = []
        for (k, f) in files.enumerated() { parts += f.parts.map { StreamPart(file: k, format: $0) } }
        try stream.write(parts, threads: threads)
        try stream.close()
    }

    public func write(_ name: String, text: String, mode: mode_t = OutputFolder.summaryFileMode) throws {
        try write(name, Array(text.utf8), mode: mode)
    }

    /// Renames the finished folder into place, replacing the previous run's outputs. The target
    /// is checked again first: a file someone put there during the run stops the commit.
    public func commit() throws {
        var isOurs = stat()
        var atPath = stat()
        guard fstat(lockDescriptor, &isOurs) == 0, lstat(workingPath, &atPath) == 0,
            isOurs.st_ino == atPath.st_ino, isOurs.st_dev == atPath.st_dev
        else {
            throw PipelineError.io("the working folder \(workingPath) was removed during the run; nothing was written")
        }
        try OutputPolicy.writeMarker(in: workingPath)
        let target = try OutputPolicy.check(finalPath, inputs: [])
        if target.exists {
            // Linux: swap the two folders in one step, so the final path always holds a whole run
            if let exchange = OutputFolder.renameExchange,
                exchange(AT_FDCWD, workingPath, AT_FDCWD, finalPath, OutputFolder.renameExchangeFlag) == 0
            {
                committed = true
                OutputPolicy.removeTree(workingPath)  // now the previous outputs
                return
            }
            let aside = workingPath + ".previous"
            guard rename(finalPath, aside) == 0 else {
                throw PipelineError.io("cannot replace \(finalPath): \(String(cString: strerror(errno)))")
            }
            guard rename(workingPath, finalPath) == 0 else {
                let reason = String(cString: strerror(errno))
                _ = rename(aside, finalPath)
                throw PipelineError.io("cannot move outputs into \(finalPath): \(reason)")
            }
            committed = true
            OutputPolicy.removeTree(aside)
            return
        }
        guard rename(workingPath, finalPath) == 0 else {
            throw PipelineError.io("cannot move outputs into \(finalPath): \(String(cString: strerror(errno)))")
        }
        committed = true
    }
}

/// The output folders this process is writing, for the signal handler's clean-up.
final class InProgressOutputs: @unchecked Sendable {
    static let shared = InProgressOutputs()
    private let lock = NSLock()
    private var folders: [ObjectIdentifier: Weak] = [:]

    private struct Weak { weak var folder: OutputFolder? }

    func add(_ folder: OutputFolder) { lock.withLock { folders[ObjectIdentifier(folder)] = Weak(folder: folder) } }
    func remove(_ folder: OutputFolder) { lock.withLock { _ = folders.removeValue(forKey: ObjectIdentifier(folder)) } }
    func all() -> [OutputFolder] { lock.withLock { folders.values.compactMap(\.folder) } }

    /// Working folder → output folder, for messages (kept after the run: its error is printed
    /// when the folder is gone).
    private var names: [(working: String, final: String)] = []
    func remember(working: String, final: String) { lock.withLock { names.append((working, final)) } }

    /// `message` with every working-folder path shown as the output folder the user named.
    func userPaths(_ message: String) -> String {
        lock.withLock { names }.reduce(message) { $0.replacingOccurrences(of: $1.working, with: $1.final) }
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
        self.name = name
        self.parts = parts
        self.mode = mode
    }
}

/// One part of a streamed write: the index of its file in the stream and what formats it.
public struct StreamPart: Sendable {
    public var file: Int
    public var format: @Sendable () -> [UInt8]
    public init(file: Int, format: @escaping @Sendable () -> [UInt8]) {
        self.file = file
        self.format = format
    }
}

/// Files of the output folder kept open while their parts arrive in several batches: a
/// multi-year run streams each year's pupil and group rows as soon as the year is computed, so
/// the year's pupil-level data can go before the next year is read.
public final class PartStream {
    private let names: [String]
    private var descriptors: [Int32] = []

    /// Creates (truncates) the files in `folder` with their modes.
    public init(_ folder: OutputFolder, files: [(name: String, mode: mode_t)]) throws {
        names = files.map { folder.path($0.name) }
        for (f, full) in zip(files, names) {
            let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, f.mode)
            guard fd >= 0 else {
                closeAll()
                throw PipelineError.io("cannot create \(full): \(String(cString: strerror(errno)))")
            }
            fchmod(fd, f.mode)
            descriptors.append(fd)
        }
    }

    deinit { closeAll() }

    private func closeAll() {
        for fd in descriptors { Foundation.close(fd) }
        descriptors = []
    }

    /// Closes the files, reporting a failure of the last writes to disk.
    public func close() throws {
        defer { descriptors = [] }
        for (fd, name) in zip(descriptors, names) where Foundation.close(fd) != 0 {
            throw PipelineError.io("cannot write \(name): \(String(cString: strerror(errno)))")
        }
    }

    /// Formats and appends `parts` in order (each to its file); see `OutputFolder.write(_:threads:)`.
    public func write(_ parts: [StreamPart], threads: Int) throws {
        let failure = WriteFailure()
        let descriptors = self.descriptors
        @Sendable func writeOut(_ bytes: [UInt8], _ file: Int) {
            let failed = writeAllBytes(descriptors[file], bytes)
            if failed != 0 { failure.record(failed, file: file) }
        }
        if threads <= 1 {
            // one thread means one: format a part, write it, go on
            for part in parts where !failure.failed { writeOut(part.format(), part.file) }
        } else {
            let total = parts.count
            let slots = SendableBuffer<[UInt8]>(repeating: [], count: total)
            let ready = (0..<total).map { _ in DispatchSemaphore(value: 0) }
            // parts claimed but not yet written; a worker takes a place before it claims a part,
            // so every claimed part is being formatted and the writer always gets its next part
            let window = DispatchSemaphore(value: 4 * threads)
            let written = DispatchSemaphore(value: 0)
            // a thread of its own: Dispatch's workers may all be formatting (or waiting for a place)
            startDedicatedThread {
                for k in 0..<total {
                    ready[k].wait()
                    if !failure.failed { writeOut(slots[k], parts[k].file) }
                    slots[k] = []
                    window.signal()
                }
                written.signal()
            }
            let claims = WorkClaims(count: total)
            parallelFor(threads) { _ in
                while true {
                    window.wait()
                    guard let k = claims.claim() else {
                        window.signal()
                        return
                    }
                    if !failure.failed { slots[k] = parts[k].format() }
                    ready[k].signal()
                }
            }
            written.wait()
        }
        if let (e, file) = failure.first {
            throw PipelineError.io("cannot write \(names[file]): \(String(cString: strerror(e)))")
        }
    }
}

/// The first write error of a background writer, and its file (guarded by a lock).
private final class WriteFailure: @unchecked Sendable {
    private let lock = NSLock()
    private var error: (Int32, Int)? = nil
    var failed: Bool {
        lock.lock()
        defer { lock.unlock() }
        return error != nil
    }
    var first: (Int32, Int)? {
        lock.lock()
        defer { lock.unlock() }
        return error
    }
    func record(_ e: Int32, file: Int) {
        lock.lock()
        if error == nil { error = (e, file) }
        lock.unlock()
    }
}

/// An error as one plain line for the user: Foundation's file errors become "cannot … PATH: reason"
/// (no `NSCocoaErrorDomain Code=… UserInfo={…}` dumps).
public func plainDescription(of error: Error) -> String {
    InProgressOutputs.shared.userPaths(plainText(of: error))
}

private func plainText(of error: Error) -> String {
    if let e = error as? PipelineError { return e.description }
    if let e = error as? InputError { return e.description }
    let ns = error as NSError
    if ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain {
        let path =
            (ns.userInfo[NSFilePathErrorKey] as? String)
            ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
        var reason = ns.localizedFailureReason ?? "input/output error"
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            reason = String(cString: strerror(Int32(underlying.code)))
        } else if ns.domain == NSPOSIXErrorDomain {
            reason = String(cString: strerror(Int32(ns.code)))
        }
        return "cannot access \(path ?? "a file"): \(reason.lowercased())"
    }
    return MessageText.clip("\(error)", limit: 300)
}
