import CXLSXWriter
import Foundation
import KS2Core

/// One row of a dot-and-whisker chart: a label, a value, its 95% interval and a colour.
struct IntervalPoint {
    var label: String
    var value: Double
    var lower: Double?
    var upper: Double?
    var colour: RGB
}

/// The colour of a band as ASP draws it: greens above, greys average, reds below; no band grey.
func bandColour(_ band: Int?) -> RGB {
    switch band {
    case 1: return 0x00873D
    case 2: return 0x5DB85C
    case 4: return 0xE06666
    case 5: return 0xA50021
    default: return 0x7F7F7F
    }
}

/// The colour of a difference by its interval: green when wholly above 0, red wholly below, grey otherwise.
func significanceColour(lower: Double?, upper: Double?) -> RGB {
    if let lower, lower > 0 { return 0x00873D }
    if let upper, upper < 0 { return 0xC00000 }
    return 0x7F7F7F
}

/// An axis range that holds every value and 0, padded and widened to whole halves.
func paddedRange(_ values: [Double]) -> (Double, Double) {
    let low = min(0, values.min() ?? 0)
    let high = max(0, values.max() ?? 0)
    let pad = max(0.5, (high - low) * 0.08)
    return (((low - pad) * 2).rounded(.down) / 2, ((high + pad) * 2).rounded(.up) / 2)
}

/// Axis bounds on whole steps of a round unit, so that the ticks fall on 0 and round numbers.
struct RoundAxis: Equatable {
    var min: Double
    var max: Double
    var unit: Double

    /// The smallest range of whole `unit` steps holding `low...high`, the unit 1, 2 or 5 × 10ⁿ giving
    /// about four to eight steps.
    init(_ low: Double, _ high: Double) {
        let step = Swift.max(high - low, 1e-9) / 6
        let magnitude = pow(10, log10(step).rounded(.down))
        unit = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= step * 0.999_999 } ?? 10 * magnitude
        min = (low / unit).rounded(.down) * unit
        max = (high / unit).rounded(.up) * unit
    }
}

/// A horizontal dot-and-whisker (forest) chart drawn as a scatter chart, so it renders alike in
/// Excel and LibreOffice: one row per point from the top, the point coloured, its interval a
/// horizontal line, a vertical line at 0 (national average), each point labelled with its text.
/// The data goes on `data` (a hidden sheet) from `firstRow`; returns the chart and the next free row.
func intervalChart(
    _ book: Workbook, title: String, axisName: String, points: [IntervalPoint],
    data: Worksheet, firstRow: Int
) throws -> (Chart, Int) {
    let n = points.count
    try data.write(firstRow, 0, title, .title)
    try data.header(
        firstRow + 1,
        [
            "Label", "Row", "Value", "CI lower", "CI upper", "Whisker x", "Whisker y",
            "Zero line x", "Zero line y",
        ])
    let top = firstRow + 2
    for (i, p) in points.enumerated() {
        let y = Double(n - i)
        try data.write(top + i, 0, p.label)
        try data.write(top + i, 1, y)
        try data.write(top + i, 2, p.value, .dp2)
        try data.write(top + i, 3, p.lower, .dp2)
        try data.write(top + i, 4, p.upper, .dp2)
        try data.write(top + 2 * i, 5, p.lower ?? p.value, .dp2)
        try data.write(top + 2 * i, 6, y)
        try data.write(top + 2 * i + 1, 5, p.upper ?? p.value, .dp2)
        try data.write(top + 2 * i + 1, 6, y)
    }
    try data.write(top, 7, 0.0)
    try data.write(top, 8, 0.3)
    try data.write(top + 1, 7, 0.0)
    try data.write(top + 1, 8, Double(n) + 0.7)

    let chart = try book.addChart(LXW_CHART_SCATTER_STRAIGHT)
    chart.title(title)
    let zero = try chart.addSeries(
        name: "National average (0)", categories: data.range(top, 7, top + 1, 7),
        values: data.range(top, 8, top + 1, 8))
    zero.line(colour: 0x404040, width: 1.25)
    zero.marker(LXW_CHART_MARKER_NONE)
    for (i, p) in points.enumerated() {
        let whisker = try chart.addSeries(
            name: "\(p.label) 95% interval",
            categories: data.range(top + 2 * i, 5, top + 2 * i + 1, 5),
            values: data.range(top + 2 * i, 6, top + 2 * i + 1, 6))
        whisker.line(colour: p.colour, width: 2.25)
        whisker.marker(LXW_CHART_MARKER_NONE)
    }
    let dots = try chart.addSeries(
        name: "Progress", categories: data.range(top, 2, top + n - 1, 2),
        values: data.range(top, 1, top + n - 1, 1))
    dots.noLine()
    dots.marker(LXW_CHART_MARKER_CIRCLE, size: 8, colour: 0x000000)
    try dots.pointColours(points.map(\.colour))
    try dots.labels(points.map { "\($0.label) \(Wording.signed($0.value))" }, position: LXW_CHART_LABEL_POSITION_ABOVE)
    let (low, high) = paddedRange(points.flatMap { [$0.value, $0.lower ?? $0.value, $0.upper ?? $0.value] })
    chart.xAxis(RoundAxis(low, high))
    chart.yRange(0.3, Double(n) + 0.7)
    chart.xAxisName(axisName)
    chart.xNumberFormat("0.0")
    chart.xLabelsLow()
    chart.yAxisNumbersOff()
    chart.legendOff()
    return (chart, top + max(2 * n, 2) + 1)
}

