import CXLSXWriter
import Foundation
import KS2Core

/// funnel.csv's columns, in formats.md's order.
public let funnelCSVHeader = [
    "year", "urn", "name", "la", "subject", "n", "progress", "limit95", "limit998",
    "outside95", "outside998",
]

/// funnel.csv (formats.md): one row per year, school and subject with status `ok` or `supp`.
public func funnelCSV(_ rows: [FunnelRow]) -> [UInt8] {
    var w = CSVWriter(header: funnelCSVHeader, capacity: 120 * (rows.count + 1))
    for r in rows {
        w.appendInt(r.year)
        w.appendText(r.urn)
        w.appendText(r.name)
        w.appendText(r.la)
        w.appendText(r.subject.name)
        w.appendInt(r.n)
        w.appendDouble(r.progress)
        w.appendDouble(r.limit95)
        w.appendDouble(r.limit998)
        w.appendYesNo(r.outside95)
        w.appendYesNo(r.outside998)
        w.endRow()
    }
    return w.bytes
}

/// Colours told apart in print, one per LA (a fifth LA and later share the last).
private let laColours: [RGB] = [0x2E75B6, 0xED7D31, 0x70AD47, 0x7030A0, 0x7F7F7F]

/// The "County charts" sheet: per subject, each LA's progress by year with its interval against
/// England (0), and the latest year's funnel plot (every unsuppressed school a point, coloured by
/// LA, project-cohort schools highlighted, 95% and 99.8% limits as lines). Returns the next chart-data row.
func writeCountyCharts(
    _ sheet: Worksheet, chartData: Worksheet, data: ImpactWorkbookData,
    chartRow: Int
) throws -> Int {
    try sheet.columnWidth(0, 30, 8.43)
    try sheet.write(0, 0, "County comparison: each LA against England (0) by year, and the funnel plot", .title)
    try sheet.write(
        1, 0,
        "Intervals are 95%. Funnel: each school's progress against its pupils in the measure; "
            + "dashed lines the 95% and 99.8% limits around 0. Suppressed schools (5 or fewer pupils) are not plotted.",
        .note)
    var next = chartRow
    let laRows = preferredLARows(data.comparison)
    let las = Array(Set(laRows.map(\.id))).sorted()
    var sheetRow = 3
    for s in Subject.allCases {
        var points: [IntervalPoint] = []
        for r in laRows.sorted(by: { ($0.year, $0.id) > ($1.year, $1.id) }) {
            let m = r[s]
            guard let p = m.progress, !isSuppressed(m.status) else { continue }
            let fullName = r.name.isEmpty ? r.id : r.name
            let pooled = fullName.contains(" (pooled from")
            let name = fullName.components(separatedBy: " (pooled from")[0].prefix(24) + (pooled ? " (pooled)" : "")
            let colour = laColours[min(las.firstIndex(of: r.id) ?? 0, laColours.count - 1)]
            points.append(
                IntervalPoint(
                    label: "\(r.year) \(name)", value: p, lower: m.lower,
                    upper: m.upper, colour: colour))
        }
        var rowsUsed = 16
        if !points.isEmpty {
            let (chart, end) = try intervalBarChart(
                sheet.workbook,
                title: "\(Wording.subjectTitle(s)): LA progress "
                    + "by year (0 = England)", axisName: "Progress",
                points: points, data: chartData, firstRow: next)
            next = end + 1
            try sheet.insert(chart, row: sheetRow, col: 0, xScale: 1.0, yScale: max(1, chartScale(points.count)))
            rowsUsed = max(rowsUsed, chartRows(points.count))
        }
        if let (chart, end) = try funnelChart(
            sheet.workbook, subject: s, data: data, las: las, chartData: chartData,
            firstRow: next)
        {
            next = end + 1
            try sheet.insert(chart, row: sheetRow, col: 8, xScale: 1.25, yScale: 1.0)
        }
        sheetRow += rowsUsed
    }
    try sheet.printArea(rows: 0...sheetRow, lastCol: 17)
    // the three subjects' charts on one page (a page break through a chart cuts it in two)
    try sheet.printSetup(landscape: true, onePage: true)
    return next
}

/// Per (year, LA) the row to chart: one with intervals first (published LA rows often have none,
/// the rows pooled from the LA's schools do), then published, then computed, then pooled.
func preferredLARows(_ rows: [SchoolResult]) -> [SchoolResult] {
    var chosen: [String: SchoolResult] = [:]
    func rank(_ r: SchoolResult) -> Int {
        let source = r.source == .published ? 0 : (r.name.contains("(pooled from") ? 2 : 1)
        let withIntervals = Subject.allCases.allSatisfy { r[$0].lower != nil || r[$0].progress == nil }
        return (withIntervals ? 0 : 3) + source
    }
    for r in rows where r.level == .la {
        let key = "\(r.year) \(r.id)"
        if let old = chosen[key], rank(old) <= rank(r) { continue }
        chosen[key] = r
    }
    return chosen.values.sorted { ($0.year, $0.id) < ($1.year, $1.id) }
}

