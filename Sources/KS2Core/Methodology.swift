/// Which KS1 assessment framework a KS2 year's pupils were assessed under at KS1, which in
/// turn decides the year's default prior-attainment groups (methodology.md §2–§3).
public enum KS1Framework: UInt8, Sendable, CaseIterable, Hashable {
    /// National-curriculum levels (KS1 up to 2015; KS2 2016–2019).
    case levels
    /// The interim framework (KS1 2016 on; KS2 2020 on).
    case interim

    /// The spelling used in methodology files.
    public var name: String { self == .levels ? "levels" : "interim" }

    /// The framework the KS2 year's pupils had at KS1: levels up to 2019, interim from 2020.
    public static func forKS2Year(_ year: Int) -> KS1Framework { year <= 2019 ? .levels : .interim }
}

/// The national 10th and 90th percentiles of school progress that separate bands 4/5 and 1/2 (§7).
public struct BandThresholds: Sendable, Equatable {
    public var p10: Double
    public var p90: Double
    public init(p10: Double, p90: Double) {
        self.p10 = p10
        self.p90 = p90
    }
}

/// A score (or points) per `Code`, stored densely by the code's raw value so that a lookup on
/// the hot path is one array read, never a hash or an allocation.
public struct CodeScoreTable: Sendable, Equatable {
    @usableFromInline
    var scores: [Double?]

    /// An empty table (no code has a score).
    public init() { scores = Array(repeating: nil, count: Code.allCases.count) }

    /// A table holding exactly the given entries.
    public init(_ entries: [Code: Double]) {
        self.init()
        for (code, score) in entries { scores[Int(code.rawValue)] = score }
    }

    /// The score of a code, or nil when the table has none for it.
    @inlinable
    public subscript(code: Code) -> Double? {
        get { scores[Int(code.rawValue)] }
        set { scores[Int(code.rawValue)] = newValue }
    }

    /// The entries in `Code` order (for files, messages and tests).
    public var entries: [(code: Code, score: Double)] {
        Code.allCases.compactMap { c in scores[Int(c.rawValue)].map { (c, $0) } }
    }

    /// The number of codes with a score.
    public var count: Int { scores.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }
}

/// Where a methodology value came from, so that outputs can say which figures are the DfE's.
public enum SourceKind: String, Sendable, CaseIterable, Hashable {
    /// Taken from (or back-solved from) DfE publications.
    case published
    /// No public source fixed it: the project's assumption, to be replaced by the DfE's table.
    case assumed
}

/// The provenance of one group of methodology values: its kind and a URL-free description.
public struct ValueSource: Sendable, Equatable {
    public var kind: SourceKind
    public var note: String
    /// Entries of the group that are assumed although the group is published (e.g. `EM`).
    public var assumedItems: [String]

    public init(kind: SourceKind, note: String = "", assumedItems: [String] = []) {
        self.kind = kind
        self.note = note
        self.assumedItems = assumedItems
    }
}

/// The provenance of each value group of a methodology year.
public struct MethodologySources: Sendable, Equatable {
    public var framework: ValueSource
    public var priorAttainmentGroups: ValueSource
    public var nominalScores: ValueSource
    public var writingTAPoints: ValueSource
    public var capping: ValueSource
    /// Nil when the year has no published σ.
    public var sigma: ValueSource?
    /// Nil when the year has no published band thresholds.
    public var bandThresholds: ValueSource?

    public init(
        framework: ValueSource, priorAttainmentGroups: ValueSource, nominalScores: ValueSource,
        writingTAPoints: ValueSource, capping: ValueSource, sigma: ValueSource? = nil,
        bandThresholds: ValueSource? = nil
    ) {
        self.framework = framework
        self.priorAttainmentGroups = priorAttainmentGroups
        self.nominalScores = nominalScores
        self.writingTAPoints = writingTAPoints
        self.capping = capping
        self.sigma = sigma
        self.bandThresholds = bandThresholds
    }
}

/// Everything the methodology fixes for one KS2 year, read from that year's methodology file
/// (values live in data, never in code, so a user can replace an assumed table with the DfE's).
public struct MethodologyYear: Sendable, Equatable {
    /// The summer of the KS2 tests.
    public var year: Int
    public var framework: KS1Framework
    /// PAG i (1-based) = [bounds[i-1], bounds[i]) of KS1 APS; the last is open-ended.
    public var pagLowerBounds: [Double]
    /// Nominal score of a reading/maths pupil working below the test (`B`), by teacher assessment;
    /// also the writing score below `WTS`.
    public var nominalScores: CodeScoreTable
    /// Nominal score for `N`, or `NS` without a scaled score; nil = excluded (2016 and before).
    public var nominalForNoScaledScore: Double?
    /// Writing teacher-assessment points: `GDS` 113, `EXS` 103, `WTS` 91.
    public var writingTAPoints: CodeScoreTable
    /// Whether extremely negative progress is capped (§6; 2018 on).
    public var cappingApplies: Bool
    /// Published national σ of adjusted pupil progress per subject (§7), when known.
    public var publishedSigma: PerSubject<Double>?
    /// Published band thresholds per subject (§7), when known.
    public var publishedBandThresholds: PerSubject<BandThresholds>?
    public var sources: MethodologySources

    public init(
        year: Int, framework: KS1Framework, pagLowerBounds: [Double], nominalScores: CodeScoreTable,
        nominalForNoScaledScore: Double?, writingTAPoints: CodeScoreTable, cappingApplies: Bool,
        publishedSigma: PerSubject<Double>?, publishedBandThresholds: PerSubject<BandThresholds>?,
        sources: MethodologySources
    ) {
        self.year = year
        self.framework = framework
        self.pagLowerBounds = pagLowerBounds
        self.nominalScores = nominalScores
        self.nominalForNoScaledScore = nominalForNoScaledScore
        self.writingTAPoints = writingTAPoints
        self.cappingApplies = cappingApplies
        self.publishedSigma = publishedSigma
        self.publishedBandThresholds = publishedBandThresholds
        self.sources = sources
    }

    /// The number of prior-attainment groups of the year.
    public var pagCount: Int { pagLowerBounds.count }

    /// The PAG (1-based) of a KS1 APS under this year's table.
    @inlinable
    public func priorAttainmentGroup(aps: Double) -> Int {
        KS2Core.priorAttainmentGroup(aps: aps, bounds: pagLowerBounds)
    }

    /// The reading or maths score used for progress (§4) under this year's tables.
    @inlinable
    public func testScoreForProgress(_ result: TestResult) -> ScoreForProgress {
        KS2Core.testScoreForProgress(
            result, nominalScores: nominalScores,
            nominalForNoScaledScore: nominalForNoScaledScore)
    }

    /// The writing score used for progress (§4) under this year's tables.
    @inlinable
    public func writingScoreForProgress(_ ta: Code) -> ScoreForProgress {
        KS2Core.writingScoreForProgress(ta, writingTAPoints: writingTAPoints, nominalScores: nominalScores)
    }

    /// The score used for progress in one subject of a pupil.
    @inlinable
    public func scoreForProgress(_ pupil: KS2Pupil, subject: Subject) -> ScoreForProgress {
        switch subject {
        case .read: return testScoreForProgress(pupil.read)
        case .mat: return testScoreForProgress(pupil.mat)
        case .writ: return writingScoreForProgress(pupil.writTA)
        }
    }
}
