import Dispatch
import KS2Core

/// A delimited text file opened for scanning: its decoded bytes, detected delimiter and header,
/// and a chunk-parallel record scanner whose results do not depend on the thread count.
public final class DelimitedFile: @unchecked Sendable {
    /// The path as given (used in InputError).
    public let path: String
    /// The file's base name (used in rejects).
    public let name: String
    let data: FileBytes
    /// `,`, tab or `;`.
    public let delimiter: UInt8
    /// Header cells, trimmed and unquoted, in file order.
    public let header: [String]
    /// Physical line of the header (1 unless blank lines precede it).
    public let headerLine: Int
    /// 1-based character column where each header cell starts (for error positions).
    let headerColumns: [Int]
    /// First byte after the header record, and the physical line it is on.
    let dataStart: Int
    let dataStartLine: Int

    /// True when the file was not valid UTF-8 and was read as Windows-1252.
    public var wasWindows1252: Bool { data.wasWindows1252 }
    /// Size in bytes of the decoded text (after any BOM).
    public var byteCount: Int { data.count }

    /// Opens `path`, decodes it, and reads the header; throws on an empty file or an unterminated quote.
    public convenience init(path: String, threads: Int = 1) throws(InputError) {
        try self.init(
            path: path, data: FileBytes.load(path: path, threads: threads), threads: threads, chunkBytes: 1 << 20)
    }

    /// Opens `path` for a reader with its thread count and chunk size.
    convenience init(path: String, options: IngestOptions) throws(InputError) {
        try self.init(
            path: path, data: FileBytes.load(path: path, threads: options.threads),
            threads: options.threads, chunkBytes: options.chunkBytes)
    }

    /// Reads `bytes` held in memory as if they were the contents of `path` (fuzzing and tests):
    /// the same decoding, header, delimiter and quote checks as a file on disk.
    public convenience init(bytes: [UInt8], path: String, threads: Int = 1, chunkBytes: Int = 1 << 20)
        throws(InputError)
    {
        try self.init(path: path, data: FileBytes.from(bytes), threads: threads, chunkBytes: chunkBytes)
    }

    /// The data part split for the parallel scan (computed when the file is opened).
    let chunks: [Chunk]

    init(path: String, data: FileBytes, threads: Int, chunkBytes: Int) throws(InputError) {
        self.path = path
        self.name = path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? path
        self.data = data
        let found = try DelimitedFile.findHeader(path: path, data: data)
        delimiter = found.delimiter
        headerLine = found.line
        header = found.header
        headerColumns = found.columns
        dataStart = found.next
        dataStartLine = found.nextLine
        // plan the chunks; the quote counts also tell whether some quote never closes
        let planned = DelimitedFile.plan(
            base: data.base, count: data.count, dataStart: found.next,
            dataStartLine: found.nextLine, threads: threads, chunkBytes: chunkBytes, blocks: data.blocks)
        let headerQuotes = ByteCount.count(data.base, from: 0, to: found.next).quotes
        if (headerQuotes + planned.quotes) % 2 == 1 {
            throw DelimitedFile.unclosedQuoteError(
                path: path, data: data, delimiter: found.delimiter,
                from: found.next, line: found.nextLine)
        }
        self.chunks = planned.chunks
    }

    /// The header: the first non-blank record — the first line that is not only white space and
    /// delimiters, unless its cells are still all blank once read (a lone byte-order mark) — its
    /// delimiter, cells and their columns, and where the data starts.
    private static func findHeader(path: String, data: FileBytes) throws(InputError)
        -> (header: [String], columns: [Int], delimiter: UInt8, line: Int, next: Int, nextLine: Int)
    {
        let base = data.base
        let n = data.count
        var start = 0
        var line = 1
        while true {
            var headerStart = -1
            while start < n {
                var i = start
                var blank = true
                while i < n && base[i] != 0x0A {
                    let b = base[i]
                    if !(b == 0x20 || b == 0x09 || b == 0x0D || b == 0x2C || b == 0x3B) {
                        blank = false
                        break
                    }
                    i += 1
                }
                if !blank {
                    headerStart = start
                    break
                }
                while i < n && base[i] != 0x0A { i += 1 }
                start = i + 1
                line += 1
            }
            if headerStart < 0 {
                throw InputError(
                    file: path, line: 1, column: 1,
                    message: "empty file: expected a header line naming the columns, found no text")
            }
            try rejectBinaryHeader(path: path, base: base, count: n, from: headerStart)
            let delimiter = detectDelimiter(base: base, count: n, from: headerStart)
            var header: [String] = []
            var columns: [Int] = []
            var scanner = RecordScanner(base: base, count: n, delimiter: delimiter)
            let after = scanner.scan(from: headerStart, line: line, until: headerStart + 1) { record in
                for k in 0..<record.count {
                    header.append(record.string(k))
                    columns.append(DelimitedFile.position(of: record.starts[k], in: base).column)
                }
            }
            let headerStray = scanner.strayQuote
            scanner.release()
            if headerStray >= 0 { throw DelimitedFile.strayQuoteError(path: path, offset: headerStray, base: base) }
            if !header.isEmpty { return (header, columns, delimiter, line, after.next, after.line) }
            start = after.next
            line = after.line
        }
    }

