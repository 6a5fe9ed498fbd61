import KS2Core

// DfE school-level performance tables (formats.md, "DfE school-level performance tables"):
// the wide "final KS2" CSV (RECTYPE, URN, READPROG, …, prior-year `_17` columns, group suffixes)
// and the long format the DfE publishes from 2023 (school_urn, breakdown_topic, breakdown, subject,
// progress_measure_score, …), read into the one results model (SchoolResult, GroupResult).

/// One published cell: a number, or a coded missing value that keeps its meaning (never zero).
public enum PublishedCell: Sendable, Hashable {
    case number(Double)
    /// `SUPP` → `.supp`, `LOWCOV` → `.lowcov`, blank → `.none`, any other code as written (`NE`, `x`, …).
    case missing(ResultStatus)

    /// Parses a trimmed cell: a number (a trailing `%` dropped), else a coded missing value.
    public init(_ text: String) {
        var t = Substring(text)
        while let f = t.first, f == " " || f == "\t" || f == "\r" || f == "\n" { t = t.dropFirst() }
        while let l = t.last, l == " " || l == "\t" || l == "\r" || l == "\n" { t = t.dropLast() }
        if t.isEmpty {
            self = .missing(.none)
            return
        }
        let body = t.last == "%" ? t.dropLast() : t
        if PublishedCell.looksNumeric(body), let v = Double(body) {
            self = .number(v)
            return
        }
        switch t.uppercased() {
        case "SUPP": self = .missing(.supp)
        case "LOWCOV": self = .missing(.lowcov)
        default: self = .missing(.coded(String(t)))
        }
    }

    /// The number, or nil for a coded or blank cell.
    public var value: Double? {
        if case .number(let v) = self { return v }
        return nil
    }

    /// `.ok` for a number, else the missing value's status.
    public var status: ResultStatus {
        switch self {
        case .number: return .ok
        case .missing(let s): return s
        }
    }

    /// True for a blank cell.

    /// Digits with an optional sign and one decimal point (so `nan`, `inf`, `1e5` are codes, not numbers).
    private static func looksNumeric(_ s: Substring) -> Bool {
        var digits = 0
        var points = 0
        for (i, c) in s.enumerated() {
            if c.isASCII, c.isNumber {
                digits += 1
            } else if c == "." {
                points += 1
            } else if (c == "-" || c == "+") && i == 0 {
            } else {
                return false
            }
        }
        return digits > 0 && points <= 1
    }
}

/// Everything read from a set of published tables: school/LA/national rows, the group breakdowns,
/// and what happened to every row read (used, or rejected with a reason) and to every value that
/// came from another file's prior-year columns.
public struct PublishedTables: Sendable {
    /// Sorted by year, level (school, la, national), id — the schools.csv order.
    public var results: [SchoolResult]
    /// Group breakdowns (gender, disadvantaged, eal, ks1_band) of each file's own year.
    public var groups: [GroupResult]
    /// The year each file was read as (the file's own year), in the order the files were given.
    public var fileYears: [Int]
    /// Per file, in the order given: rows read = used (accepted) + rejected.
    public var accounts: [FileAccount] = []
    /// Rows not used, each with its file, line and reason (`duplicate_school`, `duplicate_area`, `unused_row`).
    public var rejects: [Reject] = []
    /// Values taken from prior-year columns, counted per year, kind and source file.
    public var priorYearFills: [PriorYearFill] = []
    /// Everything set by rule or guessed (England progress 0, a year read from a file name, bands
    /// not taken): printed on the console and written in run.json.
    public var notes: [String] = []
    /// The group breakdowns of the England all-schools rows (RECTYPE 4) alone: the national
    /// other-pupils figure behind the DfE's `DIFFN_*PROG` (methodology.md §10).
    public var englandAllSchoolsGroups: [GroupResult]
    public init(
        results: [SchoolResult], groups: [GroupResult], fileYears: [Int],
        englandAllSchoolsGroups: [GroupResult] = []
    ) {
        self.results = results
        self.groups = groups
        self.fileYears = fileYears
        self.englandAllSchoolsGroups = englandAllSchoolsGroups
    }
}

