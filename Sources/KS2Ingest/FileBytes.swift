import Dispatch
import KS2Core

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The bytes of one input file exactly as read: a private read-only mapping of a regular file,
/// or an allocation. They are decoded and hashed from the same buffer, so run.json's size and
/// SHA-256 describe exactly the bytes that were parsed.
final class RawFile: @unchecked Sendable {
    private enum Storage {
        case mapped(UnsafeMutableRawPointer, Int)
        case allocated(UnsafeMutableRawBufferPointer)
    }
    private let storage: Storage
    let bytes: UnsafeRawBufferPointer

    private init(storage: Storage, bytes: UnsafeRawBufferPointer) {
        self.storage = storage
        self.bytes = bytes
    }

    deinit {
        switch storage {
        case .mapped(let p, let size):
            // unmapping a national file takes the kernel ~10 ms: off the run's critical path
            if size >= 1 << 24 {
                let address = UInt(bitPattern: p)
                DispatchQueue.global(qos: .utility).async {
                    munmap(UnsafeMutableRawPointer(bitPattern: address), size)
                }
            } else {
                munmap(p, size)
            }
        case .allocated(let b):
            b.deallocate()
        }
    }

    /// Opens `path` once and reads it whole. Only regular files are read: a FIFO, a device or a
    /// folder would hang the run or mean nothing, so they are refused with what they are.
    static func load(path: String) throws(InputError) -> RawFile {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 {
            throw InputError(
                file: path, line: 0, column: 0,
                message: "cannot open the file: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw InputError(
                file: path, line: 0, column: 0,
                message: "cannot read the file: \(String(cString: strerror(errno)))")
        }
        let kind = info.st_mode & S_IFMT
        guard kind == S_IFREG else {
            throw InputError(
                file: path, line: 0, column: 0,
                message: "not a regular file (\(RawFile.describe(kind))): expected a CSV file")
        }
        let size = Int(info.st_size)
        if size > 0 {
            #if canImport(Glibc)
                let flags = MAP_PRIVATE | MAP_POPULATE
            #else
                let flags = MAP_PRIVATE
            #endif
            // the mapping's length is fixed here: bytes appended during the run are not read
            if let p = mmap(nil, size, PROT_READ, flags, fd, 0), p != MAP_FAILED {
                return RawFile(storage: .mapped(p, size), bytes: UnsafeRawBufferPointer(start: p, count: size))
            }
        }
        return try readAll(fd: fd, path: path, size: size)
    }

    /// Reads a regular file that could not be mapped (or is empty) with read(2), up to `size`
    /// bytes as fstat saw them.
    private static func readAll(fd: Int32, path: String, size: Int) throws(InputError) -> RawFile {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 16)
        var used = 0
        while used < size {
            let got = read(fd, buffer.baseAddress! + used, size - used)
            if got < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                let message = String(cString: strerror(errno))
                buffer.deallocate()
                throw InputError(file: path, line: 0, column: 0, message: "cannot read the file: \(message)")
            }
            if got == 0 { break }
            used += got
        }
        return RawFile(storage: .allocated(buffer), bytes: UnsafeRawBufferPointer(rebasing: buffer[0..<used]))
    }

    /// Bytes held in memory (tests and fuzzing).
    static func from(_ data: [UInt8]) -> RawFile {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(data.count, 1), alignment: 16)
        data.withUnsafeBytes { buffer.copyMemory(from: $0) }
        return RawFile(storage: .allocated(buffer), bytes: UnsafeRawBufferPointer(rebasing: buffer[0..<data.count]))
    }

    /// What a file that is not a regular file is, in words.
    static func describe(_ kind: mode_t) -> String {
        switch kind {
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a FIFO or pipe"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "not a file"
        }
    }
}

/// A whole input file as UTF-8 text (BOM skipped, Windows-1252 transcoded, every lone CR read as
/// a line end), so the scanner can hand out byte ranges instead of building a String per field.
final class FileBytes: @unchecked Sendable {
    /// The raw file, when the text is a view into it (nil when the text had to be rewritten).
    private let raw: RawFile?
    /// The rewritten text's allocation, when it is not a view into the raw file.
    private let converted: UnsafeMutableRawBufferPointer?
    /// The UTF-8 text of the file, without a byte-order mark.
    let bytes: UnsafeRawBufferPointer
    /// True when the file was not valid UTF-8 and was decoded as Windows-1252.
    let wasWindows1252: Bool
    /// Where the C0 control characters other than tab, CR and LF are: rows holding one are
    /// rejected as `bad_text` (formats.md), never copied into an output.
    let controls: ControlIndex

    var count: Int { bytes.count }
    let base: UnsafePointer<UInt8>

