/// Where a pupil's KS2 score used for progress came from (`s_source` in pupils.csv).
public enum ScoreSource: UInt8, Sendable, CaseIterable, Hashable {
    /// No score.
    case none
    /// A test scaled score (reading, maths).
    case scaled
    /// Writing teacher assessment `GDS`/`EXS`/`WTS`.
    case ta
    /// A nominal score from the year's table.
    case nominal

    /// The text written to pupils.csv.
    public var name: String {
        switch self {
        case .scaled: return "scaled"
        case .ta: return "ta"
        case .nominal: return "nominal"
        case .none: return "none"
        }
    }
}

/// Why a pupil is not in a subject's progress measure (`s_excluded` in pupils.csv).
public enum ExclusionReason: Sendable, Hashable {
    /// `J`: discounted (recently arrived from overseas) in the subject.
    case discounted
    /// `no_ks1`: the UPN has no KS1 record.
    case noKS1
    /// `ks1_incomplete`: a KS1 subject has no valid result.
    case ks1Incomplete
    /// The result's own code or teacher assessment (`A`, `T`, `B`, `N` in 2016, `HNM`, …).
    case code(Code)
    /// `blank`: no result at all.
    case blank

    /// The text of formats.md (`J`, `no_ks1`, `ks1_incomplete`, the code, `blank`).
    public var name: String {
        switch self {
        case .discounted: return "J"
        case .noKS1: return "no_ks1"
        case .ks1Incomplete: return "ks1_incomplete"
        case .code(let c): return c.name
        case .blank: return "blank"
        }
    }
}

/// A pupil's KS2 score used for progress in one subject (§4): the score and its source, or the
/// reason the result gives none.
public struct ScoreForProgress: Sendable, Hashable {
    /// Nil when the result gives no score for progress (then `reason` is set).
    public var score: Double?
    public var source: ScoreSource
    /// Nil when there is a score.
    public var reason: ExclusionReason?

    public init(score: Double?, source: ScoreSource, reason: ExclusionReason?) {
        self.score = score
        self.source = source
        self.reason = reason
    }

    /// A score from the given source.
    @inlinable
    public static func scored(_ score: Double, _ source: ScoreSource) -> ScoreForProgress {
        ScoreForProgress(score: score, source: source, reason: nil)
    }

    /// No score, for the given reason.
    @inlinable
    public static func excluded(_ reason: ExclusionReason) -> ScoreForProgress {
        ScoreForProgress(score: nil, source: .none, reason: reason)
    }
}

/// The reading or maths score used for progress (§4), from one test result:
/// `J` → discounted; a scaled score → `scaled`; `N`, or `NS` without a score → the year's nominal
/// score for no scaled score (excluded with reason `N`/`NS` when the year has none); `B` → the
/// nominal score of the teacher assessment (reason `B` when it has none); any other code → excluded
/// with the code as reason; nothing → `blank`.
@inlinable
public func testScoreForProgress(
    _ result: TestResult, nominalScores: CodeScoreTable,
    nominalForNoScaledScore: Double?
) -> ScoreForProgress {
    if result.code == .J { return .excluded(.discounted) }
    if result.hasScaled { return .scored(Double(result.scaled), .scaled) }
    switch result.code {
    case .none:
        return .excluded(.blank)
    case .N, .NS:
        if let n = nominalForNoScaledScore { return .scored(n, .nominal) }
        return .excluded(.code(result.code))
    case .B:
        if let s = nominalScores[result.ta] { return .scored(s, .nominal) }
        return .excluded(.code(.B))
    default:
        return .excluded(.code(result.code))
    }
}

/// The writing score used for progress (§4), from the writing teacher assessment:
/// `J` → discounted; `GDS`/`EXS`/`WTS` → their points (`ta`); a value of the nominal table →
/// `nominal`; any other value (`HNM`, a code) → excluded with the value as reason; blank → `blank`.
@inlinable
public func writingScoreForProgress(
    _ ta: Code, writingTAPoints: CodeScoreTable,
    nominalScores: CodeScoreTable
) -> ScoreForProgress {
    switch ta {
    case .none: return .excluded(.blank)
    case .J: return .excluded(.discounted)
    default:
        if let p = writingTAPoints[ta] { return .scored(p, .ta) }
        if let s = nominalScores[ta] { return .scored(s, .nominal) }
        return .excluded(.code(ta))
    }
}

/// Whether a test result is discounted (`J`): out of the subject's attainment and progress.
@inlinable
public func isDiscounted(_ result: TestResult) -> Bool { result.code == .J }

/// Whether a writing teacher assessment is discounted (`J`).
@inlinable
public func isDiscounted(writingTA: Code) -> Bool { writingTA == .J }

/// The reason a pupil is out of a subject's progress measure, nil when in it: `J` first, then
/// `no_ks1` / `ks1_incomplete`, then the result's own reason (formats.md, `s_excluded`).
@inlinable
public func progressExclusion(score: ScoreForProgress, prior: PriorAttainment) -> ExclusionReason? {
    if score.reason == .discounted { return .discounted }
    if let r = prior.reason { return r }
    if prior.aps == nil { return .ks1Incomplete }
    return score.reason
}

/// Expected and high standard of one pupil in one subject (§8).
public struct StandardReached: Sendable, Hashable {
    public var expected: Bool
    public var high: Bool
    public init(expected: Bool, high: Bool) {
        self.expected = expected
        self.high = high
    }
}

/// Whether a test result reaches the expected (scaled ≥ 100) and high (≥ 110) standard;
/// nil when discounted (out of the denominator).
@inlinable
public func testAttainment(_ result: TestResult) -> StandardReached? {
    if result.code == .J { return nil }
    return StandardReached(expected: result.scaled >= 100, high: result.scaled >= 110)
}

/// Whether a writing TA reaches the expected (`EXS`/`GDS`) and high (`GDS`) standard;
/// nil when discounted.
@inlinable
public func writingAttainment(_ ta: Code) -> StandardReached? {
    if ta == .J { return nil }
    return StandardReached(expected: ta == .EXS || ta == .GDS, high: ta == .GDS)
}

/// The actual scaled score for an average (§8): nil when discounted or without a scaled score,
/// so nominal scores never enter an average.
@inlinable
public func actualScaledScore(_ result: TestResult) -> Int? {
    if result.code == .J || !result.hasScaled { return nil }
    return Int(result.scaled)
}

/// A pupil's attainment in every subject and RWM (§8); nil = discounted (not in the denominator).
public struct PupilAttainment: Sendable, Hashable {
    public var read: StandardReached?
    public var writ: StandardReached?
    public var mat: StandardReached?
    public var gps: StandardReached?
    /// Expected/high in reading, writing and maths together; nil when discounted in any of the three.
    public var rwm: StandardReached?

    public init(
        read: StandardReached?, writ: StandardReached?, mat: StandardReached?,
        gps: StandardReached?, rwm: StandardReached?
    ) {
        self.read = read
        self.writ = writ
        self.mat = mat
        self.gps = gps
        self.rwm = rwm
    }

    /// The attainment of an accepted KS2 pupil.
    @inlinable
    public init(_ pupil: KS2Pupil) {
        let r = testAttainment(pupil.read)
        let w = writingAttainment(pupil.writTA)
        let m = testAttainment(pupil.mat)
        var rwm: StandardReached? = nil
        if let r, let w, let m {
            rwm = StandardReached(
                expected: r.expected && w.expected && m.expected,
                high: r.high && w.high && m.high)
        }
        self.init(read: r, writ: w, mat: m, gps: testAttainment(pupil.gps), rwm: rwm)
    }
}
