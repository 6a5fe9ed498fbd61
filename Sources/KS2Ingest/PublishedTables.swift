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
        if t.isEmpty { self = .missing(.none); return }
        let body = t.last == "%" ? t.dropLast() : t
        if PublishedCell.looksNumeric(body), let v = Double(body) { self = .number(v); return }
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
        var digits = 0, points = 0
        for (i, c) in s.enumerated() {
            if c.isASCII, c.isNumber { digits += 1 } else if c == "." { points += 1 } else if (c == "-" || c == "+") && i == 0 {
            } else { return false }
        }
        return digits > 0 && points <= 1
    }
}

/// Everything read from a set of published tables: school/LA/national rows and the group breakdowns.
public struct PublishedTables: Sendable {
    /// Sorted by year, level (school, la, national), id — the schools.csv order.
    public var results: [SchoolResult]
    /// Group breakdowns (gender, disadvantaged, eal, ks1_band) of each file's own year.
    public var groups: [GroupResult]
    /// The year each file was read as (the file's own year), in the order the files were given.
    public var fileYears: [Int]
    /// The group breakdowns of the England all-schools rows (RECTYPE 4) alone: the national
    /// other-pupils figure behind the DfE's `DIFFN_*PROG` (methodology.md §10).
    public var englandAllSchoolsGroups: [GroupResult]
    public init(results: [SchoolResult], groups: [GroupResult], fileYears: [Int],
                englandAllSchoolsGroups: [GroupResult] = []) {
        self.results = results; self.groups = groups; self.fileYears = fileYears
        self.englandAllSchoolsGroups = englandAllSchoolsGroups
    }
}

/// Reads DfE school-level tables into results rows: schools (level `.school`, `special` from
/// RECTYPE 2), LA rows (`.la`) and England (`.national`, the state-funded row when both are given).
public func readPublishedTables(paths: [String], year: Int?) throws -> [SchoolResult] {
    try readPublishedTableSet(paths: paths, year: year).results
}

/// Reads DfE school-level tables with their group breakdowns; prior-year columns (`READPROG_17`)
/// fill only the years that no file gives as its own year.
public func readPublishedTableSet(paths: [String], year: Int?) throws -> PublishedTables {
    var collector = PublishedCollector()
    var fileYears: [Int] = []
    for path in paths {
        let text = try DelimitedText.readText(path: path)
        fileYears.append(try collector.add(text, year: year))
    }
    return collector.finish(fileYears: fileYears)
}

