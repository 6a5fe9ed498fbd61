import KS2Core

// Combining published tables (methodology.md §10): rows from every file, one kept per school, LA
// and England per year; every row read is used or rejected with a reason; prior-year columns fill
// only what a year's own files lack, counted.

/// How a school row is identified: by URN (or LA + establishment number) when the file has one,
/// else only by name and postcode (the DfE's national progress extract has no URN).
enum SchoolKey: Hashable {
    case reference(String)
    case namePostcode(String)

    var isReference: Bool {
        if case .reference = self { return true }
        return false
    }
}

/// One results row read from a file, with where it came from, before duplicates are resolved.
struct PublishedCandidate {
    var result: SchoolResult
    var key: SchoolKey
    /// `name|postcode` (lower-cased) when the row has both, to match a no-URN row to a URN row.
    var namePostcode: String?
    /// Lower wins among England rows: 0 state-funded (RECTYPE 5) or a long-format row, 1 all schools (RECTYPE 4).
    var rank: Int
    var file: String
    /// Every physical line of this row (one for the wide layout, one per subject in the long layout).
    var lines: [Int]
    var fileIndex: Int
    var order: Int
    /// Group breakdowns read from the same row (dropped with it when it is not kept).
    var groups: [GroupResult] = []

    /// Figures the row carries (numeric progress, bands and attainment): the duplicate kept is the fuller one.
    var figures: Int {
        var n = result.attainment.compactMap { $0 }.count
        for subject in Subject.allCases {
            let s = result.subjects[subject]
            if s.progress != nil { n += 1 }
            if s.band != nil { n += 1 }
        }
        return n
    }

    var place: String { "\(file) line \(lines.first ?? 0)" }
}

/// One line of the long format's school information file: pupil counts for a school, LA or England.
struct PupilInformation {
    var year: Int
    var level: ResultLevel
    var id: String
    var eligible: Int?
    var ks1APS: Double?
    var file: String
    var line: Int
}

/// A prior-year copy of a row (e.g. the `_17` columns of a 2018 file).
struct PriorCandidate {
    var result: SchoolResult
    var fileYear: Int
    var file: String
    var order: Int
}

/// Gathers rows from every file, then keeps one row per (year, level, id) and accounts for the rest.
struct PublishedCollector {
    var own: [PublishedCandidate] = []
    var prior: [PriorCandidate] = []
    /// Long-format group rows (wide-layout groups ride on their candidate).
    var looseGroups: [GroupResult] = []
    /// Group rows of RECTYPE 4 (England, all schools), kept whatever row is used for England.
    var englandGroups: [GroupResult] = []
    /// Lines of the long format's school information file, merged in `publishedTables`.
    var information: [PupilInformation] = []
    var files: [(file: String, read: Int)] = []
    var rejects: [Reject] = []
    var notes: [String] = []
    var order = 0
    /// Rows with prior-year figures but no URN: those figures cannot be matched to a school's row.
    var unkeyedPrior = 0

    /// Reads one table; returns the file's year.
    mutating func add(_ text: DelimitedText, year: Int?) throws -> Int {
        let upper = text.header.map { $0.trimmingSpaces().uppercased() }
        var index: [String: Int] = [:]
        for (i, h) in upper.enumerated() where index[h] == nil { index[h] = i }
        files.append((baseName(text.file), text.rows.count))
        if index["RECTYPE"] != nil && (index["URN"] != nil || index["ESTAB"] != nil || index["SCHNAME"] != nil) {
            return try addWide(text, index: index, year: year)
        }
        let pairs = text.header.enumerated().map { ($1.trimmingSpaces().lowercased(), $0) }
        let lower = Dictionary(pairs, uniquingKeysWith: { a, _ in a })
        let identified = lower["school_urn"] != nil || lower["old_la_code"] != nil
        if identified && lower["subject"] != nil && lower["progress_measure_score"] != nil {
            return try addLong(text, index: lower, year: year)
        }
        if identified && lower["telig"] != nil && lower["subject"] == nil {
            return try addInformation(text, index: lower, year: year)
        }
        throw InputError(
            file: text.file, line: 1, column: 1,
            message: "not a DfE school performance table: expected RECTYPE and URN columns (final KS2 "
                + "table), or school_urn or old_la_code with subject and progress_measure_score (long "
                + "format from 2023), or with telig (its school information file)")
    }

