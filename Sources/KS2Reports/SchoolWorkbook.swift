import CXLSXWriter
import Dispatch
import Foundation
import KS2Core

/// "URN School name.xlsx", safe on every file system: no `/ \ : * ? " < > |` or control characters,
/// runs of white space collapsed, at most 80 characters.
public func schoolWorkbookFileName(urn: String, name: String) -> String {
    func clean(_ text: String) -> String {
        var out = ""
        var lastWasSpace = true
        for scalar in text.unicodeScalars {
            let bad =
                "/\\:*?\"<>|".unicodeScalars.contains(scalar)
                || scalar.properties.generalCategory == .control
                || scalar.properties.generalCategory == .format
            let space = bad || scalar.properties.isWhitespace
            if space {
                if !lastWasSpace { out.append(" ") }
                lastWasSpace = true
            } else {
                out.unicodeScalars.append(scalar)
                lastWasSpace = false
            }
        }
        while out.last == " " || out.last == "." { out.removeLast() }
        return out
    }
    let extensionText = ".xlsx"
    let limit = 80 - extensionText.count
    var base = clean(urn)
    let schoolName = clean(name)
    if !schoolName.isEmpty { base = base.isEmpty ? schoolName : base + " " + schoolName }
    if base.count > limit { base = String(base.prefix(limit)) }
    while base.utf8.count > 200 { base.removeLast() }  // file systems count bytes (255 at most)
    while base.last == " " || base.last == "." { base.removeLast() }
    while base.first == "." { base.removeFirst() }
    if base.isEmpty { base = "school" }
    return base + extensionText
}

/// Writes every school's workbook into `directory` on up to `threads` threads; every workbook is
/// attempted, and the first error (in input order) is rethrown after all have finished.
public func writeSchoolWorkbooks(
    _ items: [SchoolWorkbookData], directory: String, threads: Int,
    context: ReportContext = ReportContext(), progress: WorkProgress? = nil
) throws {
    try writeSchoolWorkbooks(
        count: items.count, directory: directory, threads: threads, context: context, progress: progress
    ) { items[$0] }
}

/// Writes `count` school workbooks into `directory` on up to `threads` threads, workbook `i` from
/// `data(i)`: the caller builds each workbook's data (its pupils' rows) only when it is written,
/// on the worker writing it, and it is freed once written.
public func writeSchoolWorkbooks(
    count: Int, directory: String, threads: Int, context: ReportContext = ReportContext(),
    progress: WorkProgress? = nil, data: @Sendable (Int) -> SchoolWorkbookData
) throws {
    if count == 0 { return }
    try writeWorkbooksInParallel(count, threads: threads, progress: progress) { i in
        let item = data(i)
        let name = schoolWorkbookFileName(urn: item.school.id, name: item.school.name)
        try writeSchoolWorkbook(item, to: directory + "/" + name, context: context)
    }
}

/// Writes `count` workbooks on at most `threads` workers claiming runs of items (workbooks differ
/// in size, so a fixed split would leave a worker idle); every item is attempted, `progress`
/// counts them, and the error of the earliest failing item is rethrown.
func writeWorkbooksInParallel(
    _ count: Int, threads: Int, progress: WorkProgress? = nil,
    _ write: @Sendable (Int) throws -> Void
) throws {
    if count == 0 { return }
    let errors = SendableBuffer<(any Error)?>(repeating: nil, count: count)
    parallelFor(count, threads: threads) { i in
        do { try write(i) } catch { errors[i] = error }
        progress?.advance()
    }
    if let first = errors.array.first(where: { $0 != nil }) { throw first! }
}

/// Pupils in the order a headteacher looks them up: surname, forename, then UPN.
/// (Each name is lowered once, not at every comparison.)
func sortedPupils(_ pupils: [PupilReportRow]) -> [PupilReportRow] {
    let surnames = pupils.map { $0.surname.lowercased() }
    let forenames = pupils.map { $0.forename.lowercased() }
    let order = pupils.indices.sorted { a, b in
        if surnames[a] != surnames[b] { return surnames[a] < surnames[b] }
        if forenames[a] != forenames[b] { return forenames[a] < forenames[b] }
        return pupils[a].upn < pupils[b].upn
    }
    return order.map { pupils[$0] }
}