/// The year a table stands for: `--year` when given, else one more than the latest prior-year
/// suffix in the header (`READPROG_18` → 2019), else its `time_period` (`201819` → 2019).
public func publishedTableYear(_ text: DelimitedText, year: Int?) throws -> Int {
    if let year { return year }
    if let latest = priorYearSuffixes(text.header).max() { return latest + 1 }
    if let tp = columnIndex(text.header, ["time_period"]) {
        for (i, row) in text.rows.enumerated() {
            let raw = cell(row, tp)
            if raw.isEmpty { continue }
            guard let y = yearFromTimePeriod(raw) else {
                throw InputError(file: text.file, line: text.lines[i], column: tp + 1,
                                 message: "time_period \"\(raw)\": expected an academic year like 201819")
            }
            return y
        }
    }
    throw InputError(file: text.file, line: 1, column: 1,
                     message: "cannot tell the year of this table: give --year, or a header with prior-year columns (READPROG_18 → 2019) or a time_period column (201819 → 2019)")
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
        throw InputError(file: text.file, line: 1, column: 1,
                         message: "missing required column \(name): expected urn,cohort,baseline_year,outcome_year")
    }
    guard let urnCol, let cohortCol else { return [] }
    if text.rows.isEmpty {
        throw InputError(file: text.file, line: 1, column: 1,
                         message: "header only: expected at least one cohort school after the header, found none")
    }
    var cohorts: [ProjectCohort] = []
    var index: [String: Int] = [:]
    for (r, row) in text.rows.enumerated() {
        let line = text.lines[r]
        let urn = cell(row, urnCol), name = cell(row, cohortCol)
        if urn.isEmpty { throw InputError(file: text.file, line: line, column: urnCol + 1, message: "blank urn: expected a school URN") }
        if name.isEmpty { throw InputError(file: text.file, line: line, column: cohortCol + 1, message: "blank cohort: expected a cohort name") }
        func year(_ col: Int?, _ what: String) throws -> Int {
            guard let col else { return 0 }
            let raw = cell(row, col)
            guard let y = Int(raw), (1990...2100).contains(y) else {
                throw InputError(file: text.file, line: line, column: col + 1, message: "\(what) \"\(raw)\": expected a year like 2018")
            }
            return y
        }
        let base = try year(baseCol, "baseline_year"), out = try year(outCol, "outcome_year")
        if yearsGiven, out <= base {
            throw InputError(file: text.file, line: line, column: (outCol ?? 0) + 1,
                             message: "outcome_year \(out) is not after baseline_year \(base)")
        }
        if let at = index[name] {
            if cohorts[at].baselineYear != base || cohorts[at].outcomeYear != out {
                throw InputError(file: text.file, line: line, column: (baseCol ?? 0) + 1,
                                 message: "cohort \(name) has \(base)→\(out) here but \(cohorts[at].baselineYear)→\(cohorts[at].outcomeYear) above: one cohort has one pair of years")
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
private func cell(_ row: [String], _ col: Int?) -> String {
    guard let col, col < row.count else { return "" }
    let s = row[col]
    guard let f = s.first, let l = s.last else { return s }
    if f == " " || l == " " || f == "\t" || l == "\t" {
        return s.trimmingSpaces()
    }
    return s
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}

/// The first header index whose trimmed, case-folded name is one of `names` (given lower-case).
private func columnIndex(_ header: [String], _ names: [String]) -> Int? {
    for name in names {
        if let i = header.firstIndex(where: { $0.trimmingSpaces().lowercased() == name }) { return i }
    }
    return nil
}

/// Every two-digit year suffix of a prior-year column (`READPROG_17` → 2017), distinct.
private func priorYearSuffixes(_ header: [String]) -> Set<Int> {
    var years = Set<Int>()
    for name in header {
        let u = Array(name.trimmingSpaces().utf8)
        guard u.count >= 4, u[u.count - 3] == UInt8(ascii: "_") else { continue }
        let a = u[u.count - 2], b = u[u.count - 1]
        guard (48...57).contains(a), (48...57).contains(b) else { continue }
        years.insert(2000 + Int(a - 48) * 10 + Int(b - 48))
    }
    return years
}

/// `201819` → 2019 (an academic year ends in its second calendar year); `2019` → 2019.
private func yearFromTimePeriod(_ raw: String) -> Int? {
    let t = raw.trimmingSpaces()
    guard t.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    if t.count == 6, let start = Int(t.prefix(4)), let end = Int(t.suffix(2)), (start + 1) % 100 == end { return start + 1 }
    if t.count == 4, let y = Int(t) { return y }
    return nil
}

/// `1`–`5`, or the DfE's words (`Well above average` … `Well below average`); nil otherwise.
private func parseBand(_ raw: String) -> Int? {
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
private func roundHalfUp(_ x: Double) -> Int { Int((x + 0.5).rounded(.down)) }

// MARK: - Wide "final KS2" layout

/// Column indexes of one slice of a wide table: the file's own year, a prior year, or a pupil group.
private struct WideSlice {
    var progress: [Int?] = [nil, nil, nil]
    var lower: [Int?] = [nil, nil, nil]
    var upper: [Int?] = [nil, nil, nil]
    var coverage: [Int?] = [nil, nil, nil]
    var unadjusted: [Int?] = [nil, nil, nil]
    var band: [Int?] = [nil, nil, nil]
    var eligible: Int?
    var ks1: Int?
    var attainment: [Int?] = Array(repeating: nil, count: AttainmentMeasure.allCases.count)

    static let subjectPrefixes = ["READ", "WRIT", "MAT"]
    /// DfE base names per AttainmentMeasure, in its order.
    static let attainmentBases = ["PTREAD_EXP", "PTREAD_HIGH", "READ_AVERAGE", "PTWRITTA_EXP", "PTWRITTA_HIGH",
                                  "PTMAT_EXP", "PTMAT_HIGH", "MAT_AVERAGE", "PTGPS_EXP", "PTGPS_HIGH",
                                  "GPS_AVERAGE", "PTRWM_EXP", "PTRWM_HIGH"]

    /// Every column this slice reads (to tell whether a row has any of it).
    var all: [Int] {
        (progress + lower + upper + coverage + unadjusted + band + attainment + [eligible, ks1]).compactMap { $0 }
    }

    /// The file's own year: `READPROG`, `READPROG_LOWER`, `READCOV`, `READPROG_DESCR`, …
    static func main(_ find: (String) -> Int?) -> WideSlice {
        var s = WideSlice()
        for (i, p) in subjectPrefixes.enumerated() {
            s.progress[i] = find("\(p)PROG"); s.lower[i] = find("\(p)PROG_LOWER"); s.upper[i] = find("\(p)PROG_UPPER")
            s.coverage[i] = find("\(p)COV"); s.unadjusted[i] = find("\(p)PROG_UNADJUSTED"); s.band[i] = find("\(p)PROG_DESCR")
        }
        s.eligible = find("TELIG"); s.ks1 = find("TKS1AVERAGE")
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
        for (i, p) in subjectPrefixes.enumerated() {
            s.progress[i] = find("\(p)PROG_\(g)"); s.lower[i] = find("\(p)PROG_\(g)_LOWER"); s.upper[i] = find("\(p)PROG_\(g)_UPPER")
        }
        s.eligible = find(eligible)
        s.attainment = attainmentBases.map { find("\($0)_\(g)") }
        return s
    }
}

/// The wide tables' group suffixes → the groups.csv group, value and the group's pupil-count column.
private let wideGroups: [(suffix: String, group: String, value: String, count: String)] = [
    ("B", "gender", "M", "BELIG"), ("G", "gender", "F", "GELIG"),
    ("FSM6CLA1A", "disadvantaged", "Y", "TFSM6CLA1A"), ("NotFSM6CLA1A", "disadvantaged", "N", "TNotFSM6CLA1A"),
    ("EAL", "eal", "Y", "TEALGRP2"),
    ("L", "ks1_band", "L", "TKS1GROUP_L"), ("M", "ks1_band", "M", "TKS1GROUP_M"), ("H", "ks1_band", "H", "TKS1GROUP_H"),
]

/// Builds one results row's measures from a slice of a wide row.
private func measures(of row: [String], slice: WideSlice, level: ResultLevel, into result: inout SchoolResult) {
    let eligible = PublishedCell(cell(row, slice.eligible)).value.map { Int($0.rounded()) }
    result.eligible = eligible
    result.ks1APS = PublishedCell(cell(row, slice.ks1)).value
    for s in 0..<3 {
        let progress = PublishedCell(cell(row, slice.progress[s]))
        let coverage = PublishedCell(cell(row, slice.coverage[s])).value
        var r = SubjectResult(coverage: coverage, progress: progress.value,
                              lower: PublishedCell(cell(row, slice.lower[s])).value,
                              upper: PublishedCell(cell(row, slice.upper[s])).value,
                              progressUnadjusted: PublishedCell(cell(row, slice.unadjusted[s])).value,
                              status: progress.status)
        if let eligible, let coverage { r.n = roundHalfUp(Double(eligible) * coverage / 100) }
        if r.status == .ok && level != .national { r.band = parseBand(cell(row, slice.band[s])) }
        result.subjects[s] = r
    }
    for m in 0..<slice.attainment.count {
        let v = PublishedCell(cell(row, slice.attainment[m])).value
        result.attainment[m] = v
        result.attainmentDenominators[m] = v == nil ? nil : eligible
    }
}

// MARK: - Collecting rows from several files

/// Gathers rows from every file, then keeps one row per (year, level, id): a file's own year
/// first, prior-year columns only for years no file gives (the newest file's copy), England's
/// state-funded row (RECTYPE 5) over the all-schools row (RECTYPE 4).
private struct PublishedCollector {
    struct Candidate {
        var result: SchoolResult
        /// Lower wins: 0 own-year row, 1 RECTYPE 4 national row of its own year.
        var rank: Int
        /// The main year of the file it came from (newest file wins among prior-year copies).
        var fileYear: Int
        /// False for a school identified only by name and postcode (never merged).
        var keyed: Bool
        var order: Int
    }
    var own: [Candidate] = []
    var prior: [Candidate] = []
    var groups: [GroupResult] = []
    /// Group rows of RECTYPE 4 (England, all schools).
    var englandGroups: [GroupResult] = []
    var ownYears = Set<Int>()
    var order = 0

    /// Reads one table; returns the file's year.
    mutating func add(_ text: DelimitedText, year: Int?) throws -> Int {
        let upper = text.header.map { $0.trimmingSpaces().uppercased() }
        var index: [String: Int] = [:]
        for (i, h) in upper.enumerated() where index[h] == nil { index[h] = i }
        if index["RECTYPE"] != nil && (index["URN"] != nil || index["ESTAB"] != nil || index["SCHNAME"] != nil) {
            return try addWide(text, index: index, year: year)
        }
        let lower = Dictionary(text.header.enumerated().map { ($1.trimmingSpaces().lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        if lower["school_urn"] != nil && lower["subject"] != nil && lower["progress_measure_score"] != nil {
            return try addLong(text, index: lower, year: year)
        }
        throw InputError(file: text.file, line: 1, column: 1,
                         message: "not a DfE school performance table: expected RECTYPE and URN columns (final KS2 table) or school_urn, subject and progress_measure_score (long format from 2023)")
    }

    private mutating func addWide(_ text: DelimitedText, index: [String: Int], year: Int?) throws -> Int {
        let fileYear = try publishedTableYear(text, year: year)
        ownYears.insert(fileYear)
        let find: (String) -> Int? = { index[$0.uppercased()] }
        let main = WideSlice.main(find)
        // a subject whose confidence interval or coverage columns are there but whose progress
        // column is not (renamed or dropped) would silently blank that subject for every school
        for (i, p) in WideSlice.subjectPrefixes.enumerated() where main.progress[i] == nil {
            let siblings = [main.lower[i], main.upper[i], main.coverage[i]].compactMap { $0 }
            if let first = siblings.first {
                throw InputError(file: text.file, line: 1, column: 1,
                                 message: "missing column \(p)PROG: the header has \(text.header[first]) but no \(p)PROG; expected the subject's progress column beside its interval and coverage columns")
            }
        }
        let priors: [(year: Int, slice: WideSlice, columns: [Int])] = priorYearSuffixes(text.header).sorted().map { y in
            let slice = WideSlice.prior(String(format2(y % 100)), find)
            return (y, slice, slice.all)
        }
        let groupSlices = wideGroups.map { g in
            let slice = WideSlice.group(g.suffix, eligible: g.count, find)
            return (g: g, slice: slice, columns: slice.all)
        }
        let rectypeCol = index["RECTYPE"], urnCol = index["URN"], leaCol = index["LEA"], estabCol = index["ESTAB"]
        let nameCol = index["SCHNAME"], pcodeCol = index["PCODE"]
        for (r, row) in text.rows.enumerated() {
            let rectype = cell(row, rectypeCol)
            let level: ResultLevel, special: Bool
            switch rectype {
            case "1": level = .school; special = false
            case "2": level = .school; special = true
            case "3": level = .la; special = false
            case "4", "5": level = .national; special = false
            default:
                throw InputError(file: text.file, line: text.lines[r], column: (rectypeCol ?? 0) + 1,
                                 message: "RECTYPE \"\(rectype)\": expected 1 mainstream, 2 special, 3 LA, 4 or 5 England")
            }
            let la = level == .national ? "" : cell(row, leaCol)
            var id: String, keyed = true
            var name = cell(row, nameCol)
            switch level {
            case .school:
                id = cell(row, urnCol)
                if id.isEmpty, !la.isEmpty, !cell(row, estabCol).isEmpty { id = la + cell(row, estabCol) }
                if id.isEmpty { id = name + (cell(row, pcodeCol).isEmpty ? "" : " " + cell(row, pcodeCol)); keyed = false }
            case .la: id = la
            case .national: id = "E92000001"; name = "England"
            }
            let base = SchoolResult(year: fileYear, level: level, id: id, name: name, la: la, special: special, source: .published)
            var result = base
            measures(of: row, slice: main, level: level, into: &result)
            own.append(Candidate(result: result, rank: rectype == "4" ? 1 : 0, fileYear: fileYear, keyed: keyed, order: order))
            order += 1
            for (y, slice, columns) in priors where columns.contains(where: { !cell(row, $0).isEmpty }) {
                var p = base
                p.year = y
                measures(of: row, slice: slice, level: level, into: &p)
                prior.append(Candidate(result: p, rank: rectype == "4" ? 1 : 0, fileYear: fileYear, keyed: keyed, order: order))
                order += 1
            }
            for (g, slice, columns) in groupSlices where columns.contains(where: { !cell(row, $0).isEmpty }) {
                var gr = base
                measures(of: row, slice: slice, level: level, into: &gr)
                groups.append(GroupResult(group: g.group, value: g.value, result: gr))
                if rectype == "4" { englandGroups.append(GroupResult(group: g.group, value: g.value, result: gr)) }
            }
        }
        return fileYear
    }

    private mutating func addLong(_ text: DelimitedText, index: [String: Int], year: Int?) throws -> Int {
        func col(_ names: String...) -> Int? { names.lazy.compactMap { index[$0] }.first }
        let urnCol = col("school_urn"), laestabCol = col("school_laestab", "laestab")
        let nameCol = col("school_name"), laCol = col("old_la_code", "la_code", "new_la_code")
        let levelCol = col("geographic_level"), topicCol = col("breakdown_topic"), breakdownCol = col("breakdown")
        let subjectCol = col("subject"), scoreCol = col("progress_measure_score")
        let lowerCol = col("progress_measure_lower_conf_interval"), upperCol = col("progress_measure_upper_conf_interval")
        let unadjCol = col("progress_measure_unadjusted", "progress_measure_score_unadjusted")
        let bandCol = col("progress_measure_description", "progress_measure_band", "progress_measure_banding")
        let covCol = col("progress_measure_coverage", "coverage")
        let nCol = col("progress_measure_pupil_count", "progress_measure_pupils", "pupil_count_progress")
        let eligibleCol = col("eligible_pupils", "t_eligible", "number_of_eligible_pupils", "telig")
        let typeCol = col("establishment_type_group", "establishment_type")
        let timeCol = col("time_period")
        var fallbackYear = year
        if fallbackYear == nil && timeCol == nil { fallbackYear = try publishedTableYear(text, year: nil) }
        var firstYear: Int?
        // (year, level, id, group, value) → position in `rows`, so a school's subjects land on one row.
        var positions: [String: Int] = [:]
        var rows: [(group: String, value: String, result: SchoolResult)] = []
        for (r, row) in text.rows.enumerated() {
            let line = text.lines[r]
            let y: Int
            if let fallbackYear { y = fallbackYear } else {
                let raw = cell(row, timeCol)
                guard let parsed = yearFromTimePeriod(raw) else {
                    throw InputError(file: text.file, line: line, column: (timeCol ?? 0) + 1,
                                     message: "time_period \"\(raw)\": expected an academic year like 202223")
                }
                y = parsed
            }
            if firstYear == nil { firstYear = y }
            let levelText = cell(row, levelCol).lowercased()
            let level: ResultLevel
            switch levelText {
            case "", "school": level = .school
            case "local authority", "la": level = .la
            case "national": level = .national
            default: continue  // regions and other levels are not results rows
            }
            guard let (group, value) = longGroup(topic: cell(row, topicCol), breakdown: cell(row, breakdownCol)) else { continue }
            let subject: Int
            switch cell(row, subjectCol).lowercased() {
            case "reading", "read": subject = 0
            case "writing", "writ", "writing ta", "writing teacher assessment": subject = 1
            case "maths", "mathematics", "mat", "math": subject = 2
            default: continue
            }
            let la = level == .national ? "" : cell(row, laCol)
            var id: String
            switch level {
            case .school: id = cell(row, urnCol); if id.isEmpty { id = cell(row, laestabCol) }
            case .la: id = la
            case .national: id = "E92000001"
            }
            let key = "\(y)|\(level.rawValue)|\(id)|\(group)|\(value)"
            let at: Int
            if let p = positions[key] { at = p } else {
                at = rows.count
                positions[key] = at
                let special = cell(row, typeCol).lowercased().contains("special")
                rows.append((group, value, SchoolResult(year: y, level: level, id: id,
                                                        name: level == .national ? "England" : cell(row, nameCol),
                                                        la: la, special: special, source: .published)))
            }
            let score = PublishedCell(cell(row, scoreCol))
            let eligible = PublishedCell(cell(row, eligibleCol)).value.map { Int($0.rounded()) }
            if let eligible { rows[at].result.eligible = eligible }
            let coverage = PublishedCell(cell(row, covCol)).value
            var s = SubjectResult(coverage: coverage, progress: score.value,
                                  lower: PublishedCell(cell(row, lowerCol)).value,
                                  upper: PublishedCell(cell(row, upperCol)).value,
                                  progressUnadjusted: PublishedCell(cell(row, unadjCol)).value, status: score.status)
            if let n = PublishedCell(cell(row, nCol)).value { s.n = Int(n.rounded()) } else if let eligible, let coverage {
                s.n = roundHalfUp(Double(eligible) * coverage / 100)
            }
            if s.status == .ok && level != .national && group.isEmpty { s.band = parseBand(cell(row, bandCol)) }
            rows[at].result.subjects[subject] = s
        }
        for row in rows {
            if row.group.isEmpty {
                ownYears.insert(row.result.year)
                own.append(Candidate(result: row.result, rank: 0, fileYear: row.result.year, keyed: !row.result.id.isEmpty, order: order))
                order += 1
            } else {
                groups.append(GroupResult(group: row.group, value: row.value, result: row.result))
            }
        }
        return firstYear ?? fallbackYear ?? 0
    }

    /// One row per (year, level, id), sorted by year, level, id.
    func finish(fileYears: [Int]) -> PublishedTables {
        var kept: [Candidate] = []
        var seen: [String: Int] = [:]
        func consider(_ c: Candidate) {
            guard c.keyed else { kept.append(c); return }
            let key = "\(c.result.year)|\(c.result.level.rawValue)|\(c.result.id)"
            if let at = seen[key] {
                if c.rank < kept[at].rank { kept[at] = c }
            } else {
                seen[key] = kept.count
                kept.append(c)
            }
        }
        own.forEach(consider)
        // Prior-year copies: newest file first, and only for years no file gives as its own.
        prior.filter { !ownYears.contains($0.result.year) }
            .sorted { ($0.fileYear, -$0.order) > ($1.fileYear, -$1.order) }
            .forEach(consider)
        let results = kept.sorted { a, b in
            (a.result.year, a.result.level.rawValue, a.result.id, a.order) < (b.result.year, b.result.level.rawValue, b.result.id, b.order)
        }.map(\.result)
        return PublishedTables(results: results, groups: groups, fileYears: fileYears,
                               englandAllSchoolsGroups: englandGroups)
    }
}

/// Two-digit text of a year suffix (`7` → `07`).
private func format2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

/// The long format's breakdown → ("", "") for all pupils, a groups.csv group and value, or nil (skip).
private func longGroup(topic: String, breakdown: String) -> (String, String)? {
    let t = topic.lowercased(), b = breakdown.lowercased()
    if t.isEmpty || t == "total" || t == "all pupils" || b == "total" || b == "all pupils" { return ("", "") }
    switch (t, b) {
    case ("sex", "boys"), ("sex", "male"), ("gender", "boys"), ("gender", "male"): return ("gender", "M")
    case ("sex", "girls"), ("sex", "female"), ("gender", "girls"), ("gender", "female"): return ("gender", "F")
    case ("disadvantage", "disadvantaged"), ("disadvantage status", "disadvantaged"): return ("disadvantaged", "Y")
    case ("disadvantage", "not disadvantaged"), ("disadvantage", "disadvantaged all other"),
         ("disadvantage status", "not disadvantaged"), ("disadvantage status", "disadvantaged all other"): return ("disadvantaged", "N")
    case ("first language", "other than english"), ("first language", "known or believed to be other than english"): return ("eal", "Y")
    case ("first language", "english"), ("first language", "known or believed to be english"): return ("eal", "N")
    case ("prior attainment", "low"), ("prior attainment", "low prior attainment"): return ("ks1_band", "L")
    case ("prior attainment", "middle"), ("prior attainment", "middle prior attainment"): return ("ks1_band", "M")
    case ("prior attainment", "high"), ("prior attainment", "high prior attainment"): return ("ks1_band", "H")
    default: return nil
    }
}
