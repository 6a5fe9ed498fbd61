/// Figures across years, disadvantaged gaps and what-if (methodology.md §10): the comparability
/// rules as pure functions of the years, and the rows of trends.csv, three_year.csv, gaps.csv and
/// whatif.csv as value types, so that the CSV writers and the workbooks read the same records.

/// A methodology change that makes two years' progress not comparable (methodology.md §10), in
/// the order outputs list them.
public enum ComparabilityChange: Int, Sendable, Hashable, CaseIterable, Comparable {
    /// KS2 2018 on: extremely negative scores capped; 2016–2017 uncapped.
    case capping
    /// 2016 has 21 PAGs, 2017 on 24.
    case pagTable
    /// KS2 2022 on: KS1 interim framework, new PAGs and estimates.
    case ks1Framework
    /// 2016 excludes pupils that 2017 on score as 79.
    case nominalScores

    /// The name outputs use (`capping`, `pag_table`, `ks1_framework`, `nominal_scores`).
    public var name: String {
        switch self {
        case .capping: "capping"
        case .pagTable: "pag_table"
        case .ks1Framework: "ks1_framework"
        case .nominalScores: "nominal_scores"
        }
    }

    /// The first KS2 year measured under the new rule: a pair of years crosses the change when one
    /// year is before it and the other is this year or later.
    public var firstYear: Int {
        switch self {
        case .capping: 2018
        case .pagTable: 2017
        case .ks1Framework: 2022
        case .nominalScores: 2017
        }
    }

    /// A few words saying what changed, for the warnings and workbook notes that name a change.
    public var explanation: String {
        switch self {
        case .capping: "extremely negative scores capped from 2018"
        case .pagTable: "21 prior attainment groups in 2016, 24 from 2017"
        case .ks1Framework: "KS1 interim framework from KS2 2022"
        case .nominalScores: "nominal scores for pupils below the test from 2017"
        }
    }

    public static func < (a: ComparabilityChange, b: ComparabilityChange) -> Bool { a.rawValue < b.rawValue }
}

/// The changes crossed between two years' progress (either order), in output order; empty when
/// the two years are comparable.
public func comparabilityChanges(from a: Int, to b: Int) -> [ComparabilityChange] {
    let early = min(a, b)
    let late = max(a, b)
    return ComparabilityChange.allCases.filter { early < $0.firstYear && $0.firstYear <= late }
}

/// The changes crossed anywhere within a set of years (a three-year window), in output order.
public func comparabilityChanges(years: [Int]) -> [ComparabilityChange] {
    guard let early = years.min(), let late = years.max() else { return [] }
    return comparabilityChanges(from: early, to: late)
}

/// The `;`-joined names of changes (the `comparability` field), empty when there are none.
public func comparabilityText(_ changes: [ComparabilityChange]) -> String {
    changes.map(\.name).joined(separator: ";")
}

extension ResultStatus {
    /// A computed status in the results model's terms.
    public init(_ status: MeasureStatus) {
        switch status {
        case .none: self = .none
        case .supp: self = .supp
        case .lowcov: self = .lowcov
        case .ok: self = .ok
        }
    }
}

/// One (level, id, subject, year) of trends.csv: the year's figures and the change from the
/// previous year of the run with a measure.
public struct TrendRow: Sendable, Hashable {
    public var level: ResultLevel
    public var id: String
    public var name: String
    public var la: String
    public var subject: Subject
    public var year: Int
    public var n: Int?
    public var progress: Double?
    public var lower: Double?
    public var upper: Double?
    public var status: ResultStatus
    public var band: Int?
    /// The previous year of the run in which this id had a progress figure in this subject.
    public var previousYear: Int?
    /// progress − the previous year's, only when both years have status `ok`.
    public var change: Double?
    /// The changes the pair (previous year, year) crosses.
    public var comparability: [ComparabilityChange]

    public init(
        level: ResultLevel, id: String, name: String, la: String, subject: Subject, year: Int,
        figures: SubjectResult, previousYear: Int? = nil, change: Double? = nil,
        comparability: [ComparabilityChange] = []
    ) {
        self.level = level
        self.id = id
        self.name = name
        self.la = la
        self.subject = subject
        self.year = year
        self.n = figures.n
        self.progress = figures.progress
        self.lower = figures.lower
        self.upper = figures.upper
        self.status = figures.status
        self.band = figures.band
        self.previousYear = previousYear
        self.change = change
        self.comparability = comparability
    }
}

/// One (level, id, subject) of three_year.csv: progress pooled over the pupils of the last three
/// years of the run with a measure.
public struct ThreeYearRow: Sendable, Hashable {
    public var level: ResultLevel
    public var id: String
    public var name: String
    public var la: String
    public var subject: Subject
    /// The years whose pupils are pooled, oldest first.
    public var years: [Int]
    /// N = Σ n_y.
    public var n: Int
    public var progress: Double?
    public var lower: Double?
    public var upper: Double?
    public var status: ResultStatus
    /// nil without an interval.
    public var significance: Significance?
    /// The changes the pooled years cross.
    public var comparability: [ComparabilityChange]