/// The subjects in which a pupil's progress is below the threshold.
func focusSubjects(_ p: PupilReportRow, threshold: Double) -> [Subject] {
    Subject.allCases.filter { s in
        guard let v = p.progress[s] else { return false }
        return v < threshold
    }
}

/// One sentence on a school's year: each subject's band (or why there is none) with its figures, e.g.
/// "In 2019, progress at Oak Primary was below average in reading (−0.80, 95% CI −2.80 to +1.20), …".
func schoolSentence(_ r: SchoolResult) -> String {
    var parts: [String] = []
    for s in Subject.allCases {
        let m = r[s]
        let name = Wording.subject(s.name)
        let reason = Wording.status(m.status).isEmpty ? "missing" : Wording.status(m.status)
        guard let p = m.progress else {
            parts.append("no score in \(name) (\(reason))")
            continue
        }
        var figures = Wording.signed(p)
        if let lo = m.lower, let hi = m.upper {
            figures += ", 95% CI \(Wording.signed(lo)) to \(Wording.signed(hi))"
        }
        if m.status != .ok {
            parts.append("not published in \(name) (\(reason))")
        } else if let band = m.band {
            parts.append("\(Wording.band(band)) in \(name) (\(figures))")
        } else {
            parts.append("\(figures) in \(name)")
        }
    }
    let who = r.name.isEmpty ? "this school" : r.name
    let list =
        parts.count > 1 ? parts.dropLast().joined(separator: ", ") + " and " + (parts.last ?? "") : parts.joined()
    return "In \(r.year), progress at \(who) was " + list + "."
}

/// The headline a head reads first: each subject's band in plain words, maths first, e.g.
/// "Maths progress was well above average (+3.20); reading average (+0.40); writing not published (…)."
func schoolHeadline(_ r: SchoolResult) -> String {
    func phrase(_ s: Subject) -> String {
        let m = r[s]
        if isSuppressed(m.status) { return "not published (5 or fewer pupils)" }
        guard let p = m.progress, m.status == .ok else {
            let reason = Wording.status(m.status)
            return "not published (\(reason.isEmpty ? "missing" : reason))"
        }
        return "\(m.band.map(Wording.band) ?? "not banded") (\(Wording.signed(p)))"
    }
    return "Maths progress was \(phrase(.mat)); reading \(phrase(.read)); writing \(phrase(.writ))."
}

/// One headteacher's workbook: page 1 the school against its LA and England (headline, interval
/// chart, tables, project cohort), then its trend, groups, its own pupils (only those in
/// `data.pupils`), the focus pupils, the notes, and the charts' data on a hidden sheet.
public func writeSchoolWorkbook(
    _ data: SchoolWorkbookData, to path: String,
    context: ReportContext = ReportContext()
) throws {
    let school = data.school
    let title = "\(school.id) \(school.name)".trimmingCharacters(in: .whitespaces)
    let book = try Workbook(path: path, created: context.created, title: "KS2 progress \(school.year): \(title)")
    let overview = try book.addWorksheet("Overview")
    let trend = try book.addWorksheet("Trend")
    let groups = try book.addWorksheet("Groups")
    let pupilsSheet = try book.addWorksheet("Pupils")
    let focus = try book.addWorksheet("Focus pupils")
    let notes = try book.addWorksheet("Notes")
    let chartData = try book.addWorksheet("Chart data")
    let pupils = sortedPupils(data.pupils)
    let chartRow = try writeOverview(overview, data, chartData: chartData, chartRow: 0)
    _ = try writeTrendSheet(trend, data, chartData: chartData, chartRow: chartRow)
    try writeGroups(groups, data.groups)
    try writePupils(pupilsSheet, pupils, threshold: data.focusThreshold)
    try writePupilChart(pupilsSheet, pupilCount: pupils.count, on: overview)
    try writeFocus(focus, pupils, threshold: data.focusThreshold)
    try writeNotesSheet(notes, kind: .school, title: title, years: "KS2 \(school.year)", context: context)
    for sheet in [overview, trend, groups, pupilsSheet, focus] {
        try sheet.pageHeaderFooter(left: "\(title) · KS2 progress \(school.year)", date: context.dateText)
    }
    chartData.hide()
    try book.close()
}

/// Pupils sheet columns: UPN, forename, surname, KS1 APS, PAG, then per subject five columns.
private let pupilSubjectFirstColumn = 5
private func pupilProgressColumn(_ s: Subject) -> Int { pupilSubjectFirstColumn + 5 * s.rawValue + 2 }

