/// A Unique Pupil Number packed into 64 bits so that joins, sorting and duplicate checks never
/// touch a String; the packing keeps the text's sort order.
///
/// Valid form (formats.md): a check letter (A–Z but I, O, S), 11 digits (LA 3, establishment 4,
/// year 2, serial 2) and a last character that is a digit or a letter of the same alphabet; the
/// check letter is `ALPHA[Σ weight·value mod 23]` over characters 2–13 with weights 2–13.
public struct UPN: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// (check index · 10¹¹ + the 11 digits) · 64 + (last character's ASCII − 48).
    public let key: UInt64

    public static let alphabet: [UInt8] = Array("ABCDEFGHJKLMNPQRTUVWXYZ0123456789".utf8)

    /// Value of an upper-case letter in the check alphabet (I, O, S excluded), or nil.
    @inlinable
    static func letterValue(_ c: UInt8) -> Int? {
        guard c >= 0x41 && c <= 0x5A, c != 0x49, c != 0x4F, c != 0x53 else { return nil }
        var v = Int(c - 0x41)
        if c > 0x49 { v -= 1 }
        if c > 0x4F { v -= 1 }
        if c > 0x53 { v -= 1 }
        return v
    }

    public init(key: UInt64) { self.key = key }

    /// Parses and validates a cell (trimmed, upper-cased); nil when invalid.
    @inlinable
    public static func parse(_ raw: UnsafeRawBufferPointer) -> UPN? {
        var lo = 0
        var hi = raw.count
        while lo < hi, raw[lo] == 0x20 || raw[lo] == 0x09 { lo += 1 }
        while hi > lo, raw[hi - 1] == 0x20 || raw[hi - 1] == 0x09 || raw[hi - 1] == 0x0D { hi -= 1 }
        guard hi - lo == 13 else { return nil }
        @inline(__always) func upper(_ c: UInt8) -> UInt8 { (c >= 0x61 && c <= 0x7A) ? c - 0x20 : c }
        guard let check = letterValue(upper(raw[lo])) else { return nil }
        // The 11 digits, 8 and then 3 at a time (a loop per character was 5% of reading a file):
        // characters 2–9 as one word, 10–12 as another with '0's in the place of character 13 on
        // (little-endian loads: a word's first character is its low byte).
        let text = raw.baseAddress! + lo
        let first = text.loadUnaligned(fromByteOffset: 1, as: UInt64.self)
        let rest = UInt64(text.loadUnaligned(fromByteOffset: 9, as: UInt32.self) & 0x00FF_FFFF) | 0x3030_3030_3000_0000
        guard allDigits(first) && allDigits(rest) else { return nil }
        let high = first & 0x0F0F_0F0F_0F0F_0F0F
        let low = rest & 0x0F0F_0F0F
        let digits = eightDigitsValue(high) * 1_000 + (low & 0xFF) * 100 + (low >> 8 & 0xFF) * 10 + (low >> 16 & 0xFF)
        // the check sum's weights are 2–9 for characters 2–9 and 10–12 for characters 10–12
        let weighted = SIMD8<UInt16>(truncatingIfNeeded: unsafeBitCast(high, to: SIMD8<UInt8>.self))
        var total = Int((weighted &* SIMD8<UInt16>(2, 3, 4, 5, 6, 7, 8, 9)).wrappedSum())
        total += Int(low & 0xFF) * 10 + Int(low >> 8 & 0xFF) * 11 + Int(low >> 16 & 0xFF) * 12
        let last = upper(raw[lo + 12])
        let lastValue: Int
        if last >= 0x30 && last <= 0x39 {
            lastValue = Int(last - 0x30)
        } else if let v = letterValue(last) {
            lastValue = v
        } else {
            return nil
        }
        total += lastValue * 13
        guard total % 23 == check else { return nil }
        return UPN(key: (UInt64(check) * 100_000_000_000 + digits) * 64 + UInt64(last - 0x30))
    }

    /// Whether all eight bytes of `word` are ASCII digits: each byte's high nibble is 3, and stays
    /// 3 when 6 is added (a byte above '9' carries into 4; a carry out of a byte above 0xF9 only
    /// spoils a word that is already refused).
    @inlinable @inline(__always)
    static func allDigits(_ word: UInt64) -> Bool {
        let high: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
        return (word & high) | (((word &+ 0x0606_0606_0606_0606) & high) >> 4) == 0x3333_3333_3333_3333
    }

    /// The number written by eight digit values (0–9, one per byte, the first byte the most
    /// significant digit): pairs, then fours, then the eight combined by three multiplications.
    @inlinable @inline(__always)
    static func eightDigitsValue(_ digits: UInt64) -> UInt64 {
        var v = (digits &* 2561) >> 8
        v = ((v & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
        return ((v & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32
    }

    /// Parses a String (convenience for tests and small files).
    public init?(_ text: String) {
        var s = text
        guard let u = s.withUTF8({ UPN.parse(UnsafeRawBufferPointer($0)) }) else { return nil }
        self = u
    }

    /// The check letter for 12 characters (11 digits and the last character), upper case.
    public static func checkLetter(forBody body: String) -> Character? {
        let b = Array(body.utf8)
        guard b.count == 12 else { return nil }
        var total = 0
        for (i, c) in b.enumerated() {
            let v: Int
            if c >= 0x30 && c <= 0x39 { v = Int(c - 0x30) } else if let l = letterValue(c) { v = l } else { return nil }
            total += v * (i + 2)
        }
        return Character(UnicodeScalar(alphabet[total % 23]))
    }

    /// The 13-character text.
    public var description: String {
        var bytes = [UInt8](repeating: 0, count: 13)
        write(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes the 13 characters into `bytes[0..<13]` (output writers avoid a String per pupil).
    @inlinable
    public func write(into bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBufferPointer { write(to: $0.baseAddress!) }
    }

    /// The alphabet as a static string, read without retaining anything (hot writers).
    private static let checkLetters: StaticString = "ABCDEFGHJKLMNPQRTUVWXYZ0123456789"

    /// Writes the 13 characters at `bytes` (room for 13 is the caller's).
    @inline(__always)
    public func write(to bytes: UnsafeMutablePointer<UInt8>) {
        let last = UInt8(key % 64) + 0x30
        var rest = key / 64
        var digits = rest % 100_000_000_000
        rest /= 100_000_000_000
        bytes[0] = UPN.checkLetters.utf8Start[Int(rest)]
        for i in stride(from: 11, through: 1, by: -1) {
            bytes[i] = UInt8(digits % 10) + 0x30
            digits /= 10
        }
        bytes[12] = last
    }

    public static func < (a: UPN, b: UPN) -> Bool { a.key < b.key }
}
