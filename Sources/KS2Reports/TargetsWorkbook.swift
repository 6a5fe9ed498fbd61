import Dispatch
import Foundation
import KS2Core

/// One pupil of a targets workbook: the targets.csv row and the name a teacher knows them by.
public struct TargetWorkbookPupil: Sendable, Hashable {
    public var row: TargetRow
    public var forename: String
    public var surname: String
    public init(row: TargetRow, forename: String = "", surname: String = "") {
        self.row = row
        self.forename = forename
        self.surname = surname
    }
}

/// What one school's targets workbook shows: only that school's pupils, and the estimates year
/// and stretch the targets were set with (so a teacher can tell which tables were used).
public struct TargetWorkbookData: Sendable, Hashable {
    public var urn: String
    /// The cohort file's `school_name`; empty when it has none (the URN then names the school).
    public var schoolName: String
    public var estimatesYear: Int
    public var stretch: Int
    public var pupils: [TargetWorkbookPupil]
    /// In-year tracking (`track`): adds the "Focus pupils" sheet; nil for `targets`.
    public var tracking: SchoolTracking?
    public init(
        urn: String, schoolName: String, estimatesYear: Int, stretch: Int, pupils: [TargetWorkbookPupil],
        tracking: SchoolTracking? = nil
    ) {
        self.urn = urn
        self.schoolName = schoolName
        self.estimatesYear = estimatesYear
        self.stretch = stretch
        self.pupils = pupils
        self.tracking = tracking
    }

    /// `URN School name`, or the URN alone.
    public var title: String { schoolName.isEmpty ? urn : "\(urn) \(schoolName)" }
}

/// The sheet names of a targets workbook, in order.
public let targetsWorkbookSheets = ["Summary", "Reading", "Writing", "Maths"]

/// The last sheet of every targets workbook (after the tracking "Focus pupils" sheet when there is one).
public let targetsNotesSheet = "Notes"

/// Fill of a focus pupil's row (light red, as Excel's "bad" cell style).
let focusFill: RGB = 0xFFC7CE

/// A subject's pupils in the order a teacher acts on them: pupils with a prediction by predicted
/// progress (lowest first, then UPN), then those with an estimate but no prediction, then those
/// without an estimate (each by UPN).
public func targetsOrder(_ pupils: [TargetWorkbookPupil], subject: Subject) -> [TargetWorkbookPupil] {
    let s = subject
    func rank(_ p: TargetWorkbookPupil) -> Int {
        if p.row.predictedProgress[s] != nil { return 0 }
        return p.row.estimate[s] != nil ? 1 : 2
    }
    return pupils.sorted { a, b in
        let ra = rank(a)
        let rb = rank(b)
        if ra != rb { return ra < rb }
        if ra == 0, let pa = a.row.predictedProgress[s], let pb = b.row.predictedProgress[s], pa != pb {
            return pa < pb
        }
        return a.row.upn < b.row.upn
    }
}

/// Per subject: pupils, with an estimate, with a prediction, on track (prediction at or above the
/// estimate) and focus pupils (below it) — the summary sheet's counts.
public struct TargetSubjectCounts: Sendable, Hashable {
    public var pupils = 0, withEstimate = 0, withPrediction = 0, onTrack = 0, focus = 0
    public init() {}
}

/// The summary counts of one subject over `pupils`.
public func targetCounts(_ pupils: [TargetWorkbookPupil], subject: Subject) -> TargetSubjectCounts {
    var c = TargetSubjectCounts()
    let s = subject
    for p in pupils {
        c.pupils += 1
        if p.row.estimate[s] != nil { c.withEstimate += 1 }
        switch p.row.focus[s] {
        case "Y":
            c.focus += 1
            c.withPrediction += 1
        case "N":
            c.onTrack += 1
            c.withPrediction += 1
        default: break
        }
    }
    return c
}