/// The funnel's limit lines as chart data from `first` (a header, then 41 points from 6 pupils to
/// the largest school on a log scale); returns the rows of the points.
private func writeFunnelLimits(_ chartData: Worksheet, from first: Int, sigma: Double, maxN: Int) throws
    -> ClosedRange<Int>
{
    var row = first
    try chartData.header(row, ["Pupils", "+95%", "−95%", "+99.8%", "−99.8%"])
    row += 1
    let limitTop = row
    let minN = 6
    let steps = 40
    for k in 0...steps {
        let n = Double(minN) * pow(Double(max(maxN, minN + 1)) / Double(minN), Double(k) / Double(steps))
        let root = n.squareRoot()
        try chartData.write(row, 0, n, .dp1)
        try chartData.write(row, 1, 1.96 * sigma / root, .dp2)
        try chartData.write(row, 2, -1.96 * sigma / root, .dp2)
        try chartData.write(row, 3, 3.09 * sigma / root, .dp2)
        try chartData.write(row, 4, -3.09 * sigma / root, .dp2)
        row += 1
    }
    return limitTop...(row - 1)
}

/// The funnel's points as series: one per LA, other schools, then the project-cohort schools on top.
private func funnelPointGroups(_ rows: [FunnelRow], las: [String], cohortURNs: Set<String>)
    -> [(String, [FunnelRow], RGB, lxw_chart_marker_type)]
{
    var groups: [(String, [FunnelRow], RGB, lxw_chart_marker_type)] = []
    for (i, la) in las.enumerated() {
        let members = rows.filter { $0.la == la && !cohortURNs.contains($0.urn) }
        if !members.isEmpty {
            let colour = laColours[min(i, laColours.count - 1)]
            groups.append(("LA \(la) schools", members, colour, LXW_CHART_MARKER_CIRCLE))
        }
    }
    let others = rows.filter { !las.contains($0.la) && !cohortURNs.contains($0.urn) }
    if !others.isEmpty { groups.append(("Other schools", others, 0xA5A5A5, LXW_CHART_MARKER_CIRCLE)) }
    let cohort = rows.filter { cohortURNs.contains($0.urn) }
    if !cohort.isEmpty { groups.append(("Project cohort schools", cohort, 0xFFC000, LXW_CHART_MARKER_DIAMOND)) }
    return groups
}

/// The latest year's funnel plot for one subject, or nil when no school can be plotted.
private func funnelChart(
    _ book: Workbook, subject: Subject, data: ImpactWorkbookData, las: [String],
    chartData: Worksheet, firstRow: Int
) throws -> (Chart, Int)? {
    let all = data.funnel.filter { $0.subject == subject && $0.status == .ok }
    guard let year = all.map(\.year).max() else { return nil }
    let rows = all.filter { $0.year == year }
    guard let maxN = rows.map(\.n).max(), let sigmaRow = rows.first else { return nil }
    // σ back from a row's limit: limit95 = 1.96 σ / √n
    let sigma = sigmaRow.limit95 * Double(sigmaRow.n).squareRoot() / 1.96
    let cohortURNs = Set(data.cohortSchools.map(\.urn))
    try chartData.write(firstRow, 0, "Funnel: \(Wording.subject(subject.name)) \(year)", .title)
    let limits = try writeFunnelLimits(chartData, from: firstRow + 1, sigma: sigma, maxN: maxN)
    let (limitTop, limitLast) = (limits.lowerBound, limits.upperBound)
    var row = limitLast + 1
    let chart = try book.addChart(LXW_CHART_SCATTER_STRAIGHT)
    chart.title("\(Wording.subjectTitle(subject)) \(year): funnel plot")
    for (col, name, colour) in [
        (1, "95% limits", RGB(0x7F7F7F)), (2, "", RGB(0x7F7F7F)),
        (3, "99.8% limits", RGB(0xC00000)), (4, "", RGB(0xC00000)),
    ] {
        let series = try chart.addSeries(
            name: name.isEmpty ? "lower limit" : name,
            categories: chartData.range(limitTop, 0, limitLast, 0),
            values: chartData.range(limitTop, col, limitLast, col))
        series.dashedLine(colour: colour)
        series.marker(LXW_CHART_MARKER_NONE)
    }
    let groups = funnelPointGroups(rows, las: las, cohortURNs: cohortURNs)
    try chartData.header(row, ["Pupils", "Progress", "Group"])
    row += 1
    for (name, members, colour, marker) in groups {
        let top = row
        for m in members {
            try chartData.write(row, 0, m.n)
            try chartData.write(row, 1, m.progress, .dp2)
            try chartData.write(row, 2, name)
            row += 1
        }
        let series = try chart.addSeries(
            name: name, categories: chartData.range(top, 0, row - 1, 0),
            values: chartData.range(top, 1, row - 1, 1))
        series.noLine()
        series.marker(marker, size: marker == LXW_CHART_MARKER_DIAMOND ? 8 : 5, colour: colour)
    }
    chart.deleteLegendEntries([1, 3])
    chart.xAxisName("Pupils in the measure")
    chart.yAxisName("Progress")
    chart.yNumberFormat("0.0")
    chart.xNumberFormat("0")
    chart.xLabelsLow()
    chart.legendBottom()
    return (chart, row)
}
