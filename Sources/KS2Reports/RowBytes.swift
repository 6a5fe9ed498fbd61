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
    private var atRowStart = true

    init(capacity: Int) {
        self.capacity = max(capacity, 256)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Makes room for `bytes` more (rarely taken: the first capacity fits the usual rows).
    @inline(never)
    private mutating func grow(_ bytes: Int) {
        let wanted = max(capacity * 2, count + bytes)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: wanted)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = wanted
    }

    @inline(__always)
    private mutating func reserve(_ bytes: Int) {
        if capacity - count < bytes { grow(bytes) }
    }

    @inline(__always)
    private mutating func separate() {
        if atRowStart {
            atRowStart = false
        } else {
            base[count] = UInt8(ascii: ",")
            count += 1
        }
    }

    /// An empty field.
    @inline(__always)
    mutating func appendEmpty() {
        reserve(1)
        separate()
    }

    /// A field already in CSV form (quoted and neutralised where needed, or a formatted number).
    @inline(__always)
    mutating func appendField(_ field: UnsafeBufferPointer<UInt8>) {
        let n = field.count
        reserve(n + 1)
        separate()
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
    }

    /// A non-negative or negative integer field.
    @inline(__always)
    mutating func appendInt(_ value: Int) {
        reserve(21)
        separate()
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
    }

    /// A double field in `CSVWriter`'s form (shortest round trip, plain decimal); NaN and
    /// infinities are empty.
    @inline(__always)
    mutating func appendDouble(_ value: Double) {
        guard value.isFinite else { return appendEmpty() }
        reserve(65)
        separate()
        let written = ShortestDouble.format(value, prefix: nil, into: base + count, capacity: 64)
        if written > 0 {
            count += written
        } else {
            // more than 64 characters in plain notation (magnitudes beyond about 1e±40)
            reserve(400)
            count += ShortestDouble.format(value, prefix: nil, into: base + count, capacity: 400)
        }
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
        separate()
        write(base + count)
        count += n
    }

    /// Ends the row with LF.
    @inline(__always)
    mutating func endRow() {
        reserve(1)
        base[count] = 0x0A
        count += 1
        atRowStart = true
    }

    /// The bytes written, as an array.
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