/// How many values of one kind a file's prior-year columns gave for one year (methodology.md §10):
/// `rows` a whole row the year's own files lack, `progress` a subject's figures, `band`, `attainment`,
/// `pupils` (TELIG, KS1 average).
public struct PriorYearFill: Sendable, Hashable {
    public var year: Int
    public var kind: String
    /// The base name of the file whose prior-year columns gave the values.
    public var file: String
    public var count: Int
    public init(year: Int, kind: String, file: String, count: Int) {
        self.year = year
        self.kind = kind
        self.file = file
        self.count = count
    }
}

/// Reads DfE school-level tables into results rows: schools (level `.school`, `special` from
/// RECTYPE 2), LA rows (`.la`) and England (`.national`, the state-funded row when both are given).
public func readPublishedTables(paths: [String], year: Int?) throws -> [SchoolResult] {
    try readPublishedTableSet(paths: paths, year: year).results
}

/// Reads DfE school-level tables with their group breakdowns and row accounting; each year's
/// values come from its own file first, prior-year columns (`READPROG_17`) only fill what it lacks.
public func readPublishedTableSet(paths: [String], year: Int?) throws -> PublishedTables {
    var collector = PublishedCollector()
    var fileYears: [Int] = []
    for path in paths {
        let text = try DelimitedText.readText(path: path)
        fileYears.append(try collector.add(text, year: year))
    }
    return collector.publishedTables(fileYears: fileYears)
}

/// The year a table stands for, read from the file: one more than the latest prior-year suffix in
/// the header (`READPROG_18` → 2019), else its `time_period` (`201819` → 2019); `year` (`--year`)
/// only for a file that does not say, and an error when it contradicts the file.
public func publishedTableYear(_ text: DelimitedText, year: Int?) throws -> Int {
    try tableYear(text, given: year).year
}

/// The file's year and, when it was not read from the file's contents, a note saying where it came from.
func tableYear(_ text: DelimitedText, given: Int?) throws -> (year: Int, note: String?) {
    var own: (year: Int, why: String)?
    if let latest = priorYearSuffixes(text.header).max() {
        own = (latest + 1, "its prior-year columns end in _\(format2(latest % 100)), so it is \(latest + 1)")
    } else if let tp = columnIndex(text.header, ["time_period"]) {
        for (i, row) in text.rows.enumerated() {
            let raw = cell(row, tp)
            if raw.isEmpty { continue }
            guard let y = yearFromTimePeriod(raw) else {
                throw InputError(
                    file: text.file, line: text.lines[i], column: tp + 1,
                    message: "time_period \"\(raw)\": expected an academic year like 201819")
            }
            own = (y, "its time_period is \(raw), so it is \(y)")
            break
        }
    }
    if let own {
        if let given, given != own.year {
            throw InputError(
                file: text.file, line: 1, column: 1,
                message: "the file says its year: \(own.why); the year given (--year or published_year) "
                    + "is \(given): a file's year is read from the file, never relabelled")
        }
        return (own.year, nil)
    }
    if let given { return (given, nil) }
    if let named = yearFromFileName(text.file) {
        return (
            named,
            "\(baseName(text.file)): year \(named) read from the file name (the file has no prior-year "
                + "columns and no time_period)"
        )
    }
    throw InputError(
        file: text.file, line: 1, column: 1,
        message: "cannot tell the year of this table: give --year, or a header with prior-year columns "
            + "(READPROG_18 → 2019) or a time_period column (201819 → 2019)")
}

/// The one year 2000–2099 in a file's base name (`ks2final-2019-england-progress.csv` → 2019), or nil.
func yearFromFileName(_ path: String) -> Int? {
    let name = Array(baseName(path).utf8)
    var years = Set<Int>()
    var i = 0
    while i + 4 <= name.count {
        let digits = name[i..<(i + 4)].allSatisfy { (48...57).contains($0) }
        let before = i == 0 || !(48...57).contains(name[i - 1])
        let after = i + 4 == name.count || !(48...57).contains(name[i + 4])
        if digits && before && after, let y = Int(String(decoding: name[i..<(i + 4)], as: UTF8.self)),
            (2000...2099).contains(y)
        {
            years.insert(y)
        }
        i += 1
    }
    return years.count == 1 ? years.first : nil
}

/// The last path component.
func baseName(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
}

