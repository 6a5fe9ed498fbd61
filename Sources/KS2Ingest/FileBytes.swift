#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import KS2Core

/// A whole input file held in one buffer as UTF-8 (BOM skipped, Windows-1252 transcoded), so the
/// scanner can hand out byte ranges instead of building a String per field.
final class FileBytes: @unchecked Sendable {
    /// Where the bytes live: a private read-only mapping of the file, or an allocation.
    private enum Storage {
        case mapped(UnsafeMutableRawPointer, Int)
        case allocated(UnsafeMutableRawBufferPointer)
    }
    private let storage: Storage
    /// The UTF-8 text of the file, without a byte-order mark.
    let bytes: UnsafeRawBufferPointer
    /// True when the file was not valid UTF-8 and was decoded as Windows-1252.
    let wasWindows1252: Bool

    var count: Int { bytes.count }
    let base: UnsafePointer<UInt8>

    private init(storage: Storage, bytes: UnsafeRawBufferPointer, windows1252: Bool) {
        self.storage = storage; self.bytes = bytes; self.wasWindows1252 = windows1252
        base = UnsafePointer<UInt8>(OpaquePointer(bytes.baseAddress ?? UnsafeRawPointer(FileBytes.emptyByte)))
    }

    /// Never written or read: a valid address for a buffer of no bytes.
    nonisolated(unsafe) private static let emptyByte = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)

    deinit {
        switch storage {
        case .mapped(let p, let size):
            // unmapping a national file takes the kernel ~10 ms: off the run's critical path
            if size >= 1 << 24 {
                let address = UInt(bitPattern: p)
                DispatchQueue.global(qos: .utility).async { munmap(UnsafeMutableRawPointer(bitPattern: address), size) }
            } else {
                munmap(p, size)
            }
        case .allocated(let b): b.deallocate()
        }
    }

    /// Reads `path` fully (a read-only mapping for a regular file); throws an InputError (line 0)
    /// when it cannot be opened or read.
    static func load(path: String, threads: Int = 1) throws(InputError) -> FileBytes {
        let fd = open(path, O_RDONLY)
        if fd < 0 { throw InputError(file: path, line: 0, column: 0,
                                     message: "cannot open the file: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw InputError(file: path, line: 0, column: 0, message: "cannot read the file: \(String(cString: strerror(errno)))")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw InputError(file: path, line: 0, column: 0, message: "cannot read the file: it is a directory")
        }
        if (info.st_mode & S_IFMT) == S_IFREG && info.st_size > 0 {
            let size = Int(info.st_size)
            #if canImport(Glibc)
            let flags = MAP_PRIVATE | MAP_POPULATE
            #else
            let flags = MAP_PRIVATE
            #endif
            if let p = mmap(nil, size, PROT_READ, flags, fd, 0), p != MAP_FAILED {
                return FileBytes(decoding: .mapped(p, size), raw: UnsafeRawBufferPointer(start: p, count: size), threads: threads)
            }
        }
        var capacity = max(Int(info.st_size), 0) + 1
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        var used = 0
        while true {
            if used == capacity {   // the file grew, or has no size (a pipe): grow the buffer
                let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity * 2, alignment: 16)
                bigger.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[0..<used]))
                buffer.deallocate()
                buffer = bigger
                capacity *= 2
            }
            let got = read(fd, buffer.baseAddress! + used, capacity - used)
            if got < 0 {
                if errno == EINTR { continue }
                let message = String(cString: strerror(errno))
                buffer.deallocate()
                throw InputError(file: path, line: 0, column: 0, message: "cannot read the file: \(message)")
            }
            if got == 0 { break }
            used += got
        }
        return FileBytes(decoding: .allocated(buffer), raw: UnsafeRawBufferPointer(rebasing: buffer[0..<used]), threads: threads)
    }

    /// Takes ownership of `storage` whose raw file bytes are `raw`, and decodes them.
    private convenience init(decoding storage: Storage, raw: UnsafeRawBufferPointer, threads: Int) {
        var start = 0
        if raw.count >= 3, raw[0] == 0xEF, raw[1] == 0xBB, raw[2] == 0xBF { start = 3 }
        var body = UnsafeRawBufferPointer(rebasing: raw[start...])
        var storage = storage
        // classic Mac line ends (CR only, no LF anywhere): read each CR as a line end
        if body.firstIndex(of: 0x0A) == nil && body.firstIndex(of: 0x0D) != nil {
            let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(body.count, 1), alignment: 16)
            for (i, b) in body.enumerated() { copy[i] = b == 0x0D ? 0x0A : b }
            switch storage {
            case .mapped(let p, let size): munmap(p, size)
            case .allocated(let b): b.deallocate()
            }
            storage = .allocated(copy)
            body = UnsafeRawBufferPointer(rebasing: copy[0..<body.count])
        }
        if UTF8Check.isValid(body, threads: threads) {
            self.init(storage: storage, bytes: body, windows1252: false)
        } else {
            let converted = Windows1252.transcode(body)
            switch storage {
            case .mapped(let p, let size): munmap(p, size)
            case .allocated(let b): b.deallocate()
            }
            self.init(storage: .allocated(converted.storage), bytes: converted.text, windows1252: true)
        }
    }

    /// Builds from bytes in memory (tests and small callers).
    static func from(_ data: [UInt8]) -> FileBytes {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(data.count, 1), alignment: 16)
        data.withUnsafeBytes { buffer.copyMemory(from: $0) }
        return FileBytes(decoding: .allocated(buffer), raw: UnsafeRawBufferPointer(rebasing: buffer[0..<data.count]), threads: 1)
    }
}

