import CXLSXWriter
import KS2Core

/// Page 1 of the impact workbook: per cohort the sentence to quote, a headline table (change and
/// difference in differences with intervals, coloured when significant), then a chart of each
/// cohort's change against its comparison schools' and the cohort schools' maths progress, sorted,
/// with intervals. Returns the next free chart-data row.
func writeImpactSummary(
    _ sheet: Worksheet, chartData: Worksheet, data: ImpactWorkbookData,
    title: String
) throws -> Int {
    try sheet.columnWidth(0, 0, 24)
    try sheet.columnWidth(1, 1, 8)
    try sheet.columnWidth(2, 4, 9.5)
    // the interval columns hold text like "−2.56 to −0.05" and must not be cut
    for (first, width) in [(5, 15.0), (6, 10.5), (7, 15.0), (8, 11.0), (9, 15.0)] {
        try sheet.columnWidth(first, first, width)
    }
    try sheet.write(0, 0, title, .title)
    try sheet.rowHeight(1, 30)
    var row = 3
    if data.impacts.isEmpty {
        try sheet.merge(
            1, 0, 1, 9,
            "School progress with 95% intervals; green or red = significantly above or below "
                + "the national average (0). See Notes.", CellStyle.note.wrapped)
        try sheet.merge(
            row, 0, row, 9,
            "No project cohorts were given for this run: the County charts sheet "
                + "compares the LAs with England, with funnel plots.", .sentence)
        row += 2
    } else {
        try sheet.merge(
            1, 0, 1, 9,
            "Cohort figures are the mean of school progress scores (schools with figures in "
                + "both years: quote these). Comparison: the other schools of the cohorts' local authorities. Intervals "
                + "are 95%; green or red = significant. See Notes.", CellStyle.note.wrapped)
    }
    var cohortOrder: [String] = []
    for c in data.impacts where !cohortOrder.contains(c.cohort) { cohortOrder.append(c.cohort) }
    for name in cohortOrder {
        row = try writeCohortHeadline(sheet, data.impacts.filter { $0.cohort == name }, at: row)
    }
    var chartRow = 0
    var sheetRow = row + 1
    let changes = cohortChangePoints(data.impacts)
    if !changes.isEmpty {
        let (chart, next) = try intervalBarChart(
            sheet.workbook,
            title: "Change in progress with 95% interval: "
                + "cohort against comparison schools", axisName: "Change in progress",
            points: changes, data: chartData, firstRow: chartRow)
        chartRow = next + 1
        try sheet.insert(chart, row: sheetRow, col: 0, xScale: 1.55, yScale: chartScale(changes.count))
        sheetRow += chartRows(changes.count)
    }
    let (schoolTitle, schoolPoints) = cohortSchoolPoints(data)
    if !schoolPoints.isEmpty {
        let (chart, next) = try intervalBarChart(
            sheet.workbook, title: schoolTitle, axisName: "Maths progress",
            points: schoolPoints, data: chartData, firstRow: chartRow)
        chartRow = next + 1
        try sheet.insert(chart, row: sheetRow, col: 0, xScale: 1.55, yScale: chartScale(schoolPoints.count))
        sheetRow += chartRows(schoolPoints.count)
    }
    try sheet.printArea(rows: 0...max(sheetRow, row), lastCol: 9)
    try sheet.printSetup(landscape: false)
    sheet.activate()
    return chartRow
}

/// A chart's height scale for `points` rows (about 22 pixels a row, at least the default 288).
func chartScale(_ points: Int) -> Double { max(1, Double(60 + 22 * points) / 288) }

/// The sheet rows a chart of `points` rows covers (20-pixel rows), plus one.
func chartRows(_ points: Int) -> Int { Int((288 * chartScale(points) / 20).rounded(.up)) + 1 }

/// One cohort's block: its name and years, the maths sentence in bold, the headline table.
private func writeCohortHeadline(_ sheet: Worksheet, _ rows: [CohortImpact], at first: Int) throws -> Int {
    guard let any = rows.first else { return first }
    var row = first
    let schools = rows.map(\.schools).max() ?? 0
    try sheet.write(
        row, 0,
        "Cohort \(any.cohort): \(any.baselineYear) → \(any.outcomeYear), \(schools) "
            + "school\(schools == 1 ? "" : "s") with both years", CellStyle(bold: true, fontSize: 12))
    row += 1
    if let maths = rows.first(where: { $0.subject == "mat" }) {
        try sheet.rowHeight(row, 46)
        try sheet.merge(row, 0, row, 9, impactSentence(maths), CellStyle(bold: true, wrap: true, verticalTop: true))
        row += 1
    }
    try sheet.rowHeight(row, 30)
    try sheet.header(
        row,
        [
            "Subject", "Schools", "Baseline mean", "Outcome mean", "Change", "Change 95% CI",
            "Comparison change", "Comparison 95% CI", "Difference in differences", "Difference 95% CI",
        ])
    row += 1
    for c in rows {
        try sheet.write(row, 0, Wording.subject(c.subject).capitalizedFirst, CellStyle(bold: true, wrap: true))
        try sheet.write(row, 1, c.schools)
        if c.subject == "rwm" {
            try sheet.writePercent(row, 2, c.baselinePctExp, CellStyle(numberFormat: "0.0%"))
            try sheet.writePercent(row, 3, c.outcomePctExp, CellStyle(numberFormat: "0.0%"))
            if let a = c.baselinePctExp, let b = c.outcomePctExp {
                try sheet.write(row, 4, "\(Wording.signed(b - a, decimals: 1)) pts")
            }
            try sheet.write(row, 5, "% expected standard", .note)
            try sheet.rowHeight(row, 30)
        } else {
            try sheet.write(row, 2, c.baselineMean, .signed2)
            try sheet.write(row, 3, c.outcomeMean, .signed2)
            try sheet.write(row, 4, c.change, significantStyle(c.changeLower, c.changeUpper))
            try sheet.write(row, 5, intervalText(c.changeLower, c.changeUpper), CellStyle(indent: true))
            try sheet.write(row, 6, c.comparisonChange, significantStyle(c.comparisonLower, c.comparisonUpper))
            try sheet.write(row, 7, intervalText(c.comparisonLower, c.comparisonUpper), CellStyle(indent: true))
            try sheet.write(row, 8, c.did, significantStyle(c.didLower, c.didUpper))
            try sheet.write(row, 9, intervalText(c.didLower, c.didUpper), CellStyle(indent: true))
        }
        row += 1
    }
    return row + 1
}