/// A horizontal interval chart for many rows, with each row's name on the category axis (a scatter
/// chart has no place for names): each 95% interval is a floating bar — the bound farther from 0 drawn
/// from 0, the nearer one drawn over it in white when both lie on the same side of 0 — and labelled
/// with its value and interval. The axis line is the national 0. Rows are drawn top to bottom in
/// `points` order. The data goes on `data` from `firstRow`; returns the chart and the next free row.
func intervalBarChart(
    _ book: Workbook, title: String, axisName: String, points: [IntervalPoint],
    data: Worksheet, firstRow: Int
) throws -> (Chart, Int) {
    try data.write(firstRow, 0, title, .title)
    try data.header(firstRow + 1, ["Label", "Value", "CI lower", "CI upper", "Bar to far bound", "Bar to near bound"])
    let top = firstRow + 2
    // a bar chart draws its first category at the bottom: rows are written bottom-up
    let ordered = Array(points.reversed())
    var nearColours: [RGB] = []
    for (i, p) in ordered.enumerated() {
        let lower = p.lower ?? p.value
        let upper = p.upper ?? p.value
        let sameSide = lower >= 0 || upper <= 0
        let far = upper <= 0 ? lower : upper
        let near = upper <= 0 ? upper : lower
        try data.write(top + i, 0, p.label)
        try data.write(top + i, 1, p.value, .dp2)
        try data.write(top + i, 2, p.lower, .dp2)
        try data.write(top + i, 3, p.upper, .dp2)
        try data.write(top + i, 4, far, .dp2)
        try data.write(top + i, 5, near, .dp2)
        nearColours.append(sameSide ? 0xFFFFFF : p.colour)
    }
    let last = top + ordered.count - 1
    let chart = try book.addChart(LXW_CHART_BAR)
    chart.title(title)
    let cats = data.range(top, 0, last, 0)
    let farBars = try chart.addSeries(name: "95% interval", categories: cats, values: data.range(top, 4, last, 4))
    try farBars.pointColours(ordered.map(\.colour))
    // the value only: a longer label wraps in LibreOffice and runs into the next row
    try farBars.labels(
        ordered.map { Wording.signed($0.value) }, position: LXW_CHART_LABEL_POSITION_OUTSIDE_END,
        fontSize: 8)
    let nearBars = try chart.addSeries(name: "near bound", categories: cats, values: data.range(top, 5, last, 5))
    try nearBars.pointColours(nearColours)
    chart.seriesOverlap(100)
    chart.seriesGap(40)
    let (low, high) = paddedRange(points.flatMap { [$0.lower ?? $0.value, $0.upper ?? $0.value] })
    let span = high - low
    // room on both sides for the value labels beyond the bars; libxlsxwriter's bar chart swaps the
    // axes: its x axis is the horizontal value axis, its y axis the categories
    chart.xAxis(RoundAxis(low - 0.15 * span, high + 0.15 * span))
    chart.xAxisName(axisName)
    chart.xNumberFormat("0.0")
    chart.yLabelsLow()
    chart.valueGridlinesOff()
    chart.legendOff()
    return (chart, last + 2)
}
