import KS2Core

/// Options every reader takes: the pipeline's explicit column names, the thread count and whether
/// pupil names are kept (only school workbooks need them).
public struct IngestOptions: Sendable {
    /// Canonical column name → the header text used for it in the file (matched like aliases).
    public var columns: [String: String]
    /// Worker threads for the chunk-parallel scan (results do not depend on it).
    public var threads: Int
    /// Keep forename/surname in `KS2Cohort.names`.
    public var keepNames: Bool
    /// Target bytes per scan chunk; small values exercise chunk cuts in tests.
    public var chunkBytes: Int = 1 << 20

    public init(columns: [String: String] = [:], threads: Int = 1, keepNames: Bool = false) {
        self.columns = columns; self.threads = max(1, threads); self.keepNames = keepNames
    }
}

/// A canonical column and the header spellings (normalized) that name it.
struct ColumnSpec {
    let canonical: String
    let aliases: [String]
    init(_ canonical: String, _ aliases: [String]) {
        self.canonical = canonical
        self.aliases = [Columns.normalize(canonical)] + aliases.map(Columns.normalize)
    }
}

/// Header matching: normalization, alias tables, explicit mappings and file-level column faults.
enum Columns {
    /// Lower case; `_ - . / ( )` as spaces; runs of white space collapsed; trimmed.
    static func normalize(_ text: String) -> String {
        var out = ""
        var pendingSpace = false
        for ch in text.lowercased().unicodeScalars {
            let isSep = ch == "_" || ch == "-" || ch == "." || ch == "/" || ch == "(" || ch == ")"
                || ch == " " || ch == "\t" || ch == "\r" || ch == "\n" || ch == "\u{FEFF}" || ch == "\u{A0}"
            if isSep { pendingSpace = !out.isEmpty; continue }
            if pendingSpace { out.append(" "); pendingSpace = false }
            out.unicodeScalars.append(ch)
        }
        return out
    }

    /// The header as a message quotes it: at most 60 cells, each cut to 200 characters.
    static func describeHeader(_ header: [String]) -> String {
        let shown = header.prefix(60).map { "\"\(MessageText.clip($0, limit: 200))\"" }.joined(separator: ", ")
        return header.count > 60 ? shown + " and \(header.count - 60) more" : shown
    }

    static let ks2: [ColumnSpec] = [
        ColumnSpec("upn", ["unique pupil number", "pupil upn", "upn number", "pupil number upn"]),
        ColumnSpec("urn", ["school urn", "unique reference number", "school unique reference number", "urn number"]),
        ColumnSpec("laestab", ["dfe number", "dfe", "dfe no", "dfes number", "dfe establishment number",
                               "la estab", "la establishment number", "laestab number", "lea estab"]),
        ColumnSpec("la", ["lea", "local authority", "la code", "lea code", "local authority code", "la number", "lea number"]),
        ColumnSpec("school_name", ["school", "school name", "schname", "establishment name", "establishment"]),
        ColumnSpec("special", ["special school", "is special", "special school flag"]),
        ColumnSpec("year", ["ks2 year", "ks2 test year", "test year", "year of test", "ks2 year taken"]),
        ColumnSpec("surname", ["legal surname", "last name", "family name", "preferred surname"]),
        ColumnSpec("forename", ["legal forename", "first name", "given name", "forenames", "preferred forename"]),
        ColumnSpec("gender", ["sex"]),
        ColumnSpec("dob", ["date of birth", "birth date", "birthdate"]),
        ColumnSpec("disadvantaged", ["fsm6cla1a", "pp", "pupil premium", "disadvantage", "ever 6 fsm", "fsm6cla"]),
        ColumnSpec("eal", ["english as an additional language", "eal flag"]),
        ColumnSpec("sen", ["sen provision", "send", "sen status", "senprov", "sen flag"]),
        ColumnSpec("read_score", ["reading scaled score", "reading score", "read scaled score", "ks2 reading score",
                                  "ks2 read score", "reading ss", "ks2 reading scaled score"]),
        ColumnSpec("mat_score", ["maths scaled score", "maths score", "mathematics scaled score", "mathematics score",
                                 "math scaled score", "math score", "mat scaled score", "ks2 maths score",
                                 "ks2 mat score", "maths ss", "ks2 maths scaled score"]),
        ColumnSpec("gps_score", ["gps scaled score", "egps scaled score", "egps score", "spag scaled score", "spag score",
                                 "grammar punctuation and spelling scaled score", "ks2 gps score", "gps ss",
                                 "grammar punctuation spelling scaled score"]),
        ColumnSpec("read_code", ["reading outcome", "reading code", "read outcome", "reading result code", "reading test code"]),
        ColumnSpec("mat_code", ["maths outcome", "maths code", "mathematics outcome", "mathematics code", "mat outcome",
                                "math outcome", "maths result code", "maths test code"]),
        ColumnSpec("gps_code", ["gps outcome", "egps outcome", "spag outcome", "gps result code", "gps test code",
                                "grammar punctuation and spelling outcome"]),
        ColumnSpec("read_ta", ["reading ta", "reading teacher assessment", "read teacher assessment"]),
        ColumnSpec("mat_ta", ["maths ta", "mathematics ta", "math ta", "maths teacher assessment",
                              "mathematics teacher assessment"]),
        ColumnSpec("writ_ta", ["writing ta", "writing teacher assessment", "write ta", "writing", "writ teacher assessment"]),
    ]

