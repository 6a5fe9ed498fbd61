/// The one results model: computed school rows (from pupils) and published DfE rows become the same
/// records, so that county comparisons, trends and project impact work on either.

/// Whether a figure may be published, and when it is missing, why (published coded values keep
/// their meaning: `NE`, `NP`, `SP`, `RE`, `c`, `x`, `z`, `low`, `NA`, blank).
public enum ResultStatus: Hashable, Sendable, CustomStringConvertible {
    case ok, supp, lowcov, none
    /// A coded missing value from a published table, kept as written (e.g. `NE`).
    case coded(String)

    public var description: String {
        switch self {
        case .ok: return "ok"
        case .supp: return "supp"
        case .lowcov: return "lowcov"
        case .none: return "none"
        case .coded(let c): return c
        }
    }
}

/// Where a school row came from.
public enum ResultSource: String, Sendable, Hashable { case computed, published }

/// The level of a results row (schools.csv `level`), in output order.
public enum ResultLevel: Int, Sendable, Hashable, Comparable, CaseIterable {
    case school = 0
    case la = 1
    case national = 2
    public var name: String {
        switch self {
        case .school: "school"
        case .la: "la"
        case .national: "national"
        }
    }
    public static func < (a: ResultLevel, b: ResultLevel) -> Bool { a.rawValue < b.rawValue }
}

/// One subject's progress figures for a school, LA, group or the nation.
///
/// Stored compactly (plain numbers and one byte saying which are present: 80 bytes with the status)
/// rather than as eight optionals (121 bytes, 128 apart in an array): a national run holds ~270,000
/// rows of three subjects each.
/// Every property reads and writes as the optional it stands for.
public struct SubjectResult: Sendable, Hashable {
    private var count: Int
    /// Coverage, progress, lower, upper and unadjusted progress, in that order.
    private var figures: (Double, Double, Double, Double, Double)
    private var bandValue: Int
    /// Bit 0: `n` is present; bit k + 1: figure k; bit 6: `band`.
    private var present: UInt8
    public var status: ResultStatus

    /// Pupils in the measure (for a published row: TELIG × COV / 100 rounded half up).
    public var n: Int? {
        get { present & 1 != 0 ? count : nil }
        set {
            count = newValue ?? 0
            mark(0, newValue != nil)
        }
    }
    /// Coverage in percent (0–100).
    public var coverage: Double? {
        get { figure(0) }
        set { setFigure(0, newValue) }
    }
    public var progress: Double? {
        get { figure(1) }
        set { setFigure(1, newValue) }
    }
    public var lower: Double? {
        get { figure(2) }
        set { setFigure(2, newValue) }
    }
    public var upper: Double? {
        get { figure(3) }
        set { setFigure(3, newValue) }
    }
    public var progressUnadjusted: Double? {
        get { figure(4) }
        set { setFigure(4, newValue) }
    }
    /// 1 well above … 5 well below; only for status `ok` schools and LAs.
    public var band: Int? {
        get { present & (1 << 6) != 0 ? bandValue : nil }
        set {
            bandValue = newValue ?? 0
            mark(6, newValue != nil)
        }
    }

    public init(
        n: Int? = nil, coverage: Double? = nil, progress: Double? = nil, lower: Double? = nil,
        upper: Double? = nil, progressUnadjusted: Double? = nil, status: ResultStatus = .none,
        band: Int? = nil
    ) {
        count = 0
        figures = (0, 0, 0, 0, 0)
        bandValue = 0
        present = 0
        self.status = status
        self.n = n
        self.coverage = coverage
        self.progress = progress
        self.lower = lower
        self.upper = upper
        self.progressUnadjusted = progressUnadjusted
        self.band = band
    }

    @inline(__always)
    private func figure(_ k: Int) -> Double? {
        guard present & (1 << UInt8(k + 1)) != 0 else { return nil }
        return withUnsafeBytes(of: figures) {
            $0.load(fromByteOffset: k * MemoryLayout<Double>.stride, as: Double.self)
        }
    }

    @inline(__always)
    private mutating func setFigure(_ k: Int, _ value: Double?) {
        withUnsafeMutableBytes(of: &figures) {
            $0.storeBytes(of: value ?? 0, toByteOffset: k * MemoryLayout<Double>.stride, as: Double.self)
        }
        mark(UInt8(k + 1), value != nil)
    }

