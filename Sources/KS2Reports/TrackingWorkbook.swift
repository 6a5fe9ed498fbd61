import CXLSXWriter
import KS2Core

/// One school's tracking for its targets workbook: its pupils followed across the windows and its
/// own summary rows (track_schools.csv level `school`).
public struct SchoolTracking: Sendable, Hashable {
    public var windows: [String]
    public var pupils: [TrackedPupil]
    public var summaries: [TrackingSummary]
    public init(windows: [String], pupils: [TrackedPupil], summaries: [TrackingSummary]) {
        self.windows = windows
        self.pupils = pupils
        self.summaries = summaries
    }
}

/// What the project lead's tracking.xlsx shows: every summary row of track_schools.csv.
public struct TrackingWorkbookData: Sendable, Hashable {
    public var windows: [String]
    public var estimatesYear: Int
    public var stretch: Int
    public var summaries: [TrackingSummary]
    public init(windows: [String], estimatesYear: Int, stretch: Int, summaries: [TrackingSummary]) {
        self.windows = windows
        self.estimatesYear = estimatesYear
        self.stretch = stretch
        self.summaries = summaries
    }
}

/// Fill of a prediction on track (light green, as Excel's "good" cell style); behind uses `focusFill`.
let onTrackFill: RGB = 0xC6EFCE

/// The sentence every tracking sheet carries: predictions are not results.
let predictedNote =
    "Predicted, not results: each figure comes from teachers' predictions at the window, "
    + "against the same estimates and targets as the targets sheets."

/// A mean predicted progress cell: the number, or `SUPP` (greyed) when 5 or fewer pupils have a
/// prediction, or blank without any.
func writePredictedMean(_ sheet: Worksheet, _ row: Int, _ col: Int, _ s: TrackingSummary) throws {
    if s.status == .supp {
        try sheet.write(row, col, "SUPP", CellStyle.plain.greyed)
        return
    }
    try sheet.write(row, col, s.predictedProgress, .signed2)
}

/// `−1.10 to +2.14`, empty when suppressed or without an interval.
func intervalText(_ s: TrackingSummary) -> String {
    guard s.status != .supp, let lo = s.lower, let hi = s.upper else { return "" }
    return "\(Wording.signed(lo)) to \(Wording.signed(hi))"
}

/// `3 of 5` focus pupils predicted on track; empty without focus pupils.
func focusOnTrackText(_ s: TrackingSummary) -> String {
    s.focus == 0 ? "" : "\(s.focusOnTrack) of \(s.focus)"
}

/// The school workbook's "Focus pupils" sheet: the school's mean predicted progress per subject and
/// window, then each focus pupil's predictions by window against the target, green when predicted
/// on track and red when behind.
@discardableResult
func writeFocusPupilsSheet(
    _ book: Workbook, _ data: TargetWorkbookData,
    _ tracking: SchoolTracking
) throws -> Worksheet {
    let sheet = try book.addWorksheet("Focus pupils")
    let windows = tracking.windows
    try sheet.write(0, 0, "Focus pupils' predictions by window: \(data.title)", .title)
    try sheet.write(1, 0, predictedNote, .note)
    try sheet.write(
        2, 0,
        "A focus pupil was predicted below their estimate at the first window with a prediction "
            + "and stays a focus pupil all year. Green: predicted on track (at or above the target); "
            + "red: predicted behind; blank: no prediction.", .note)
    try sheet.rowHeight(4, 45)
    try sheet.header(
        4,
        [
            "Subject", "Window", "Pupils with a prediction", "Mean predicted progress", "95% interval",
            "Focus pupils predicted on track", "Movement since \(windows[0])",
        ])
    var r = 5
    for s in tracking.summaries {
        try sheet.write(r, 0, Wording.subjectTitle(s.subject))
        try sheet.write(r, 1, windows[s.window])
        try sheet.write(r, 2, s.pupils)
        try writePredictedMean(sheet, r, 3, s)
        try sheet.write(r, 4, intervalText(s))
        try sheet.write(r, 5, focusOnTrackText(s))
        try sheet.write(r, 6, s.status == .supp ? nil : s.movement, .signed2)
        r += 1
    }
    r += 1
    var names: [String: TargetWorkbookPupil] = [:]
    for p in data.pupils { names[p.row.upn] = p }
    let focus = tracking.pupils.filter { $0.focus == true }
        .sorted { ($0.subject.rawValue, $0.upn) < ($1.subject.rawValue, $1.upn) }
    try sheet.write(r, 0, "Focus pupils (\(focus.count) pupil-subjects)", CellStyle(bold: true))
    r += 1
    let header =
        ["Subject", "UPN", "Surname", "Forename", "Estimate", "Target"]
        + windows.map { "Predicted \($0)" } + ["Predicted progress, latest"]
    try sheet.rowHeight(r, 45)
    try sheet.header(r, header)
    let headerRow = r
    r += 1
    for p in focus {
        let who = names[p.upn]
        try sheet.write(r, 0, Wording.subjectTitle(p.subject))
        try sheet.write(r, 1, p.upn)
        try sheet.write(r, 2, who?.surname ?? "")
        try sheet.write(r, 3, who?.forename ?? "")
        try sheet.write(r, 4, p.estimate, .dp2)
        if let t = Int(p.target) { try sheet.write(r, 5, t) } else { try sheet.write(r, 5, p.target) }
        for w in windows.indices {
            var style = CellStyle.plain
            if let on = p.onTrack[w] { style.fill = on ? onTrackFill : focusFill }
            if let v = Int(p.predicted[w]) {
                try sheet.write(r, 6 + w, v, style)
            } else {
                try sheet.write(r, 6 + w, p.predicted[w], style)
            }
        }
        try sheet.write(r, 6 + windows.count, p.progress.last(where: { $0 != nil }) ?? nil, .signed2)
        r += 1
    }
    try sheet.columnWidth(0, 0, 10)
    try sheet.columnWidth(1, 1, 16)
    try sheet.columnWidth(2, 3, 13)
    try sheet.columnWidth(4, 4, 18)
    try sheet.columnWidth(5, 6 + windows.count, 12)
    if !focus.isEmpty { try sheet.autofilter(headerRow, 0, r - 1, header.count - 1) }
    // the focus pupils' column titles on every printed page
    try sheet.printSetup(repeatRows: headerRow...headerRow)
    return sheet
}