    /// A NUL byte on the header line: binary data or UTF-16 text, not a delimited export.
    private static func rejectBinaryHeader(
        path: String, base: UnsafePointer<UInt8>, count n: Int,
        from start: Int
    ) throws(InputError) {
        var h = start
        while h < n && base[h] != 0x0A {
            if base[h] == 0 {
                let (line, column) = DelimitedFile.position(of: h, in: base)
                throw InputError(
                    file: path, line: line, column: column,
                    message: "binary data: the header line holds a NUL byte; expected a delimited text "
                        + "file in UTF-8 or Windows-1252 (a UTF-16 \"Unicode text\" export must be saved "
                        + "again as \"CSV UTF-8\")")
            }
            h += 1
        }
    }

    /// The most frequent of comma, tab and semicolon outside quotes on the header line (ties: comma).
    private static func detectDelimiter(base: UnsafePointer<UInt8>, count n: Int, from start: Int) -> UInt8 {
        var counts = (comma: 0, tab: 0, semi: 0)
        var inQuote = false
        var i = start
        while i < n {
            let b = base[i]
            if b == 0x22 {
                inQuote.toggle()
            } else if !inQuote {
                if b == 0x0A { break }
                if b == 0x2C {
                    counts.comma += 1
                } else if b == 0x09 {
                    counts.tab += 1
                } else if b == 0x3B {
                    counts.semi += 1
                }
            }
            i += 1
        }
        if counts.tab > counts.comma && counts.tab >= counts.semi { return 0x09 }
        if counts.semi > counts.comma && counts.semi > counts.tab { return 0x3B }
        return 0x2C
    }

    /// The fault for a file whose quotes do not pair up: the stray quote that opened a quoted part,
    /// or the quote that never closes, found by a plain scan.
    private static func unclosedQuoteError(
        path: String, data: FileBytes, delimiter: UInt8, from: Int,
        line: Int
    ) -> InputError {
        let base = data.base
        let n = data.count
        var check = RecordScanner(base: base, count: n, delimiter: delimiter)
        _ = check.scan(from: from, line: line, until: n) { _ in }
        let stray = check.strayQuote
        let unclosed = check.unclosedQuote
        check.release()
        if stray >= 0 { return DelimitedFile.strayQuoteError(path: path, offset: stray, base: base) }
        var j = unclosed
        if j < 0 {
            j = n - 1
            while j > 0 && base[j] != 0x22 { j -= 1 }
        }
        let (errorLine, column) = DelimitedFile.position(of: j, in: base)
        return InputError(
            file: path, line: errorLine, column: column,
            message: "unterminated quote: the quoted field opened here has no closing quote "
                + "(expected \" before the end of the file)")
    }

    /// The file fault for a file with a header and no rows.
    var headerOnlyError: InputError {
        InputError(
            file: path, line: headerLine, column: 1,
            message: "header only: expected at least one row after the header, found none")
    }

    /// The file fault for a quote inside an unquoted field whose quoted part runs over a delimiter
    /// or a line end: read as RFC 4180 it would silently merge cells or whole rows.
    static func strayQuoteError(path: String, offset: Int, base: UnsafePointer<UInt8>) -> InputError {
        let (line, column) = position(of: offset, in: base)
        return InputError(
            file: path, line: line, column: column,
            message:
                "stray quote: a quote inside an unquoted field opens a quoted part that runs over a delimiter or line end, which would merge cells or rows; expected quotes only around a whole field, with any quote inside it doubled (\"\")"
        )
    }

