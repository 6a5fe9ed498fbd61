import KS2Core

/// Every current-cohort pupil with an estimate, per subject, followed across the run's `windows`
/// (methodology.md §11): predicted progress and on track at each window from the tracking
/// `records`, and focus fixed at the first window with a predicted progress (progress below
/// `focusThreshold`). Sorted by urn, upn, subject, as `targets` is.
public func trackPupils(
    _ targets: [TargetRow], records: [TrackingRecord], windows: Int,
    writingPoints: CodeScoreTable, focusThreshold: Double = 0
) -> [TrackedPupil] {
    var byUPN: [String: [TrackingRecord]] = [:]
    for r in records { byUPN[r.upn, default: []].append(r) }
    var out: [TrackedPupil] = []
    for row in targets.sorted(by: { ($0.urn, $0.upn) < ($1.urn, $1.upn) }) {
        for subject in Subject.allCases {
            let s = subject
            guard let estimate = row.estimate[s],
                let targetScore = targetScore(
                    row.target[s], subject: subject,
                    writingPoints: writingPoints)
            else {
                continue
            }
            var pupil = TrackedPupil(
                urn: row.urn, upn: row.upn, subject: subject, estimate: estimate,
                target: row.target[s], windows: windows)
            for r in byUPN[row.upn] ?? [] {
                pupil.predicted[r.window] = r.predicted[s]
                pupil.progress[r.window] = predictedProgress(score: r.score[s], estimate: estimate)
                pupil.onTrack[r.window] = isOnTrack(score: r.score[s], targetScore: targetScore)
            }
            if let first = pupil.progress.firstIndex(where: { $0 != nil }), let p = pupil.progress[first] {
                pupil.focus = p < focusThreshold
                pupil.focusWindow = first
            }
            out.append(pupil)
        }
    }
    return out
}

/// The score a target stands for: the whole scaled score (reading, maths) or the target TA's
/// writing points; nil for a target text of neither kind.
public func targetScore(_ target: String, subject: Subject, writingPoints: CodeScoreTable) -> Double? {
    if subject != .writ { return Int(target).map(Double.init) }
    guard let code = Code(target) else { return nil }
    return writingPoints[code]
}

/// track_schools.csv (formats.md): per school (by URN), cohort (by name) and the whole project,
/// per subject and window, the mean predicted progress over pupils with a prediction with the §7
/// interval (`sigma` per subject: σ of the estimates' year) and status (coverage over pupils with
/// an estimate), the focus pupils and those on track, and the movement since the first window.
/// Sorted by level, id, subject, window.
public func trackingSummaries(
    _ pupils: [TrackedPupil], windows: Int, schoolNames: [String: String],
    cohorts: [ProjectCohort], sigma: PerSubject<Double?>
) -> [TrackingSummary] {
    var bySchool: [String: [TrackedPupil]] = [:]
    for p in pupils { bySchool[p.urn, default: []].append(p) }
    var groups: [(TrackingLevel, String, String, [TrackedPupil])] = []
    for urn in bySchool.keys.sorted() {
        groups.append((.school, urn, schoolNames[urn] ?? "", bySchool[urn] ?? []))
    }
    for c in cohorts.sorted(by: { $0.name < $1.name }) {
        groups.append((.cohort, c.name, c.name, c.urns.flatMap { bySchool[$0] ?? [] }))
    }
    groups.append((.project, "project", "Project", pupils))
    var out: [TrackingSummary] = []
    for (level, id, name, members) in groups {
        for subject in Subject.allCases {
            let inSubject = members.filter { $0.subject == subject }
            for w in 0..<windows {
                out.append(
                    summarise(
                        inSubject, level: level, id: id, name: name, subject: subject, window: w,
                        sigma: sigma[subject]))
            }
        }
    }
    return out
}

/// One (level, id, subject, window) of track_schools.csv over `pupils` of that subject.
func summarise(
    _ pupils: [TrackedPupil], level: TrackingLevel, id: String, name: String, subject: Subject,
    window w: Int, sigma: Double?
) -> TrackingSummary {
    var row = TrackingSummary(level: level, id: id, name: name, subject: subject, window: w)
    row.withEstimate = pupils.count
    var sum = 0.0
    var moved = 0.0
    for p in pupils {
        if p.focus == true {
            row.focus += 1
            if p.onTrack[w] != nil { row.focusPredicted += 1 }
            if p.onTrack[w] == true { row.focusOnTrack += 1 }
        }
        guard let now = p.progress[w] else { continue }
        row.pupils += 1
        sum += now
        if w > 0, let first = p.progress[0] {
            row.movementPupils += 1
            moved += now - first
        }
    }
    row.status = MeasureStatus(n: row.pupils, denominator: row.withEstimate)
    if row.pupils > 0 {
        let mean = sum / Double(row.pupils)
        row.predictedProgress = mean
        if let sigma {
            let interval = confidenceInterval(progress: mean, sigma: sigma, n: row.pupils)
            row.lower = interval.lower
            row.upper = interval.upper
        }
    }
    if row.movementPupils > 0 { row.movement = moved / Double(row.movementPupils) }
    return row
}
