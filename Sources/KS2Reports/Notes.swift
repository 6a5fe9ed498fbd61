import Foundation
import KS2Core

/// What every workbook of a run says about itself: the run date (taken once per run, so all its
/// workbooks agree and a test can pass a fixed one) and where the figures came from.
public struct ReportContext: Sendable, Hashable {
    /// Seconds since 1970 (UTC): the document date and the date printed on every page (default
    /// 2000-01-01, the fixed date unit tests compare against).
    public var runDate: Int
    /// One line per input, e.g. "KS2 results 2019: Data/sample/ks2-2019.csv".
    public var sources: [String]
    public init(runDate: Int = 946_684_800, sources: [String] = []) {
        self.runDate = runDate
        self.sources = sources
    }

    /// The run date as a reader writes it, e.g. `30 November 2026` (UTC, English month names).
    public var dateText: String {
        var seconds = time_t(runDate)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let months = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September",
            "October", "November", "December",
        ]
        return "\(parts.tm_mday) \(months[Int(parts.tm_mon)]) \(Int(parts.tm_year) + 1900)"
    }

    var created: time_t { time_t(runDate) }
}

/// Which workbook a Notes sheet explains (each kind adds its own lines).
enum NotesKind {
    case school, impact, targets, whatIf
}

/// Writes the "Notes" sheet: sources, run date, methodology year and what every term and code on
/// the other sheets means — so a printed workbook explains itself.
func writeNotesSheet(
    _ sheet: Worksheet, kind: NotesKind, title: String, years: String,
    context: ReportContext
) throws {
    try sheet.columnWidth(0, 0, 24)
    try sheet.columnWidth(1, 1, 100)
    try sheet.write(0, 0, "Notes: \(title)", .title)
    var rows: [(String, String)] = [
        ("Run date", context.dateText),
        (
            "Methodology",
            "The DfE's KS1→KS2 progress measure for \(years) (primary school accountability technical "
                + "guidance of that year), computed by ks2progress."
        ),
    ]
    for (i, s) in context.sources.enumerated() { rows.append((i == 0 ? "Sources" : "", s)) }
    if context.sources.isEmpty { rows.append(("Sources", "The inputs listed in the run's run.json (with SHA-256).")) }
    switch kind {
    case .school, .impact, .whatIf: rows += progressTermNotes
    case .targets: rows += targetTermNotes
    }
    rows += measuresAcrossYearsNotes(kind)
    if kind == .impact { rows += projectImpactNotes }
    var r = 2
    for (term, text) in rows {
        try sheet.write(r, 0, term, CellStyle(bold: true, verticalTop: true))
        try sheet.write(r, 1, text, .sentence)
        // about 120 characters fit a line of the 100-wide column
        if text.count > 120 { try sheet.rowHeight(r, 13 * Double((text.count + 119) / 120)) }
        r += 1
    }
    try sheet.printSetup(landscape: false)
    try sheet.pageHeaderFooter(left: title, date: context.dateText)
}

/// The Notes lines on the measures across years (school workbooks) and on what-if (what-if workbooks).
private func measuresAcrossYearsNotes(_ kind: NotesKind) -> [(String, String)] {
    switch kind {
    case .school:
        return [
            (
                "Three-year progress",
                "Progress pooled over the pupils of the run's last three years with a measure, each pupil "
                    + "against their own year's estimates; the interval from each year's σ (methodology.md §10)."
            ),
            (
                "Disadvantaged gap",
                "Disadvantaged pupils' progress minus the progress of England's other (non-disadvantaged) "
                    + "pupils, with the disadvantaged pupils' interval (the DfE's DIFFN_*PROG); within school: "
                    + "minus the school's own other pupils."
            ),
            (
                "Comparability",
                "Progress of years either side of a methodology change is not like for like: capping (from "
                    + "2018), pag_table (24 prior attainment groups from 2017), ks1_framework (from 2022), "
                    + "nominal_scores (from 2017)."
            ),
        ]
    case .whatIf:
        return [
            (
                "What-if",
                "\(whatIfLabel.capitalizedFirst): the school's progress recomputed with chosen pupils removed "
                    + "from chosen subjects, against the same national estimates, σ and band thresholds. Only "
                    + "the figures before are the school's results."
            )
        ]
    case .impact, .targets:
        return []
    }
}

/// The text a suppressed or absent figure shows, as the DfE does.
let suppressedText = "SUPP"