/// Writes one school's targets workbook to `path`: a summary of pupils on track per subject and
/// one sheet per subject with pupils by predicted progress, focus pupils highlighted.
public func writeTargetsWorkbook(
    _ data: TargetWorkbookData, to path: String,
    context: ReportContext = ReportContext()
) throws {
    let book = try Workbook(path: path, created: context.created, title: "KS2 targets: \(data.title)")
    let pageTitle = "\(data.title) · KS2 targets and focus pupils"
    let summary = try book.addWorksheet(targetsWorkbookSheets[0])
    try writeTargetsSummary(summary, data)
    try summary.pageHeaderFooter(left: pageTitle, date: context.dateText)
    for s in Subject.allCases {
        let sheet = try book.addWorksheet(targetsWorkbookSheets[1 + s.rawValue])
        try writeTargetsSubjectSheet(sheet, data, subject: s)
        try sheet.pageHeaderFooter(left: pageTitle, date: context.dateText)
    }
    if let tracking = data.tracking {
        let focusSheet = try writeFocusPupilsSheet(book, data, tracking)
        try focusSheet.pageHeaderFooter(left: pageTitle, date: context.dateText)
    }
    let notes = try book.addWorksheet(targetsNotesSheet)
    try writeNotesSheet(
        notes, kind: .targets, title: data.title, years: "KS2 estimates \(data.estimatesYear)",
        context: context)
    try book.close()
}

/// What the estimates of a targets workbook are, in the words of its sheets' notes.
private func estimatesYearText(_ data: TargetWorkbookData) -> String {
    "national estimates of KS2 \(data.estimatesYear)"
}

/// The Summary sheet: how targets are set, pupils on track and focus pupils per subject, and the
/// pupils without an estimate (so none is missing silently).
private func writeTargetsSummary(_ summary: Worksheet, _ data: TargetWorkbookData) throws {
    try summary.write(0, 0, "Targets and focus pupils: \(data.title)", .title)
    try summary.write(
        1, 0,
        "Estimates used: \(estimatesYearText(data)) (the KS2 score that means average progress from a pupil's KS1 results).",
        .note)
    try summary.write(
        2, 0,
        "Reading and maths target = the estimate rounded up to a whole scaled score"
            + (data.stretch > 0 ? " plus a stretch of \(data.stretch)" : "")
            + " (at most 120); writing target = the lowest of WTS, EXS, GDS whose points (91, 103, 113) reach the estimate.",
        .note)
    try summary.write(
        3, 0, "A focus pupil's predicted score is below the estimate; a pupil on track is predicted at or above it.",
        .note)
    try summary.rowHeight(5, 30)
    try summary.header(
        5,
        [
            "Subject", "Pupils", "With an estimate", "With a prediction", "On track", "Focus pupils",
            "On track (% of predicted)", "Estimates year",
        ])
    for s in Subject.allCases {
        let c = targetCounts(data.pupils, subject: s)
        let r = 6 + s.rawValue
        try summary.write(r, 0, Wording.subjectTitle(s), CellStyle(bold: true))
        try summary.write(r, 1, c.pupils)
        try summary.write(r, 2, c.withEstimate)
        try summary.write(r, 3, c.withPrediction)
        try summary.write(r, 4, c.onTrack)
        try summary.write(r, 5, c.focus, c.focus > 0 ? CellStyle(fill: focusFill) : .plain)
        try summary.write(r, 6, c.withPrediction > 0 ? Double(c.onTrack) / Double(c.withPrediction) : nil, .percent)
        try summary.write(r, 7, data.estimatesYear)
    }
    let without = data.pupils.filter { !$0.row.excluded.isEmpty }.sorted { $0.row.upn < $1.row.upn }
    try summary.write(10, 0, "Pupils without an estimate (\(without.count))", CellStyle(bold: true))
    try summary.rowHeight(11, 16)
    try summary.header(11, ["UPN", "Surname", "Forename", "Reason"])
    for (k, p) in without.enumerated() {
        try summary.write(12 + k, 0, p.row.upn)
        try summary.write(12 + k, 1, p.surname)
        try summary.write(12 + k, 2, p.forename)
        try summary.write(
            12 + k, 3,
            p.row.excluded == "no_ks1"
                ? "no_ks1: no KS1 results"
                : "\(p.row.excluded): a KS1 subject without a result")
    }
    try summary.columnWidth(0, 0, 18)
    try summary.columnWidth(1, 7, 14)
    try summary.printSetup()
}

