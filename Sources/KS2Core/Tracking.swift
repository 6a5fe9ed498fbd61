/// In-year tracking of the current cohort (methodology.md §11): the rules for one pupil and the
/// value types the tracking stages exchange.

/// One usable row of a tracking file: a pupil's predictions at one window.
public struct TrackingRecord: Sendable, Hashable {
    public var line: Int
    public var urn: String
    public var upn: String
    /// Index into the run's windows.
    public var window: Int
    /// As written to track_pupils.csv: a scaled score or an outcome code (reading, maths), a TA
    /// outcome (writing); empty without a prediction.
    public var predicted: PerSubject<String>
    /// The score the prediction counts as: the scaled score, or the writing TA's points; nil for a
    /// code without a score or no prediction.
    public var score: PerSubject<Double?>
    public init(
        line: Int, urn: String, upn: String, window: Int, predicted: PerSubject<String>, score: PerSubject<Double?>
    ) {
        self.line = line
        self.urn = urn
        self.upn = upn
        self.window = window
        self.predicted = predicted
        self.score = score
    }
}

/// The tracking windows of a run when none are given: the project's four visits, in order.
public let defaultTrackingWindows = ["oct", "jan", "mar", "jul"]

/// Predicted progress at a window (§11): the predicted score − the estimate; nil without either.
@inlinable
public func predictedProgress(score: Double?, estimate: Double?) -> Double? {
    guard let score, let estimate else { return nil }
    return score - estimate
}

/// On track at a window (§11): the predicted score reaches the target's score (writing: the TA's
/// points reach the target TA's points); nil without a predicted score.
@inlinable
public func isOnTrack(score: Double?, targetScore: Double) -> Bool? {
    guard let score else { return nil }
    return score >= targetScore
}

/// One pupil and subject followed across the windows (a row of track_pupils.csv).
public struct TrackedPupil: Sendable, Hashable {
    public var urn: String
    public var upn: String
    public var subject: Subject
    public var estimate: Double
    /// As targets.csv: a whole scaled score (reading, maths) or `WTS`/`EXS`/`GDS` (writing).
    public var target: String
    /// Per window.
    public var predicted: [String]
    public var progress: [Double?]
    public var onTrack: [Bool?]
    /// Fixed at the first window with a predicted progress; nil when there is none all year.
    public var focus: Bool?
    /// The window `focus` was decided at.
    public var focusWindow: Int?
    public init(urn: String, upn: String, subject: Subject, estimate: Double, target: String, windows: Int) {
        self.urn = urn
        self.upn = upn
        self.subject = subject
        self.estimate = estimate
        self.target = target
        predicted = Array(repeating: "", count: windows)
        progress = Array(repeating: nil, count: windows)
        onTrack = Array(repeating: nil, count: windows)
    }
}

/// The level of a row of track_schools.csv.
public enum TrackingLevel: Int, Sendable, CaseIterable, Hashable, Comparable {
    case school, cohort, project
    public var name: String { ["school", "cohort", "project"][rawValue] }
    public static func < (a: TrackingLevel, b: TrackingLevel) -> Bool { a.rawValue < b.rawValue }
}

/// One (level, id, subject, window) of track_schools.csv: the mean predicted progress with its §7
/// interval and status, the focus pupils and how many are on track, and the movement since the
/// run's first window.
public struct TrackingSummary: Sendable, Hashable {
    public var level: TrackingLevel
    public var id: String
    public var name: String
    public var subject: Subject
    public var window: Int
    /// Pupils with an estimate in the subject (the coverage denominator).
    public var withEstimate: Int
    /// Pupils with a predicted progress at the window.
    public var pupils: Int
    public var predictedProgress: Double?
    public var lower: Double?
    public var upper: Double?
    public var status: MeasureStatus
    public var focus: Int
    public var focusOnTrack: Int
    /// Focus pupils with a prediction at the window.
    public var focusPredicted: Int
    /// Mean of (progress now − progress at the first window) over pupils with both; nil at the first window.
    public var movement: Double?
    /// Pupils the movement is over.
    public var movementPupils: Int
    public init(level: TrackingLevel, id: String, name: String, subject: Subject, window: Int) {
        self.level = level
        self.id = id
        self.name = name
        self.subject = subject
        self.window = window
        withEstimate = 0
        pupils = 0
        status = .none
        focus = 0
        focusOnTrack = 0
        focusPredicted = 0
        movementPupils = 0
    }
}
