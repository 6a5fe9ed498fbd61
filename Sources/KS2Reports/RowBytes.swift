/// A growable byte buffer that the hottest CSV formatter (pupils.csv, 650,000 rows nationally)
/// writes through a raw pointer: a field costs one capacity compare and plain stores, where an
/// `[UInt8]` append also checks uniqueness and calls `memmove` for a three-byte field.
///
/// It writes exactly the bytes `CSVWriter` writes for the same calls: fields it is given are
/// already in CSV form (`CSVWriter.field`), and numbers go through the same `ShortestDouble`.
struct RowBytes: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0
    /// Where the current row began. Every field is written with a comma after it, and `endRow`
    /// turns the row's last comma into the line end: no per-field test for the first field.
    private var rowStart = 0
    /// Whether `base` is this buffer's own allocation (else an array's storage it writes into).
    private var ownsBase = true
    /// Recently formatted doubles (nil: none kept), for tables whose numbers repeat.
    private var recent: RecentNumbers?

    /// `cachingNumbers`: keep recently formatted doubles, for tables whose figures repeat (four in
    /// five numbers of groups.csv are percentages and coverages of small counts seen before).
    init(capacity: Int, cachingNumbers: Bool = false) {
        self.capacity = max(capacity, 256)
        base = .allocate(capacity: self.capacity)
        recent = cachingNumbers ? RecentNumbers() : nil
    }

    /// Writes into `storage` (an array's uninitialised capacity) until it is full.
    private init(writingInto storage: UnsafeMutableBufferPointer<UInt8>, cachingNumbers: Bool) {
        base = storage.baseAddress!
        capacity = storage.count
        ownsBase = false
        recent = cachingNumbers ? RecentNumbers() : nil
    }

    /// The bytes `body` writes, formatted straight into the returned array's storage: the large
    /// tables' parts (hundreds of MB nationally) are then not copied once more at the end. A part
    /// longer than `capacity` moves to a buffer of its own and is copied, as `finish` does.
    static func collect(capacity: Int, cachingNumbers: Bool = false, _ body: (inout RowBytes) -> Void) -> [UInt8] {
        var spilled: [UInt8]? = nil
        let direct = [UInt8](unsafeUninitializedCapacity: max(capacity, 256)) { storage, initialised in
            var w = RowBytes(writingInto: storage, cachingNumbers: cachingNumbers)
            body(&w)
            if w.ownsBase {
                initialised = 0
                spilled = w.finish()
            } else {
                initialised = w.count
            }
        }
        return spilled ?? direct
    }

    deinit {
        if ownsBase { base.deallocate() }
        recent?.release()
    }

    /// Makes room for `bytes` more (rarely taken: the first capacity fits the usual rows).
    @inline(never)
    private mutating func grow(_ bytes: Int) {
        let wanted = max(capacity * 2, count + bytes)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: wanted)
        bigger.update(from: base, count: count)
        if ownsBase { base.deallocate() }
        base = bigger
        ownsBase = true
        capacity = wanted
    }

    @inline(__always)
    private mutating func reserve(_ bytes: Int) {
        if capacity - count < bytes { grow(bytes) }
    }

    /// Ends a field.
    @inline(__always)
    private mutating func comma() {
        base[count] = UInt8(ascii: ",")
        count += 1
    }

    /// An empty field.
    @inline(__always)
    mutating func appendEmpty() {
        reserve(1)
        comma()
    }

    /// A field already in CSV form (quoted and neutralised where needed, or a formatted number).
    @inline(__always)
    mutating func appendField(_ field: UnsafeBufferPointer<UInt8>) {
        let n = field.count
        reserve(n + 1)
        let to = base + count
        if n <= 16 {
            // short fields (codes, Y/N, cached numbers) copy faster by hand than through memmove
            var i = 0
            while i < n {
                to[i] = field[i]
                i += 1
            }
        } else {
            to.update(from: field.baseAddress!, count: n)
        }
        count += n
        comma()
    }

    /// A field already in CSV form at `start`, in a table padded by 16 bytes (copied as whole
    /// 16-byte loads: one for a short field).
    @inline(__always)
    mutating func appendPaddedField(_ start: UnsafePointer<UInt8>, count n: Int) {
        appendPaddedFields(start, count: n)
        comma()  // appendPaddedFields reserved 16 bytes beyond the field
    }

    /// Whole fields already in CSV form, each followed by its comma (a cached run of a row's
    /// fields), at `start` in a table padded by 16 bytes: copied 16 bytes at a time.
    @inline(__always)
    mutating func appendPaddedFields(_ start: UnsafePointer<UInt8>, count n: Int) {
        reserve(n + 16)
        let from = UnsafeRawPointer(start)
        let to = UnsafeMutableRawPointer(base + count)
        var k = 0
        while k < n {
            to.storeBytes(
                of: from.loadUnaligned(fromByteOffset: k, as: SIMD16<UInt8>.self), toByteOffset: k,
                as: SIMD16<UInt8>.self)
            k += 16
        }
        count += n
    }

    /// How many bytes have been written.
    var written: Int { count }

    /// Bytes this buffer already holds (`written` positions of an earlier row's fields, with their
    /// commas), written again.
    @inline(__always)
    mutating func appendWritten(from start: Int, count n: Int) {
        precondition(start >= 0 && start + n <= count, "only bytes already written can be repeated")
        reserve(n)
        (base + count).update(from: base + start, count: n)
        count += n
    }

    /// A non-negative or negative integer field.
    @inline(__always)
    mutating func appendInt(_ value: Int) {
        reserve(21)
        if value < 0 {
            base[count] = UInt8(ascii: "-")
            count += 1
        }
        var magnitude = value.magnitude
        var digits = 1
        var probe = magnitude
        while probe >= 10 {
            probe /= 10
            digits += 1
        }
        var at = count + digits
        count = at
        repeat {
            at -= 1
            base[at] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 0x30
            magnitude /= 10
        } while magnitude > 0
        comma()
    }

    /// A double field in `CSVWriter`'s form (shortest round trip, plain decimal); NaN and
    /// infinities are empty.
    @inline(__always)
    mutating func appendDouble(_ value: Double) {
        guard value.isFinite else { return appendEmpty() }
        reserve(65)
        if let recent {
            let slot = recent.slot(value)
            if recent.copy(slot, value, to: base + count, count: &count) { return comma() }
            let written = ShortestDouble.format(value, prefix: nil, into: base + count, capacity: 64)
            if written > 0 {
                recent.keep(slot, value, from: base + count, length: written)
                count += written
                return comma()
            }
        }
        let written = ShortestDouble.format(value, prefix: nil, into: base + count, capacity: 64)
        if written > 0 {
            count += written
        } else {
            // more than 64 characters in plain notation (magnitudes beyond about 1e±40)
            reserve(401)
            count += ShortestDouble.format(value, prefix: nil, into: base + count, capacity: 400)
        }
        comma()
    }

    /// A text field, quoted and neutralised exactly as `CSVWriter.appendText` does.
    mutating func appendText(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            if CSVWriter.isPlainField(utf8) {
                appendField(utf8)
            } else {
                CSVWriter.field(Array(utf8)).withUnsafeBufferPointer { appendField($0) }
            }
        }
    }

    /// An integer field, empty when absent.
    @inline(__always)
    mutating func appendInt(_ value: Int?) {
        if let value { appendInt(value) } else { appendEmpty() }
    }

    /// A double field, empty when absent.
    @inline(__always)
    mutating func appendDouble(_ value: Double?) {
        if let value { appendDouble(value) } else { appendEmpty() }
    }

    /// A header row of plain names.
    mutating func appendHeader(_ names: [String]) {
        for name in names { appendText(name) }
        endRow()
    }

    /// Thirteen bytes written by `write` (a UPN: letters and digits, never quoted).
    @inline(__always)
    mutating func appendRaw(count n: Int, _ write: (UnsafeMutablePointer<UInt8>) -> Void) {
        reserve(n + 1)
        write(base + count)
        count += n
        comma()
    }

    /// Ends the row with LF.
    @inline(__always)
    mutating func endRow() {
        if count > rowStart {
            base[count - 1] = 0x0A
        } else {
            reserve(1)
            base[count] = 0x0A
            count += 1
        }
        rowStart = count
    }

    /// The bytes written, as a new array (a copy).
    consuming func finish() -> [UInt8] {
        let n = count
        let from = base
        if n == 0 { return [] }
        return [UInt8](unsafeUninitializedCapacity: n) { buffer, initialised in
            buffer.baseAddress!.update(from: from, count: n)
            initialised = n
        }
    }
}