/// Reads a project cohorts file (`urn,cohort,baseline_year,outcome_year`, optional `school_name`)
/// into cohorts in the order they first appear, each school once.
/// With `yearsRequired` false (in-year tracking: `urn,cohort`) the year columns may be absent and
/// the cohorts then carry years 0.
public func readCohorts(_ text: DelimitedText, yearsRequired: Bool = true) throws -> [ProjectCohort] {
    let urnCol = columnIndex(text.header, ["urn", "school urn", "school_urn"])
    let cohortCol = columnIndex(text.header, ["cohort", "project", "cohort_name"])
    let baseCol = columnIndex(text.header, ["baseline_year", "baseline year", "baseline"])
    let outCol = columnIndex(text.header, ["outcome_year", "outcome year", "outcome"])
    let yearsGiven = baseCol != nil || outCol != nil || yearsRequired
    for (name, col) in [("urn", urnCol), ("cohort", cohortCol), ("baseline_year", baseCol), ("outcome_year", outCol)]
    where col == nil && (yearsGiven || name == "urn" || name == "cohort") {
        throw InputError(
            file: text.file, line: 1, column: 1,
            message: "missing required column \(name): expected urn,cohort,baseline_year,outcome_year")
    }
    guard let urnCol, let cohortCol else { return [] }
    if text.rows.isEmpty {
        throw InputError(
            file: text.file, line: 1, column: 1,
            message: "header only: expected at least one cohort school after the header, found none")
    }
    var cohorts: [ProjectCohort] = []
    var index: [String: Int] = [:]
    for (r, row) in text.rows.enumerated() {
        let line = text.lines[r]
        let urn = cell(row, urnCol)
        let name = cell(row, cohortCol)
        if urn.isEmpty {
            throw InputError(
                file: text.file, line: line, column: urnCol + 1, message: "blank urn: expected a school URN")
        }
        if name.isEmpty {
            throw InputError(
                file: text.file, line: line, column: cohortCol + 1, message: "blank cohort: expected a cohort name")
        }
        func year(_ col: Int?, _ what: String) throws -> Int {
            guard let col else { return 0 }
            let raw = cell(row, col)
            guard let y = Int(raw), (1990...2100).contains(y) else {
                throw InputError(
                    file: text.file, line: line, column: col + 1,
                    message: "\(what) \"\(raw)\": expected a year like 2018")
            }
            return y
        }
        let base = try year(baseCol, "baseline_year")
        let out = try year(outCol, "outcome_year")
        if yearsGiven, out <= base {
            throw InputError(
                file: text.file, line: line, column: (outCol ?? 0) + 1,
                message: "outcome_year \(out) is not after baseline_year \(base)")
        }
        if let at = index[name] {
            if cohorts[at].baselineYear != base || cohorts[at].outcomeYear != out {
                throw InputError(
                    file: text.file, line: line, column: (baseCol ?? 0) + 1,
                    message:
                        "cohort \(name) has \(base)→\(out) here but \(cohorts[at].baselineYear)→\(cohorts[at].outcomeYear) above: one cohort has one pair of years"
                )
            }
            if !cohorts[at].urns.contains(urn) { cohorts[at].urns.append(urn) }
        } else {
            index[name] = cohorts.count
            cohorts.append(ProjectCohort(name: name, baselineYear: base, outcomeYear: out, urns: [urn]))
        }
    }
    return cohorts
}

// MARK: - Column helpers

/// The trimmed cell, empty when the row is short (the DfE files drop trailing empty fields).
@inline(__always)
func cell(_ row: [String], _ col: Int?) -> String {
    guard let col, col < row.count else { return "" }
    let s = row[col]
    guard let f = s.first, let l = s.last else { return s }
    if f == " " || l == " " || f == "\t" || l == "\t" {
        return s.trimmingSpaces()
    }
    return s
}