/// The project lead's tracking.xlsx: a summary with the project's mean predicted progress by window
/// (a chart per subject, cohorts side by side), one sheet per subject of schools × windows, and the
/// full table of track_schools.csv.
public func writeTrackingWorkbook(
    _ data: TrackingWorkbookData, to path: String,
    context: ReportContext = ReportContext()
) throws {
    let title = "KS2 in-year tracking: predicted progress"
    let book = try Workbook(path: path, created: context.created, title: title)
    let summary = try book.addWorksheet("Summary")
    let subjectSheets = try Subject.allCases.map { try book.addWorksheet("Schools \(Wording.subject($0.name))") }
    let all = try book.addWorksheet("All rows")
    let chartData = try book.addWorksheet("Chart data")
    try writeTrackingSummary(summary, chartData: chartData, data: data)
    for s in Subject.allCases { try writeSchoolsByWindow(subjectSheets[s.rawValue], data: data, subject: s) }
    try writeTrackingTable(all, data: data)
    let notes = try book.addWorksheet("Notes")
    try writeNotesSheet(
        notes, kind: .targets, title: title, years: "KS2 estimates \(data.estimatesYear)",
        context: context)
    for sheet in [summary, all] + subjectSheets {
        try sheet.pageHeaderFooter(left: title, date: context.dateText)
    }
    chartData.hide()
    try book.close()
}

/// Project and cohort rows per subject and window, and the charts.
private func writeTrackingSummary(_ sheet: Worksheet, chartData: Worksheet, data: TrackingWorkbookData) throws {
    let groups = data.summaries.filter { $0.level != .school }
    let nextRow = try writeTrackingSummaryTable(sheet, data: data, groups: groups)
    let blocks = try writeTrackingChartData(chartData, windows: data.windows, groups: groups)
    try insertTrackingCharts(
        sheet, chartData: chartData, blocks: blocks, windowCount: data.windows.count, row: nextRow + 2)
}

