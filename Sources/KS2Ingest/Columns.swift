import KS2Core

/// Options every reader takes: the pipeline's explicit column names, the thread count and whether
/// pupil names are kept (only school workbooks need them).
public struct IngestOptions: Sendable {
    /// Canonical column name → the header text used for it in the file (matched like aliases);
    /// an empty text says the file has no such column on purpose (no alias is looked for, and a
    /// subject whose every result column is so mapped is not an error).
    public var columns: [String: String]
    /// Worker threads for the chunk-parallel scan (results do not depend on it).
    public var threads: Int
    /// Keep forename/surname in `KS2Cohort.names`.
    public var keepNames: Bool
    /// Target bytes per scan chunk; small values exercise chunk cuts in tests.
    public var chunkBytes: Int = 1 << 20

    public init(columns: [String: String] = [:], threads: Int = 1, keepNames: Bool = false) {
        self.columns = columns
        self.threads = max(1, threads)
        self.keepNames = keepNames
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
            let isSep =
                ch == "_" || ch == "-" || ch == "." || ch == "/" || ch == "(" || ch == ")"
                || ch == " " || ch == "\t" || ch == "\r" || ch == "\n" || ch == "\u{FEFF}" || ch == "\u{A0}"
            if isSep {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace {
                out.append(" ")
                pendingSpace = false
            }
            out.unicodeScalars.append(ch)
        }
        return out
    }

    /// The header as a message quotes it: at most 60 cells, each cut to 200 characters.
    static func describeHeader(_ header: [String]) -> String {
        let shown = header.prefix(60).map { "\"\(MessageText.clip($0, limit: 200))\"" }.joined(separator: ", ")
        return header.count > 60 ? shown + " and \(header.count - 60) more" : shown
    }

    /// KS2 columns and their aliases; where each alias comes from (NPD, the STA's results download,
    /// LA pupil-level extracts, MIS exports) is listed in docs/ALIASES.md.
    static let ks2: [ColumnSpec] = [
        ColumnSpec("upn", ["unique pupil number", "pupil upn", "upn number", "pupil number upn"]),
        ColumnSpec(
            "urn",
            [
                "school urn", "unique reference number", "school unique reference number", "urn number",
                "ks2 urn",
            ]),
        ColumnSpec(
            "laestab",
            [
                "dfe number", "dfe", "dfe no", "dfes number", "dfe establishment number",
                "la estab", "la establishment number", "laestab number", "lea estab", "ks2 laestab",
            ]),
        ColumnSpec(
            "la",
            [
                "lea", "local authority", "la code", "lea code", "local authority code", "la number",
                "lea number",
                "ks2 la",
            ]),
        ColumnSpec("school_name", ["school", "school name", "schname", "establishment name", "establishment"]),
        ColumnSpec("special", ["special school", "is special", "special school flag"]),
        ColumnSpec("year", ["ks2 year", "ks2 test year", "test year", "year of test", "ks2 year taken"]),
        ColumnSpec(
            "surname",
            [
                "legal surname", "last name", "family name", "preferred surname",
                "legal last name", "legallastname", "lastname",
            ]),
        ColumnSpec(
            "forename",
            [
                "legal forename", "first name", "given name", "forenames", "preferred forename",
                "legal first name", "legalfirstname", "firstname",
            ]),
        ColumnSpec("gender", ["sex", "ks2 gender"]),
        ColumnSpec("dob", ["date of birth", "birth date", "birthdate"]),
        ColumnSpec(
            "disadvantaged",
            [
                "fsm6cla1a", "pp", "pupil premium", "disadvantage", "ever 6 fsm", "fsm6cla",
                "ks2 fsm6cla1a",
            ]),
        ColumnSpec("eal", ["english as an additional language", "eal flag"]),
        ColumnSpec("sen", ["sen provision", "send", "sen status", "senprov", "sen flag"]),
        ColumnSpec(
            "read_score",
            [
                "reading scaled score", "reading score", "read scaled score", "ks2 reading score",
                "ks2 read score", "reading ss", "ks2 reading scaled score",
                "ks2 readscore", "english reading scaled score", "reading scaledscore",
            ]),
        ColumnSpec(
            "mat_score",
            [
                "maths scaled score", "maths score", "mathematics scaled score", "mathematics score",
                "math scaled score", "math score", "mat scaled score", "ks2 maths score",
                "ks2 mat score", "maths ss", "ks2 maths scaled score",
                "ks2 matscore", "maths scaledscore",
            ]),
        ColumnSpec(
            "gps_score",
            [
                "gps scaled score", "egps scaled score", "egps score", "spag scaled score", "spag score",
                "grammar punctuation and spelling scaled score", "ks2 gps score", "gps ss",
                "grammar punctuation spelling scaled score",
                "ks2 gpsscore", "english grammar, punctuation and spelling scaled score",
                "gps scaledscore",
            ]),
        ColumnSpec(
            "read_code",
            [
                "reading outcome", "reading code", "read outcome", "reading result code",
                "reading test code",
                "ks2 readoutcome", "english reading result",
            ]),
        ColumnSpec(
            "mat_code",
            [
                "maths outcome", "maths code", "mathematics outcome", "mathematics code", "mat outcome",
                "math outcome", "maths result code", "maths test code",
                "ks2 matoutcome", "mathematics result",
            ]),
        ColumnSpec(
            "gps_code",
            [
                "gps outcome", "egps outcome", "spag outcome", "gps result code", "gps test code",
                "grammar punctuation and spelling outcome",
                "ks2 gpsoutcome", "english grammar, punctuation and spelling result",
            ]),
        ColumnSpec(
            "read_ta",
            [
                "reading ta", "reading teacher assessment", "read teacher assessment",
                "ks2 readtaoutcome", "english reading ta", "reading tao",
            ]),
        ColumnSpec(
            "mat_ta",
            [
                "maths ta", "mathematics ta", "math ta", "maths teacher assessment",
                "mathematics teacher assessment", "ks2 mattaoutcome", "maths tao",
            ]),
        ColumnSpec(
            "writ_ta",
            [
                "writing ta", "writing teacher assessment", "write ta", "writing",
                "writ teacher assessment",
                "ks2 writtaoutcome", "english writing ta", "writing tao",
            ]),
    ]