extension String {
    func trimmingSpaces() -> String {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}

/// The first header index whose trimmed, case-folded name is one of `names` (given lower-case).
func columnIndex(_ header: [String], _ names: [String]) -> Int? {
    for name in names {
        if let i = header.firstIndex(where: { $0.trimmingSpaces().lowercased() == name }) { return i }
    }
    return nil
}

/// Every two-digit year suffix of a prior-year column (`READPROG_17` → 2017), distinct.
func priorYearSuffixes(_ header: [String]) -> Set<Int> {
    var years = Set<Int>()
    for name in header {
        let u = Array(name.trimmingSpaces().utf8)
        guard u.count >= 4, u[u.count - 3] == UInt8(ascii: "_") else { continue }
        let a = u[u.count - 2]
        let b = u[u.count - 1]
        guard (48...57).contains(a), (48...57).contains(b) else { continue }
        years.insert(2000 + Int(a - 48) * 10 + Int(b - 48))
    }
    return years
}

/// `201819` → 2019 (an academic year ends in its second calendar year); `2019` → 2019.
func yearFromTimePeriod(_ raw: String) -> Int? {
    let t = raw.trimmingSpaces()
    guard t.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    if t.count == 6, let start = Int(t.prefix(4)), let end = Int(t.suffix(2)), (start + 1) % 100 == end {
        return start + 1
    }
    if t.count == 4, let y = Int(t) { return y }
    return nil
}

/// `1`–`5`, or the DfE's words (`Well above average` … `Well below average`); nil otherwise.
func parseBand(_ raw: String) -> Int? {
    let t = raw.trimmingSpaces().lowercased()
    if let v = Double(t), v == v.rounded(), (1...5).contains(Int(v)) { return Int(v) }
    switch t {
    case "well above average": return 1
    case "above average": return 2
    case "average": return 3
    case "below average": return 4
    case "well below average": return 5
    default: return nil
    }
}

/// Round half up (n = TELIG × COV / 100).
func roundHalfUp(_ x: Double) -> Int { Int((x + 0.5).rounded(.down)) }

// MARK: - Wide "final KS2" layout

/// Column indexes of one slice of a wide table: the file's own year, a prior year, or a pupil group.
struct WideSlice {
    /// One subject's columns (nil when the table has none).
    struct SubjectColumns {
        var progress: Int?
        var lower: Int?
        var upper: Int?
        var coverage: Int?
        var unadjusted: Int?
        var band: Int?
        var all: [Int?] { [progress, lower, upper, coverage, unadjusted, band] }
    }

    var subjects = PerSubject(read: SubjectColumns(), writ: SubjectColumns(), mat: SubjectColumns())
    var eligible: Int?
    var ks1: Int?
    var attainment: [Int?] = Array(repeating: nil, count: AttainmentMeasure.allCases.count)

    /// A subject's column-name prefix (`READPROG`, `WRITCOV`, `MATPROG_LOWER`).
    static func prefix(_ subject: Subject) -> String { ["READ", "WRIT", "MAT"][subject.rawValue] }
    /// DfE base names per AttainmentMeasure, in its order.
    static let attainmentBases = [
        "PTREAD_EXP", "PTREAD_HIGH", "READ_AVERAGE", "PTWRITTA_EXP", "PTWRITTA_HIGH",
        "PTMAT_EXP", "PTMAT_HIGH", "MAT_AVERAGE", "PTGPS_EXP", "PTGPS_HIGH",
        "GPS_AVERAGE", "PTRWM_EXP", "PTRWM_HIGH",
    ]

    /// Every column this slice reads (to tell whether a row has any of it).
    var all: [Int] {
        let subjectColumns = Subject.allCases.flatMap { subjects[$0].all }
        return (subjectColumns + attainment + [eligible, ks1]).compactMap { $0 }
    }

    /// The file's own year: `READPROG`, `READPROG_LOWER`, `READCOV`, `READPROG_DESCR`, …
    static func main(_ find: (String) -> Int?) -> WideSlice {
        var s = WideSlice()
        s.subjects = PerSubject { subject in
            let p = prefix(subject)
            return SubjectColumns(
                progress: find("\(p)PROG"), lower: find("\(p)PROG_LOWER"), upper: find("\(p)PROG_UPPER"),
                coverage: find("\(p)COV"), unadjusted: find("\(p)PROG_UNADJUSTED"), band: find("\(p)PROG_DESCR"))
        }
        s.eligible = find("TELIG")
        s.ks1 = find("TKS1AVERAGE")
        s.attainment = attainmentBases.map { find($0) }
        return s
    }

    /// A prior year `yy`: every base name with `_yy` appended (`READPROG_LOWER_17`, `TELIG_17`).
    static func prior(_ yy: String, _ find: (String) -> Int?) -> WideSlice {
        main { find("\($0)_\(yy)") }
    }

