import CXLSXWriter
import KS2Core

/// Above this many table rows the impact workbook streams its sheets (constant-memory mode).
let impactConstantMemoryRows = 40_000

/// The county impact workbook: a plain-words summary of each cohort's result with charts, then the
/// cohort, cohort-school, county-comparison and all-schools tables for analysts.
public func writeImpactWorkbook(
    _ data: ImpactWorkbookData, to path: String,
    context: ReportContext = ReportContext()
) throws {
    try writeImpactWorkbook(data, to: path, constantMemoryAbove: impactConstantMemoryRows, context: context)
}

/// The impact workbook, streamed (constant memory) when its tables exceed `constantMemoryAbove` rows.
func writeImpactWorkbook(
    _ data: ImpactWorkbookData, to path: String, constantMemoryAbove: Int,
    context: ReportContext = ReportContext()
) throws {
    let rows = data.schools.count + data.comparison.count + data.cohortSchools.count
    let title = impactTitle(data)
    let book = try Workbook(
        path: path, constantMemory: rows > constantMemoryAbove, created: context.created,
        title: title)
    let summary = try book.addWorksheet("Summary")
    let cohorts = try book.addWorksheet("Cohorts")
    let cohortSchools = try book.addWorksheet("Cohort schools")
    let comparison = try book.addWorksheet("County comparison")
    let schools = try book.addWorksheet("All schools")
    let countyCharts = try book.addWorksheet("County charts")
    let chartData = try book.addWorksheet("Chart data")
    let notes = try book.addWorksheet("Notes")
    let chartRow = try writeImpactSummary(summary, chartData: chartData, data: data, title: title)
    _ = try writeCountyCharts(countyCharts, chartData: chartData, data: data, chartRow: chartRow)
    try writeCohortsSheet(cohorts, data.impacts)
    try writeCohortSchoolsSheet(cohortSchools, data.cohortSchools)
    try writeResultsTable(comparison, data.comparison, includeLevel: true)
    try writeResultsTable(schools, data.schools, includeLevel: false)
    let years = Set(data.schools.map(\.year) + data.comparison.map(\.year)).sorted()
    let yearsText = years.isEmpty ? "the run's years" : "KS2 " + years.map(String.init).joined(separator: ", ")
    try writeNotesSheet(notes, kind: .impact, title: title, years: yearsText, context: context)
    for sheet in [summary, cohorts, cohortSchools, comparison, schools, countyCharts] {
        try sheet.pageHeaderFooter(left: title, date: context.dateText)
    }
    chartData.hide()
    try book.close()
}

/// The workbook's title: project impact when cohorts were given, else the county comparison.
func impactTitle(_ data: ImpactWorkbookData) -> String {
    data.impacts.isEmpty ? "KS2 progress: county comparison" : "KS2 progress: project impact"
}