    /// Physical line (1-based) and character column (1-based, UTF-8 scalars) of a byte offset.
    static func position(of offset: Int, in base: UnsafePointer<UInt8>) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        for i in 0..<offset where base[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        var column = 1
        for i in lineStart..<offset where base[i] & 0xC0 != 0x80 { column += 1 }
        return (line, column)
    }

    /// One slice of the data part of the file, planned before the parallel scan.
    struct Chunk {
        var start: Int
        var end: Int
        /// Physical line of `start`, whether `start` is inside a quoted field, and the number of
        /// line ends in the chunk (an upper bound of its records).
        var line: Int
        var inQuote: Bool
        var newlines: Int
    }

    /// Splits [dataStart, count) into chunks, each knowing its first physical line and whether it
    /// starts inside a quoted field (from per-chunk quote and newline counts, counted in parallel).
    /// When the text scan's block counts are at hand and chunks span at least a block, chunks
    /// start at block starts and take their counts from the blocks (no second pass over the text).
    static func plan(
        base: UnsafePointer<UInt8>, count n: Int, dataStart: Int, dataStartLine: Int,
        threads: Int, chunkBytes: Int, blocks: [ByteBlock]? = nil
    ) -> (chunks: [Chunk], quotes: Int) {
        let size = n - dataStart
        if size <= 0 { return ([], 0) }
        let chunkCount = max(1, min(size / max(chunkBytes, 1), max(threads, 1) * 64, 1 << 20))
        let step = size / chunkCount
        if let blocks, step >= TextScan.blockBytes {
            return planOnBlocks(
                blocks, base: base, count: n, dataStart: dataStart, dataStartLine: dataStartLine,
                chunkCount: chunkCount, step: step)
        }
        var chunks = (0..<chunkCount).map { k in
            Chunk(
                start: dataStart + k * step, end: k == chunkCount - 1 ? n : dataStart + (k + 1) * step,
                line: 0, inQuote: false, newlines: 0)
        }
        let quotes = UnsafeMutableBufferPointer<Int>.allocate(capacity: chunkCount)
        defer { quotes.deallocate() }
        chunks.withUnsafeMutableBufferPointer { plan in
            forEachChunk(chunkCount, threads: threads) { k in
                let c = ByteCount.count(base, from: plan[k].start, to: plan[k].end)
                quotes[k] = c.quotes
                plan[k].newlines = c.newlines
            }
        }
        var q = 0
        var line = dataStartLine
        for k in 0..<chunkCount {
            chunks[k].line = line
            chunks[k].inQuote = q % 2 == 1
            q += quotes[k]
            line += chunks[k].newlines
        }
        return (chunks, q)
    }

    /// The plan from the text scan's block counts: chunk k starts at the first block start at or
    /// after dataStart + k·step; its line, quote parity and line ends are sums of whole blocks
    /// (the header part before dataStart, inside the first block, is counted here).
    static func planOnBlocks(
        _ blocks: [ByteBlock], base: UnsafePointer<UInt8>, count n: Int, dataStart: Int, dataStartLine: Int,
        chunkCount: Int, step: Int
    ) -> (chunks: [Chunk], quotes: Int) {
        let header = ByteCount.count(base, from: 0, to: dataStart)
        // quotes and LFs before each block start, and in the whole text
        var quotesBefore = [Int](repeating: 0, count: blocks.count + 1)
        var newlinesBefore = [Int](repeating: 0, count: blocks.count + 1)
        for (j, block) in blocks.enumerated() {
            quotesBefore[j + 1] = quotesBefore[j] + block.quotes
            newlinesBefore[j + 1] = newlinesBefore[j] + block.newlines
        }
        // chunk starts as (offset, quotes before, LFs before)
        var starts: [(offset: Int, quotes: Int, newlines: Int)] = [(dataStart, header.quotes, header.newlines)]
        var j = 0
        for k in 1..<chunkCount {
            let wanted = dataStart + k * step
            while j < blocks.count && blocks[j].start < wanted { j += 1 }
            if j == blocks.count { break }
            if blocks[j].start <= starts[starts.count - 1].offset { continue }
            starts.append((blocks[j].start, quotesBefore[j], newlinesBefore[j]))
        }
        let total = (quotes: quotesBefore[blocks.count], newlines: newlinesBefore[blocks.count])
        var chunks: [Chunk] = []
        chunks.reserveCapacity(starts.count)
        for (k, s) in starts.enumerated() {
            let next =
                k + 1 < starts.count ? starts[k + 1] : (offset: n, quotes: total.quotes, newlines: total.newlines)
            chunks.append(
                Chunk(
                    start: s.offset, end: next.offset, line: dataStartLine + s.newlines - header.newlines,
                    inQuote: (s.quotes - header.quotes) % 2 == 1, newlines: next.newlines - s.newlines))
        }
        return (chunks, total.quotes - header.quotes)
    }