    /// Quote and LF counts of the text's consecutive blocks from the text scan (nil when the text
    /// was rewritten after it: lone CRs became LFs).
    let blocks: [ByteBlock]?

    private init(
        raw: RawFile?, converted: UnsafeMutableRawBufferPointer?, bytes: UnsafeRawBufferPointer,
        windows1252: Bool, controls: [Int], blocks: [ByteBlock]?
    ) {
        self.raw = raw
        self.converted = converted
        self.bytes = bytes
        self.wasWindows1252 = windows1252
        self.controls = ControlIndex(controls)
        self.blocks = blocks
        base = UnsafePointer<UInt8>(OpaquePointer(bytes.baseAddress ?? UnsafeRawPointer(FileBytes.emptyByte)))
    }

    /// Never written or read: a valid address for a buffer of no bytes.
    nonisolated(unsafe) private static let emptyByte = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)

    deinit {
        converted?.deallocate()
        controls.release()
    }

    /// Reads `path` once (regular files only), records its size and SHA-256 in `InputLedger.shared`
    /// from the very bytes read, and decodes them; throws an InputError (line 0) when the file
    /// cannot be opened or read.
    static func load(path: String, threads: Int = 1) throws(InputError) -> FileBytes {
        let raw = try RawFile.load(path: path)
        InputLedger.shared.record(path: path, raw: raw, threads: threads)
        return FileBytes(decoding: raw, threads: threads)
    }

    /// Builds from bytes in memory (tests and small callers).
    static func from(_ data: [UInt8]) -> FileBytes {
        FileBytes(decoding: RawFile.from(data), threads: 1)
    }

    /// Skips a byte-order mark, decodes Windows-1252 when the text is not UTF-8, and rewrites lone
    /// CRs as LF (a line ends at LF, CRLF or a lone CR, wherever it stands).
    private convenience init(decoding raw: RawFile, threads: Int) {
        var start = 0
        let all = raw.bytes
        if all.count >= 3, all[0] == 0xEF, all[1] == 0xBB, all[2] == 0xBF { start = 3 }
        let body = UnsafeRawBufferPointer(rebasing: all[start...])
        var scan = TextScan.scan(body, threads: threads)
        if scan.valid && !scan.loneCR {
            self.init(
                raw: raw, converted: nil, bytes: body, windows1252: false, controls: scan.controls,
                blocks: scan.blocks)
            return
        }
        var windows1252 = false
        let text: UnsafeMutableRawBufferPointer
        let length: Int
        if scan.valid {
            text = UnsafeMutableRawBufferPointer.allocate(byteCount: max(body.count, 1), alignment: 16)
            if body.count > 0 { text.copyMemory(from: body) }
            length = body.count
        } else {
            let decoded = Windows1252.transcode(body)
            text = decoded.storage
            length = decoded.text.count
            windows1252 = true
            scan = TextScan.scan(UnsafeRawBufferPointer(rebasing: text[0..<length]), threads: threads)
        }
        if scan.loneCR { TextScan.rewriteLoneCRs(UnsafeMutableRawBufferPointer(rebasing: text[0..<length])) }
        self.init(
            raw: nil, converted: text, bytes: UnsafeRawBufferPointer(rebasing: text[0..<length]),
            windows1252: windows1252, controls: scan.controls, blocks: scan.loneCR ? nil : scan.blocks)
    }
}

/// Ascending byte offsets of a file's control characters, searchable from any thread without
/// reference counting (the readers' row loops check every record against it).
struct ControlIndex: @unchecked Sendable {
    private let offsets: UnsafeMutableBufferPointer<Int>

    init(_ list: [Int]) {
        offsets = .allocate(capacity: list.count)
        _ = offsets.initialize(from: list)
    }

    func release() { offsets.deallocate() }

    /// The first control character's offset in [from, to), or -1.
    @inline(__always)
    func first(from: Int, to: Int) -> Int {
        if offsets.isEmpty { return -1 }
        var lo = 0
        var hi = offsets.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if offsets[mid] < from { lo = mid + 1 } else { hi = mid }
        }
        return lo < offsets.count && offsets[lo] < to ? offsets[lo] : -1
    }
}

/// One pass over a file's text: whether it is valid UTF-8, whether it holds a lone CR, where its
/// C0 control characters other than tab, CR and LF are, and its quotes and line ends counted per
/// block (the chunk plan's counts, so the plan needs no second pass) — in parallel segments.
enum TextScan {
    struct Result {
        var valid: Bool
        var loneCR: Bool
        var controls: [Int]
        /// Quote and LF counts of consecutive ranges of the scanned text, in file order.
        var blocks: [ByteBlock] = []
    }