/// The last column of the Overview's printed page (the charts sit right of the tables, from
/// `overviewChartColumn`; the pupils' chart from `overviewPupilChartRow`).
private let overviewLastColumn = 18
private let overviewChartColumn = 9
private let overviewPupilChartRow = 27

/// Page 1: who, the headline, the progress table with LA and England, the interval chart, the
/// three-year line and disadvantaged gap when the run has them, attainment against LA and England,
/// and the project cohort. Returns the next free chart-data row.
private func writeOverview(
    _ sheet: Worksheet, _ data: SchoolWorkbookData, chartData: Worksheet,
    chartRow: Int
) throws -> Int {
    try writeOverviewHeading(sheet, data)
    let points = try writeOverviewProgress(sheet, data)
    let attainmentRow = try writeAcrossYearsOverview(sheet, data, at: 11)
    var row = try writeOverviewAttainment(sheet, data, at: attainmentRow)
    row += 2
    row = try writeProjectCohorts(sheet, data.projectCohorts, at: row)
    let next = try writeOverviewChart(sheet, data.school, points: points, chartData: chartData, chartRow: chartRow)
    try sheet.printArea(rows: 0...max(row, overviewPupilChartRow + 16), lastCol: overviewLastColumn)
    try sheet.printSetup(landscape: true, onePage: true)
    sheet.activate()
    return next
}

/// The Overview's columns, the school and its LA, the headline and the sentence to quote.
private func writeOverviewHeading(_ sheet: Worksheet, _ data: SchoolWorkbookData) throws {
    let school = data.school
    try sheet.columnWidth(0, 0, 40)
    try sheet.columnWidth(1, 2, 8)
    try sheet.columnWidth(3, 5, 8.5)
    try sheet.columnWidth(6, 6, 19)
    try sheet.columnWidth(7, 8, 9)
    try sheet.columnWidth(9, overviewLastColumn, 8.5)
    try sheet.write(0, 0, "\(school.id) \(school.name)".trimmingCharacters(in: .whitespaces), .title)
    var subtitle = "KS2 progress \(school.year)"
    if let la = data.localAuthority {
        subtitle += " · \(la.name.isEmpty ? "LA" : la.name) (\(la.id))"
    } else if !school.la.isEmpty {
        subtitle += " · LA \(school.la)"
    }
    if let e = school.eligible { subtitle += " · \(e) eligible pupils" }
    try sheet.write(1, 0, subtitle, .note)
    try sheet.rowHeight(2, 34)
    let headline = CellStyle(bold: true, wrap: true, fontSize: 12, verticalTop: true)
    try sheet.merge(2, 0, 2, 8, schoolHeadline(school), headline)
    try sheet.rowHeight(3, 46)
    try sheet.merge(3, 0, 3, 8, schoolSentence(school), .sentence)
}

/// The progress table (rows 5–9) with LA and England; returns the chart's points (no suppressed one).
private func writeOverviewProgress(_ sheet: Worksheet, _ data: SchoolWorkbookData) throws -> [IntervalPoint] {
    let school = data.school
    try sheet.rowHeight(5, 30)
    try sheet.header(
        5,
        [
            "Subject", "Pupils", "Coverage", "Progress", "95% CI lower", "95% CI upper", "Band",
            "LA progress", "England progress",
        ])
    var points: [IntervalPoint] = []
    for s in Subject.allCases {
        let r = 6 + s.rawValue
        let m = school[s]
        try sheet.write(r, 0, Wording.subjectTitle(s), CellStyle(bold: true))
        try sheet.write(r, 1, m.n)
        try sheet.writePercent(r, 2, m.coverage)
        try sheet.writeProgress(r, 3, m)
        try sheet.writeComparison(r, 7, data.localAuthority?[s])
        // England's progress is 0 by definition (methodology.md §7): shown, not left blank
        try sheet.write(r, 8, data.national?[s].progress ?? 0, .dp2)
        if !isSuppressed(m.status), let p = m.progress {
            points.append(
                IntervalPoint(
                    label: Wording.subjectTitle(s), value: p, lower: m.lower, upper: m.upper,
                    colour: m.status == .ok ? bandColour(m.band) : bandColour(nil)))
        }
    }
    try sheet.write(
        9, 0,
        "Progress 0 = pupils did as well as pupils nationally with the same KS1 results. "
            + "Green: significantly above; red: significantly below (see Notes).", .note)
    return points
}

