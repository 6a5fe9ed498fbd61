import KS2Core

/// One current-cohort pupil as the tracking synthesiser sees them: their school, estimates,
/// targets and the cohort file's prediction (the first window's starting point).
public struct TrackingSeedPupil: Sendable, Hashable {
    public var urn: String
    public var upn: String
    /// nil without an estimate.
    public var estimate: PerSubject<Double?>
    /// The target as targets.csv writes it (a scaled score, or WTS/EXS/GDS).
    public var target: PerSubject<String>
    /// The cohort file's prediction, empty when none.
    public var predicted: PerSubject<String>
    public init(
        urn: String, upn: String, estimate: PerSubject<Double?>, target: PerSubject<String>,
        predicted: PerSubject<String>
    ) {
        self.urn = urn
        self.upn = upn
        self.estimate = estimate
        self.target = target
        self.predicted = predicted
    }
}

/// What to synthesise: the windows in order, the seed, and how often a prediction is missing.
public struct TrackingSynthOptions: Sendable, Hashable {
    public var windows: [String]
    public var seed: UInt64
    /// Share of (pupil, window) rows a school did not record.
    public var missingRowShare: Double
    /// Share of schools that have not yet recorded the last window.
    public var lateSchoolShare: Double
    public init(windows: [String], seed: UInt64, missingRowShare: Double = 0.06, lateSchoolShare: Double = 0.1) {
        self.windows = windows
        self.seed = seed
        self.missingRowShare = missingRowShare
        self.lateSchoolShare = lateSchoolShare
    }
}

/// The header of a synthetic tracking file (formats.md "In-year tracking").
let trackingHeader = Array("urn,upn,window,read_predicted,writ_predicted,mat_predicted".utf8)

/// Writing outcomes a teacher moves a pupil between during the year, lowest first.
private let writingLadder = ["WTS", "EXS", "GDS"]

/// A deterministic synthetic tracking file: one row per pupil per window (some missing), rows by
/// window, then school, then UPN. Reading and maths predictions start at the cohort file's (or near
/// the estimate) and drift towards the target for pupils predicted below it — some pupils respond
/// more than others — with noise; writing predictions climb one outcome at a time towards the target.
public func synthesizeTracking(_ pupils: [TrackingSeedPupil], options: TrackingSynthOptions) -> [UInt8] {
    let windows = options.windows
    let last = max(1, windows.count - 1)
    var lateSchools = Set<String>()
    for urn in Set(pupils.map(\.urn)).sorted() {
        var r = RandomStream(options.seed, 0x4C41_5445, stableHash(urn))
        if r.chance(options.lateSchoolShare) { lateSchools.insert(urn) }
    }
    // the rows of each pupil, then emitted window by window
    var cells: [[[String]?]] = []
    for p in pupils {
        var r = RandomStream(options.seed, 0x5452_4143, stableHash(p.upn))
        var rows: [[String]?] = []
        var paths: [[String]] = []
        for s in Subject.allCases {
            paths.append(
                s == .writ
                    ? writingPath(p, windows: windows.count, random: &r)
                    : testPath(p, subject: s, windows: windows.count, last: last, random: &r))
        }
        for w in windows.indices {
            let missing = r.chance(options.missingRowShare) || (w == windows.count - 1 && lateSchools.contains(p.urn))
            rows.append(missing ? nil : paths.map { $0[w] })
        }
        cells.append(rows)
    }
    var out = trackingHeader + [0x0A]
    let order = pupils.indices.sorted { (pupils[$0].urn, pupils[$0].upn) < (pupils[$1].urn, pupils[$1].upn) }
    for w in windows.indices {
        for k in order {
            guard let row = cells[k][w] else { continue }
            let fields = [pupils[k].urn, pupils[k].upn, windows[w]] + row
            out += Array(fields.joined(separator: ",").utf8)
            out.append(0x0A)
        }
    }
    return out
}

/// A reading or maths prediction per window (empty = not predicted).
private func testPath(
    _ p: TrackingSeedPupil, subject s: Subject, windows: Int, last: Int,
    random r: inout RandomStream
) -> [String] {
    let blank = r.chance(0.04)
    guard let estimate = p.estimate[s], let target = Int(p.target[s]) else {
        return Array(repeating: blank ? "" : p.predicted[s], count: windows)
    }
    let start = Int(p.predicted[s]).map(Double.init) ?? (estimate - 2 + 4 * r.normal())
    let response = 0.2 + 0.9 * r.uniform()
    let goal = start < Double(target) ? start + response * (Double(target) + 1 - start) : start + r.normal()
    var path: [String] = []
    for w in 0..<windows {
        let fraction = Double(w) / Double(last)
        let noise = w == 0 ? 0 : 1.2 * r.normal()
        let value = min(120, max(80, Int((start + fraction * (goal - start) + noise).rounded())))
        path.append(r.chance(0.03) ? "" : String(value))
    }
    if blank { path[0] = "" }
    return path
}

/// A writing TA per window: starts at the cohort file's outcome (or below the target) and may climb
/// one outcome at a window while below the target.
private func writingPath(_ p: TrackingSeedPupil, windows: Int, random r: inout RandomStream) -> [String] {
    let target = writingLadder.firstIndex(of: p.target.writ)
    guard
        var level = writingLadder.firstIndex(of: p.predicted.writ)
            ?? target.map({ max(0, $0 - (r.chance(0.4) ? 1 : 0)) })
    else {
        return Array(repeating: p.predicted.writ, count: windows)
    }
    var path: [String] = []
    for w in 0..<windows {
        if w > 0, let target, level < target, r.chance(0.3) { level += 1 }
        path.append(writingLadder[level])
    }
    return path
}

/// FNV-1a of a string's UTF-8: a stream key that does not depend on the order pupils come in.
private func stableHash(_ text: String) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
    return h
}