    /// Bytes between two count checkpoints (a power of two: segment cuts aside, checkpoints sit at
    /// its multiples).
    static let blockBytes = 1 << 16

    static func scan(_ bytes: UnsafeRawBufferPointer, threads: Int) -> Result {
        let n = bytes.count
        guard n > 0, let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            return Result(valid: true, loneCR: false, controls: [])
        }
        let parts = n < (1 << 20) || threads <= 1 ? 1 : min(threads * 8, n >> 16)
        var cuts = [0]
        for k in 1..<max(parts, 1) {
            var c = n * k / parts
            while c > cuts[cuts.count - 1] && base[c] & 0xC0 == 0x80 { c -= 1 }
            cuts.append(c)
        }
        cuts.append(n)
        let results = UnsafeMutableBufferPointer<Result>.allocate(capacity: parts)
        results.initialize(repeating: Result(valid: true, loneCR: false, controls: []))
        defer {
            results.baseAddress!.deinitialize(count: parts)
            results.deallocate()
        }
        forEachChunk(parts, threads: threads) { k in
            results[k] = segment(base, count: n, from: cuts[k], to: cuts[k + 1])
        }
        var whole = Result(valid: true, loneCR: false, controls: [])
        for r in results {
            whole.valid = whole.valid && r.valid
            whole.loneCR = whole.loneCR || r.loneCR
            whole.controls += r.controls
            whole.blocks += r.blocks
        }
        return whole
    }

    /// The scan of [from, to) of a buffer of `count` bytes (a CR at the end looks at the next byte),
    /// with one count block per stretch between multiples of `blockBytes`. A multi-byte character
    /// may run past a block's end: its continuation bytes are never a quote or LF, so each block
    /// counts exactly the quotes and LFs inside it.
    static func segment(_ base: UnsafePointer<UInt8>, count n: Int, from: Int, to: Int) -> Result {
        var result = Result(valid: true, loneCR: false, controls: [])
        result.blocks.reserveCapacity((to - from) / blockBytes + 2)
        var i = from
        var blockStart = from
        while blockStart < to {
            let blockEnd = min(to, (blockStart / blockBytes + 1) * blockBytes)
            var quotes = 0
            var newlines = 0
            scanBlock(base, count: n, at: &i, to: blockEnd, quotes: &quotes, newlines: &newlines, &result)
            result.blocks.append(ByteBlock(start: blockStart, quotes: quotes, newlines: newlines))
            blockStart = blockEnd
        }
        return result
    }

    /// Scans from `i` (inside [block start, to], or past `to` when a character ran over) to `to`.
    @inline(__always)
    private static func scanBlock(
        _ base: UnsafePointer<UInt8>, count n: Int, at index: inout Int, to: Int, quotes: inout Int,
        newlines: inout Int, _ result: inout Result
    ) {
        var i = index
        var q = 0
        var nl = 0
        while i < to {
            // 16 bytes at a time while all are printable ASCII other than a quote
            while i &+ 16 <= to && TextScan.isPlain(UnsafeRawPointer(base + i).loadUnaligned(as: SIMD16<UInt8>.self)) {
                i &+= 16
            }
            // then ASCII words with no byte below 0x20 pass 8 at a time (two words: the 16 bytes
            // that stopped the loop above)
            var words = 0
            while i + 8 <= to && words < 2 {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                words += 1
                // bit counts only for words holding a quote (no POPCNT in the baseline x86-64 target)
                let quoteBits = TextScan.bytesEqual(word, 0x22)
                if quoteBits != 0 { q &+= quoteBits.nonzeroBitCount }
                // high bit of each byte below 0x20 (exact: every byte is ASCII, so no borrow
                // crosses bytes) other than LF and tab: CRs (lone or not) and control characters
                let below = ~((word | 0x8080_8080_8080_8080) &- 0x2020_2020_2020_2020) & 0x8080_8080_8080_8080
                if below != 0 {
                    let lineEnds = TextScan.bytesEqual(word, 0x0A)
                    nl &+= lineEnds.nonzeroBitCount
                    var odd = below & ~lineEnds & ~TextScan.bytesEqual(word, 0x09)
                    while odd != 0 {
                        control(base, n, i + odd.trailingZeroBitCount >> 3, &result)
                        odd &= odd &- 1
                    }
                }
                i += 8
            }
            if words == 2 { continue }
            if i >= to { break }
            let c = base[i]
            if c < 0x80 {
                if c == 0x22 {
                    q += 1
                } else if c == 0x0A {
                    nl += 1
                } else {
                    control(base, n, i, &result)
                }
                i += 1
                continue
            }
            let width = UTF8Check.sequenceLength(base, count: n, at: i)
            if width == 0 {
                result.valid = false
                i += 1
            } else {
                i += width
            }
        }
        index = i
        quotes = q
        newlines = nl
    }

    /// Whether all 16 bytes are in 0x20…0x7F and none is a quote. Byte-wise arithmetic, which
    /// compiles to SSE2 (SIMD comparisons would be split into lanes): a byte's high bit is set
    /// in `b − 0x20` when b < 0x20, in `b` when b ≥ 0x80, and in `(b ^ 0x22) − 1` when b = 0x22
    /// (or b ≥ 0x80).
    @inline(__always)
    static func isPlain(_ v: SIMD16<UInt8>) -> Bool {
        let odd = ((v &- 0x20) | v | ((v ^ 0x22) &- 1)) & 0x80
        let halves = unsafeBitCast(odd, to: SIMD2<UInt64>.self)
        return halves[0] | halves[1] == 0
    }

    /// The high bit of every byte of `word` equal to `byte`, exactly.
    @inline(__always)
    static func bytesEqual(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let x = word ^ (0x0101_0101_0101_0101 &* UInt64(byte))
        return ~(((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x) & 0x8080_8080_8080_8080
    }

    @inline(__always)
    private static func control(_ base: UnsafePointer<UInt8>, _ n: Int, _ i: Int, _ result: inout Result) {
        let c = base[i]
        if c >= 0x20 || c == 0x09 || c == 0x0A { return }
        if c == 0x0D {
            if i + 1 >= n || base[i + 1] != 0x0A { result.loneCR = true }
            return
        }
        result.controls.append(i)
    }

    /// Replaces every CR not followed by LF with LF, in place.
    static func rewriteLoneCRs(_ text: UnsafeMutableRawBufferPointer) {
        let n = text.count
        for i in 0..<n where text[i] == 0x0D && (i + 1 >= n || text[i + 1] != 0x0A) { text[i] = 0x0A }
    }
}

/// UTF-8 sequences, one at a time (the text scan's slow path).
enum UTF8Check {
    /// Length of the valid UTF-8 sequence starting with a non-ASCII byte at `i`, or 0 when the
    /// bytes there are not valid UTF-8 (overlong forms, surrogates and values past U+10FFFF too).
    @inline(__always)
    static func sequenceLength(_ base: UnsafePointer<UInt8>, count n: Int, at i: Int) -> Int {
        let c = base[i]
        let need: Int
        let minScalar: UInt32
        var scalar: UInt32
        if c & 0xE0 == 0xC0 {
            need = 1
            minScalar = 0x80
            scalar = UInt32(c & 0x1F)
        } else if c & 0xF0 == 0xE0 {
            need = 2
            minScalar = 0x800
            scalar = UInt32(c & 0x0F)
        } else if c & 0xF8 == 0xF0 {
            need = 3
            minScalar = 0x10000
            scalar = UInt32(c & 0x07)
        } else {
            return 0
        }
        if i + need >= n { return 0 }
        for k in 1...need {
            let d = base[i + k]
            if d & 0xC0 != 0x80 { return 0 }
            scalar = (scalar << 6) | UInt32(d & 0x3F)
        }
        if scalar < minScalar || scalar > 0x10FFFF || (scalar >= 0xD800 && scalar <= 0xDFFF) { return 0 }
        return need + 1
    }

    /// Whether `bytes` are valid UTF-8 as a whole.
    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        TextScan.scan(bytes, threads: 1).valid
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
    static func transcode(_ bytes: UnsafeRawBufferPointer) -> (
        storage: UnsafeMutableRawBufferPointer, text: UnsafeRawBufferPointer
    ) {
        var size = 0
        for b in bytes {
            if b < 0x80 {
                size += 1
            } else if b < 0xA0 {
                size += high[Int(b - 0x80)] < 0x800 ? 2 : 3
            } else {
                size += 2
            }
        }
        let out = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 16)
        var o = 0
        for b in bytes {
            let scalar: UInt32 = b < 0x80 ? UInt32(b) : (b < 0xA0 ? high[Int(b - 0x80)] : UInt32(b))
            if scalar < 0x80 {
                out[o] = UInt8(scalar)
                o += 1
            } else if scalar < 0x800 {
                out[o] = UInt8(0xC0 | (scalar >> 6))
                out[o + 1] = UInt8(0x80 | (scalar & 0x3F))
                o += 2
            } else {
                out[o] = UInt8(0xE0 | (scalar >> 12))
                out[o + 1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
                out[o + 2] = UInt8(0x80 | (scalar & 0x3F))
                o += 3
            }
        }
        return (out, UnsafeRawBufferPointer(rebasing: out[0..<size]))
    }
}