    @inline(__always)
    private mutating func mark(_ bit: UInt8, _ isPresent: Bool) {
        if isPresent { present |= 1 << bit } else { present &= ~(1 << bit) }
    }

    /// Equal as the optionals they stand for (a NaN figure is never equal, as before).
    public static func == (a: SubjectResult, b: SubjectResult) -> Bool {
        a.n == b.n && a.coverage == b.coverage && a.progress == b.progress && a.lower == b.lower
            && a.upper == b.upper && a.progressUnadjusted == b.progressUnadjusted && a.status == b.status
            && a.band == b.band
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(n)
        hasher.combine(coverage)
        hasher.combine(progress)
        hasher.combine(lower)
        hasher.combine(upper)
        hasher.combine(progressUnadjusted)
        hasher.combine(status)
        hasher.combine(band)
    }
}

/// Attainment measures in schools.csv column order (percentages 0–100, averages as scaled scores).
public enum AttainmentMeasure: Int, Sendable, CaseIterable, Hashable {
    case pctReadExp, pctReadHigh, readAvg, pctWritExp, pctWritHigh, pctMatExp, pctMatHigh, matAvg,
        pctGpsExp, pctGpsHigh, gpsAvg, pctRwmExp, pctRwmHigh
    public var column: String {
        [
            "pct_read_exp", "pct_read_high", "read_avg", "pct_writ_exp", "pct_writ_high", "pct_mat_exp",
            "pct_mat_high", "mat_avg", "pct_gps_exp", "pct_gps_high", "gps_avg", "pct_rwm_exp",
            "pct_rwm_high",
        ][rawValue]
    }
}

/// A school's, LA's or the nation's results for one year: one row of schools.csv.
public struct SchoolResult: Sendable, Hashable {
    public var year: Int
    public var level: ResultLevel
    /// URN (else LAESTAB) for a school, the 3-digit code for an LA, `E92000001` for England.
    public var id: String
    public var name: String
    /// The LA code (empty for the national row).
    public var la: String
    public var eligible: Int?
    public var ks1APS: Double?
    /// Reading, writing and maths, stored inline (no allocation per row).
    public var subjects: PerSubject<SubjectResult>
    /// Indexed by `AttainmentMeasure.rawValue`; nil when absent or suppressed.
    public var attainment: AttainmentFigures<Double>
    /// Eligible pupils behind each attainment percentage (for pooling), when known.
    public var attainmentDenominators: AttainmentFigures<Int>
    public var special: Bool
    public var source: ResultSource

    public init(
        year: Int, level: ResultLevel, id: String, name: String = "", la: String = "",
        eligible: Int? = nil, ks1APS: Double? = nil,
        subjects: PerSubject<SubjectResult> = PerSubject(repeating: SubjectResult()),
        attainment: AttainmentFigures<Double> = AttainmentFigures(),
        attainmentDenominators: AttainmentFigures<Int> = AttainmentFigures(),
        special: Bool = false, source: ResultSource = .computed
    ) {
        self.year = year
        self.level = level
        self.id = id
        self.name = name
        self.la = la
        self.eligible = eligible
        self.ks1APS = ks1APS
        self.subjects = subjects
        self.attainment = attainment
        self.attainmentDenominators = attainmentDenominators
        self.special = special
        self.source = source
    }

    public subscript(subject: Subject) -> SubjectResult {
        get { subjects[subject] }
        set { subjects[subject] = newValue }
    }
    public subscript(measure: AttainmentMeasure) -> Double? {
        get { attainment[measure] }
        set { attainment[measure] = newValue }
    }
}

/// A pupil group breakdown (groups.csv): gender, disadvantaged, eal, sen, ks1_band.
public struct GroupResult: Sendable, Hashable {
    public var group: String
    public var value: String
    /// Year, level, id, name, la and the measures of the pupils in that group.
    public var result: SchoolResult
    public init(group: String, value: String, result: SchoolResult) {
        self.group = group
        self.value = value
        self.result = result
    }
}