/// The summary table: one row per subject and group (the project, then each cohort), each window's
/// mean predicted progress, interval and focus pupils on track across; returns the row after it.
private func writeTrackingSummaryTable(_ sheet: Worksheet, data: TrackingWorkbookData, groups: [TrackingSummary])
    throws -> Int
{
    let windows = data.windows
    try sheet.write(0, 0, "In-year tracking: predicted progress by window", .title)
    try sheet.write(1, 0, predictedNote, .note)
    try sheet.write(
        2, 0,
        "Predicted progress = predicted score − the estimate from national estimates of KS2 "
            + "\(data.estimatesYear); 95% interval as for progress; "
            + "SUPP = 5 or fewer pupils with a prediction. "
            + "Focus pupils are fixed at their first prediction.", .note)
    var header = ["Subject", "Group"]
    for w in windows { header += ["\(w): mean predicted progress", "\(w): 95% interval", "\(w): focus on track"] }
    try sheet.rowHeight(4, 45)
    try sheet.header(4, header)
    var r = 5
    for subject in Subject.allCases {
        let rows = groups.filter { $0.subject == subject }
        var seen: [String] = []
        for g in rows where !seen.contains(g.level.name + g.id) { seen.append(g.level.name + g.id) }
        for key in seen {
            let cells = rows.filter { $0.level.name + $0.id == key }
            guard let first = cells.first else { continue }
            try sheet.write(r, 0, Wording.subjectTitle(subject))
            try sheet.write(
                r, 1, first.level == .project ? "Project (all schools)" : first.name,
                CellStyle(bold: first.level == .project))
            for c in cells {
                try writePredictedMean(sheet, r, 2 + 3 * c.window, c)
                try sheet.write(r, 3 + 3 * c.window, intervalText(c))
                try sheet.write(r, 4 + 3 * c.window, focusOnTrackText(c))
            }
            r += 1
        }
    }
    try sheet.columnWidth(0, 0, 10)
    try sheet.columnWidth(1, 1, 24)
    for w in windows.indices {
        try sheet.columnWidth(2 + 3 * w, 2 + 3 * w, 10)
        try sheet.columnWidth(3 + 3 * w, 3 + 3 * w, 16)
        try sheet.columnWidth(4 + 3 * w, 4 + 3 * w, 11)
    }
    try sheet.printSetup(onePage: true)  // the table and its four charts on one page (legends spilled over)
    return r
}

/// Where the charts read from: one block per subject on the hidden chart-data sheet (windows down,
/// the project then each cohort across), and the cohort names in column order.
private struct TrackingChartBlocks {
    /// The header row of each subject's block, by `Subject.rawValue`.
    var firstRows: [Int]
    var cohortNames: [String]
}

/// The chart data: one block per subject, windows down, project then cohorts across.
private func writeTrackingChartData(_ chartData: Worksheet, windows: [String], groups: [TrackingSummary]) throws
    -> TrackingChartBlocks
{
    try chartData.write(0, 0, "Mean predicted progress by window (chart data)", .title)
    let cohortNames = groups.filter { $0.level == .cohort }.map(\.name)
    var names: [String] = []
    for n in cohortNames where !names.contains(n) { names.append(n) }
    var blocks: [Int] = []
    var d = 2
    for subject in Subject.allCases {
        blocks.append(d)
        try chartData.header(d, ["\(Wording.subjectTitle(subject)) window", "Project"] + names)
        for (w, name) in windows.enumerated() {
            try chartData.write(d + 1 + w, 0, name)
            for c in groups where c.subject == subject && c.window == w {
                let col = c.level == .project ? 1 : 2 + (names.firstIndex(of: c.name) ?? 0)
                try chartData.write(d + 1 + w, col, c.status == .supp ? nil : c.predictedProgress, .signed2)
            }
        }
        d += windows.count + 3
    }
    try chartData.columnWidth(0, 0, 16)
    try chartData.columnWidth(1, 1 + names.count, 14)
    return TrackingChartBlocks(firstRows: blocks, cohortNames: names)
}

/// The project's three subjects by window in one line chart, then one column chart per subject
/// with the cohorts side by side, from `row` down.
private func insertTrackingCharts(
    _ sheet: Worksheet, chartData: Worksheet, blocks: TrackingChartBlocks, windowCount: Int, row chartRow: Int
) throws {
    let colours: [RGB] = [0x2E75B6, 0xC55A11, 0x548235]
    let line = try sheet.workbook.addChart(LXW_CHART_LINE)
    line.title("Project: mean predicted progress by window")
    for subject in Subject.allCases {
        let b = blocks.firstRows[subject.rawValue]
        let series = try line.addSeries(
            name: Wording.subjectTitle(subject),
            categories: chartData.range(b + 1, 0, b + windowCount, 0),
            values: chartData.range(b + 1, 1, b + windowCount, 1))
        series.line(colour: colours[subject.rawValue])
        series.marker(LXW_CHART_MARKER_CIRCLE, size: 6, colour: colours[subject.rawValue])
    }
    line.yAxisName("Mean predicted progress")
    line.yNumberFormat("0.0")
    line.xLabelsLow()
    line.legendBottom()
    line.blanksAsGaps()
    try sheet.insert(line, row: chartRow, col: 0)
    for subject in Subject.allCases {
        let b = blocks.firstRows[subject.rawValue]
        let chart = try sheet.workbook.addChart(LXW_CHART_COLUMN)
        chart.title("\(Wording.subjectTitle(subject)): project and cohorts, mean predicted progress")
        let cats = chartData.range(b + 1, 0, b + windowCount, 0)
        let project = try chart.addSeries(
            name: "Project", categories: cats,
            values: chartData.range(b + 1, 1, b + windowCount, 1))
        project.fill(colour: 0x1F4E79)
        for (k, n) in blocks.cohortNames.enumerated() {
            try chart.addSeries(
                name: n, categories: cats,
                values: chartData.range(b + 1, 2 + k, b + windowCount, 2 + k))
        }
        chart.yAxisName("Mean predicted progress")
        chart.yNumberFormat("0.0")
        chart.xLabelsLow()
        chart.legendBottom()
        chart.blanksAsGaps()
        let place = subject.rawValue + 1
        try sheet.insert(chart, row: chartRow + 16 * (place / 2), col: place % 2 == 0 ? 0 : 5)
    }
}