    /// Scans every non-blank record after the header in parallel chunks; `record` sees each
    /// record of a chunk in file order with that chunk's state (`makeState` gets an upper bound
    /// of the chunk's records). Returns the states in chunk (= file) order; the chunking never
    /// changes which records exist or their lines.
    /// Throws the stray-quote fault (the first in the file) when a record holds one.
    func scanRecords<State>(threads: Int, makeState: (Int) -> State, record: (inout State, Record) -> Void)
        throws(InputError) -> [State]
    {
        let chunks = self.chunks
        let states = UnsafeMutableBufferPointer<State>.allocate(capacity: chunks.count)
        for k in 0..<chunks.count { (states.baseAddress! + k).initialize(to: makeState(chunks[k].newlines + 1)) }
        defer {
            states.baseAddress?.deinitialize(count: chunks.count)
            states.deallocate()
        }
        let workers = min(max(threads, 1), chunks.count)
        let base = data.base
        let n = data.count
        let delimiter = delimiter
        let dataStart = dataStart
        let controls = data.controls
        let strays = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(workers, 1))
        strays.initialize(repeating: -1)
        defer { strays.deallocate() }
        let claims = WorkClaims(count: chunks.count)
        chunks.withUnsafeBufferPointer { plan in
            parallelFor(workers) { w in
                var scanner = RecordScanner(base: base, count: n, delimiter: delimiter, controls: controls)
                while let k = claims.claim() {
                    let chunk = plan[k]
                    var at = chunk.start
                    var line = chunk.line
                    if !(at == dataStart || (!chunk.inQuote && base[at - 1] == 0x0A)) {
                        // move to the first record that starts inside this chunk
                        var q = chunk.inQuote
                        while at < n {
                            let b = base[at]
                            at += 1
                            if b == 0x22 {
                                q.toggle()
                            } else if b == 0x0A {
                                line += 1
                                if !q { break }
                            }
                        }
                    }
                    if at < chunk.end {
                        _ = scanner.scan(from: at, line: line, until: chunk.end) { rec in record(&states[k], rec) }
                    }
                }
                strays[w] = scanner.strayQuote
                scanner.release()
            }
        }
        if let first = strays.filter({ $0 >= 0 }).min() {
            throw DelimitedFile.strayQuoteError(path: path, offset: first, base: base)
        }
        return Array(states)
    }
}

/// A parsed record: the byte ranges of its fields (raw, before trimming and unquoting).
public struct Record {
    let base: UnsafePointer<UInt8>
    let starts: UnsafeMutablePointer<Int>
    let ends: UnsafeMutablePointer<Int>
    /// Number of fields (delimiters outside quotes + 1).
    public let count: Int
    /// Physical line where the record starts.
    public let line: Int
    /// Byte range of the whole record, line end excluded.
    let start: Int
    let end: Int
    /// True when any quote character occurs in the record.
    let hasQuote: Bool
    /// Offset of the first C0 control character (not tab, CR or LF) in the record, or -1.
    let controlOffset: Int

    /// When the record holds a control character: the 1-based field it is in and its code point,
    /// for a `bad_text` reject (formats.md) — such text never reaches an output.
    public var badText: (field: Int, character: UInt8)? {
        guard controlOffset >= 0 else { return nil }
        var field = 0
        while field + 1 < count && starts[field + 1] <= controlOffset { field += 1 }
        return (field + 1, base[controlOffset])
    }

    /// The `bad_text` reject detail for a record that holds a control character.
    public func badTextDetail(header: [String]) -> String {
        guard let (field, character) = badText else { return "" }
        let name = field <= header.count ? " (\(header[field - 1]))" : ""
        let code = String(character, radix: 16, uppercase: true)
        return
            "field \(field)\(name) holds control character U+\(String(repeating: "0", count: 4 - code.count))\(code): "
            + "expected text without control characters"
    }

    /// The field trimmed of white space, outer quotes removed (then trimmed again); doubled
    /// quotes inside are left as they are (see `bytes`).
    @inline(__always)
    public func value(_ k: Int) -> UnsafeRawBufferPointer {
        let r = valueRange(k)
        return UnsafeRawBufferPointer(start: base + r.lo, count: r.hi - r.lo)
    }

