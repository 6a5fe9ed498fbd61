import KS2Core

/// Constant-time code lookup on raw bytes, equivalent to `Code.parse` (tests check every token),
/// without hashing a dictionary key per cell on the hot path.
struct CodeTable: @unchecked Sendable {
    /// Open addressing: packed upper-case key (0 = empty slot) and its code.
    private let keys: UnsafeMutablePointer<UInt32>
    private let codes: UnsafeMutablePointer<UInt8>
    private static let bits: UInt32 = 9
    private static let mask = (1 << Int(bits)) - 1

    static let shared = CodeTable()

    private init() {
        keys = .allocate(capacity: CodeTable.mask + 1)
        keys.initialize(repeating: 0, count: CodeTable.mask + 1)
        codes = .allocate(capacity: CodeTable.mask + 1)
        codes.initialize(repeating: 0, count: CodeTable.mask + 1)
        for c in Code.allCases where c != .none {
            var key: UInt32 = 0
            for b in c.name.utf8 { key = (key << 8) | UInt32(b) }
            var h = CodeTable.slot(key)
            while keys[h] != 0 { h = (h + 1) & CodeTable.mask }
            keys[h] = key
            codes[h] = c.rawValue
        }
    }

    @inline(__always)
    private static func slot(_ key: UInt32) -> Int { Int((key &* 0x9E37_79B1) >> (32 - bits)) }

    /// The code of an already trimmed cell (case-insensitive); `.none` when empty, nil when unknown.
    @inline(__always)
    func parse(_ bytes: UnsafeRawBufferPointer) -> Code? {
        let n = bytes.count
        if n == 0 { return Code.none }
        if n > 4 { return nil }
        var key: UInt32 = 0
        for i in 0..<n {
            var c = bytes[i]
            if c >= 0x61 && c <= 0x7A { c -= 0x20 }
            key = (key << 8) | UInt32(c)
        }
        var h = CodeTable.slot(key)
        while true {
            let k = keys[h]
            if k == key { return Code(rawValue: codes[h]) }
            if k == 0 { return nil }
            h = (h + 1) & CodeTable.mask
        }
    }
}

/// What a score cell holds.
enum ScoreCell: Equatable {
    case blank
    /// `^[+-]?[0-9]+$`, saturated far outside 80–120 when huge.
    case integer(Int)
    /// A KS2 outcome code written in the score column.
    case code(Code)
    /// Anything else.
    case bad
}

/// Cell parsers on trimmed bytes: no String is built.
enum CellParser {
    @inline(__always)
    static func score(_ v: UnsafeRawBufferPointer, _ codes: CodeTable) -> ScoreCell {
        let n = v.count
        if n == 0 { return .blank }
        var i = 0
        var negative = false
        if v[0] == 0x2B || v[0] == 0x2D {
            negative = v[0] == 0x2D
            i = 1
        }
        if i < n {
            var value = 0
            var digits = true
            while i < n {
                let d = v[i] &- 0x30
                if d > 9 {
                    digits = false
                    break
                }
                if value < 1_000_000 { value = value * 10 + Int(d) }
                i += 1
            }
            if digits { return .integer(negative ? -value : value) }
        }
        if let c = codes.parse(v), c.isOutcome { return .code(c) }
        return .bad
    }

    /// An unsigned integer (digits only), nil otherwise.
    @inline(__always)
    static func unsigned(_ v: UnsafeRawBufferPointer) -> Int? {
        if v.isEmpty { return nil }
        var value = 0
        for b in v {
            let d = b &- 0x30
            if d > 9 { return nil }
            if value < 1_000_000_000 { value = value * 10 + Int(d) }
        }
        return value
    }

    /// Case-insensitive equality with an upper-case ASCII literal.
    @inline(__always)
    static func equals(_ v: UnsafeRawBufferPointer, _ upper: StaticString) -> Bool {
        guard v.count == upper.utf8CodeUnitCount else { return false }
        let p = upper.utf8Start
        for i in 0..<v.count {
            var c = v[i]
            if c >= 0x61 && c <= 0x7A { c -= 0x20 }
            if c != p[i] { return false }
        }
        return true
    }

    /// Y/1/TRUE/Yes → yes, N/0/FALSE/No → no, else unknown.
    @inline(__always)
    static func yesNo(_ v: UnsafeRawBufferPointer) -> YesNo {
        switch v.count {
        case 1:
            let c = v[0] | 0x20
            if c == 0x79 || v[0] == 0x31 { return .yes }
            if c == 0x6E || v[0] == 0x30 { return .no }
        case 2: if equals(v, "NO") { return .no }
        case 3: if equals(v, "YES") { return .yes }
        case 4: if equals(v, "TRUE") { return .yes }
        case 5: if equals(v, "FALSE") { return .no }
        default: break
        }
        return .unknown
    }

    /// M/Male/F/Female, case-insensitive.
    @inline(__always)
    static func gender(_ v: UnsafeRawBufferPointer) -> Gender {
        if v.count == 1 {
            let c = v[0] | 0x20
            if c == 0x6D { return .male }
            if c == 0x66 { return .female }
        }
        if equals(v, "MALE") { return .male }
        if equals(v, "FEMALE") { return .female }
        return .unknown
    }

    /// N none, K SEN support, E EHC plan.
    @inline(__always)
    static func sen(_ v: UnsafeRawBufferPointer) -> SENProvision {
        guard v.count == 1 else { return .unknown }
        switch v[0] | 0x20 {
        case 0x6E: return .none
        case 0x6B: return .support
        case 0x65: return .ehcPlan
        default: return .unknown
        }
    }

    /// Text of a cell for a reject detail (trimmed, as found).
    static func text(_ v: UnsafeRawBufferPointer) -> String { String(decoding: v, as: UTF8.self) }

    /// The value of a column the file does not have.
    static var empty: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: nil, count: 0) }

    /// The cell as text fit for a message: control characters shown as `?`, at most 40 characters.
    static func printable(_ v: UnsafeRawBufferPointer, uppercased: Bool = false) -> String {
        let characters = v.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        let text = String(decoding: v.prefix(200), as: UTF8.self)
        return MessageText.clip(uppercased ? text.uppercased() : text, limit: 40, total: characters)
    }
}
