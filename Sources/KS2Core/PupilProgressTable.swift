/// Every accepted pupil's progress figures, column by column in the cohort's pupil order, so that the
/// national cohort (650,000 pupils) is a few flat arrays rather than 650,000 objects.
public struct PupilProgressTable: Sendable {
    public var count: Int
    /// KS1 average point score; NaN without prior attainment.
    public var ks1APS: Column<Double>
    /// Prior attainment group (1-based); 0 without prior attainment.
    public var pag: Column<Int16>
    /// Per-subject columns are flat and subject-major: subject `s`, pupil `i` is at `at(s, i)`
    /// (one array per column keeps the hot loops free of nested-array retains).
    /// The score used for progress, NaN when none.
    public var score: Column<Double>
    public var source: Column<ScoreSource>
    /// The PAG's estimate for every pupil with a PAG (excluded or not); NaN otherwise.
    public var estimate: Column<Double>
    /// NaN when the pupil is not in the subject's measure.
    public var progressUnadjusted: Column<Double>
    public var progress: Column<Double>
    public var capped: Column<Bool>
    /// nil when in the measure.
    public var excluded: Column<ExclusionReason?>
    /// Attainment flags, flag-major (`at(flag.rawValue, i)`): 1 yes, 0 no, -1 discounted.
    public var attainment: Column<Int8>

    public init(count: Int) {
        self.count = count
        ks1APS = Column(repeating: .nan, count: count)
        pag = Column(repeating: 0, count: count)
        score = Column(repeating: .nan, count: 3 * count)
        source = Column(repeating: .none, count: 3 * count)
        estimate = score
        progressUnadjusted = score
        progress = score
        capped = Column(repeating: false, count: 3 * count)
        excluded = Column(repeating: nil, count: 3 * count)
        attainment = Column(repeating: -1, count: AttainmentFlag.allCases.count * count)
    }

    /// Index of subject (or flag) `column`, pupil `i` in the flat columns.
    @inlinable
    public func at(_ column: Int, _ i: Int) -> Int { column * count + i }

    /// Pupils in a subject's progress measure.
    public func pupilsInMeasure(_ s: Subject) -> Int {
        var n = 0
        for i in 0..<count where !progress[at(s.rawValue, i)].isNaN { n += 1 }
        return n
    }
}

/// Per-pupil attainment flags (methodology.md §8), in pupils.csv order, then GPS.
public enum AttainmentFlag: Int, Sendable, CaseIterable {
    case readExp, readHigh, writExp, writHigh, matExp, matHigh, rwmExp, rwmHigh, gpsExp, gpsHigh
    public var column: String {
        [
            "read_exp", "read_high", "writ_exp", "writ_high", "mat_exp", "mat_high", "rwm_exp", "rwm_high",
            "gps_exp", "gps_high",
        ][rawValue]
    }
}