/// A project cohort: a named list of schools with a baseline and an outcome year (cohorts.csv input).
public struct ProjectCohort: Sendable, Hashable {
    public var name: String
    public var baselineYear: Int
    public var outcomeYear: Int
    public var urns: [String]
    public init(name: String, baselineYear: Int, outcomeYear: Int, urns: [String]) {
        self.name = name
        self.baselineYear = baselineYear
        self.outcomeYear = outcomeYear
        self.urns = urns
    }
}

/// Project impact for one cohort and subject (`read`, `writ`, `mat`, or `rwm` with attainment
/// only): one row of the cohorts.csv output, methodology.md §9.
public struct CohortImpact: Sendable, Hashable {
    public var cohort: String
    public var subject: String
    public var baselineYear: Int
    public var outcomeYear: Int
    public var schools: Int
    public var schoolsMissing: Int
    public var baselineMean: Double?
    public var outcomeMean: Double?
    public var change: Double?
    public var changeLower: Double?
    public var changeUpper: Double?
    public var baselinePooled: Double?
    public var outcomePooled: Double?
    public var baselinePctExp: Double?
    public var outcomePctExp: Double?
    public var comparisonSchools: Int
    public var comparisonChange: Double?
    public var comparisonLower: Double?
    public var comparisonUpper: Double?
    public var did: Double?
    public var didLower: Double?
    public var didUpper: Double?

    public init(
        cohort: String, subject: String, baselineYear: Int, outcomeYear: Int, schools: Int = 0,
        schoolsMissing: Int = 0, baselineMean: Double? = nil, outcomeMean: Double? = nil,
        change: Double? = nil, changeLower: Double? = nil, changeUpper: Double? = nil,
        baselinePooled: Double? = nil, outcomePooled: Double? = nil, baselinePctExp: Double? = nil,
        outcomePctExp: Double? = nil, comparisonSchools: Int = 0, comparisonChange: Double? = nil,
        comparisonLower: Double? = nil, comparisonUpper: Double? = nil, did: Double? = nil,
        didLower: Double? = nil, didUpper: Double? = nil
    ) {
        self.cohort = cohort
        self.subject = subject
        self.baselineYear = baselineYear
        self.outcomeYear = outcomeYear
        self.schools = schools
        self.schoolsMissing = schoolsMissing
        self.baselineMean = baselineMean
        self.outcomeMean = outcomeMean
        self.change = change
        self.changeLower = changeLower
        self.changeUpper = changeUpper
        self.baselinePooled = baselinePooled
        self.outcomePooled = outcomePooled
        self.baselinePctExp = baselinePctExp
        self.outcomePctExp = outcomePctExp
        self.comparisonSchools = comparisonSchools
        self.comparisonChange = comparisonChange
        self.comparisonLower = comparisonLower
        self.comparisonUpper = comparisonUpper
        self.did = did
        self.didLower = didLower
        self.didUpper = didUpper
    }
}

/// One school of a project cohort, with both years' figures or why it is missing (cohort_schools.csv).
public struct CohortSchool: Sendable, Hashable {
    public var cohort: String
    public var urn: String
    public var name: String
    public var la: String
    /// Per subject (read, writ, mat): progress in the baseline and outcome year.
    public var baseline: PerSubject<Double?>
    public var outcome: PerSubject<Double?>
    /// Empty when the school has both years; else e.g. `no 2018 row`, `maths progress SUPP in 2017`.
    public var missingReason: String
    /// The methodology changes its baseline→outcome crosses, `;`-joined (`capping`; methodology.md §10).
    public var comparability: String = ""
    public init(
        cohort: String, urn: String, name: String = "", la: String = "",
        baseline: PerSubject<Double?> = PerSubject(repeating: nil),
        outcome: PerSubject<Double?> = PerSubject(repeating: nil),
        missingReason: String = ""
    ) {
        self.cohort = cohort
        self.urn = urn
        self.name = name
        self.la = la
        self.baseline = baseline
        self.outcome = outcome
        self.missingReason = missingReason
    }
}