/// `−2.56 to −0.05`, or empty without an interval.
func intervalText(_ lower: Double?, _ upper: Double?) -> String {
    guard let lower, let upper else { return "" }
    return "\(Wording.signed(lower)) to \(Wording.signed(upper))"
}

/// A signed figure, filled green when its interval is wholly above 0 and red when wholly below.
func significantStyle(_ lower: Double?, _ upper: Double?) -> CellStyle {
    var style = CellStyle.signed2
    if let lower, lower > 0 {
        style.fill = 0xC6EFCE
        style.fontColor = 0x006100
        style.bold = true
    }
    if let upper, upper < 0 {
        style.fill = 0xFFC7CE
        style.fontColor = 0x9C0006
        style.bold = true
    }
    return style
}

/// Per cohort and subject (not the attainment row): the cohort's change and its comparison schools'.
func cohortChangePoints(_ impacts: [CohortImpact]) -> [IntervalPoint] {
    var points: [IntervalPoint] = []
    for c in impacts where c.subject != "rwm" {
        let label = "\(c.cohort) \(Wording.subject(c.subject))"
        if let change = c.change {
            points.append(
                IntervalPoint(
                    label: "\(label): cohort", value: change, lower: c.changeLower,
                    upper: c.changeUpper, colour: 0x2E75B6))
        }
        if let comparison = c.comparisonChange {
            points.append(
                IntervalPoint(
                    label: "\(label): comparison", value: comparison, lower: c.comparisonLower,
                    upper: c.comparisonUpper, colour: 0xA5A5A5))
        }
    }
    return points
}

/// The cohort schools' maths progress in the outcome year (or, without cohorts, the latest year's
/// 15 highest and 15 lowest), sorted by value; suppressed figures are never among them.
func cohortSchoolPoints(_ data: ImpactWorkbookData) -> (String, [IntervalPoint]) {
    var byKey: [String: SchoolResult] = [:]
    for s in data.schools where s.level == .school { byKey["\(s.year) \(s.id)"] = s }
    var title = "Cohort schools: maths progress in the outcome year, with 95% interval"
    var points: [IntervalPoint] = []
    func point(_ label: String, _ m: SubjectResult) -> IntervalPoint? {
        guard let p = m.progress, !isSuppressed(m.status) else { return nil }
        return IntervalPoint(
            label: label, value: p, lower: m.lower, upper: m.upper,
            colour: m.status == .ok ? bandColour(m.band) : bandColour(nil))
    }
    if !data.cohortSchools.isEmpty {
        let outcomeYear = Dictionary(data.impacts.map { ($0.cohort, $0.outcomeYear) }, uniquingKeysWith: { a, _ in a })
        for cs in data.cohortSchools {
            guard let year = outcomeYear[cs.cohort], let r = byKey["\(year) \(cs.urn)"] else { continue }
            let name = r.name.isEmpty ? cs.urn : r.name
            if let p = point("\(chartLabel(name)) (\(cs.cohort))", r[.mat]) { points.append(p) }
        }
    } else if let latest = data.schools.map(\.year).max() {
        title = "Schools: maths progress in \(latest), with 95% interval (the 15 highest and 15 lowest)"
        for r in data.schools where r.year == latest && r.level == .school {
            if let p = point(chartLabel(r.name.isEmpty ? r.id : r.name), r[.mat]) { points.append(p) }
        }
    }
    points.sort { $0.value > $1.value }
    if data.cohortSchools.isEmpty && points.count > 30 { points = Array(points.prefix(15) + points.suffix(15)) }
    return (title, points)
}

/// A school's name short enough for a chart's label: "Church of England" as the DfE shortens it
/// ("CofE"), then cut with an ellipsis (never silently) beyond `limit` characters.
func chartLabel(_ name: String, limit: Int = 34) -> String {
    let short = name.replacingOccurrences(of: "Church of England", with: "CofE")
    return short.count > limit ? String(short.prefix(limit - 1)) + "\u{2026}" : short
}