/// A direct-mapped table of recently formatted doubles and their text (4,096 slots by a hash of
/// the bits; a slot keeps its latest number), read and written through raw pointers.
struct RecentNumbers {
    static let slots = 4_096
    static let width = 24
    let keys: UnsafeMutablePointer<UInt64>
    let lengths: UnsafeMutablePointer<UInt8>
    let texts: UnsafeMutablePointer<UInt8>

    init() {
        keys = .allocate(capacity: Self.slots)
        // a NaN's bits: never formatted (NaN is written empty), so an empty slot never matches
        keys.initialize(repeating: Double.nan.bitPattern, count: Self.slots)
        lengths = .allocate(capacity: Self.slots)
        lengths.initialize(repeating: 0, count: Self.slots)
        texts = .allocate(capacity: Self.slots * Self.width)
    }

    /// Copies a text of at most `width` bytes as a 16-byte load and store and, when longer, 8 more:
    /// both sides have `width` bytes readable and writable (a slot, or a buffer with room reserved).
    @inline(__always)
    static func copyText(from: UnsafePointer<UInt8>, to: UnsafeMutablePointer<UInt8>, length: Int) {
        let source = UnsafeRawPointer(from)
        let target = UnsafeMutableRawPointer(to)
        target.storeBytes(of: source.loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
        if length > 16 {
            target.storeBytes(
                of: source.loadUnaligned(fromByteOffset: 16, as: UInt64.self), toByteOffset: 16, as: UInt64.self)
        }
    }

    func release() {
        keys.deallocate()
        lengths.deallocate()
        texts.deallocate()
    }

    @inline(__always)
    func slot(_ value: Double) -> Int {
        Int(truncatingIfNeeded: (value.bitPattern &* 0x9E37_79B9_7F4A_7C15) >> 52)
    }

    /// Copies the text of `value` when the slot holds it; returns whether it did.
    @inline(__always)
    func copy(_ slot: Int, _ value: Double, to out: UnsafeMutablePointer<UInt8>, count: inout Int) -> Bool {
        guard keys[slot] == value.bitPattern else { return false }
        let n = Int(lengths[slot])
        // the caller reserved 65 bytes
        Self.copyText(from: texts + slot * Self.width, to: out, length: n)
        count += n
        return true
    }

    /// Keeps the text just written for `value`, when it fits a slot (24 bytes are readable at `text`).
    @inline(__always)
    func keep(_ slot: Int, _ value: Double, from text: UnsafeMutablePointer<UInt8>, length: Int) {
        guard length <= Self.width else { return }
        keys[slot] = value.bitPattern
        lengths[slot] = UInt8(length)
        Self.copyText(from: text, to: texts + slot * Self.width, length: length)
    }
}