    /// The final KS2 table's wide layout (to 2019): one row per school, LA or England, each
    /// subject's measures in columns, prior years and groups in suffixed columns.
    private mutating func addWide(_ text: DelimitedText, index: [String: Int], year: Int?) throws -> Int {
        let (fileYear, note) = try tableYear(text, given: year)
        if let note { notes.append(note) }
        let layout = try WideLayout(text, index: index)
        let file = baseName(text.file)
        let fileIndex = files.count - 1
        for (r, row) in text.rows.enumerated() {
            let identity = try WideRowIdentity(row, line: text.lines[r], layout: layout, file: text.file)
            let base = SchoolResult(
                year: fileYear, level: identity.level, id: identity.id, name: identity.name, la: identity.la,
                special: identity.rectype == "2", source: .published)
            var result = base
            measures(of: row, slice: layout.main, level: identity.level, into: &result)
            var candidate = PublishedCandidate(
                result: result, key: identity.key, namePostcode: identity.namePostcode,
                rank: identity.rectype == "4" ? 1 : 0, file: file, lines: [text.lines[r]],
                fileIndex: fileIndex, order: order)
            order += 1
            addWidePriorYears(row, base: base, key: identity.key, layout: layout, fileYear: fileYear, file: file)
            for (g, slice, columns) in layout.groups where columns.contains(where: { !cell(row, $0).isEmpty }) {
                var gr = base
                measures(of: row, slice: slice, level: identity.level, into: &gr)
                candidate.groups.append(GroupResult(group: g.group, value: g.value, result: gr))
                if identity.rectype == "4" {
                    englandGroups.append(GroupResult(group: g.group, value: g.value, result: gr))
                }
            }
            own.append(candidate)
        }
        return fileYear
    }

    /// A wide row's prior-year figures (columns suffixed with the year), as candidates for filling
    /// those years' rows; a row without a URN or LA cannot be matched, and is counted.
    private mutating func addWidePriorYears(
        _ row: [String], base: SchoolResult, key: SchoolKey, layout: WideLayout, fileYear: Int, file: String
    ) {
        for (y, slice, columns) in layout.priors where columns.contains(where: { !cell(row, $0).isEmpty }) {
            guard key.isReference else {
                unkeyedPrior += 1
                continue
            }
            var p = base
            p.year = y
            measures(of: row, slice: slice, level: base.level, into: &p)
            prior.append(PriorCandidate(result: p, fileYear: fileYear, file: file, order: order))
            order += 1
        }
    }

    /// The long format (2023 on): one line per school, breakdown and subject; the LA comes from
    /// `school_laestab` when no LA column is filled; reading/writing/maths lines carry progress and
    /// attainment, "reading, writing and maths" and GPS lines attainment only.
    private mutating func addLong(_ text: DelimitedText, index: [String: Int], year: Int?) throws -> Int {
        func col(_ names: String...) -> Int? { names.lazy.compactMap { index[$0] }.first }
        let file = baseName(text.file)
        let fileIndex = files.count - 1
        let columns = LongColumns(col)
        let fallbackYear = try fileYear(text, columns: columns, given: year)
        var firstYear: Int?
        var rows = LongTableRows()
        // (row position, subject line kind) → the line that gave it, to reject a repeated line.
        var filled: [String: Int] = [:]
        for (r, row) in text.rows.enumerated() {
            let line = text.lines[r]
            func unused(_ why: String) {
                rejects.append(Reject(file: file, line: line, upn: "", reason: .unusedRow, detail: why))
            }
            let y = try fallbackYear ?? longYear(row, line: line, columns: columns, given: year, file: text.file)
            if firstYear == nil { firstYear = y }
            guard let level = resultLevel(row, columns: columns, file: file, line: line) else { continue }
            let topic = cell(row, columns.topic)
            let breakdown = cell(row, columns.breakdown)
            guard let (group, value) = longGroup(topic: topic, breakdown: breakdown) else {
                unused("breakdown \"\(topic): \(breakdown)\": not a group this tool reports")
                continue
            }
            let subjectText = cell(row, columns.subject)
            guard let subject = LongSubject(subjectText) else {
                unused(
                    "subject \"\(subjectText)\": expected reading, writing, maths, GPS or "
                        + "reading, writing and maths")
                continue
            }
            let (la, id) = longIdentity(row, level: level, columns: columns)
            let positionKey = "\(y)|\(level.rawValue)|\(id)|\(group)|\(value)"
            let at: Int
            if let p = rows.positions[positionKey] {
                at = p
            } else {
                at = rows.rows.count
                rows.positions[positionKey] = at
                let special = cell(row, columns.type).lowercased().contains("special")
                let name = level == .national ? "England" : cell(row, level == .la ? columns.laName : columns.name)
                let result = SchoolResult(
                    year: y, level: level, id: id, name: name, la: la, special: special,
                    source: .published)
                let candidate = PublishedCandidate(
                    result: result, key: .reference(id), namePostcode: nil,
                    rank: 0, file: file, lines: [], fileIndex: fileIndex, order: order)
                rows.rows.append((group, value, candidate))
                order += 1
            }
            let filledKey = "\(at)|\(subjectText.lowercased())"
            if let earlier = filled[filledKey] {
                let reason: RejectReason = level == .school ? .duplicateSchool : .duplicateArea
                let detail = "\(id) \(subjectText) \(topic) \(breakdown) again: line \(earlier) is kept"
                rejects.append(Reject(file: file, line: line, upn: "", reason: reason, detail: detail))
                continue
            }
            filled[filledKey] = line
            rows.rows[at].candidate.lines.append(line)
            columns.read(row, subject: subject, level: level, group: group, into: &rows.rows[at].candidate.result)
        }
        for row in rows.rows {
            if row.group.isEmpty {
                own.append(row.candidate)
            } else {
                looseGroups.append(GroupResult(group: row.group, value: row.value, result: row.candidate.result))
            }
        }
        return firstYear ?? fallbackYear ?? year ?? 0
    }