    /// Bounds of `value(k)` and whether outer quotes were removed.
    @inline(__always)
    func valueRange(_ k: Int) -> (lo: Int, hi: Int, quoted: Bool) {
        var lo = starts[k]
        var hi = ends[k]
        while lo < hi && Record.isSpace(base[lo]) { lo += 1 }
        while hi > lo && Record.isSpace(base[hi - 1]) { hi -= 1 }
        // a byte-order mark left inside the text (files joined together) is not part of the value
        if hi - lo >= 3 && base[lo] == 0xEF && base[lo + 1] == 0xBB && base[lo + 2] == 0xBF {
            lo += 3
            while lo < hi && Record.isSpace(base[lo]) { lo += 1 }
        }
        if hasQuote && hi - lo >= 2 && base[lo] == 0x22 && base[hi - 1] == 0x22 {
            lo += 1
            hi -= 1
            while lo < hi && Record.isSpace(base[lo]) { lo += 1 }
            while hi > lo && Record.isSpace(base[hi - 1]) { hi -= 1 }
            return (lo, hi, true)
        }
        return (lo, hi, false)
    }

    /// The trimmed, unquoted value with doubled quotes collapsed, as bytes.
    public func bytes(_ k: Int) -> [UInt8] {
        let r = valueRange(k)
        var out: [UInt8] = []
        out.reserveCapacity(r.hi - r.lo)
        var i = r.lo
        while i < r.hi {
            out.append(base[i])
            if r.quoted && base[i] == 0x22 && i + 1 < r.hi && base[i + 1] == 0x22 { i += 1 }
            i += 1
        }
        return out
    }

    /// The trimmed, unquoted value as a String.
    public func string(_ k: Int) -> String { String(decoding: bytes(k), as: UTF8.self) }

    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
}

/// The byte loop shared by the header, the chunk workers and the duplicate check: records with
/// reusable field-offset storage (no allocation per row), special bytes found 8 at a time.
struct RecordScanner {
    let base: UnsafePointer<UInt8>
    let count: Int
    let delimiter: UInt8
    var capacity = 64
    var starts: UnsafeMutablePointer<Int>
    var ends: UnsafeMutablePointer<Int>
    /// Offset of the first quote that opened inside an unquoted field (not after white space at
    /// the field's start, not doubling a closing quote) and ran over a delimiter or line end; -1: none.
    var strayQuote = -1
    /// Offset of the first quote whose field ran to the end of the file unclosed; -1: none.
    var unclosedQuote = -1

    /// The file's control characters, so each record can say whether it holds one.
    var controls: ControlIndex? = nil

    init(base: UnsafePointer<UInt8>, count: Int, delimiter: UInt8, controls: ControlIndex? = nil) {
        self.base = base
        self.count = count
        self.delimiter = delimiter
        self.controls = controls
        starts = .allocate(capacity: capacity)
        ends = .allocate(capacity: capacity)
    }

    mutating func release() {
        starts.deallocate()
        ends.deallocate()
    }

    mutating func grow() {
        let s = UnsafeMutablePointer<Int>.allocate(capacity: capacity * 2)
        let e = UnsafeMutablePointer<Int>.allocate(capacity: capacity * 2)
        s.update(from: starts, count: capacity)
        e.update(from: ends, count: capacity)
        starts.deallocate()
        ends.deallocate()
        starts = s
        ends = e
        capacity *= 2
    }

