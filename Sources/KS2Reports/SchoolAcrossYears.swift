import CXLSXWriter
import KS2Core

/// The school's measures across years on its workbook (methodology.md §10): the three-year line
/// and the disadvantaged gap on the Overview, each year with its change on the Trend sheet.
/// A figure whose status is suppressed is never written: its cell says SUPP.

extension Wording {
    /// The changes a pair or window of years crosses, as a reader says them, e.g.
    /// "capping (extremely negative scores capped from 2018)"; empty when none.
    static func comparability(_ changes: [ComparabilityChange]) -> String {
        changes.map { "\($0.name) (\($0.explanation))" }.joined(separator: "; ")
    }

    /// A year range as a reader writes it: `2017–2019`, or one year.
    static func years(_ years: [Int]) -> String {
        guard let first = years.min(), let last = years.max() else { return "" }
        return first == last ? String(first) : "\(first)\u{2013}\(last)"
    }

    /// What an interval says against 0.
    static func significance(lower: Double?, upper: Double?) -> String {
        if let lower, lower > 0 { return "significantly above" }
        if let upper, upper < 0 { return "significantly below" }
        return lower == nil || upper == nil ? "" : "not significant"
    }
}

/// The style of a significance cell: green above, red below, plain otherwise.
private func significanceStyle(lower: Double?, upper: Double?) -> CellStyle {
    var style = CellStyle(indent: true)
    if let lower, lower > 0 { style.fontColor = 0x006100 }
    if let upper, upper < 0 { style.fontColor = 0x9C0006 }
    return style
}

/// Overview columns of the across-years tables, aligned with the progress table above them.
private let acrossPupilsColumn = 1
private let acrossValueColumn = 3
private let acrossSignificanceColumn = 6

/// Writes a figure, its interval and what the interval says (4 cells from `acrossValueColumn`):
/// SUPP and empty cells when the status may not be shown, greyed with the reason when not published.
private func writeInterval(_ sheet: Worksheet, _ row: Int, _ figure: SubjectResult) throws {
    try sheet.writeProgress(row, acrossValueColumn, figure)
    guard figure.status == .ok, figure.progress != nil else { return }
    let words = Wording.significance(lower: figure.lower, upper: figure.upper)
    try sheet.write(
        row, acrossSignificanceColumn, words, significanceStyle(lower: figure.lower, upper: figure.upper))
}

/// The Overview's three-year line and disadvantaged gap, from `first`; returns the next free row
/// (`first` when the run has neither measure).
func writeAcrossYearsOverview(_ sheet: Worksheet, _ data: SchoolWorkbookData, at first: Int) throws -> Int {
    var row = first
    let threeYear = data.acrossYears.threeYear
    if !threeYear.isEmpty {
        row = try writeThreeYearLines(sheet, threeYear, at: row)
        row += 1
    }
    let gaps = data.acrossYears.gaps.filter { $0.year == data.school.year }
    if !gaps.isEmpty {
        row = try writeGapLines(sheet, gaps, at: row)
        row += 1
    }
    return row
}

/// Three-year progress per subject: pupils pooled, interval, significance, and the methodology
/// changes the window crosses.
private func writeThreeYearLines(_ sheet: Worksheet, _ rows: [ThreeYearRow], at first: Int) throws -> Int {
    let years = Array(Set(rows.flatMap(\.years))).sorted()
    try sheet.rowHeight(first, 30)
    try sheet.header(
        first,
        [
            "Three-year progress \(Wording.years(years)) (pupils pooled)", "Pupils", "", "Progress",
            "95% CI lower", "95% CI upper", "Against England",
        ])
    var row = first + 1
    for r in rows {
        try sheet.write(row, 0, Wording.subjectTitle(r.subject), CellStyle(bold: true))
        try sheet.write(row, acrossPupilsColumn, r.n)
        let figure = SubjectResult(n: r.n, progress: r.progress, lower: r.lower, upper: r.upper, status: r.status)
        try writeInterval(sheet, row, figure)
        row += 1
    }
    let changes = comparabilityChanges(years: years)
    var note = "Each pupil against their own year's estimates; the interval from each year's σ. "
    if changes.isEmpty {
        note += "The years share one methodology."
    } else {
        note += "Not fully comparable: the years cross " + Wording.comparability(changes) + "."
    }
    try sheet.merge(row, 0, row, 8, note, CellStyle.note.wrapped)
    try sheet.rowHeight(row, changes.isEmpty ? 15 : 27)
    return row + 1
}