/// A pupil as a headteacher's workbook shows it: presentation values only, for one school.
public struct PupilReportRow: Sendable, Hashable {
    public var upn: String
    public var forename: String
    public var surname: String
    public var ks1APS: Double?
    public var pag: Int?
    public var score: PerSubject<Double?>
    public var source: PerSubject<String>
    public var estimate: PerSubject<Double?>
    public var progress: PerSubject<Double?>
    public var capped: PerSubject<Bool?>
    public var excluded: PerSubject<String>
    public var gender: String
    public var disadvantaged: String
    public var eal: String
    public var sen: String
    public init(
        upn: String, forename: String = "", surname: String = "", ks1APS: Double? = nil,
        pag: Int? = nil, score: PerSubject<Double?> = PerSubject(repeating: nil),
        source: PerSubject<String> = PerSubject(repeating: ""),
        estimate: PerSubject<Double?> = PerSubject(repeating: nil),
        progress: PerSubject<Double?> = PerSubject(repeating: nil),
        capped: PerSubject<Bool?> = PerSubject(repeating: nil),
        excluded: PerSubject<String> = PerSubject(repeating: ""), gender: String = "",
        disadvantaged: String = "", eal: String = "", sen: String = ""
    ) {
        self.upn = upn
        self.forename = forename
        self.surname = surname
        self.ks1APS = ks1APS
        self.pag = pag
        self.score = score
        self.source = source
        self.estimate = estimate
        self.progress = progress
        self.capped = capped
        self.excluded = excluded
        self.gender = gender
        self.disadvantaged = disadvantaged
        self.eal = eal
        self.sen = sen
    }
}

/// A project cohort a school is in, as its workbook shows it: the cohort's results (every subject)
/// and the school's own baseline and outcome figures.
public struct SchoolProjectCohort: Sendable {
    public var impacts: [CohortImpact]
    public var school: CohortSchool
    public init(impacts: [CohortImpact], school: CohortSchool) {
        self.impacts = impacts
        self.school = school
    }
}

/// Everything one headteacher's workbook shows: only that school's pupils, its LA and England.
public struct SchoolWorkbookData: Sendable {
    public var school: SchoolResult
    public var localAuthority: SchoolResult?
    public var national: SchoolResult?
    /// The school's rows for every year available, oldest first (the trend).
    public var trend: [SchoolResult]
    public var groups: [GroupResult]
    public var pupils: [PupilReportRow]
    /// Focus pupils: progress below this in a subject (methodology.md §9; default 0).
    public var focusThreshold: Double
    /// The project cohorts the school is in (empty when none, or no cohorts were given).
    public var projectCohorts: [SchoolProjectCohort] = []
    /// The school's trends (each year with its change and comparability), three-year line and
    /// disadvantaged gaps (methodology.md §10); empty rows when the run has no such measure.
    public var acrossYears = SeriesAcrossYears()
    public init(
        school: SchoolResult, localAuthority: SchoolResult? = nil, national: SchoolResult? = nil,
        trend: [SchoolResult] = [], groups: [GroupResult] = [], pupils: [PupilReportRow] = [],
        focusThreshold: Double = 0
    ) {
        self.school = school
        self.localAuthority = localAuthority
        self.national = national
        self.trend = trend
        self.groups = groups
        self.pupils = pupils
        self.focusThreshold = focusThreshold
    }
}

/// What the county impact workbook shows.
public struct ImpactWorkbookData: Sendable {
    public var impacts: [CohortImpact]
    public var cohortSchools: [CohortSchool]
    /// LA and national rows per year (the county comparison), plus pooled-from-schools LA rows.
    public var comparison: [SchoolResult]
    public var schools: [SchoolResult]
    /// Every school's funnel point (funnel.csv); the workbook plots the latest year's unsuppressed ones.
    public var funnel: [FunnelRow]
    public init(
        impacts: [CohortImpact] = [], cohortSchools: [CohortSchool] = [],
        comparison: [SchoolResult] = [], schools: [SchoolResult] = [], funnel: [FunnelRow] = []
    ) {
        self.impacts = impacts
        self.cohortSchools = cohortSchools
        self.comparison = comparison
        self.schools = schools
        self.funnel = funnel
    }
}