    /// The long format's school information file (2023 on: `telig`, `tks1average` per school or LA,
    /// no subject): pupil counts that the performance file lacks, merged into its rows in `publishedTables`.
    private mutating func addInformation(_ text: DelimitedText, index: [String: Int], year: Int?) throws -> Int {
        func col(_ names: String...) -> Int? { names.lazy.compactMap { index[$0] }.first }
        let file = baseName(text.file)
        let columns = LongColumns(col)
        let ks1Col = col("tks1average")
        let fallbackYear = try fileYear(text, columns: columns, given: year)
        var firstYear: Int?
        for (r, row) in text.rows.enumerated() {
            let line = text.lines[r]
            let y = try fallbackYear ?? longYear(row, line: line, columns: columns, given: year, file: text.file)
            if firstYear == nil { firstYear = y }
            guard let level = resultLevel(row, columns: columns, file: file, line: line) else { continue }
            let laestab = cell(row, columns.laestab).filter { $0.isASCII && $0.isNumber }
            var id = ""
            switch level {
            case .school: id = cell(row, columns.urn).isEmpty ? laestab : cell(row, columns.urn)
            case .la: id = cell(row, columns.la)
            case .national: id = "E92000001"
            }
            let eligible = PublishedCell(cell(row, columns.eligible)).value.map { Int($0.rounded()) }
            information.append(
                PupilInformation(
                    year: y, level: level, id: id, eligible: eligible,
                    ks1APS: PublishedCell(cell(row, ks1Col)).value, file: file, line: line))
        }
        return firstYear ?? fallbackYear ?? year ?? 0
    }

    /// A long-format line's level, or nil after rejecting it as `unused_row` (a region, a part of an LA).
    private mutating func resultLevel(_ row: [String], columns: LongColumns, file: String, line: Int) -> ResultLevel? {
        switch columns.level(of: row) {
        case .success(let level):
            return level
        case .failure(let why):
            rejects.append(Reject(file: file, line: line, upn: "", reason: .unusedRow, detail: why.text))
            return nil
        }
    }

    /// A long-format file's one year when it has no `time_period` column (nil: each line has its own).
    private mutating func fileYear(_ text: DelimitedText, columns: LongColumns, given: Int?) throws -> Int? {
        guard columns.time == nil else { return nil }
        let (year, note) = try tableYear(text, given: given)
        if let note { notes.append(note) }
        return year
    }

    /// A long-format line's year from its `time_period`; a given year that differs is an error.
    private func longYear(_ row: [String], line: Int, columns: LongColumns, given: Int?, file: String) throws -> Int {
        let raw = cell(row, columns.time)
        guard let parsed = yearFromTimePeriod(raw) else {
            throw InputError(
                file: file, line: line, column: (columns.time ?? 0) + 1,
                message: "time_period \"\(raw)\": expected an academic year like 202223")
        }
        if let given, given != parsed {
            throw InputError(
                file: file, line: line, column: (columns.time ?? 0) + 1,
                message: "the file says its year: time_period \(raw) is \(parsed); the year given "
                    + "(--year or published_year) is \(given): a file's year is read from the file, "
                    + "never relabelled")
        }
        return parsed
    }

