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
        var digits: UInt64 = 0
        var total = 0
        for i in 1...11 {
            let c = raw[lo + i]
            guard c >= 0x30 && c <= 0x39 else { return nil }
            let d = Int(c - 0x30)
            digits = digits * 10 + UInt64(d)
            total += d * (i + 1)
        }
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