/// One current-cohort pupil's targets (targets.csv): estimates, targets, predictions, focus.
public struct TargetRow: Sendable, Hashable {
    public var urn: String
    public var upn: String
    public var ks1APS: Double?
    public var pag: Int?
    /// `no_ks1` or `ks1_incomplete` when the pupil cannot get an estimate; else empty.
    public var excluded: String
    public var estimatesYear: Int
    public var estimate: PerSubject<Double?>
    /// A whole scaled score for reading and maths; `WTS`/`EXS`/`GDS` for writing.
    public var target: PerSubject<String>
    public var predicted: PerSubject<String>
    public var predictedProgress: PerSubject<Double?>
    /// `Y`, `N`, or empty without a prediction.
    public var focus: PerSubject<String>
    public init(
        urn: String, upn: String, ks1APS: Double? = nil, pag: Int? = nil, excluded: String = "",
        estimatesYear: Int, estimate: PerSubject<Double?> = PerSubject(repeating: nil),
        target: PerSubject<String> = PerSubject(repeating: ""),
        predicted: PerSubject<String> = PerSubject(repeating: ""),
        predictedProgress: PerSubject<Double?> = PerSubject(repeating: nil),
        focus: PerSubject<String> = PerSubject(repeating: "")
    ) {
        self.urn = urn
        self.upn = upn
        self.ks1APS = ks1APS
        self.pag = pag
        self.excluded = excluded
        self.estimatesYear = estimatesYear
        self.estimate = estimate
        self.target = target
        self.predicted = predicted
        self.predictedProgress = predictedProgress
        self.focus = focus
    }
}

/// The reading or maths target of formats.md (targets.csv): the estimate rounded up to a whole
/// scaled score, plus the stretch, capped at 120 — the score that means at least average progress.
@inlinable
public func testTarget(estimate: Double, stretch: Int) -> Int {
    min(120, Int(estimate.rounded(.up)) + stretch)
}

/// The writing target of formats.md: the lowest of `WTS`, `EXS`, `GDS` whose writing points
/// (91, 103, 113 in `points`) reach the estimate, `GDS` when none does — writing has no scores
/// between the teacher-assessment outcomes, so the target is the outcome that means average progress.
public func writingTarget(estimate: Double, points: CodeScoreTable) -> Code {
    for outcome in [Code.WTS, .EXS, .GDS] {
        if let p = points[outcome], p >= estimate { return outcome }
    }
    return .GDS
}

/// One LA, subject and year: the published LA row beside the LA figure pooled from its school rows,
/// with England, so a county can see whether its own figures agree with the DfE's.
public struct ComparisonRow: Sendable, Hashable {
    public var year: Int
    public var la: String
    public var laName: String
    public var subject: Subject
    /// The LA row's figures as given (nil when the tables have no LA row for that year).
    public var published: SubjectResult?
    /// Schools pooled: those with a progress figure and a known n.
    public var pooledSchools: Int
    /// Schools with a numeric progress but no n (e.g. prior-year columns carry no coverage): left out.
    public var schoolsWithoutN: Int
    /// Pupils pooled: Σ n over the pooled schools.
    public var pooledPupils: Int
    /// Σ n·progress / Σ n.
    public var pooledProgress: Double?
    /// pooled ± 1.96 σ / √N with the year's national σ (nil when σ is unknown).
    public var pooledLower: Double?
    public var pooledUpper: Double?
    /// England's row for that year and subject (the published national progress is blank: 0 by definition).
    public var england: SubjectResult?
    /// pooled − published.
    public var difference: Double?
    /// True when |pooled − published| exceeds `countyComparisonTolerance`.
    public var differs: Bool

    public init(
        year: Int, la: String, laName: String, subject: Subject, published: SubjectResult?,
        pooledSchools: Int, schoolsWithoutN: Int, pooledPupils: Int, pooledProgress: Double?,
        pooledLower: Double?, pooledUpper: Double?, england: SubjectResult?, difference: Double?,
        differs: Bool
    ) {
        self.year = year
        self.la = la
        self.laName = laName
        self.subject = subject
        self.published = published
        self.pooledSchools = pooledSchools
        self.schoolsWithoutN = schoolsWithoutN
        self.pooledPupils = pooledPupils
        self.pooledProgress = pooledProgress
        self.pooledLower = pooledLower
        self.pooledUpper = pooledUpper
        self.england = england
        self.difference = difference
        self.differs = differs
    }
}