    public init(
        level: ResultLevel, id: String, name: String, la: String, subject: Subject, years: [Int], n: Int,
        progress: Double?, lower: Double?, upper: Double?, status: ResultStatus
    ) {
        self.level = level
        self.id = id
        self.name = name
        self.la = la
        self.subject = subject
        self.years = years
        self.n = n
        self.progress = progress
        self.lower = lower
        self.upper = upper
        self.status = status
        if let lower, let upper {
            self.significance = Significance(Interval(lower: lower, upper: upper))
        } else {
            self.significance = nil
        }
        self.comparability = comparabilityChanges(years: years)
    }
}

/// One (year, level, id, subject) of gaps.csv: disadvantaged pupils' progress against England's
/// other pupils (the DfE's `DIFFN_*PROG`), and against the same school's other pupils.
public struct GapRow: Sendable, Hashable {
    public var year: Int
    public var level: ResultLevel
    public var id: String
    public var name: String
    public var la: String
    public var subject: Subject
    /// The disadvantaged pupils' figures (§7, n = disadvantaged pupils in the measure).
    public var disadvantaged: SubjectResult
    /// The same school's (LA's, England's) other pupils.
    public var other: SubjectResult
    /// Progress of England's other pupils that year; nil when the run does not know it.
    public var nationalOtherProgress: Double?

    public init(
        year: Int, level: ResultLevel, id: String, name: String, la: String, subject: Subject,
        disadvantaged: SubjectResult, other: SubjectResult, nationalOtherProgress: Double?
    ) {
        self.year = year
        self.level = level
        self.id = id
        self.name = name
        self.la = la
        self.subject = subject
        self.disadvantaged = disadvantaged
        self.other = other
        self.nationalOtherProgress = nationalOtherProgress
    }

    /// Disadvantaged progress − England's other pupils (the national figure treated as exact).
    public var gap: Double? { difference(disadvantaged.progress, nationalOtherProgress) }
    public var gapLower: Double? { difference(disadvantaged.lower, nationalOtherProgress) }
    public var gapUpper: Double? { difference(disadvantaged.upper, nationalOtherProgress) }
    /// Disadvantaged − other pupils of the same school (no interval).
    public var withinSchoolGap: Double? { difference(disadvantaged.progress, other.progress) }

    private func difference(_ a: Double?, _ b: Double?) -> Double? {
        guard let a, let b else { return nil }
        return a - b
    }
}

/// Trends, three-year figures and gaps of a run, with the warnings their building raised, so
/// the CSV writers and a school's workbook read the same rows.
public struct AcrossYearsResults: Sendable {
    /// trends.csv order: level, id, subject, year.
    public var trends: [TrendRow]
    /// three_year.csv order: level, id, subject.
    public var threeYear: [ThreeYearRow]
    /// gaps.csv order: year, level, id, subject.
    public var gaps: [GapRow]
    /// Figures left empty and why (printed and written to run.json).
    public var warnings: [String]

    public init(
        trends: [TrendRow] = [], threeYear: [ThreeYearRow] = [], gaps: [GapRow] = [],
        warnings: [String] = []
    ) {
        self.trends = trends
        self.threeYear = threeYear
        self.gaps = gaps
        self.warnings = warnings
    }

    /// Every school's (or LA's) rows, keyed by id, gathered in one pass — what a school's workbook
    /// shows on its Trend sheet and Overview (trends oldest first, the three-year line, each year's gaps).
    public func byID(level: ResultLevel) -> [String: SeriesAcrossYears] {
        var out: [String: SeriesAcrossYears] = [:]
        for r in trends where r.level == level { out[r.id, default: SeriesAcrossYears()].trends.append(r) }
        for r in threeYear where r.level == level { out[r.id, default: SeriesAcrossYears()].threeYear.append(r) }
        for r in gaps where r.level == level { out[r.id, default: SeriesAcrossYears()].gaps.append(r) }
        return out
    }
}

/// One school's, LA's or England's trends, three-year figures and gaps (rows in output order).
public struct SeriesAcrossYears: Sendable, Hashable {
    public var trends: [TrendRow] = []
    public var threeYear: [ThreeYearRow] = []
    public var gaps: [GapRow] = []
    public init() {}
}

/// One (school, subject) of whatif.csv: the school's figures before and after chosen pupils are
/// removed from the subject — a what-if, never an official figure.
public struct WhatIfRow: Sendable, Hashable {
    public var urn: String
    public var name: String
    public var subject: Subject
    /// Pupils removed from this subject at this school.
    public var removed: Int
    public var before: SubjectResult
    public var after: SubjectResult

    public init(
        urn: String, name: String, subject: Subject, removed: Int, before: SubjectResult,
        after: SubjectResult
    ) {
        self.urn = urn
        self.name = name
        self.subject = subject
        self.removed = removed
        self.before = before
        self.after = after
    }
}

/// The label every what-if output carries.
public let whatIfLabel = "what-if, not an official figure"

/// One line of a what-if removal file: a pupil to take out of some subjects' measures.
public struct PupilRemoval: Sendable, Hashable {
    public var upn: UPN
    /// The subjects named (every subject for `all` or an empty cell).
    public var subjects: [Subject]
    /// The physical line in the removal file (for rejects.csv).
    public var line: Int
    public init(upn: UPN, subjects: [Subject], line: Int) {
        self.upn = upn
        self.subjects = subjects
        self.line = line
    }
}