/// The disadvantaged gap per subject: disadvantaged pupils' progress against England's other
/// pupils with its interval (the DfE's DIFFN_*PROG), and the gap to the school's own other pupils.
private func writeGapLines(_ sheet: Worksheet, _ rows: [GapRow], at first: Int) throws -> Int {
    let year = rows.first?.year ?? 0
    try sheet.rowHeight(first, 30)
    try sheet.header(
        first,
        [
            "Disadvantaged pupils \(year): gap to England's other pupils", "Pupils", "", "Gap",
            "95% CI lower", "95% CI upper", "Against England's other pupils", "Gap in school",
            "England others",
        ])
    var row = first + 1
    var unknownNational = false
    for r in rows {
        let d = r.disadvantaged
        try sheet.write(row, 0, Wording.subjectTitle(r.subject), CellStyle(bold: true))
        try sheet.write(row, acrossPupilsColumn, d.n)
        if r.nationalOtherProgress == nil && !isSuppressed(d.status) {
            unknownNational = true
            try sheet.write(row, acrossValueColumn, "n/a", CellStyle.plain.greyed)
        } else {
            let gap = SubjectResult(n: d.n, progress: r.gap, lower: r.gapLower, upper: r.gapUpper, status: d.status)
            try writeInterval(sheet, row, gap)
        }
        // the within-school gap would reveal a suppressed group's figure from the other's: SUPP if either is
        if isSuppressed(d.status) || isSuppressed(r.other.status) {
            try sheet.write(row, 7, suppressedText, .suppressed)
        } else {
            try sheet.write(row, 7, r.withinSchoolGap, d.status == .ok ? CellStyle.signed2 : CellStyle.signed2.greyed)
        }
        try sheet.write(row, 8, r.nationalOtherProgress, .signed2)
        row += 1
    }
    var note =
        "Gap: disadvantaged pupils' progress minus that of England's other (non-disadvantaged) pupils, "
        + "as the DfE publishes it; within school: minus this school's other pupils."
    if unknownNational { note += " n/a: this run has no progress of England's other pupils." }
    try sheet.merge(row, 0, row, 8, note, CellStyle.note.wrapped)
    try sheet.rowHeight(row, 27)
    return row + 1
}

