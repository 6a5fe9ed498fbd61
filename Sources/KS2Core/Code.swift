/// Every outcome, teacher-assessment and KS1 token the methodology knows, as one small integer,
/// so that readers intern a cell once and later stages compare bytes, not strings.
///
/// Tokens are matched case-insensitively after trimming; `name` is the canonical upper-case spelling
/// written to outputs (so a reason column reads `HNM`, `A`, `B`, …).
public enum Code: UInt8, Sendable, CaseIterable, Hashable {
    case none = 0
    // KS2 outcome codes (score/code columns)
    case AS, NS, N, B, A, T, U, H, Q, F, P, D, M, L, J, X
    // teacher assessment
    case GDS, EXS, WTS, HNM, BLW, EM
    case PK1, PK2, PK3, PK4, PK5, PK6, PKF, PKE, PKG
    // P-scales
    case P1i, P1ii, P2i, P2ii, P3i, P3ii, P4, P5, P6, P7, P8
    // KS1 levels
    case levelW, level1, level2C, level2B, level2A, level3, level4, level4plus

    /// Canonical upper-case text (empty for `.none`).
    public var name: String { Code.names[Int(rawValue)] }

    static let names: [String] = [
        "", "AS", "NS", "N", "B", "A", "T", "U", "H", "Q", "F", "P", "D", "M", "L", "J", "X",
        "GDS", "EXS", "WTS", "HNM", "BLW", "EM",
        "PK1", "PK2", "PK3", "PK4", "PK5", "PK6", "PKF", "PKE", "PKG",
        "P1I", "P1II", "P2I", "P2II", "P3I", "P3II", "P4", "P5", "P6", "P7", "P8",
        "W", "1", "2C", "2B", "2A", "3", "4", "4+",
    ]

    /// The KS2 outcome codes allowed in score and code columns (formats.md).
    public var isOutcome: Bool { rawValue >= Code.AS.rawValue && rawValue <= Code.X.rawValue }
    public var isPScale: Bool { rawValue >= Code.P1i.rawValue && rawValue <= Code.P8.rawValue }
    public var isKS1Level: Bool { rawValue >= Code.levelW.rawValue }

    /// Allowed in a `read_ta`/`mat_ta`/`writ_ta` cell: TA values, pre-key-stage, P-scales, or a code.
    public var isTeacherAssessment: Bool { self != .none && !isKS1Level }

    /// Allowed in a KS1 cell: either framework's outcomes, P-scales and the no-result codes A, D, M, L, X.
    public var isKS1: Bool {
        switch self {
        case .A, .D, .M, .L, .X: return true
        case .GDS, .EXS, .WTS, .PKF, .PK4, .PK3, .PK2, .PK1, .BLW: return true
        default: return isPScale || isKS1Level
        }
    }

    private static let lookup: [String: Code] = {
        var d: [String: Code] = [:]
        for c in Code.allCases where c != .none { d[c.name] = c }
        return d
    }()

    /// Parses trimmed text case-insensitively; nil when no table knows it, `.none` when blank.
    public init?(_ text: some StringProtocol) {
        let t = text.trimmedWhitespace().uppercased()
        if t.isEmpty {
            self = .none
            return
        }
        guard let c = Code.lookup[t] else { return nil }
        self = c
    }

    /// Parses raw bytes (already trimmed) case-insensitively without building a String.
    /// Returns nil when no table knows the token, `.none` when the slice is empty.
    @inlinable
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Code? {
        if bytes.isEmpty { return Code.none }
        if bytes.count > 4 { return nil }
        var key: UInt32 = 0
        for b in bytes {
            var c = b
            if c >= 0x61 && c <= 0x7A { c -= 0x20 }
            key = (key << 8) | UInt32(c)
        }
        return byteKey[key]
    }

    /// Token bytes (upper case, up to 4) packed big-endian into a UInt32 → code.
    @usableFromInline
    static let byteKey: [UInt32: Code] = {
        var d: [UInt32: Code] = [:]
        for c in Code.allCases where c != .none {
            var key: UInt32 = 0
            for b in c.name.utf8 { key = (key << 8) | UInt32(b) }
            d[key] = c
        }
        return d
    }()
}

extension StringProtocol {
    /// The text without leading and trailing space, tab, CR or LF.
    func trimmedWhitespace() -> Substring {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" || f == "\r" || f == "\n" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" || l == "\n" { s = s.dropLast() }
        return Substring(s)
    }
}