/// Attainment against LA and England from `attainmentRow`; returns the row of its note.
private func writeOverviewAttainment(_ sheet: Worksheet, _ data: SchoolWorkbookData, at attainmentRow: Int) throws
    -> Int
{
    let school = data.school
    try sheet.rowHeight(attainmentRow, 30)
    try sheet.header(attainmentRow, ["Attainment", "School", "LA", "England"])
    var nationalMissing = false
    for m in AttainmentMeasure.allCases {
        let r = attainmentRow + 1 + m.rawValue
        try sheet.write(r, 0, Wording.measure(m))
        let values = [school[m], data.localAuthority?[m], data.national?[m]]
        for (j, v) in values.enumerated() {
            let value = v ?? nil
            if j == 2 && value == nil {
                nationalMissing = true
                try sheet.write(r, 1 + j, "n/a", CellStyle.plain.greyed)
                continue
            }
            var style = Wording.isPercent(m) ? CellStyle.percent : CellStyle.dp1
            if j == 0, let own = value, let la = values[1] ?? nil {
                if own > la { style.fontColor = 0x006100 } else if own < la { style.fontColor = 0x9C0006 }
            }
            if Wording.isPercent(m) {
                try sheet.writePercent(r, 1 + j, value, style)
            } else {
                try sheet.write(r, 1 + j, value, style)
            }
        }
    }
    let row = attainmentRow + 1 + AttainmentMeasure.allCases.count
    try sheet.write(
        row, 0,
        "School figures green above the LA's, red below."
            + (nationalMissing ? " England attainment (n/a) is not in this run's inputs." : ""), .note)
    return row
}

/// The interval chart beside the progress table, or a note when no figure may be shown; returns
/// the next free chart-data row.
private func writeOverviewChart(
    _ sheet: Worksheet, _ school: SchoolResult, points: [IntervalPoint], chartData: Worksheet, chartRow: Int
) throws -> Int {
    guard !points.isEmpty else {
        try sheet.write(
            5, overviewChartColumn,
            "No progress chart: no subject has a figure that may be shown "
                + "(SUPP: 5 or fewer pupils).", .note)
        return chartRow
    }
    let (chart, end) = try intervalChart(
        sheet.workbook, title: "Progress \(school.year) with 95% interval",
        axisName: "Progress (0 = national average)", points: points,
        data: chartData, firstRow: chartRow)
    try sheet.insert(chart, row: 5, col: overviewChartColumn, xScale: 1.25, yScale: 1.4)
    return end + 1
}

/// The project cohorts a school is in: the cohort's maths result and the school's own change.
private func writeProjectCohorts(_ sheet: Worksheet, _ cohorts: [SchoolProjectCohort], at first: Int) throws -> Int {
    var row = first
    guard !cohorts.isEmpty else { return row }
    try sheet.write(row, 0, "Project cohort", CellStyle(bold: true, fontSize: 12))
    row += 1
    for c in cohorts {
        let cs = c.school
        var own = "This school is in project cohort \(cs.cohort)"
        if let first = c.impacts.first { own += " (\(first.baselineYear) → \(first.outcomeYear))" }
        let before = cs.baseline.mat
        let after = cs.outcome.mat
        if let before, let after {
            own +=
                ": its maths progress went from \(Wording.number(before)) to \(Wording.number(after)) "
                + "(\(Wording.signed(after - before)))."
        } else {
            own += cs.missingReason.isEmpty ? "." : " (not in the cohort's figures: \(cs.missingReason))."
        }
        try sheet.merge(row, 0, row, 8, own, .sentence)
        try sheet.rowHeight(row, 30)
        row += 1
        for impact in c.impacts where impact.subject == "mat" {
            let text = impactSentence(impact)
            try sheet.merge(row, 0, row, 8, text, .sentence)
            try sheet.rowHeight(row, 44)
            row += 1
        }
    }
    return row
}

