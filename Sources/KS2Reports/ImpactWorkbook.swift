import CXLSXWriter
import KS2Core

/// Above this many table rows the impact workbook streams its sheets (constant-memory mode).
let impactConstantMemoryRows = 40_000

/// The county impact workbook: a plain-words summary of each cohort's result with charts, then the
/// cohort, cohort-school, county-comparison and all-schools tables for analysts.
public func writeImpactWorkbook(_ data: ImpactWorkbookData, to path: String,
                                context: ReportContext = ReportContext()) throws {
    try writeImpactWorkbook(data, to: path, constantMemoryAbove: impactConstantMemoryRows, context: context)
}

/// The impact workbook, streamed (constant memory) when its tables exceed `constantMemoryAbove` rows.
func writeImpactWorkbook(_ data: ImpactWorkbookData, to path: String, constantMemoryAbove: Int,
                         context: ReportContext = ReportContext()) throws {
    let rows = data.schools.count + data.comparison.count + data.cohortSchools.count
    let title = impactTitle(data)
    let book = try Workbook(path: path, constantMemory: rows > constantMemoryAbove, created: context.created,
                            title: title)
    let summary = try book.addWorksheet("Summary")
    let cohorts = try book.addWorksheet("Cohorts")
    let cohortSchools = try book.addWorksheet("Cohort schools")
    let comparison = try book.addWorksheet("County comparison")
    let schools = try book.addWorksheet("All schools")
    let chartData = try book.addWorksheet("Chart data")
    let notes = try book.addWorksheet("Notes")
    try writeImpactSummary(summary, chartData: chartData, data: data, title: title)
    try writeCohortsSheet(cohorts, data.impacts)
    try writeCohortSchoolsSheet(cohortSchools, data.cohortSchools)
    try writeResultsTable(comparison, data.comparison, includeLevel: true)
    try writeResultsTable(schools, data.schools, includeLevel: false)
    let years = Set(data.schools.map(\.year) + data.comparison.map(\.year)).sorted()
    let yearsText = years.isEmpty ? "the run's years" : "KS2 " + years.map(String.init).joined(separator: ", ")
    try writeNotesSheet(notes, kind: .impact, title: title, years: yearsText, context: context)
    for sheet in [summary, cohorts, cohortSchools, comparison, schools] {
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
        let middle = abs(change) < 0.05
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
                if lo > 0 { text += ", a significant gain over comparison schools" }
                else if hi < 0 { text += ", significantly behind comparison schools" }
                else { text += ", not significantly different from comparison schools" }
            }
        }
    } else {
        text += "; not enough comparison schools with both years"
    }
    return text + "."
}