/// The Trend sheet: per subject, each year's progress with its 95% interval and band or status,
/// the change from the previous year and the methodology changes that change crosses; the years'
/// pupils and attainment; and a chart of each year's progress with its interval (suppressed years
/// left out). Returns the next free chart-data row.
func writeTrendSheet(_ sheet: Worksheet, _ data: SchoolWorkbookData, chartData: Worksheet, chartRow: Int) throws
    -> Int
{
    let trends = data.acrossYears.trends
    try sheet.write(0, 0, "Progress by year, with 95% intervals and the change from the previous year", .title)
    try sheet.rowHeight(1, 30)
    try sheet.header(
        1,
        [
            "Subject", "Year", "Pupils", "Progress", "95% CI lower", "95% CI upper", "Band", "Change",
            "From", "Comparability of the change",
        ])
    var row = 2
    for r in trends {
        let figure = SubjectResult(
            n: r.n, progress: r.progress, lower: r.lower, upper: r.upper, status: r.status, band: r.band)
        try sheet.write(row, 0, Wording.subjectTitle(r.subject), CellStyle(bold: true))
        try sheet.write(row, 1, String(r.year))
        try sheet.write(row, 2, r.n)
        try sheet.writeProgress(row, 3, figure)
        if let previous = r.previousYear {
            if let change = r.change {
                try sheet.write(row, 7, change, .signed2)
            } else {
                try sheet.write(row, 7, "n/a", CellStyle.plain.greyed)
            }
            try sheet.write(row, 8, String(previous), CellStyle(indent: true))
            if !r.comparability.isEmpty {
                let text = "Not comparable: " + Wording.comparability(r.comparability)
                try sheet.write(row, 9, text, CellStyle(fontColor: 0x9C5700))
            }
        }
        row += 1
    }
    try sheet.write(
        row, 0,
        "Change: progress minus the previous year's with a figure, when both years are published (n/a otherwise). "
            + "SUPP: 5 or fewer pupils; the DfE does not publish such figures.", .note)
    row += 2
    row = try writeTrendAttainment(sheet, data.trend, at: row)
    try sheet.columnWidth(0, 0, 10)
    try sheet.columnWidth(1, 2, 8)
    try sheet.columnWidth(3, 5, 9)
    try sheet.columnWidth(6, 6, 20)
    try sheet.columnWidth(7, 8, 8)
    try sheet.columnWidth(9, 9, 70)
    sheet.freezePanes(rows: 2)
    try sheet.printSetup(repeatRows: 1...1, landscape: true)
    return try writeTrendChart(sheet, trends, at: row + 1, chartData: chartData, chartRow: chartRow)
}

/// The years' eligible pupils and reading, writing and maths attainment, under the trend table.
private func writeTrendAttainment(_ sheet: Worksheet, _ years: [SchoolResult], at first: Int) throws -> Int {
    guard !years.isEmpty else { return first }
    try sheet.rowHeight(first, 30)
    try sheet.header(first, ["Year", "Eligible pupils", "% RWM expected"], from: 1)
    var row = first + 1
    for r in years {
        try sheet.write(row, 1, String(r.year))
        try sheet.write(row, 2, r.eligible)
        try sheet.writePercent(row, 3, r[.pctRwmExp])
        row += 1
    }
    return row
}

extension Chart {
    /// The x axis's major unit (one year apart on the trend chart).
    func xMajorUnit(_ unit: Double) { chart_axis_set_major_unit(handle.pointee.x_axis, unit) }
}

/// Whether a trend row's figure may be plotted: shown (not suppressed) and present.
private func plottable(_ r: TrendRow) -> Bool { !isSuppressed(r.status) && r.progress != nil }