/// KS1 prior attainment against maths progress, one point per pupil (from the Pupils sheet), on the
/// overview below the interval chart: page 1 shows which pupils the maths figure rests on.
private func writePupilChart(_ pupilsSheet: Worksheet, pupilCount: Int, on overview: Worksheet) throws {
    guard pupilCount > 0 else { return }
    let chart = try pupilsSheet.workbook.addChart(LXW_CHART_SCATTER)
    chart.title("KS1 prior attainment and maths progress")
    let col = pupilProgressColumn(.mat)
    let series = try chart.addSeries(
        name: "Pupils", categories: pupilsSheet.range(1, 3, pupilCount, 3),
        values: pupilsSheet.range(1, col, pupilCount, col))
    series.marker(LXW_CHART_MARKER_CIRCLE, size: 5, colour: 0x2E75B6)
    chart.xAxisName("KS1 average point score")
    chart.yAxisName("Maths progress")
    chart.xNumberFormat("0")
    chart.xLabelsLow()
    chart.legendOff()
    try overview.insert(chart, row: overviewPupilChartRow, col: overviewChartColumn, xScale: 1.25, yScale: 1.0)
}

private func writeGroups(_ sheet: Worksheet, _ rows: [GroupResult]) throws {
    var titles = ["Group", "Value", "Pupils"]
    for s in Subject.allCases {
        let t = Wording.subjectTitle(s)
        titles += ["\(t) pupils", "\(t) progress", "\(t) CI lower", "\(t) CI upper"]
    }
    try sheet.rowHeight(0, 30)
    try sheet.header(0, titles)
    for (i, g) in rows.enumerated() {
        let r = i + 1
        let (group, value) = Wording.group(g.group, g.value)
        try sheet.write(r, 0, group)
        try sheet.write(r, 1, value)
        try sheet.write(r, 2, g.result.eligible)
        for s in Subject.allCases {
            let m = g.result[s]
            let col = 3 + 4 * s.rawValue
            if isSuppressed(m.status) {
                try sheet.write(r, col, m.n)
                try sheet.write(r, col + 1, suppressedText, .suppressed)
                for k in 2...3 { try sheet.blank(r, col + k, CellStyle.plain.greyed) }
            } else {
                let style = m.status == .ok ? CellStyle.dp2 : CellStyle.dp2.greyed
                try sheet.write(r, col, m.n)
                try sheet.write(r, col + 1, m.progress, style)
                try sheet.write(r, col + 2, m.lower, style)
                try sheet.write(r, col + 3, m.upper, style)
            }
        }
    }
    try sheet.columnWidth(0, 0, 30)
    try sheet.columnWidth(1, 1, 16)
    try sheet.columnWidth(2, 14, 9)
    try finishTable(sheet, rows: rows.count, cols: titles.count)
    try sheet.write(
        rows.count + 2, 0,
        "SUPP: 5 or fewer pupils in the group and subject; the DfE does not publish "
            + "such figures.", .note)
}

private func writePupils(_ sheet: Worksheet, _ pupils: [PupilReportRow], threshold: Double) throws {
    var titles = ["UPN", "Forename", "Surname", "KS1 APS", "PAG"]
    for s in Subject.allCases {
        let t = Wording.subjectTitle(s)
        titles += ["\(t) score", "\(t) estimate", "\(t) progress", "\(t) capped", "\(t) excluded"]
    }
    try sheet.rowHeight(0, 45)
    try sheet.header(0, titles)
    let below = CellStyle(numberFormat: "0.00", fill: 0xFFC7CE, fontColor: 0x9C0006)
    let centred = CellStyle(alignCentre: true)
    for (i, p) in pupils.enumerated() {
        let r = i + 1
        try sheet.write(r, 0, p.upn)
        try sheet.write(r, 1, p.forename)
        try sheet.write(r, 2, p.surname)
        try sheet.write(r, 3, p.ks1APS, .dp1)
        try sheet.write(r, 4, p.pag)
        for s in Subject.allCases {
            let k = s.rawValue
            let col = pupilSubjectFirstColumn + 5 * k
            let score = p.score[s]
            if s == .writ, let outcome = writingOutcome(points: score) {
                try sheet.write(r, col, outcome)  // writing is a teacher assessment: WTS/EXS/GDS, not its points
            } else {
                try sheet.write(r, col, score, .integer)
            }
            try sheet.write(r, col + 1, p.estimate[s], .dp1)
            let progress = p.progress[s]
            try sheet.write(r, col + 2, progress, (progress ?? 0) < threshold ? below : .dp2)
            let capped = p.capped[s]
            // Y/N and codes centred: left-aligned they would run into the progress figure before them
            try sheet.write(r, col + 3, capped.map { $0 ? "Y" : "N" } ?? "", centred)
            try sheet.write(r, col + 4, p.excluded[s], centred)
        }
    }
    // narrow figures under wrapped titles: one page wide at 8 pt or more, else the names repeated
    // (a UPN is 13 characters; "excluded" does not fit 7)
    let subjectWidths: [Double] = [7, 7, 7, 7, 8]
    let widths: [Double] = [15, 12, 12, 5.5, 5] + subjectWidths + subjectWidths + subjectWidths
    try sheet.columnWidths(widths)
    sheet.freezePanes(rows: 1, cols: 3)
    try sheet.autofilter(0, 0, max(pupils.count, 1), titles.count - 1)
    try sheet.printTable(columnWidths: widths, repeatRows: 0...0, repeatColumns: 0...2)
}