    /// Pupil counts of the school information file fill the performance rows of the same year and
    /// school (eligible pupils, KS1 average, attainment denominators); a line with no such row is
    /// `unused_row`.
    private mutating func mergeInformation() {
        var at: [String: [Int]] = [:]
        for (i, c) in own.enumerated() {
            at["\(c.result.year)|\(c.result.level.rawValue)|\(c.result.id)", default: []].append(i)
        }
        for info in information {
            guard let targets = at["\(info.year)|\(info.level.rawValue)|\(info.id)"] else {
                rejects.append(
                    Reject(
                        file: info.file, line: info.line, upn: "", reason: .unusedRow,
                        detail: "\(info.year) \(info.id): no performance row of that year for it"))
                continue
            }
            for k in targets {
                var r = own[k].result
                if r.eligible == nil { r.eligible = info.eligible }
                if r.ks1APS == nil { r.ks1APS = info.ks1APS }
                for m in r.attainment.indices where r.attainment[m] != nil && r.attainmentDenominators[m] == nil {
                    r.attainmentDenominators[m] = info.eligible
                }
                own[k].result = r
            }
        }
    }

    /// One row per (year, level, id), sorted by year, level, id, with the accounting of every row read.
    mutating func publishedTables(fileYears: [Int]) -> PublishedTables {
        mergeInformation()
        if unkeyedPrior > 0 {
            notes.append(
                "warning: prior-year figures of \(unkeyedPrior) row(s) without a URN not used: "
                    + "a school known only by name and postcode cannot be matched across years")
        }
        var kept = resolveDuplicates()
        let fills = fillFromPriorYears(&kept)
        var results = kept.map(\.result)
        var groups = kept.flatMap(\.groups) + looseGroups
        addEnglandRows(&results)
        results.sort { a, b in (a.year, a.level.rawValue, a.id) < (b.year, b.level.rawValue, b.id) }
        groups.sort { a, b in
            let x = a.result
            let y = b.result
            return (x.year, x.level.rawValue, x.id) < (y.year, y.level.rawValue, y.id)
        }
        var tables = PublishedTables(
            results: results, groups: groups, fileYears: fileYears,
            englandAllSchoolsGroups: englandGroups)
        rejects.sort { a, b in (a.file, a.line) < (b.file, b.line) }
        tables.rejects = rejects
        tables.accounts = files.map { f in
            let mine = rejects.filter { $0.file == f.file }
            var by: [RejectReason: Int] = [:]
            for r in mine { by[r.reason, default: 0] += 1 }
            return FileAccount(
                file: f.file, read: f.read, accepted: f.read - mine.count, rejected: mine.count,
                rejectedByReason: by)
        }
        tables.priorYearFills = fills
        tables.notes = notes
        return tables
    }