/// Each subject's progress by year as dots joined by lines, each with its 95% interval as a
/// vertical whisker, subjects set slightly apart; England's 0 as a line. Suppressed years are gaps.
private func writeTrendChart(
    _ sheet: Worksheet, _ trends: [TrendRow], at sheetRow: Int, chartData: Worksheet, chartRow: Int
) throws -> Int {
    let years = Array(Set(trends.map(\.year))).sorted()
    guard years.count >= 2, let firstYear = years.first, let lastYear = years.last else { return chartRow }
    guard trends.contains(where: plottable) else {
        try sheet.write(sheetRow, 0, "No chart: every year's figures are suppressed (SUPP).", .note)
        return chartRow
    }
    let chart = try sheet.workbook.addChart(LXW_CHART_SCATTER_STRAIGHT)
    chart.title("Progress by year with 95% interval")
    let colours: [RGB] = [0x2E75B6, 0xED7D31, 0x70AD47]
    let (points, whiskers, next) = try writeTrendChartData(trends, years: years, to: chartData, at: chartRow)
    for s in Subject.allCases {
        let rows = points[s.rawValue]
        let series = try chart.addSeries(
            name: Wording.subjectTitle(s), categories: chartData.range(rows.lowerBound, 1, rows.upperBound, 1),
            values: chartData.range(rows.lowerBound, 2, rows.upperBound, 2))
        series.line(colour: colours[s.rawValue], width: 1.5)
        series.marker(LXW_CHART_MARKER_CIRCLE, size: 7, colour: colours[s.rawValue])
    }
    // whole years on the axis: its ends one year beyond the first and last (ticks start at the minimum)
    let axisLow = Double(firstYear - 1)
    let axisHigh = Double(lastYear + 1)
    try chartData.write(next, 3, axisLow)
    try chartData.write(next, 4, 0.0)
    try chartData.write(next + 1, 3, axisHigh)
    try chartData.write(next + 1, 4, 0.0)
    let zero = try chart.addSeries(
        name: "England (0)", categories: chartData.range(next, 3, next + 1, 3),
        values: chartData.range(next, 4, next + 1, 4))
    zero.line(colour: 0x404040, width: 1)
    zero.marker(LXW_CHART_MARKER_NONE)
    for w in whiskers {
        let series = try chart.addSeries(
            name: "95% interval", categories: chartData.range(w.top, 3, w.top + 1, 3),
            values: chartData.range(w.top, 4, w.top + 1, 4))
        series.line(colour: colours[w.subject.rawValue], width: 2)
        series.marker(LXW_CHART_MARKER_NONE)
    }
    let shown = Subject.allCases.count + 1
    chart.deleteLegendEntries((0..<whiskers.count).map { Int16(shown + $0) })
    chart.xRange(axisLow, axisHigh)
    chart.xMajorUnit(1)
    chart.xNumberFormat("0")
    chart.xLabelsLow()
    chart.yAxisName("Progress (0 = national average)")
    chart.yNumberFormat("0.0")
    chart.legendBottom()
    chart.blanksAsGaps()
    try sheet.insert(chart, row: sheetRow, col: 0, xScale: 1.6, yScale: 1.3)
    return next + 3
}

/// The trend chart's data on the hidden sheet from `first`: per subject one row per year (x set
/// slightly apart per subject, progress blank where suppressed) in columns 0–2, and each shown
/// year's interval as two rows in columns 3–4. Returns each subject's rows, each whisker's first
/// row and subject, and the next free row.
private func writeTrendChartData(
    _ trends: [TrendRow], years: [Int], to chartData: Worksheet, at first: Int
) throws -> (points: [ClosedRange<Int>], whiskers: [(top: Int, subject: Subject)], next: Int) {
    try chartData.write(first, 0, "Progress by year with 95% interval (suppressed years left out)", .title)
    try chartData.header(first + 1, ["Subject", "Year (x)", "Progress", "Whisker x", "Whisker y"])
    var next = first + 2
    var whiskerRow = first + 2
    var points: [ClosedRange<Int>] = []
    var whiskers: [(top: Int, subject: Subject)] = []
    for s in Subject.allCases {
        let x = { (year: Int) in Double(year) + 0.12 * Double(s.rawValue - 1) }
        let top = next
        for y in years {
            try chartData.write(next, 0, Wording.subjectTitle(s))
            try chartData.write(next, 1, x(y))
            if let r = trends.first(where: { $0.subject == s && $0.year == y }), plottable(r) {
                try chartData.write(next, 2, r.progress, .dp2)
                if let lower = r.lower, let upper = r.upper {
                    whiskers.append((whiskerRow, s))
                    try chartData.write(whiskerRow, 3, x(y))
                    try chartData.write(whiskerRow, 4, lower, .dp2)
                    try chartData.write(whiskerRow + 1, 3, x(y))
                    try chartData.write(whiskerRow + 1, 4, upper, .dp2)
                    whiskerRow += 2
                }
            }
            next += 1
        }
        points.append(top...(next - 1))
    }
    return (points, whiskers, max(next, whiskerRow))
}