/// UTF-8 validation with an ASCII fast path (8 bytes at a time).
enum UTF8Check {
    /// Validates in segments cut at character starts, claimed by up to `threads` workers.
    static func isValid(_ bytes: UnsafeRawBufferPointer, threads: Int) -> Bool {
        let n = bytes.count
        let parts = n < (1 << 20) || threads <= 1 ? 1 : min(threads * 8, n >> 16)
        if parts == 1 { return isValid(bytes) }
        var cuts = [0]
        for k in 1..<parts {
            var c = n * k / parts
            while c > cuts[cuts.count - 1] && bytes[c] & 0xC0 == 0x80 { c -= 1 }
            cuts.append(c)
        }
        cuts.append(n)
        let valid = UnsafeMutableBufferPointer<Bool>.allocate(capacity: parts)
        defer { valid.deallocate() }
        forEachChunk(parts, threads: threads) { k in
            valid[k] = isValid(UnsafeRawBufferPointer(rebasing: bytes[cuts[k]..<cuts[k + 1]]))
        }
        return valid.allSatisfy { $0 }
    }

    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return true }
        let n = bytes.count
        var i = 0
        while i < n {
            // skip ASCII words
            while i + 8 <= n {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                i += 8
            }
            if i >= n { break }
            let c = base[i]
            if c < 0x80 { i += 1; continue }
            let need: Int
            let minScalar: UInt32
            var scalar: UInt32
            if c & 0xE0 == 0xC0 { need = 1; minScalar = 0x80; scalar = UInt32(c & 0x1F) }
            else if c & 0xF0 == 0xE0 { need = 2; minScalar = 0x800; scalar = UInt32(c & 0x0F) }
            else if c & 0xF8 == 0xF0 { need = 3; minScalar = 0x10000; scalar = UInt32(c & 0x07) }
            else { return false }
            if i + need >= n { return false }
            for k in 1...need {
                let d = base[i + k]
                if d & 0xC0 != 0x80 { return false }
                scalar = (scalar << 6) | UInt32(d & 0x3F)
            }
            if scalar < minScalar || scalar > 0x10FFFF || (scalar >= 0xD800 && scalar <= 0xDFFF) { return false }
            i += need + 1
        }
        return true
    }
}

/// Windows-1252 → UTF-8 for files Excel saved in the UK Windows default encoding.
enum Windows1252 {
    /// Unicode scalars of 0x80–0x9F (undefined bytes map to the C1 control of the same value).
    static let high: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    /// A new buffer holding the UTF-8 encoding of `bytes` read as Windows-1252.
    static func transcode(_ bytes: UnsafeRawBufferPointer) -> (storage: UnsafeMutableRawBufferPointer, text: UnsafeRawBufferPointer) {
        var size = 0
        for b in bytes {
            if b < 0x80 { size += 1 } else if b < 0xA0 { size += high[Int(b - 0x80)] < 0x800 ? 2 : 3 } else { size += 2 }
        }
        let out = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 16)
        var o = 0
        for b in bytes {
            let scalar: UInt32 = b < 0x80 ? UInt32(b) : (b < 0xA0 ? high[Int(b - 0x80)] : UInt32(b))
            if scalar < 0x80 {
                out[o] = UInt8(scalar); o += 1
            } else if scalar < 0x800 {
                out[o] = UInt8(0xC0 | (scalar >> 6)); out[o + 1] = UInt8(0x80 | (scalar & 0x3F)); o += 2
            } else {
                out[o] = UInt8(0xE0 | (scalar >> 12)); out[o + 1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
                out[o + 2] = UInt8(0x80 | (scalar & 0x3F)); o += 3
            }
        }
        return (out, UnsafeRawBufferPointer(rebasing: out[0..<size]))
    }
}