    static let ks1: [ColumnSpec] = [
        ColumnSpec("upn", ["unique pupil number", "pupil upn", "upn number", "pupil number upn"]),
        ColumnSpec("ks1_read", ["ks1 reading", "ks1 reading ta", "ks1 reading outcome", "reading ks1", "ks1 rea",
                                "ks1 read ta", "ks1 reading level"]),
        ColumnSpec("ks1_writ", ["ks1 writing", "ks1 writing ta", "ks1 writing outcome", "writing ks1", "ks1 wri",
                                "ks1 writ ta", "ks1 write", "ks1 writing level"]),
        ColumnSpec("ks1_mat", ["ks1 maths", "ks1 mathematics", "ks1 math", "ks1 maths ta", "ks1 maths outcome",
                               "maths ks1", "ks1 mat ta", "ks1 maths level"]),
        ColumnSpec("ks1_year", ["ks1 year taken", "year of ks1", "ks1 test year"]),
    ]

    /// Maps canonical names to field indices; throws the header faults of formats.md
    /// (duplicate header, missing required column, a mapping naming no header).
    /// `required` holds groups: each needs at least one of its columns.
    static func resolve(_ file: DelimitedFile, specs: [ColumnSpec], mapping: [String: String],
                        required: [[String]]) throws(InputError) -> [String: Int] {
        let normalized = file.header.map(normalize)
        let found = Columns.describeHeader(file.header)
        // explicit mapping first: normalized header text → canonical
        var explicit: [String: String] = [:]
        let known = Set(specs.map(\.canonical))
        for (canonical, headerText) in mapping where known.contains(canonical) {
            let key = normalize(headerText)
            guard normalized.contains(key) else {
                throw InputError(file: file.path, line: file.headerLine, column: 1,
                                 message: "column mapping: \"\(headerText)\" (given for \(canonical)) is not in the header; header found: \(found)")
            }
            explicit[key] = canonical
        }
        var alias: [String: String] = [:]
        for spec in specs where mapping[spec.canonical] == nil {
            for a in spec.aliases where alias[a] == nil { alias[a] = spec.canonical }
        }
        var index: [String: Int] = [:]
        var seen: [String: Int] = [:]   // name (canonical or normalized text) → first field index
        for (k, key) in normalized.enumerated() {
            let canonical = explicit[key] ?? alias[key]
            let name = canonical ?? key
            if name.isEmpty { continue }   // unnamed columns (a trailing delimiter) are ignored
            // a column the mapping displaced is an unknown column, not a second copy
            let seenKey = canonical == nil ? "header:" + key : "column:" + name
            if let first = seen[seenKey] {
                throw InputError(file: file.path, line: file.headerLine, column: file.headerColumns[k],
                                 message: "duplicate header: column \(first + 1) \"\(file.header[first])\" and column \(k + 1) \"\(file.header[k])\" both name \(name); expected each column once")
            }
            seen[seenKey] = k
            if let c = canonical { index[c] = k }
        }
        for group in required where !group.contains(where: { index[$0] != nil }) {
            let what = group.count == 1 ? "\"\(group[0])\""
                : "one of " + group.map { "\"\($0)\"" }.joined(separator: " or ")
            var hint = ""
            if file.header.count == 1, let other = [("|", "a vertical bar"), (":", "a colon"), ("^", "a caret")]
                .first(where: { file.header[0].contains($0.0) }) {
                hint = "; the header holds no comma, tab or semicolon but is split by \(other.1) (\"\(other.0)\"): save the file delimited by commas"
            }
            throw InputError(file: file.path, line: file.headerLine, column: 1,
                             message: "missing required column \(what); header found: \(found)\(hint)")
        }
        return index
    }
}

/// The canonical column names a column mapping may name (pipeline files are checked against them).
public enum CanonicalColumns {
    public static var ks2: [String] { Columns.ks2.map(\.canonical) }
    public static var ks1: [String] { Columns.ks1.map(\.canonical) }
}