/// One subject's schools × windows: pupils with a prediction, mean predicted progress (SUPP when
/// suppressed), its interval and focus pupils predicted on track.
private func writeSchoolsByWindow(_ sheet: Worksheet, data: TrackingWorkbookData, subject: Subject) throws {
    let windows = data.windows
    try sheet.write(0, 0, "\(Wording.subjectTitle(subject)): schools by window, mean predicted progress", .title)
    try sheet.write(1, 0, predictedNote + " SUPP = 5 or fewer pupils with a prediction.", .note)
    var header = ["URN", "School"]
    for w in windows {
        header += ["\(w): pupils", "\(w): mean predicted progress", "\(w): 95% interval", "\(w): focus on track"]
    }
    try sheet.rowHeight(3, 45)
    try sheet.header(3, header)
    let rows = data.summaries.filter { $0.level == .school && $0.subject == subject }
    var r = 3
    var current = ""
    for s in rows {
        if s.id != current {
            r += 1
            current = s.id
            try sheet.write(r, 0, s.id)
            try sheet.write(r, 1, s.name)
        }
        try sheet.write(r, 2 + 4 * s.window, s.pupils)
        try writePredictedMean(sheet, r, 3 + 4 * s.window, s)
        try sheet.write(r, 4 + 4 * s.window, intervalText(s))
        try sheet.write(r, 5 + 4 * s.window, focusOnTrackText(s))
    }
    var widths: [Double] = [8, 30]
    for _ in windows { widths += [9, 9, 15, 9] }
    try sheet.columnWidths(widths)
    sheet.freezePanes(rows: 4, cols: 2)
    // four windows of four columns do not fit one page at a legible size: the URN and school
    // name are repeated on every page instead
    try sheet.printTable(columnWidths: widths, repeatRows: 3...3, repeatColumns: 0...1)
}

/// Every row of track_schools.csv, for analysts.
private func writeTrackingTable(_ sheet: Worksheet, data: TrackingWorkbookData) throws {
    let header = [
        "Level", "Id", "Name", "Subject", "Window", "Pupils with a prediction", "Mean predicted progress",
        "Lower", "Upper", "Status", "Focus pupils", "Focus predicted on track", "Movement since first window",
    ]
    try sheet.write(0, 0, "All tracking rows (track_schools.csv)", .title)
    try sheet.write(1, 0, predictedNote, .note)
    try sheet.rowHeight(3, 45)  // three-line titles ("Focus predicted on track") were cut at 30
    try sheet.header(3, header)
    for (k, s) in data.summaries.enumerated() {
        let r = 4 + k
        try sheet.write(r, 0, s.level.name)
        try sheet.write(r, 1, s.id)
        try sheet.write(r, 2, s.name)
        try sheet.write(r, 3, s.subject.name)
        try sheet.write(r, 4, data.windows[s.window])
        try sheet.write(r, 5, s.pupils)
        try writePredictedMean(sheet, r, 6, s)
        try sheet.write(r, 7, s.status == .supp ? nil : s.lower, .signed2)
        try sheet.write(r, 8, s.status == .supp ? nil : s.upper, .signed2)
        try sheet.write(r, 9, s.status.name)
        try sheet.write(r, 10, s.focus)
        try sheet.write(r, 11, s.focusOnTrack)
        try sheet.write(r, 12, s.status == .supp ? nil : s.movement, .signed2)
    }
    try sheet.columnWidth(0, 1, 10)
    try sheet.columnWidth(2, 2, 30)
    try sheet.columnWidth(3, 12, 11)
    sheet.freezePanes(rows: 4)
    if !data.summaries.isEmpty { try sheet.autofilter(3, 0, 3 + data.summaries.count, header.count - 1) }
    try sheet.printSetup(repeatRows: 3...3)
}