/// The sentence for one cohort and subject, e.g. "Cohort C1, maths: progress rose from −0.97 to
/// −0.37 (+0.60, 95% CI +0.21 to +0.99); comparison schools +0.10; difference +0.50 (…)."
func impactSentence(_ c: CohortImpact) -> String {
    let years = "\(c.baselineYear) to \(c.outcomeYear)"
    let head = "Cohort \(c.cohort), \(Wording.subject(c.subject))"
    if c.subject == "rwm" {
        guard let before = c.baselinePctExp, let after = c.outcomePctExp else {
            return "\(head): not enough schools with attainment in both \(c.baselineYear) and \(c.outcomeYear)."
        }
        let change = after - before
        let verb = abs(change) < 0.05 ? "stayed at" : (change > 0 ? "rose from" : "fell from")
        let middle =
            abs(change) < 0.05
            ? "\(Wording.number(after, decimals: 1))%"
            : "\(Wording.number(before, decimals: 1))% to \(Wording.number(after, decimals: 1))% "
                + "(\(Wording.signed(change, decimals: 1)) percentage points)"
        return "\(head): pupils reaching the expected standard \(verb) \(middle), \(years), "
            + "over \(c.schools) school\(c.schools == 1 ? "" : "s") with attainment in both years."
    }
    guard c.schools > 0, let before = c.baselineMean, let after = c.outcomeMean else {
        let missing = c.schoolsMissing > 0 ? " (\(c.schoolsMissing) missing)" : ""
        return "\(head): not enough schools with both years (\(years))\(missing)."
    }
    let change = c.change ?? (after - before)
    var verb = "was unchanged at"
    if Wording.signed(change) != "0.00" { verb = change > 0 ? "rose from" : "fell from" }
    var text = "\(head): progress \(verb) "
    text += verb == "was unchanged at" ? Wording.number(after) : "\(Wording.number(before)) to \(Wording.number(after))"
    if let lo = c.changeLower, let hi = c.changeUpper {
        text += " (\(Wording.signed(change)), 95% CI \(Wording.signed(lo)) to \(Wording.signed(hi)))"
    } else {
        text += " (\(Wording.signed(change)); too few schools for an interval)"
    }
    text += ", \(years), \(c.schools) school\(c.schools == 1 ? "" : "s")"
    if let comp = c.comparisonChange {
        text += "; comparison schools \(Wording.signed(comp))"
        if let did = c.did {
            text += "; difference \(Wording.signed(did))"
            if let lo = c.didLower, let hi = c.didUpper {
                text += " (95% CI \(Wording.signed(lo)) to \(Wording.signed(hi)))"
            }
            if let lo = c.didLower, let hi = c.didUpper {
                if lo > 0 {
                    text += ", a significant gain over comparison schools"
                } else if hi < 0 {
                    text += ", significantly behind comparison schools"
                } else {
                    text += ", not significantly different from comparison schools"
                }
            }
        }
    } else {
        text += "; not enough comparison schools with both years"
    }
    return text + "."
}

/// The cohorts table under a two-row header (each group's title over its short column titles), so that
/// its 22 columns print one page wide at 8 pt or more.
private func writeCohortsSheet(_ sheet: Worksheet, _ rows: [CohortImpact]) throws {
    let columns = try groupedHeader(
        sheet,
        [
            // baseline and outcome as "Before" and "After": "Outcome" does not fit the narrow columns
            ("", ["Cohort", "Subject"]), ("Years", ["Before", "After"]), ("Schools", ["Both years", "Missing"]),
            ("Mean school progress", ["Before", "After", "Change", "CI lower", "CI upper"]),
            ("Pupil-pooled progress", ["Before", "After"]), ("% expected standard", ["Before", "After"]),
            ("Comparison schools", ["Schools", "Change", "CI lower", "CI upper"]),
            ("Difference in differences", ["Difference", "CI lower", "CI upper"]),
        ], groupRowHeight: 30)
    let wrapped = CellStyle(wrap: true)
    // "Difference" is the widest short title of the figures
    let widths =
        [cohortColumnWidth(rows.map(\.cohort), limit: 12), 13] + [Double](repeating: 7, count: columns - 5)
        + [9, 7, 7]
    for (i, c) in rows.enumerated() {
        let r = i + 2
        let subject = Wording.subject(c.subject)
        try sheet.rowHeight(r, wrappedRowHeight([(c.cohort, widths[0]), (subject, widths[1])]))
        try sheet.write(r, 0, c.cohort, wrapped)
        try sheet.write(r, 1, subject, wrapped)
        try sheet.write(r, 2, c.baselineYear)
        try sheet.write(r, 3, c.outcomeYear)
        try sheet.write(r, 4, c.schools)
        try sheet.write(r, 5, c.schoolsMissing)
        let values: [Double?] = [
            c.baselineMean, c.outcomeMean, c.change, c.changeLower, c.changeUpper,
            c.baselinePooled, c.outcomePooled,
        ]
        for (j, v) in values.enumerated() { try sheet.write(r, 6 + j, v, .dp2) }
        try sheet.writePercent(r, 13, c.baselinePctExp)
        try sheet.writePercent(r, 14, c.outcomePctExp)
        try sheet.write(r, 15, c.comparisonSchools)
        let rest: [Double?] = [c.comparisonChange, c.comparisonLower, c.comparisonUpper, c.did, c.didLower, c.didUpper]
        for (j, v) in rest.enumerated() { try sheet.write(r, 16 + j, v, .dp2) }
    }
    if rows.isEmpty { try sheet.write(2, 0, noCohortsText, .note) }
    // cohort names and subjects in full ("Maths leaders 2018-19" was once cut), wrapped when long
    try sheet.columnWidths(widths)
    try finishTable(
        sheet, rows: rows.count, cols: columns, headerRow: 1, columnWidths: widths, repeatColumns: 0...1)
}