    static let ks1: [ColumnSpec] = [
        ColumnSpec("upn", ["unique pupil number", "pupil upn", "upn number", "pupil number upn"]),
        ColumnSpec(
            "ks1_read",
            [
                "ks1 reading", "ks1 reading ta", "ks1 reading outcome", "reading ks1", "ks1 rea",
                "ks1 read ta", "ks1 reading level",
                "ks1 read", "reading ta",
            ]),
        ColumnSpec(
            "ks1_writ",
            [
                "ks1 writing", "ks1 writing ta", "ks1 writing outcome", "writing ks1", "ks1 wri",
                "ks1 writ ta", "ks1 write", "ks1 writing level",
                "ks1 writ", "writing ta",
            ]),
        ColumnSpec(
            "ks1_mat",
            [
                "ks1 maths", "ks1 mathematics", "ks1 math", "ks1 maths ta", "ks1 maths outcome",
                "maths ks1", "ks1 mat ta", "ks1 maths level",
                "ks1 math", "ks1 mat", "mathematics ta",
            ]),
        ColumnSpec("ks1_year", ["ks1 year taken", "year of ks1", "ks1 test year"]),
    ]

    /// Maps canonical names to field indices; throws the header faults of formats.md
    /// (duplicate header, missing required column, a mapping naming no header).
    /// `required` holds groups: each needs at least one of its columns.
    static func resolve(
        _ file: DelimitedFile, specs: [ColumnSpec], mapping: [String: String],
        required: [[String]]
    ) throws(InputError) -> [String: Int] {
        let normalized = file.header.map(normalize)
        let found = Columns.describeHeader(file.header)
        // explicit mapping first: normalized header text → canonical
        var explicit: [String: String] = [:]
        let known = Set(specs.map(\.canonical))
        for (canonical, headerText) in mapping where known.contains(canonical) {
            let key = normalize(headerText)
            if key.isEmpty {
                // absent on purpose: a column of the file that would name it is a contradiction, not ignored
                let spec = specs.first { $0.canonical == canonical }
                if let k = normalized.firstIndex(where: { spec?.aliases.contains($0) ?? false }) {
                    throw InputError(
                        file: file.path, line: file.headerLine, column: file.headerColumns[k],
                        message: "column mapping: \(canonical) is mapped to nothing, but column \(k + 1) "
                            + "\"\(MessageText.clip(file.header[k], limit: 200))\" names it; "
                            + "map it to that column or remove the column")
                }
                continue
            }
            guard normalized.contains(key) else {
                throw InputError(
                    file: file.path, line: file.headerLine, column: 1,
                    message:
                        "column mapping: \"\(headerText)\" (given for \(canonical)) is not in the header; header found: \(found)"
                )
            }
            explicit[key] = canonical
        }
        var alias: [String: String] = [:]
        for spec in specs where mapping[spec.canonical] == nil {
            for a in spec.aliases where alias[a] == nil { alias[a] = spec.canonical }
        }
        var index: [String: Int] = [:]
        var seen: [String: Int] = [:]  // name (canonical or normalized text) → first field index
        for (k, key) in normalized.enumerated() {
            let canonical = explicit[key] ?? alias[key]
            let name = canonical ?? key
            if name.isEmpty { continue }  // unnamed columns (a trailing delimiter) are ignored
            // a column the mapping displaced is an unknown column, not a second copy
            let seenKey = canonical == nil ? "header:" + key : "column:" + name
            if let first = seen[seenKey] {
                throw InputError(
                    file: file.path, line: file.headerLine, column: file.headerColumns[k],
                    message:
                        "duplicate header: column \(first + 1) \"\(file.header[first])\" and column \(k + 1) \"\(file.header[k])\" both name \(name); expected each column once"
                )
            }
            seen[seenKey] = k
            if let c = canonical { index[c] = k }
        }
        for group in required where !group.contains(where: { index[$0] != nil }) {
            let what =
                group.count == 1
                ? "\"\(group[0])\""
                : "one of " + group.map { "\"\($0)\"" }.joined(separator: " or ")
            var hint = ""
            if file.header.count == 1,
                let other = [("|", "a vertical bar"), (":", "a colon"), ("^", "a caret")]
                    .first(where: { file.header[0].contains($0.0) })
            {
                hint =
                    "; the header holds no comma, tab or semicolon but is split by \(other.1) (\"\(other.0)\"): save the file delimited by commas"
            }
            // what the file is instead goes before the header, which a long header cuts short
            let kind = hint.isEmpty ? otherKindHint(Set(normalized), reading: specs) : ""
            throw InputError(
                file: file.path, line: file.headerLine, column: 1,
                message: "missing required column \(what)\(kind); header found: \(found)\(hint)")
        }
        return index
    }

