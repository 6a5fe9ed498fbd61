/// Every accepted pupil's progress figures, column by column in the cohort's pupil order, so that the
/// national cohort (650,000 pupils) is a few flat arrays rather than 650,000 objects.
public struct PupilProgressTable: Sendable {
    public var count: Int
    /// KS1 average point score; NaN without prior attainment.
    public var ks1APS: [Double]
    /// Prior attainment group (1-based); 0 without prior attainment.
    public var pag: [Int16]
    /// Per subject (indexed by `Subject.rawValue`): the score used for progress, NaN when none.
    public var score: [[Double]]
    public var source: [[ScoreSource]]
    /// The PAG's estimate for every pupil with a PAG (excluded or not); NaN otherwise.
    public var estimate: [[Double]]
    /// NaN when the pupil is not in the subject's measure.
    public var progressUnadjusted: [[Double]]
    public var progress: [[Double]]
    public var capped: [[Bool]]
    /// nil when in the measure.
    public var excluded: [[ExclusionReason?]]
    /// Attainment flags per pupil, indexed by `AttainmentFlag.rawValue`: 1 yes, 0 no, -1 discounted.
    public var attainment: [[Int8]]

    public init(count: Int) {
        self.count = count
        ks1APS = Array(repeating: .nan, count: count)
        pag = Array(repeating: 0, count: count)
        let nanColumn = [Double](repeating: .nan, count: count)
        score = Array(repeating: nanColumn, count: 3)
        source = Array(repeating: Array(repeating: .none, count: count), count: 3)
        estimate = Array(repeating: nanColumn, count: 3)
        progressUnadjusted = Array(repeating: nanColumn, count: 3)
        progress = Array(repeating: nanColumn, count: 3)
        capped = Array(repeating: Array(repeating: false, count: count), count: 3)
        excluded = Array(repeating: Array(repeating: nil, count: count), count: 3)
        attainment = Array(repeating: Array(repeating: -1, count: count), count: AttainmentFlag.allCases.count)
    }
}

/// Per-pupil attainment flags (methodology.md §8), in pupils.csv order, then GPS.
public enum AttainmentFlag: Int, Sendable, CaseIterable {
    case readExp, readHigh, writExp, writHigh, matExp, matHigh, rwmExp, rwmHigh, gpsExp, gpsHigh
    public var column: String {
        ["read_exp", "read_high", "writ_exp", "writ_high", "mat_exp", "mat_high", "rwm_exp", "rwm_high",
         "gps_exp", "gps_high"][rawValue]
    }
}