/// What a cohort sheet says when the run was given no project cohorts (rather than an empty table).
let noCohortsText = "No project cohorts in this run: give a cohorts file (--cohorts, or cohorts: in a pipeline)."

/// A two-row table header: each group's title (merged over its columns) on row 0, the columns' own
/// titles on row 1 (one line of group titles unless `groupRowHeight` says more); returns the number of columns. Row 0 is written left to right before row 1, as a
/// streamed (constant-memory) sheet needs.
func groupedHeader(
    _ sheet: Worksheet, _ groups: [(title: String, columns: [String])], groupRowHeight: Double = 15
) throws -> Int {
    try sheet.rowHeight(0, groupRowHeight)
    var col = 0
    for group in groups {
        let last = col + group.columns.count - 1
        if last > col {
            try sheet.merge(0, col, 0, last, group.title, .header)
        } else {
            try sheet.write(0, col, group.title, .header)
        }
        col = last + 1
    }
    try sheet.rowHeight(1, 30)
    col = 0
    for group in groups {
        try sheet.header(1, group.columns, from: col)
        col += group.columns.count
    }
    return col
}

/// A cohort column wide enough for the longest name on one line, from 10 to `limit` (a longer name wraps).
func cohortColumnWidth(_ names: [String], limit: Double = 24) -> Double {
    min(limit, max(10, Double(names.map(\.count).max() ?? 0) + 2))
}

/// A row's height for its wrapped cells (text and column width): 15 pt a line, a line holding about
/// one character per unit of width (less would overlap the next row in LibreOffice), at least one line.
func wrappedRowHeight(_ cells: [(text: String, width: Double)]) -> Double {
    let lines = cells.map { cell in
        (Double(cell.text.count) / max(1, cell.width)).rounded(.up)
    }
    return 15 * max(1, lines.max() ?? 1)
}

private func writeCohortSchoolsSheet(_ sheet: Worksheet, _ rows: [CohortSchool]) throws {
    var titles = ["Cohort", "URN", "School", "LA"]
    for s in Subject.allCases {
        let t = Wording.subjectTitle(s)
        titles += ["\(t) baseline", "\(t) outcome", "\(t) change"]
    }
    titles.append("Missing reason")
    try sheet.rowHeight(0, 30)
    try sheet.header(0, titles)
    let wrapped = CellStyle(wrap: true)
    let widths = [cohortColumnWidth(rows.map(\.cohort)), 8.5, 30, 4.5] + [Double](repeating: 7.5, count: 9) + [30]
    for (i, c) in rows.enumerated() {
        let r = i + 1
        let missing = !c.missingReason.isEmpty
        try sheet.rowHeight(
            r, wrappedRowHeight([(c.cohort, widths[0]), (c.name, widths[2]), (c.missingReason, widths[13])]))
        try sheet.write(r, 0, c.cohort, wrapped)
        try sheet.write(r, 1, c.urn)
        try sheet.write(r, 2, c.name, wrapped)
        try sheet.write(r, 3, c.la)
        for subject in Subject.allCases {
            let k = subject.rawValue
            let before = c.baseline[subject]
            let after = c.outcome[subject]
            let style = missing ? CellStyle.dp2.greyed : CellStyle.dp2
            try sheet.write(r, 4 + 3 * k, before, style)
            try sheet.write(r, 5 + 3 * k, after, style)
            if let before, let after {
                try sheet.write(r, 6 + 3 * k, after - before, style)
            } else if missing {
                try sheet.blank(r, 6 + 3 * k, style)
            }
        }
        try sheet.write(r, 13, c.missingReason, missing ? wrapped.greyed : wrapped)
    }
    if rows.isEmpty { try sheet.write(1, 0, noCohortsText, .note) }
    try sheet.columnWidths(widths)
    try finishTable(sheet, rows: rows.count, cols: titles.count, columnWidths: widths, repeatColumns: 0...2)
}