    /// What a header plainly belongs to when it is not the kind of file being read: a DfE
    /// school-level table given as pupil data, or the KS2 and KS1 files given the wrong way round
    /// (a mistake easy to make and, from "missing required column" alone, slow to see).
    static func otherKindHint(_ header: Set<String>, reading specs: [ColumnSpec]) -> String {
        func has(_ canonical: String, _ table: [ColumnSpec]) -> Bool {
            table.first { $0.canonical == canonical }?.aliases.contains(where: header.contains) ?? false
        }
        let reads = Set(specs.map(\.canonical))
        if header.contains("rectype") {
            return " (this is a DfE school-level table, not pupil data: it is read by `ks2progress published`, "
                + "`published:` in a pipeline)"
        }
        if reads.contains("writ_ta"), ["ks1_read", "ks1_writ", "ks1_mat"].allSatisfy({ has($0, ks1) }) {
            return " (this is a KS1 prior-attainment file: are the KS2 and KS1 files given the wrong way round?)"
        }
        if reads.contains("ks1_read"), has("writ_ta", ks2), has("read_score", ks2) || has("mat_score", ks2) {
            return " (this is a KS2 results file: are the KS2 and KS1 files given the wrong way round?)"
        }
        return ""
    }

    /// The result columns of each KS2 subject in the progress measure besides writing (required):
    /// at least one of each must be found, or be mapped to nothing on purpose.
    static let ks2SubjectColumns: [(subject: String, columns: [String])] = [
        ("reading", ["read_score", "read_code", "read_ta"]),
        ("maths", ["mat_score", "mat_code", "mat_ta"]),
    ]

    /// Stops a KS2 read whose header has no result column for a subject (e.g. NPD-style
    /// `KS2_READSCORE` unknown to the aliases): it would otherwise run with no pupil in that
    /// subject's measure. The message lists the headers found and the known names nearest them.
    static func requireSubjects(
        _ file: DelimitedFile, index: [String: Int], mapping: [String: String],
        specs: [ColumnSpec]
    ) throws(InputError) {
        let matched = Set(index.values)
        for (subject, columns) in ks2SubjectColumns {
            if columns.contains(where: { index[$0] != nil }) { continue }
            if columns.contains(where: { mapping[$0].map { normalize($0).isEmpty } ?? false }) { continue }
            let known = specs.filter { columns.contains($0.canonical) }.flatMap { spec in
                spec.aliases.map { (alias: $0, canonical: spec.canonical) }
            }
            var nearest: [(distance: Int, header: String, alias: String, canonical: String)] = []
            for (k, header) in file.header.enumerated() where !matched.contains(k) {
                let key = normalize(header)
                for a in known {
                    nearest.append((editDistance(key, a.alias), header, a.alias, a.canonical))
                }
            }
            nearest.sort { ($0.distance, $0.header, $0.alias) < ($1.distance, $1.header, $1.alias) }
            var seenHeaders = Set<String>()
            var hints: [String] = []
            for n in nearest where seenHeaders.insert(n.header).inserted && hints.count < 3 {
                let header = MessageText.clip(n.header, limit: 200)
                hints.append("\"\(header)\" is \(n.distance) edit(s) from \"\(n.alias)\" (\(n.canonical))")
            }
            let found = describeHeader(file.header)
            let names = columns.joined(separator: ", ")
            let nearestNames = hints.isEmpty ? "none" : hints.joined(separator: "; ")
            throw InputError(
                file: file.path, line: file.headerLine, column: 1,
                message: "no \(subject) results column: expected one of \(names) or an alias; "
                    + "header found: \(found); closest known names: \(nearestNames); "
                    + "map the file's column in the pipeline file (ks2_columns), or map \(columns[0]) "
                    + "to \"\" if the file has no \(subject) results")
        }
    }

    /// Levenshtein distance between two strings (by Unicode scalar).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars)
        let y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        var previous = Array(0...y.count)
        var current = previous
        for i in 1...x.count {
            current[0] = i
            for j in stride(from: 1, through: y.count, by: 1) {
                let substitution = previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }
}

/// The canonical column names a column mapping may name (pipeline files are checked against them).
public enum CanonicalColumns {
    public static var ks2: [String] { Columns.ks2.map(\.canonical) }
    public static var ks1: [String] { Columns.ks1.map(\.canonical) }
}