    /// Keeps one candidate per (year, level, key); rejects the others with the kept row named.
    /// Schools: a row with a URN beats a row known only by name and postcode (the same school in an
    /// LA file and the national extract); among equals the row with more figures, then the first given.
    /// A closed school and its academy have different URNs, so both are kept.
    private mutating func resolveDuplicates() -> [PublishedCandidate] {
        var kept: [PublishedCandidate] = []
        var at: [String: Int] = [:]
        var referenceByNamePostcode: [String: Int] = [:]
        func reject(_ c: PublishedCandidate, _ reason: RejectReason, _ why: String) {
            for line in c.lines {
                rejects.append(Reject(file: c.file, line: line, upn: "", reason: reason, detail: why))
            }
        }
        func better(_ a: PublishedCandidate, than b: PublishedCandidate) -> Bool {
            if a.rank != b.rank { return a.rank < b.rank }
            if a.figures != b.figures { return a.figures > b.figures }
            return a.order < b.order
        }
        let ordered = own.filter { $0.key.isReference } + own.filter { !$0.key.isReference }
        for c in ordered {
            let r = c.result
            let label = r.level == .school ? "school \(r.id)" : (r.level == .la ? "LA \(r.id)" : "England")
            let reason: RejectReason = r.level == .school ? .duplicateSchool : .duplicateArea
            if case .namePostcode(let np) = c.key, let ref = referenceByNamePostcode["\(r.year)|\(np)"] {
                reject(
                    c, .duplicateSchool,
                    "\(r.year) \(r.name) \(cellPostcode(np)): the same school as URN "
                        + "\(kept[ref].result.id) (\(kept[ref].place)), whose row is kept (it has a URN)")
                continue
            }
            let key = "\(r.year)|\(r.level.rawValue)|\(c.key)"
            guard let k = at[key] else {
                at[key] = kept.count
                if c.key.isReference, r.level == .school, let np = c.namePostcode {
                    let npKey = "\(r.year)|\(np)"
                    if referenceByNamePostcode[npKey] == nil { referenceByNamePostcode[npKey] = kept.count }
                }
                kept.append(c)
                continue
            }
            let (winner, loser) = better(c, than: kept[k]) ? (c, kept[k]) : (kept[k], c)
            let why: String
            if winner.rank != loser.rank {
                why = "England all schools (RECTYPE 4): the state-funded row (RECTYPE 5, \(winner.place)) is used"
            } else if winner.figures != loser.figures {
                why =
                    "\(r.year) \(label) again: \(winner.place) is kept (it has \(winner.figures) figures, "
                    + "this row \(loser.figures))"
            } else {
                why = "\(r.year) \(label) again: \(winner.place) is kept (given first)"
            }
            reject(loser, reason, why)
            kept[k] = winner
        }
        return kept
    }

    /// Prior-year copies fill what the year's own rows lack — a subject's figures (own status
    /// blank), a band (own progress equal), attainment, pupils. Whole rows come from prior-year
    /// columns only for a year and LA no file gives as its own year, and only from the file
    /// nearest that year: an academy's table carries its predecessor's figures under the academy's
    /// URN, so rows from two files (or beside the year's own file) would count one school twice.
    private mutating func fillFromPriorYears(_ kept: inout [PublishedCandidate]) -> [PriorYearFill] {
        var at: [String: Int] = [:]
        var ownAreas = Set<String>()
        for (i, c) in kept.enumerated() where c.key.isReference {
            at["\(c.result.year)|\(c.result.level.rawValue)|\(c.result.id)"] = i
            if c.result.level != .national { ownAreas.insert("\(c.result.year)|\(c.result.la)") }
        }
        var counts: [PriorYearFill: Int] = [:]
        func count(_ year: Int, _ kind: String, _ file: String) {
            counts[PriorYearFill(year: year, kind: kind, file: file, count: 0), default: 0] += 1
        }
        var bandMismatch: [String: Int] = [:]
        var notCreated: [String: Int] = [:]
        var rowSource: [String: String] = [:]
        let ordered = prior.sorted { ($0.fileYear, $0.order) < ($1.fileYear, $1.order) }
        for p in ordered {
            let r = p.result
            let key = "\(r.year)|\(r.level.rawValue)|\(r.id)"
            guard let k = at[key] else {
                let area = "\(r.year)|\(r.level == .national ? "E" : r.la)"
                if ownAreas.contains(area) || (rowSource[area] ?? p.file) != p.file {
                    notCreated["\(r.year) from \(p.file)", default: 0] += 1
                    continue
                }
                rowSource[area] = p.file
                at[key] = kept.count
                kept.append(
                    PublishedCandidate(
                        result: r, key: .reference(r.id), namePostcode: nil, rank: 0,
                        file: p.file, lines: [], fileIndex: -1, order: p.order))
                count(r.year, "rows", p.file)
                continue
            }
            var target = kept[k].result
            for s in Subject.allCases {
                let mine = target.subjects[s]
                let theirs = r.subjects[s]
                if mine.status == .none && theirs.status != .none {
                    target.subjects[s] = theirs
                    count(r.year, "progress", p.file)
                } else if mine.status == .ok, mine.band == nil, theirs.status == .ok, let band = theirs.band {
                    if let a = mine.progress, let b = theirs.progress, abs(a - b) > 1e-9 {
                        bandMismatch["\(r.year) from \(p.file)", default: 0] += 1
                    } else {
                        target.subjects[s].band = band
                        count(r.year, "band", p.file)
                    }
                }
            }
            for m in 0..<target.attainment.count where target.attainment[m] == nil && r.attainment[m] != nil {
                target.attainment[m] = r.attainment[m]
                target.attainmentDenominators[m] = r.attainmentDenominators[m]
                count(r.year, "attainment", p.file)
            }
            if target.eligible == nil, let e = r.eligible {
                target.eligible = e
                count(r.year, "pupils", p.file)
            }
            if target.ks1APS == nil, let a = r.ks1APS {
                target.ks1APS = a
                count(r.year, "pupils", p.file)
            }
            kept[k].result = target
        }
        for (what, n) in notCreated.sorted(by: { $0.key < $1.key }) {
            notes.append(
                "warning: \(n) row(s) of \(what)'s prior-year columns not used: their school is not in "
                    + "that year's own or nearest file (for example an academy's table carries its predecessor's "
                    + "figures under the academy's URN)")
        }
        for (what, n) in bandMismatch.sorted(by: { $0.key < $1.key }) {
            notes.append(
                "warning: \(n) band(s) of \(what) not taken: the prior-year progress differs from "
                    + "the year's own file")
        }
        return counts.map { PriorYearFill(year: $0.key.year, kind: $0.key.kind, file: $0.key.file, count: $0.value) }
            .sorted { ($0.year, $0.file, $0.kind) < ($1.year, $1.file, $1.kind) }
    }