/// A SchoolResult table: identity, pupils, KS1 APS, per subject progress/interval/band, RWM attainment,
/// narrow columns under wrapped titles so that it prints one page wide at 8 pt or more. (One header
/// row: with two repeated header rows LibreOffice prints a blank page after a long table.)
private func writeResultsTable(_ sheet: Worksheet, _ rows: [SchoolResult], includeLevel: Bool) throws {
    var titles = ["Year"]
    if includeLevel { titles.append("Level") }
    titles += [includeLevel ? "Code" : "URN", "Name", "LA", "Pupils", "KS1 APS"]
    let firstSubject = titles.count
    for s in Subject.allCases {
        let t = Wording.subjectTitle(s)
        titles += ["\(t) progress", "\(t) CI lower", "\(t) CI upper", "\(t) band"]
    }
    titles += ["% RWM expected", "% RWM high"]
    try sheet.rowHeight(0, 45)
    try sheet.header(0, titles)
    // (the comparison's LA names are shorter than school names, and wrap when long)
    // ("national" and England's code E92000001 need the comparison's wider level and code columns)
    var widths: [Double] = [5] + (includeLevel ? [7.5, 10, 19] : [8.5, 28]) + [4.5, 6.5, 6]
    for _ in Subject.allCases { widths += [7.5, 6.5, 6.5, 11.5] }
    widths += [8.5, 7.5]
    let nameColumn = includeLevel ? 3 : 2
    let wrapped = CellStyle(wrap: true)
    for (i, r) in rows.enumerated() {
        let row = i + 1
        // a long name wraps (its row taller) rather than being cut by the LA column
        if Double(r.name.count) > widths[nameColumn] {
            try sheet.rowHeight(row, wrappedRowHeight([(r.name, widths[nameColumn])]))
        }
        var col = 0
        try sheet.write(row, col, r.year)
        col += 1
        if includeLevel {
            try sheet.write(row, col, r.level.name)
            col += 1
        }
        try sheet.write(row, col, r.id)
        col += 1
        try sheet.write(row, col, r.name, wrapped)
        col += 1
        try sheet.write(row, col, r.la)
        col += 1
        try sheet.write(row, col, r.eligible)
        col += 1
        try sheet.write(row, col, r.ks1APS, .dp1)
        col += 1
        for s in Subject.allCases {
            try sheet.writeProgress(row, firstSubject + 4 * s.rawValue, r[s], shortBand: true)
        }
        col = firstSubject + 12
        try sheet.writePercent(row, col, r[.pctRwmExp])
        try sheet.writePercent(row, col + 1, r[.pctRwmHigh])
    }
    // narrow figures under wrapped titles, and short band words
    try sheet.columnWidths(widths)
    try finishTable(
        sheet, rows: rows.count, cols: titles.count, columnWidths: widths, repeatColumns: 0...nameColumn)
}

/// Frozen header row, autofilter over the table, landscape print with the header repeated: one page
/// wide, or (given the table's `columnWidths`) one page wide only when its text stays legible, else
/// across pages with `repeatColumns` on each.
func finishTable(
    _ sheet: Worksheet, rows: Int, cols: Int, headerRow: Int = 0, columnWidths: [Double]? = nil,
    repeatColumns: ClosedRange<Int> = 0...0
) throws {
    sheet.freezePanes(rows: headerRow + 1)
    try sheet.autofilter(headerRow, 0, headerRow + max(rows, 1), cols - 1)
    if let columnWidths {
        // the rows above a table's header are its group titles: repeated with it
        try sheet.printTable(columnWidths: columnWidths, repeatRows: 0...headerRow, repeatColumns: repeatColumns)
    } else {
        try sheet.printSetup(repeatRows: headerRow...headerRow)
    }
}