private func writeImpactSummary(_ sheet: Worksheet, chartData: Worksheet, data: ImpactWorkbookData,
                                title: String) throws {
    try sheet.columnWidth(0, 0, 110)
    try sheet.write(0, 0, title, .title)
    try sheet.rowHeight(1, 30)
    try sheet.write(1, 0, "Progress is a school's mean pupil progress; cohort figures are the mean of school "
        + "scores (schools with figures in both years). Comparison: the other schools of the cohorts' local "
        + "authorities. Intervals are 95%.", CellStyle.note.wrapped)
    var row = 3
    if data.impacts.isEmpty {
        try sheet.write(row, 0, "No project cohorts were given for this run.", .sentence)
        row += 1
    }
    for c in data.impacts {
        let text = impactSentence(c)
        try sheet.rowHeight(row, text.count > 110 ? 32 : 16)
        try sheet.write(row, 0, text, .sentence)
        row += 1
    }
    try sheet.printSetup(landscape: true)

    // Chart 1: cohort progress by year (baseline vs outcome mean per cohort and subject).
    try chartData.write(0, 0, "Cohort progress by year", .title)
    try chartData.printSetup(landscape: false)
    try chartData.rowHeight(1, 30)
    try chartData.header(1, ["Cohort and subject", "Baseline year mean", "Outcome year mean"])
    try chartData.columnWidth(0, 0, 34)
    try chartData.columnWidth(1, 6, 14)
    var dataRow = 2
    let progressRows = data.impacts.filter { $0.subject != "rwm" && ($0.baselineMean != nil || $0.outcomeMean != nil) }
    for c in progressRows {
        try chartData.write(dataRow, 0, "\(c.cohort) \(Wording.subject(c.subject)) (\(c.baselineYear)→\(c.outcomeYear))")
        try chartData.write(dataRow, 1, c.baselineMean, .dp2)
        try chartData.write(dataRow, 2, c.outcomeMean, .dp2)
        dataRow += 1
    }
    var chartRow = row + 1
    if !progressRows.isEmpty {
        let chart = try sheet.workbook.addChart(LXW_CHART_COLUMN)
        chart.title("Cohort progress: baseline and outcome year (mean of school scores)")
        let cats = chartData.range(2, 0, dataRow - 1, 0)
        try chart.addSeries(name: "Baseline year", categories: cats, values: chartData.range(2, 1, dataRow - 1, 1))
            .fill(colour: 0x9DC3E6)
        try chart.addSeries(name: "Outcome year", categories: cats, values: chartData.range(2, 2, dataRow - 1, 2))
            .fill(colour: 0x2E75B6)
        chart.yAxisName("Progress")
        chart.yNumberFormat("0.0")
        chart.xLabelsLow()
        chart.legendBottom()
        try sheet.insert(chart, row: chartRow, col: 0, xScale: 1.6, yScale: 1.2)
        chartRow += 20
    }

    // Chart 2: each cohort school's maths progress in the outcome year with its interval.
    dataRow += 2
    let whiskerTitle = dataRow
    try chartData.write(whiskerTitle, 0, "School maths progress with 95% confidence interval", .title)
    try chartData.rowHeight(whiskerTitle + 1, 30)
    try chartData.header(whiskerTitle + 1, ["School", "CI lower", "Progress", "CI upper"])
    dataRow = whiskerTitle + 2
    let first = dataRow
    var byKey: [String: SchoolResult] = [:]
    for s in data.schools where s.level == .school { byKey["\(s.year) \(s.id)"] = s }
    var chartTitle = "Cohort schools: maths progress in the outcome year, with 95% interval"
    var points: [(String, SubjectResult)] = []
    if !data.cohortSchools.isEmpty {
        let outcomeYear = Dictionary(data.impacts.map { ($0.cohort, $0.outcomeYear) }, uniquingKeysWith: { a, _ in a })
        for cs in data.cohortSchools {
            guard let year = outcomeYear[cs.cohort], let r = byKey["\(year) \(cs.urn)"] else { continue }
            let m = r[.mat]
            if m.progress != nil && !isSuppressed(m.status) { points.append(("\(cs.cohort): \(r.name.isEmpty ? cs.urn : r.name)", m)) }
        }
    } else if let latest = data.schools.map(\.year).max() {
        chartTitle = "Schools: maths progress in \(latest), with 95% interval"
        for r in data.schools where r.year == latest && r.level == .school && r[.mat].progress != nil
            && !isSuppressed(r[.mat].status) {
            points.append((r.name.isEmpty ? r.id : r.name, r[.mat]))
            if points.count == 60 { break }
        }
    }
    for (label, m) in points {
        try chartData.write(dataRow, 0, label)
        try chartData.write(dataRow, 1, m.lower, .dp2)
        try chartData.write(dataRow, 2, m.progress, .dp2)
        try chartData.write(dataRow, 3, m.upper, .dp2)
        dataRow += 1
    }
    if !points.isEmpty {
        let chart = try whiskerChart(sheet.workbook, title: chartTitle, data: chartData, first: first, last: dataRow - 1)
        try sheet.insert(chart, row: chartRow, col: 0, xScale: 1.6, yScale: 1.4)
    }
}

/// A line chart with three series (lower, progress, upper), no lines, and high-low lines joining
/// lower to upper: each point's interval drawn as a whisker (libxlsxwriter has no per-point error bars).
func whiskerChart(_ book: Workbook, title: String, data: Worksheet, first: Int, last: Int,
                  labelCol: Int = 0, lowerCol: Int = 1) throws -> Chart {
    let chart = try book.addChart(LXW_CHART_LINE)
    chart.title(title)
    let cats = data.range(first, labelCol, last, labelCol)
    let lower = try chart.addSeries(name: "95% interval", categories: cats, values: data.range(first, lowerCol, last, lowerCol))
    lower.noLine()
    lower.marker(LXW_CHART_MARKER_SHORT_DASH, size: 7, colour: 0x7F7F7F)
    let mid = try chart.addSeries(name: "Progress", categories: cats, values: data.range(first, lowerCol + 1, last, lowerCol + 1))
    mid.noLine()
    mid.marker(LXW_CHART_MARKER_CIRCLE, size: 7, colour: 0x2E75B6)
    let upper = try chart.addSeries(name: "CI upper", categories: cats, values: data.range(first, lowerCol + 2, last, lowerCol + 2))
    upper.noLine()
    upper.marker(LXW_CHART_MARKER_SHORT_DASH, size: 7, colour: 0x7F7F7F)
    chart.highLowLines(colour: 0x7F7F7F)
    chart.deleteLegendEntries([2]) // the upper bound shares the interval's legend entry
    chart.yAxisName("Progress")
    chart.yNumberFormat("0.0")
    chart.xLabelsLow()
    chart.legendBottom()
    chart.blanksAsGaps()
    return chart
}