    /// High bit of each byte of the 8 at `p` that is a quote, the delimiter or LF (bytes past
    /// the end count as 0, which is none of them). Little-endian: byte k is bits 8k…8k+7.
    @inline(__always)
    func specials(at p: Int) -> UInt64 {
        var w: UInt64 = 0
        if p + 8 <= count {
            w = UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self)
        } else {
            for k in 0..<(count - p) { w |= UInt64(base[p + k]) << UInt64(8 * k) }
        }
        return ByteCount.zeroBytes(w ^ 0x2222_2222_2222_2222)
            | ByteCount.zeroBytes(w ^ (0x0101_0101_0101_0101 &* UInt64(delimiter)))
            | ByteCount.zeroBytes(w ^ 0x0A0A_0A0A_0A0A_0A0A)
    }

    /// Parses records from `from` (a record start on physical line `line`) while records start
    /// before `until`, calling `body` for each non-blank one. Returns the offset after the last
    /// record parsed and the physical line there.
    mutating func scan(from: Int, line startLine: Int, until: Int, _ body: (Record) -> Void) -> (next: Int, line: Int) {
        let base = self.base
        let n = count
        let delimiter = self.delimiter
        if from >= n { return (from, startLine) }
        var line = startLine
        var recordStart = from
        var recordLine = line
        var fields = 0
        var hasQuote = false
        starts[0] = from
        var block = from
        var lastClose = -2
        var mask = specials(at: block)
        while true {
            if mask == 0 {
                block += 8
                if block >= n { break }
                mask = specials(at: block)
                continue
            }
            let p = block + (mask.trailingZeroBitCount >> 3)
            mask &= mask &- 1
            let b = base[p]
            if b == delimiter {
                ends[fields] = p
                fields += 1
                if fields == capacity { grow() }
                starts[fields] = p + 1
            } else if b == 0x0A {
                ends[fields] = p
                fields += 1
                if fields == capacity { grow() }
                line += 1
                emit(recordStart, p, fields, recordLine, hasQuote, body)
                recordStart = p + 1
                recordLine = line
                fields = 0
                hasQuote = false
                starts[0] = recordStart
                if recordStart >= until || recordStart >= n { return (recordStart, line) }
            } else {
                // an opening quote: skip to the closing one (a doubled quote reopens at once)
                hasQuote = true
                var opensField = p == lastClose + 1  // right after a closing quote: a doubled quote
                if !opensField {
                    var k = starts[fields]
                    while k < p && (base[k] == 0x20 || base[k] == 0x09) { k += 1 }
                    opensField = k == p
                }
                var j = p + 1
                var crosses = false
                while j < n && base[j] != 0x22 {
                    let c = base[j]
                    if c == 0x0A {
                        line += 1
                        crosses = true
                    } else if c == delimiter {
                        crosses = true
                    }
                    j += 1
                }
                if !opensField && (crosses || j >= n) && strayQuote < 0 { strayQuote = p }
                if j >= n && unclosedQuote < 0 { unclosedQuote = p }
                lastClose = j
                block = j + 1
                if block >= n { break }
                mask = specials(at: block)
            }
        }
        // the last record has no line end
        ends[fields] = n
        fields += 1
        if fields == capacity { grow() }
        emit(recordStart, n, fields, recordLine, hasQuote, body)
        return (n, line)
    }

    @inline(__always)
    private func emit(_ start: Int, _ end: Int, _ fields: Int, _ line: Int, _ hasQuote: Bool, _ body: (Record) -> Void)
    {
        let control = controls?.first(from: start, to: end) ?? -1
        let record = Record(
            base: base, starts: starts, ends: ends, count: fields, line: line,
            start: start, end: end, hasQuote: hasQuote, controlOffset: control)
        if !hasQuote && RecordScanner.isBlank(record) { return }
        body(record)
    }

    /// Only white space and delimiters (records with a quote are never blank).
    @inline(__always)
    static func isBlank(_ r: Record) -> Bool {
        for k in 0..<r.count where r.value(k).count != 0 { return false }
        return true
    }
}

/// The quotes and LFs of one stretch of text, from `start` to the next block's start (or the end).
struct ByteBlock: Equatable {
    var start: Int
    var quotes: Int
    var newlines: Int
}

/// Word-at-a-time byte counting for the chunk plan.
enum ByteCount {
    /// Number of bytes of `w` equal to `byte`.
    @inline(__always)
    static func matches(_ w: UInt64, _ byte: UInt8) -> Int {
        zeroBytes(w ^ (0x0101_0101_0101_0101 &* UInt64(byte))).nonzeroBitCount
    }

    /// The high bit of every zero byte of `x`, exactly (no false positives from borrows).
    @inline(__always)
    static func zeroBytes(_ x: UInt64) -> UInt64 {
        let t = ((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x
        return ~t & 0x8080_8080_8080_8080
    }

    static func count(_ base: UnsafePointer<UInt8>, from: Int, to: Int) -> (quotes: Int, newlines: Int) {
        var q = 0
        var nl = 0
        var i = from
        while i + 8 <= to {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            q &+= matches(w, 0x22)
            nl &+= matches(w, 0x0A)
            i += 8
        }
        while i < to {
            if base[i] == 0x22 { q += 1 } else if base[i] == 0x0A { nl += 1 }
            i += 1
        }
        return (q, nl)
    }
}