    /// A pupil group `g`: `READPROG_g`, `READPROG_g_LOWER`, `PTRWM_EXP_g`, the group's count column.
    static func group(_ g: String, eligible: String, _ find: (String) -> Int?) -> WideSlice {
        var s = WideSlice()
        s.subjects = PerSubject { subject in
            let p = prefix(subject)
            return SubjectColumns(
                progress: find("\(p)PROG_\(g)"), lower: find("\(p)PROG_\(g)_LOWER"), upper: find("\(p)PROG_\(g)_UPPER"))
        }
        s.eligible = find(eligible)
        s.attainment = attainmentBases.map { find("\($0)_\(g)") }
        return s
    }
}

/// The wide tables' group suffixes → the groups.csv group, value and the group's pupil-count column.
let wideGroups: [(suffix: String, group: String, value: String, count: String)] = [
    ("B", "gender", "M", "BELIG"), ("G", "gender", "F", "GELIG"),
    ("FSM6CLA1A", "disadvantaged", "Y", "TFSM6CLA1A"), ("NotFSM6CLA1A", "disadvantaged", "N", "TNotFSM6CLA1A"),
    ("EAL", "eal", "Y", "TEALGRP2"),
    ("L", "ks1_band", "L", "TKS1GROUP_L"), ("M", "ks1_band", "M", "TKS1GROUP_M"), ("H", "ks1_band", "H", "TKS1GROUP_H"),
]

/// Builds one results row's measures from a slice of a wide row.
func measures(of row: [String], slice: WideSlice, level: ResultLevel, into result: inout SchoolResult) {
    let eligible = PublishedCell(cell(row, slice.eligible)).value.map { Int($0.rounded()) }
    result.eligible = eligible
    result.ks1APS = PublishedCell(cell(row, slice.ks1)).value
    for subject in Subject.allCases {
        let columns = slice.subjects[subject]
        let progress = PublishedCell(cell(row, columns.progress))
        let coverage = PublishedCell(cell(row, columns.coverage)).value
        var r = SubjectResult(
            coverage: coverage, progress: progress.value,
            lower: PublishedCell(cell(row, columns.lower)).value,
            upper: PublishedCell(cell(row, columns.upper)).value,
            progressUnadjusted: PublishedCell(cell(row, columns.unadjusted)).value,
            status: progress.status)
        if let eligible, let coverage { r.n = roundHalfUp(Double(eligible) * coverage / 100) }
        if r.status == .ok && level != .national { r.band = parseBand(cell(row, columns.band)) }
        result.subjects[subject] = r
    }
    for m in 0..<slice.attainment.count {
        let v = PublishedCell(cell(row, slice.attainment[m])).value
        result.attainment[m] = v
        result.attainmentDenominators[m] = v == nil ? nil : eligible
    }
}

/// Two-digit text of a year suffix (`7` → `07`).
func format2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

/// The long format's breakdown → ("", "") for all pupils, a groups.csv group and value, or nil (skip).
func longGroup(topic: String, breakdown: String) -> (String, String)? {
    let t = topic.lowercased()
    let b = breakdown.lowercased()
    if t.isEmpty || t == "total" || t == "all pupils" || b == "total" || b == "all pupils" { return ("", "") }
    switch (t, b) {
    case ("sex", "boys"), ("sex", "male"), ("gender", "boys"), ("gender", "male"): return ("gender", "M")
    case ("sex", "girls"), ("sex", "female"), ("gender", "girls"), ("gender", "female"): return ("gender", "F")
    case ("disadvantage", "disadvantaged"), ("disadvantage status", "disadvantaged"): return ("disadvantaged", "Y")
    case ("disadvantage", "not disadvantaged"), ("disadvantage", "disadvantaged all other"),
        ("disadvantage status", "not disadvantaged"), ("disadvantage status", "disadvantaged all other"):
        return ("disadvantaged", "N")
    case ("first language", "other than english"), ("first language", "known or believed to be other than english"):
        return ("eal", "Y")
    case ("first language", "english"), ("first language", "known or believed to be english"): return ("eal", "N")
    case ("prior attainment", "low"), ("prior attainment", "low prior attainment"): return ("ks1_band", "L")
    case ("prior attainment", "middle"), ("prior attainment", "middle prior attainment"): return ("ks1_band", "M")
    case ("prior attainment", "high"), ("prior attainment", "high prior attainment"): return ("ks1_band", "H")
    default: return nil
    }
}