private func writeCohortsSheet(_ sheet: Worksheet, _ rows: [CohortImpact]) throws {
    let titles = ["Cohort", "Subject", "Baseline year", "Outcome year", "Schools with both years",
                  "Schools missing", "Baseline mean progress", "Outcome mean progress", "Change",
                  "Change CI lower", "Change CI upper", "Baseline pupil-pooled", "Outcome pupil-pooled",
                  "Baseline % expected", "Outcome % expected", "Comparison schools", "Comparison change",
                  "Comparison CI lower", "Comparison CI upper", "Difference in differences", "Difference CI lower",
                  "Difference CI upper"]
    try sheet.rowHeight(0, 45)
    try sheet.header(0, titles)
    for (i, c) in rows.enumerated() {
        let r = i + 1
        try sheet.write(r, 0, c.cohort)
        try sheet.write(r, 1, Wording.subject(c.subject))
        try sheet.write(r, 2, c.baselineYear)
        try sheet.write(r, 3, c.outcomeYear)
        try sheet.write(r, 4, c.schools)
        try sheet.write(r, 5, c.schoolsMissing)
        let values: [Double?] = [c.baselineMean, c.outcomeMean, c.change, c.changeLower, c.changeUpper,
                                 c.baselinePooled, c.outcomePooled]
        for (j, v) in values.enumerated() { try sheet.write(r, 6 + j, v, .dp2) }
        try sheet.writePercent(r, 13, c.baselinePctExp)
        try sheet.writePercent(r, 14, c.outcomePctExp)
        try sheet.write(r, 15, c.comparisonSchools)
        let rest: [Double?] = [c.comparisonChange, c.comparisonLower, c.comparisonUpper, c.did, c.didLower, c.didUpper]
        for (j, v) in rest.enumerated() { try sheet.write(r, 16 + j, v, .dp2) }
    }
    try sheet.columnWidth(0, 0, 14)
    try sheet.columnWidth(1, 1, 30)
    try sheet.columnWidth(2, titles.count - 1, 12)
    try finishTable(sheet, rows: rows.count, cols: titles.count)
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
    for (i, c) in rows.enumerated() {
        let r = i + 1
        let missing = !c.missingReason.isEmpty
        try sheet.write(r, 0, c.cohort)
        try sheet.write(r, 1, c.urn)
        try sheet.write(r, 2, c.name)
        try sheet.write(r, 3, c.la)
        for k in 0..<3 {
            let before = k < c.baseline.count ? c.baseline[k] : nil
            let after = k < c.outcome.count ? c.outcome[k] : nil
            let style = missing ? CellStyle.dp2.greyed : CellStyle.dp2
            try sheet.write(r, 4 + 3 * k, before, style)
            try sheet.write(r, 5 + 3 * k, after, style)
            if let before, let after { try sheet.write(r, 6 + 3 * k, after - before, style) }
            else if missing { try sheet.blank(r, 6 + 3 * k, style) }
        }
        try sheet.write(r, 13, c.missingReason, missing ? CellStyle.plain.greyed : .plain)
    }
    try sheet.columnWidth(0, 1, 10)
    try sheet.columnWidth(2, 2, 34)
    try sheet.columnWidth(3, 3, 6)
    try sheet.columnWidth(4, 12, 10)
    try sheet.columnWidth(13, 13, 34)
    try finishTable(sheet, rows: rows.count, cols: titles.count)
}

/// A SchoolResult table: identity, pupils, KS1 APS, per subject progress/interval/band, RWM attainment.
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
    try sheet.rowHeight(0, 30)
    try sheet.header(0, titles)
    for (i, r) in rows.enumerated() {
        let row = i + 1
        var col = 0
        try sheet.write(row, col, r.year); col += 1
        if includeLevel { try sheet.write(row, col, r.level.name); col += 1 }
        try sheet.write(row, col, r.id); col += 1
        try sheet.write(row, col, r.name); col += 1
        try sheet.write(row, col, r.la); col += 1
        try sheet.write(row, col, r.eligible); col += 1
        try sheet.write(row, col, r.ks1APS, .dp1); col += 1
        for s in Subject.allCases {
            try sheet.writeProgress(row, firstSubject + 4 * s.rawValue, r[s])
        }
        col = firstSubject + 12
        try sheet.writePercent(row, col, r[.pctRwmExp])
        try sheet.writePercent(row, col + 1, r[.pctRwmHigh])
    }
    var c = 0
    try sheet.columnWidth(c, c, 6); c += 1
    if includeLevel { try sheet.columnWidth(c, c, 9); c += 1 }
    try sheet.columnWidth(c, c, 10); c += 1
    try sheet.columnWidth(c, c, 34); c += 1
    try sheet.columnWidth(c, c + 2, 7); c += 3
    for _ in 0..<3 {
        try sheet.columnWidth(c, c + 2, 8)
        try sheet.columnWidth(c + 3, c + 3, 20)
        c += 4
    }
    try sheet.columnWidth(c, c + 1, 10)
    try finishTable(sheet, rows: rows.count, cols: titles.count)
}

/// Frozen header row, autofilter over the table, landscape one-page-wide print with the header repeated.
func finishTable(_ sheet: Worksheet, rows: Int, cols: Int, headerRow: Int = 0) throws {
    sheet.freezePanes(rows: headerRow + 1)
    try sheet.autofilter(headerRow, 0, headerRow + max(rows, 1), cols - 1)
    try sheet.printSetup(repeatRows: headerRow...headerRow)
}