/// One subject's sheet: its pupils by predicted progress (lowest first), focus pupils highlighted,
/// so a teacher sees first whom to help.
private func writeTargetsSubjectSheet(_ sheet: Worksheet, _ data: TargetWorkbookData, subject s: Subject) throws {
    let header = [
        "UPN", "Surname", "Forename", "KS1 APS", "PAG", "Estimate", "Target", "Predicted",
        "Predicted progress", "Focus", "Estimates year", "No estimate because",
    ]
    try sheet.write(
        0, 0, "\(Wording.subjectTitle(s)): \(data.title), pupils by predicted progress (lowest first)", .title)
    try sheet.write(
        1, 0,
        "Estimates: \(estimatesYearText(data)). Focus pupils (predicted below the estimate) are highlighted; pupils without a prediction follow, then pupils without an estimate.",
        .note)
    // wrapped titles need the height of two lines, or they run over the first pupil's row
    try sheet.rowHeight(3, 30)
    try sheet.header(3, header)
    let ordered = targetsOrder(data.pupils, subject: s)
    for (k, p) in ordered.enumerated() { try writeTargetsPupilRow(sheet, row: 4 + k, p, subject: s) }
    try sheet.columnWidth(0, 0, 16)
    try sheet.columnWidth(1, 2, 14)
    try sheet.columnWidth(3, 10, 10)
    try sheet.columnWidth(11, 11, 18)
    sheet.freezePanes(rows: 4)
    if !ordered.isEmpty { try sheet.autofilter(3, 0, 3 + ordered.count, header.count - 1) }
    try sheet.printSetup(repeatRows: 3...3)
}

/// One pupil's row of a subject sheet; a focus pupil's cells are filled.
private func writeTargetsPupilRow(_ sheet: Worksheet, row r: Int, _ p: TargetWorkbookPupil, subject s: Subject) throws {
    let i = s
    let focus = p.row.focus[i] == "Y"
    func style(_ base: CellStyle) -> CellStyle {
        guard focus else { return base }
        var st = base
        st.fill = focusFill
        return st
    }
    try sheet.write(r, 0, p.row.upn, style(.plain))
    try sheet.write(r, 1, p.surname, style(.plain))
    try sheet.write(r, 2, p.forename, style(.plain))
    try sheet.write(r, 3, p.row.ks1APS, style(.dp2))
    try sheet.write(r, 4, p.row.pag, style(.plain))
    try sheet.write(r, 5, p.row.estimate[i], style(.dp2))
    if let t = Int(p.row.target[i]) {
        try sheet.write(r, 6, t, style(.plain))
    } else {
        try sheet.write(r, 6, p.row.target[i], style(.plain))
    }
    if let v = Int(p.row.predicted[i]) {
        try sheet.write(r, 7, v, style(.plain))
    } else {
        try sheet.write(r, 7, p.row.predicted[i], style(.plain))
    }
    try sheet.write(r, 8, p.row.predictedProgress[i], style(.signed2))
    try sheet.write(r, 9, p.row.focus[i], style(CellStyle(bold: focus)))
    try sheet.write(r, 10, p.row.estimatesYear, style(.plain))
    try sheet.write(r, 11, p.row.excluded, style(.plain))
}

/// Writes every school's targets workbook (`URN School name.xlsx`) into `directory` on up to
/// `threads` threads; all are attempted and the first error (in input order) is rethrown.
public func writeTargetsWorkbooks(
    _ items: [TargetWorkbookData], directory: String, threads: Int,
    context: ReportContext = ReportContext(), progress: WorkProgress? = nil
) throws {
    try writeWorkbooksInParallel(items.count, threads: threads, progress: progress) { i in
        let item = items[i]
        let name = schoolWorkbookFileName(urn: item.urn, name: item.schoolName)
        try writeTargetsWorkbook(item, to: directory + "/" + name, context: context)
    }
}