/// How far below the focus threshold a pupil's progress is "well below": 5 scaled-score points,
/// about the distance between a pupil at the expected standard and one well short of it.
let wellBelowMargin = 5.0

/// The focus pupils, lowest progress first (the pupils to act on first), each subject below the
/// threshold light red and well below it (by `wellBelowMargin` or more) dark red.
private func writeFocus(_ sheet: Worksheet, _ pupils: [PupilReportRow], threshold: Double) throws {
    let titles = [
        "UPN", "Forename", "Surname", "KS1 APS", "Below in", "Reading progress", "Writing progress",
        "Maths progress", "Lowest progress",
    ]
    try sheet.rowHeight(0, 30)
    try sheet.header(0, titles)
    let below = CellStyle(numberFormat: "0.00", fill: 0xFFC7CE, fontColor: 0x9C0006)
    let wellBelow = CellStyle(bold: true, numberFormat: "0.00", fill: 0xC00000, fontColor: 0xFFFFFF)
    func lowest(_ p: PupilReportRow) -> Double { Subject.allCases.compactMap { p.progress[$0] }.min() ?? 0 }
    let focus = pupils.filter { !focusSubjects($0, threshold: threshold).isEmpty }
    // each pupil's lowest progress computed once, and positions sorted (not the pupils' rows)
    let lowestProgress = focus.map(lowest)
    let order = focus.indices.sorted {
        (lowestProgress[$0], focus[$0].upn) < (lowestProgress[$1], focus[$1].upn)
    }
    var r = 1
    for k in order {
        let p = focus[k]
        let subjects = focusSubjects(p, threshold: threshold)
        try sheet.write(r, 0, p.upn)
        try sheet.write(r, 1, p.forename)
        try sheet.write(r, 2, p.surname)
        try sheet.write(r, 3, p.ks1APS, .dp1)
        let names = subjects.map { Wording.subject($0.name) }.joined(separator: ", ")
        try sheet.write(r, 4, names, CellStyle(indent: true))
        for s in Subject.allCases {
            let v = p.progress[s]
            var style = CellStyle.dp2
            if subjects.contains(s), let v { style = v < threshold - wellBelowMargin ? wellBelow : below }
            try sheet.write(r, 5 + s.rawValue, v, style)
        }
        try sheet.write(r, 8, lowestProgress[k], .dp2)
        r += 1
    }
    try sheet.columnWidth(0, 0, 15)
    try sheet.columnWidth(1, 2, 14)
    try sheet.columnWidth(3, 3, 8)
    try sheet.columnWidth(4, 4, 26)
    try sheet.columnWidth(5, 8, 10)
    try finishTable(sheet, rows: r - 1, cols: titles.count)
    let thresholdText = Wording.number(threshold)
    // the note wrapped over the table's width: a long line would widen the printed page and shrink it
    var wrappedNote = CellStyle.note
    wrappedNote.wrap = true
    wrappedNote.verticalTop = true
    try sheet.rowHeight(r + 1, 45)
    try sheet.merge(
        r + 1, 0, r + 1, titles.count - 1,
        r == 1
            ? "No pupil has progress below \(thresholdText) in any subject."
            : "\(focus.count) of \(pupils.count) pupils have progress below \(thresholdText) in at least one subject "
                + "(lowest first). Dark red: more than \(Wording.number(wellBelowMargin, decimals: 0)) points below. "
                + "The threshold is the run's focus_threshold; with 0, the national average, most pupils are "
                + "below it in at least one subject.", wrappedNote)
}