/// Whether a figure of this status may never be shown or plotted (methodology: 5 or fewer pupils, or none).
func isSuppressed(_ status: ResultStatus) -> Bool {
    switch status {
    case .supp, .none: return true
    case .coded(let c): return ["SUPP", "SP", "C", "NE"].contains(c.uppercased())
    case .ok, .lowcov: return false
    }
}

/// Writing teacher-assessment points as the outcome a head knows (91 WTS, 103 EXS, 113 GDS).
func writingOutcome(points: Double?) -> String? {
    switch points {
    case 91: return "WTS"
    case 103: return "EXS"
    case 113: return "GDS"
    default: return nil
    }
}

/// What the progress measure's terms and codes mean (school, impact and what-if workbooks).
private let progressTermNotes: [(String, String)] = [
    (
        "Progress",
        "A pupil's KS2 result minus the national average KS2 result of pupils with the same KS1 "
            + "prior attainment (the estimate). A school's progress is its pupils' mean. 0 = as pupils "
            + "nationally; England's progress is 0.00 by definition."
    ),
    (
        "95% interval",
        "Progress ± 1.96 × σ / √n (σ the national standard deviation of pupil progress "
            + "in the subject, n the pupils in the measure). An interval wholly above 0 is significantly above "
            + "average, wholly below 0 significantly below."
    ),
    (
        "Bands",
        "1 well above average (lower bound above 0 and progress in the top 10%), 2 above average "
            + "(lower bound above 0), 3 average (interval includes 0), 4 below average (upper bound below 0), "
            + "5 well below average (upper bound below 0 and progress in the bottom 10%)."
    ),
    (
        "Coverage",
        "Pupils with a progress score as a share of pupils eligible. Below 50% the figure is "
            + "not published (low coverage)."
    ),
    (
        "SUPP",
        "Suppressed: 5 or fewer pupils in the measure (or none). The DfE does not publish such "
            + "figures; no workbook shows or plots them."
    ),
    (
        "PAG",
        "Prior attainment group: pupils with similar KS1 average point scores (APS), compared with "
            + "each other nationally."
    ),
    (
        "Capping",
        "From KS2 2018, a pupil's very negative progress is raised to a floor (about the lowest 1% "
            + "nationally, per prior attainment group), so that one pupil cannot swing a school's figure."
    ),
    (
        "Writing",
        "Teacher assessment: WTS working towards, EXS expected standard, GDS greater depth "
            + "(scored 91, 103 and 113 points for progress; other codes per the guidance)."
    ),
    (
        "Codes",
        "A absent, B below the standard of the test, T unable to access, no_ks1 no KS1 result "
            + "(no progress score), ks1_incomplete a KS1 subject without a result, HNM has not met the "
            + "standard, lowcov low coverage, none no pupils."
    ),
]

/// What a targets workbook's terms and codes mean.
private let targetTermNotes: [(String, String)] = [
    (
        "Estimate",
        "The KS2 score that means average progress from the pupil's KS1 results (national "
            + "estimates of the year named)."
    ),
    (
        "Target",
        "Reading and maths: the estimate rounded up to a whole scaled score, plus any stretch, at "
            + "most 120. Writing: the lowest of WTS, EXS, GDS whose points (91, 103, 113) reach the estimate."
    ),
    (
        "Predicted progress",
        "The predicted score minus the estimate (writing: the predicted outcome's "
            + "points minus the estimate). Predictions are not results."
    ),
    ("Focus pupil", "Predicted below the estimate in the subject."),
    ("Codes", "no_ks1 no KS1 results (no estimate), ks1_incomplete a KS1 subject without a result."),
]

/// How the impact workbook measures a project cohort.
private let projectImpactNotes: [(String, String)] = [
    (
        "Cohort change",
        "Mean of the cohort schools' progress in the outcome year minus the mean in the "
            + "baseline year, over schools with figures in both years; the interval is over schools."
    ),
    ("Comparison", "The other schools of the cohorts' local authorities, over the same years."),
    (
        "Difference in differences",
        "Cohort change minus comparison change: the project's effect beyond "
            + "the county's own change. Coloured when its interval excludes 0."
    ),
    (
        "Funnel limits",
        "Around 0: ± 1.96 σ/√n (95%) and ± 3.09 σ/√n (99.8%) for a school with n pupils; "
            + "a school outside a limit has progress beyond it."
    ),
]