    /// Every year with rows gets an England row; a blank England progress is 0 (national progress
    /// is 0 by definition, methodology.md §5), and the notes say so.
    private mutating func addEnglandRows(_ results: inout [SchoolResult]) {
        var national: [Int: Int] = [:]
        for (i, r) in results.enumerated() where r.level == .national { national[r.year] = i }
        for year in Set(results.map(\.year)).sorted() where national[year] == nil {
            national[year] = results.count
            results.append(
                SchoolResult(
                    year: year, level: .national, id: "E92000001", name: "England",
                    source: .published))
        }
        var zeroed: [Int] = []
        for (year, i) in national.sorted(by: { $0.key < $1.key }) {
            var any = false
            for s in Subject.allCases
            where results[i].subjects[s].status == .none && results[i].subjects[s].progress == nil {
                results[i].subjects[s].progress = 0
                results[i].subjects[s].status = .ok
                any = true
            }
            if any { zeroed.append(year) }
        }
        if !zeroed.isEmpty {
            notes.append(
                "England progress set to 0 (national progress is 0 by definition; the tables leave it blank): "
                    + zeroed.map(String.init).joined(separator: ", "))
        }
    }
}

/// The postcode part of a `name|postcode` key, upper-cased as written in the tables.
private func cellPostcode(_ namePostcode: String) -> String {
    namePostcode.split(separator: "|").last.map { $0.uppercased() } ?? ""
}

/// Why a long-format line is no results row (its `unused_row` detail).
struct UnusedLine: Error {
    var text: String
}

/// What a long-format line's `subject` holds.
enum LongSubject {
    case progress(Subject)
    case gps
    case rwm

    init?(_ text: String) {
        switch text.lowercased() {
        case "reading", "read": self = .progress(.read)
        case "writing", "writ", "writing ta", "writing teacher assessment": self = .progress(.writ)
        case "maths", "mathematics", "mat", "math": self = .progress(.mat)
        case "gps", "grammar, punctuation and spelling", "grammar punctuation and spelling", "egps": self = .gps
        case "rwm", "reading, writing and maths", "reading writing and maths",
            "reading, writing and mathematics":
            self = .rwm
        default: return nil
        }
    }

    /// Expected standard %, higher standard %, average scaled score measures of this subject.
    var attainment: (exp: AttainmentMeasure, high: AttainmentMeasure, average: AttainmentMeasure?) {
        switch self {
        case .progress(.read): return (.pctReadExp, .pctReadHigh, .readAvg)
        case .progress(.writ): return (.pctWritExp, .pctWritHigh, nil)
        case .progress(.mat): return (.pctMatExp, .pctMatHigh, .matAvg)
        case .gps: return (.pctGpsExp, .pctGpsHigh, .gpsAvg)
        case .rwm: return (.pctRwmExp, .pctRwmHigh, nil)
        }
    }
}

/// Column indexes of the long format (names as in the DfE's 2023 school-level file; the attainment
/// names are the forms the DfE uses across its KS2 open data).
struct LongColumns {
    var urn, laestab, name, la, level, topic, breakdown, subject, score, lower, upper, unadjusted, band: Int?
    var coverage, n, eligible, type, time, expected, higher, average, laName: Int?

    init(_ col: (String...) -> Int?) {
        urn = col("school_urn")
        laestab = col("school_laestab", "laestab")
        name = col("school_name")
        la = col("old_la_code", "la_code", "new_la_code")
        laName = col("la_name")
        level = col("geographic_level")
        topic = col("breakdown_topic")
        breakdown = col("breakdown")
        subject = col("subject")
        score = col("progress_measure_score")
        lower = col("progress_measure_lower_conf_interval")
        upper = col("progress_measure_upper_conf_interval")
        unadjusted = col("progress_measure_unadjusted", "progress_measure_score_unadjusted")
        band = col("progress_measure_description", "progress_measure_band", "progress_measure_banding")
        coverage = col("progress_measure_coverage", "coverage")
        n = col("progress_measure_pupil_count", "progress_measure_pupils", "pupil_count_progress")
        eligible = col("eligible_pupils", "t_eligible", "number_of_eligible_pupils", "telig", "pupil_count")
        type = col("establishment_type_group", "establishment_type")
        time = col("time_period")
        expected = col(
            "expected_standard_pupil_percent", "pt_met_expected_standard", "pt_expected_standard",
            "percent_expected_standard", "expected_standard_percent")
        higher = col(
            "higher_standard_pupil_percent", "pt_met_higher_standard", "pt_higher_standard",
            "percent_higher_standard", "higher_standard_percent")
        average = col("average_scaled_score", "average_score", "avg_scaled_score")
    }

    /// The line's level; a region, or an LA/England line of one establishment type group (the
    /// "All state funded" line is the area's figure, as the wide tables' LA row), is not a results row.
    func level(of row: [String]) -> Result<ResultLevel, UnusedLine> {
        let level: ResultLevel
        switch cell(row, self.level).lowercased() {
        case "", "school": level = .school
        case "local authority", "la": level = .la
        case "national": level = .national
        default:
            let text = cell(row, self.level)
            return .failure(UnusedLine(text: "geographic_level \"\(text)\": not a school, LA or England row"))
        }
        let typeGroup = cell(row, type)
        let whole = ["", "all state funded", "all state-funded", "total", "all schools"]
        if level != .school && !whole.contains(typeGroup.lowercased()) {
            return .failure(
                UnusedLine(
                    text: "establishment_type_group \"\(typeGroup)\": the \"All state funded\" "
                        + "line is the area's figure"))
        }
        return .success(level)
    }

    /// Reads one line's figures for `subject` into the row.
    func read(
        _ row: [String], subject: LongSubject, level: ResultLevel, group: String,
        into result: inout SchoolResult
    ) {
        let eligible = PublishedCell(cell(row, self.eligible)).value.map { Int($0.rounded()) }
        if let eligible, result.eligible == nil || subject.isRWM { result.eligible = eligible }
        let measures = subject.attainment
        for (measure, column) in [(measures.exp, expected), (measures.high, higher)] {
            guard let v = PublishedCell(cell(row, column)).value else { continue }
            result[measure] = v
            result.attainmentDenominators[measure.rawValue] = eligible
        }
        if let average = measures.average, let v = PublishedCell(cell(row, self.average)).value { result[average] = v }
        guard case .progress(let s) = subject else { return }
        let score = PublishedCell(cell(row, self.score))
        let coverage = PublishedCell(cell(row, self.coverage)).value
        var r = SubjectResult(
            coverage: coverage, progress: score.value,
            lower: PublishedCell(cell(row, lower)).value,
            upper: PublishedCell(cell(row, upper)).value,
            progressUnadjusted: PublishedCell(cell(row, unadjusted)).value, status: score.status)
        if let count = PublishedCell(cell(row, n)).value {
            r.n = Int(count.rounded())
        } else if let eligible, let coverage {
            r.n = roundHalfUp(Double(eligible) * coverage / 100)
        }
        if r.status == .ok && level != .national && group.isEmpty { r.band = parseBand(cell(row, band)) }
        result[s] = r
    }
}

extension LongSubject {
    var isRWM: Bool {
        if case .rwm = self { return true }
        return false
    }
}

/// Where a wide table's columns are: the main measures, each prior year's and each group's, and the
/// identity columns. A subject with interval or coverage columns but no progress column is an error
/// (it would blank that subject for every school without a word).
private struct WideLayout {
    let main: WideSlice
    let priors: [(year: Int, slice: WideSlice, columns: [Int])]
    let groups: [(g: (suffix: String, group: String, value: String, count: String), slice: WideSlice, columns: [Int])]
    let rectype: Int?, urn: Int?, lea: Int?, estab: Int?, name: Int?, postcode: Int?

    init(_ text: DelimitedText, index: [String: Int]) throws {
        let find: (String) -> Int? = { index[$0.uppercased()] }
        main = WideSlice.main(find)
        for subject in Subject.allCases where main.subjects[subject].progress == nil {
            let p = WideSlice.prefix(subject)
            let columns = main.subjects[subject]
            let siblings = [columns.lower, columns.upper, columns.coverage].compactMap { $0 }
            if let first = siblings.first {
                throw InputError(
                    file: text.file, line: 1, column: 1,
                    message: "missing column \(p)PROG: the header has \(text.header[first]) but no "
                        + "\(p)PROG; expected the subject's progress column beside its interval and "
                        + "coverage columns")
            }
        }
        priors = priorYearSuffixes(text.header).sorted().map { y in
            let slice = WideSlice.prior(String(format2(y % 100)), find)
            return (year: y, slice: slice, columns: slice.all)
        }
        groups = wideGroups.map { g in
            let slice = WideSlice.group(g.suffix, eligible: g.count, find)
            return (g: g, slice: slice, columns: slice.all)
        }
        rectype = index["RECTYPE"]
        urn = index["URN"]
        lea = index["LEA"]
        estab = index["ESTAB"]
        name = index["SCHNAME"]
        postcode = index["PCODE"]
    }
}

/// Who a wide row is: its level from RECTYPE, its id (URN, else LA + ESTAB, else name and
/// postcode) and the key it is matched on across files.
private struct WideRowIdentity {
    let rectype: String
    let level: ResultLevel
    let la: String
    let name: String
    let id: String
    let key: SchoolKey
    /// Lowercased `name|postcode`, when both are given (to find a school across files).
    let namePostcode: String?

    init(_ row: [String], line: Int, layout: WideLayout, file: String) throws {
        rectype = cell(row, layout.rectype)
        switch rectype {
        case "1", "2": level = .school
        case "3": level = .la
        case "4", "5": level = .national
        default:
            throw InputError(
                file: file, line: line, column: (layout.rectype ?? 0) + 1,
                message: "RECTYPE \"\(rectype)\": expected 1 mainstream, 2 special, 3 LA, "
                    + "4 or 5 England")
        }
        la = level == .national ? "" : cell(row, layout.lea)
        let schoolName = cell(row, layout.name)
        let postcode = cell(row, layout.postcode)
        namePostcode =
            schoolName.isEmpty || postcode.isEmpty ? nil : schoolName.lowercased() + "|" + postcode.lowercased()
        switch level {
        case .school:
            var id = cell(row, layout.urn)
            if id.isEmpty, !la.isEmpty, !cell(row, layout.estab).isEmpty { id = la + cell(row, layout.estab) }
            if id.isEmpty {
                id = schoolName + (postcode.isEmpty ? "" : " " + postcode)
                key = .namePostcode(namePostcode ?? id.lowercased())
            } else {
                key = .reference(id)
            }
            self.id = id
            name = schoolName
        case .la:
            id = la
            key = .reference(la)
            name = schoolName
        case .national:
            id = "E92000001"
            name = "England"
            key = .reference(id)
        }
    }
}

/// A long-format table's rows as they are gathered: a school's (or area's) lines for one group
/// land on one row, one subject per line.
private struct LongTableRows {
    /// (year, level, id, group, value) → position in `rows`.
    var positions: [String: Int] = [:]
    var rows: [(group: String, value: String, candidate: PublishedCandidate)] = []
}

/// A long-format line's LA (its own column, else the first three digits of `school_laestab`) and
/// id (the URN, else the LAESTAB; the LA code; England's code).
private func longIdentity(_ row: [String], level: ResultLevel, columns: LongColumns) -> (la: String, id: String) {
    let laestab = cell(row, columns.laestab).filter { $0.isASCII && $0.isNumber }
    var la = level == .national ? "" : cell(row, columns.la)
    if la.isEmpty && level == .school && laestab.count == 7 { la = String(laestab.prefix(3)) }
    switch level {
    case .school:
        let urn = cell(row, columns.urn)
        return (la, urn.isEmpty ? laestab : urn)
    case .la: return (la, la)
    case .national: return (la, "E92000001")
    }
}
