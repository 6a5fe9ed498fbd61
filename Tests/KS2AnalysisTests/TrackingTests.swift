import Foundation
import KS2Analysis
import KS2Core
import Testing

// In-year tracking (methodology.md §11) on hand-worked pupils: predicted progress, on track, focus
// fixed at the first window with a prediction, movement, the interval and suppression.

private let writingPoints = CodeScoreTable([.WTS: 91, .EXS: 103, .GDS: 113])

private func target(
    _ urn: String, _ upn: String, read: (Double, String)? = nil, writ: (Double, String)? = nil,
    mat: (Double, String)? = nil
) -> TargetRow {
    var row = TargetRow(urn: urn, upn: upn, estimatesYear: 2023)
    let given = PerSubject(read: read, writ: writ, mat: mat)
    row.estimate = given.map { $0?.0 }
    row.target = given.map { $0?.1 ?? "" }
    return row
}

private func record(
    _ upn: String, _ urn: String, window: Int, read: Double? = nil, writ: (String, Double)? = nil,
    mat: Double? = nil
) -> TrackingRecord {
    TrackingRecord(
        line: 2, urn: urn, upn: upn, window: window,
        predicted: PerSubject(
            read: read.map { String(Int($0)) } ?? "", writ: writ?.0 ?? "", mat: mat.map { String(Int($0)) } ?? ""),
        score: PerSubject(read: read, writ: writ?.1, mat: mat))
}

/// A: reading estimate 100.4, target 101; no prediction in oct, 99 in jan, 101 in mar.
/// B: reading estimate 98, target 98; 99 in oct, 97 in jan, 100 in mar.
/// C: writing estimate 100.5, target EXS; WTS (91) in oct, EXS (103) in jan.
private let targets = [
    target("100001", "A", read: (100.4, "101")),
    target("100001", "B", read: (98, "98")),
    target("100002", "C", writ: (100.5, "EXS")),
]
private let records = [
    record("A", "100001", window: 1, read: 99), record("A", "100001", window: 2, read: 101),
    record("B", "100001", window: 0, read: 99), record("B", "100001", window: 1, read: 97),
    record("B", "100001", window: 2, read: 100),
    record("C", "100002", window: 0, writ: ("WTS", 91)), record("C", "100002", window: 1, writ: ("EXS", 103)),
]

@Suite struct TrackingTests {
    @Test func predictedProgressOnTrackAndFocusAtTheFirstWindowWithAPrediction() throws {
        let pupils = trackPupils(targets, records: records, windows: 4, writingPoints: writingPoints)
        #expect(pupils.map { "\($0.upn)\($0.subject.name)" } == ["Aread", "Bread", "Cwrit"])
        let a = pupils[0]
        let b = pupils[1]
        let c = pupils[2]
        // A: 99 − 100.4 = −1.4 at jan, its first prediction: a focus pupil, behind (99 < 101)
        #expect(a.progress[0] == nil && a.onTrack[0] == nil)
        #expect(abs(a.progress[1]! - -1.4) < 1e-12)
        #expect(a.onTrack[1] == false && a.focus == true && a.focusWindow == 1)
        // at mar 101 ≥ 101: on track, still a focus pupil; jul: no prediction
        #expect(abs(a.progress[2]! - 0.6) < 1e-12)
        #expect(a.onTrack[2] == true && a.onTrack[3] == nil && a.predicted[3] == "")
        // B: +1 at oct fixes B as not focus, though jan is −1
        #expect(b.progress[0] == 1 && b.focus == false && b.focusWindow == 0)
        #expect(b.progress[1] == -1 && b.onTrack[1] == false)
        // C: WTS 91 − 100.5 = −9.5, focus, behind EXS; EXS 103 − 100.5 = +2.5, on track
        #expect(c.progress[0] == -9.5 && c.focus == true && c.onTrack[0] == false)
        #expect(c.progress[1] == 2.5 && c.onTrack[1] == true && c.predicted[1] == "EXS")
    }

    @Test func noRowWithoutAnEstimateAndFocusThreshold() {
        let pupils = trackPupils(
            targets, records: records, windows: 4, writingPoints: writingPoints, focusThreshold: 1.5)
        // B's +1 at oct is below a threshold of 1.5
        #expect(pupils.first { $0.upn == "B" }?.focus == true)
        #expect(!pupils.contains { $0.upn == "A" && $0.subject == .mat })
    }

    @Test func movementIntervalFocusOnTrackAndSuppression() throws {
        let pupils = trackPupils(targets, records: records, windows: 4, writingPoints: writingPoints)
        let rows = trackingSummaries(
            pupils, windows: 4, schoolNames: ["100001": "One School"],
            cohorts: [ProjectCohort(name: "C1", baselineYear: 0, outcomeYear: 0, urns: ["100001"])],
            sigma: PerSubject(read: 6, writ: 5, mat: 5.5))
        // 2 schools + 1 cohort + project, 3 subjects, 4 windows
        #expect(rows.count == 4 * 3 * 4)
        #expect(rows.map(\.level) == rows.map(\.level).sorted())
        func row(_ level: TrackingLevel, _ id: String, _ s: Subject, _ w: Int) throws -> TrackingSummary {
            try #require(rows.first { $0.level == level && $0.id == id && $0.subject == s && $0.window == w })
        }
        let oct = try row(.school, "100001", .read, 0)
        // oct: B alone, +1; n = 1 → supp; interval 1 ± 1.96·6/√1
        #expect(oct.pupils == 1 && oct.predictedProgress == 1 && oct.status == .supp && oct.withEstimate == 2)
        #expect(abs(oct.lower! - (1 - 11.76)) < 1e-12 && abs(oct.upper! - (1 + 11.76)) < 1e-12)
        #expect(oct.movement == nil && oct.focus == 1 && oct.focusOnTrack == 0 && oct.name == "One School")
        // jan: (−1.4 + −1)/2 = −1.2; movement over B only (A has no oct): −1 − 1 = −2
        let jan = try row(.school, "100001", .read, 1)
        #expect(jan.pupils == 2 && abs(jan.predictedProgress! - -1.2) < 1e-12)
        #expect(jan.movement == -2 && jan.movementPupils == 1 && jan.focusOnTrack == 0)
        // mar: (0.6 + 2)/2 = 1.3 ± 1.96·6/√2 = ± 8.315576…; A (focus) on track; movement B: 2 − 1 = +1
        let mar = try row(.school, "100001", .read, 2)
        let half = 1.96 * 6 / 2.0.squareRoot()
        #expect(abs(mar.predictedProgress! - 1.3) < 1e-12 && abs(half - 8.315576) < 1e-6)
        #expect(abs(mar.lower! - (1.3 - half)) < 1e-12 && abs(mar.upper! - (1.3 + half)) < 1e-12)
        #expect(mar.focus == 1 && mar.focusOnTrack == 1 && mar.movement == 1 && mar.status == .supp)
        // jul: nobody → none, no mean, no movement
        let jul = try row(.school, "100001", .read, 3)
        #expect(jul.pupils == 0 && jul.predictedProgress == nil && jul.status == .none && jul.movement == nil)
        // the cohort holds school 100001 only; the project both schools
        #expect(try row(.cohort, "C1", .read, 2).predictedProgress == mar.predictedProgress)
        #expect(try row(.cohort, "C1", .writ, 0).withEstimate == 0)
        let writ = try row(.project, "project", .writ, 1)
        #expect(writ.pupils == 1 && writ.predictedProgress == 2.5 && writ.movement == 12 && writ.focusOnTrack == 1)
    }

    @Test func meansOverSixPupilsAreOkAndHalfCoverageIsLowcov() throws {
        // maths estimate 100, six pupils predicted 100…105: mean 2.5, ok; 1.96·6/√6 = 4.800999…
        var six: [TargetRow] = []
        var predictions: [TrackingRecord] = []
        for k in 0..<6 {
            six.append(target("200001", "P\(k)", mat: (100, "100")))
            predictions.append(record("P\(k)", "200001", window: 0, mat: Double(100 + k)))
        }
        var rows = trackingSummaries(
            trackPupils(six, records: predictions, windows: 1, writingPoints: writingPoints),
            windows: 1, schoolNames: [:], cohorts: [], sigma: PerSubject(read: nil, writ: nil, mat: 6))
        var mat = try #require(rows.first { $0.level == .school && $0.subject == .mat })
        #expect(mat.pupils == 6 && mat.predictedProgress == 2.5 && mat.status == .ok)
        #expect(abs(mat.lower! - (2.5 - 4.800999895855028)) < 1e-12)
        // one pupil fewer: 5 → supp
        rows = trackingSummaries(
            trackPupils(
                six, records: Array(predictions.dropLast()), windows: 1,
                writingPoints: writingPoints),
            windows: 1, schoolNames: [:], cohorts: [], sigma: PerSubject(read: nil, writ: nil, mat: 6))
        mat = try #require(rows.first { $0.level == .school && $0.subject == .mat })
        #expect(mat.pupils == 5 && mat.status == .supp && mat.predictedProgress == 2)
        // six with a prediction of 13 with an estimate: coverage below half → lowcov (§7)
        for k in 6..<13 { six.append(target("200001", "P\(k)", mat: (100, "100"))) }
        rows = trackingSummaries(
            trackPupils(six, records: predictions, windows: 1, writingPoints: writingPoints),
            windows: 1, schoolNames: [:], cohorts: [], sigma: PerSubject(read: nil, writ: nil, mat: nil))
        mat = try #require(rows.first { $0.level == .school && $0.subject == .mat })
        #expect(mat.status == .lowcov && mat.lower == nil && mat.withEstimate == 13)
    }

    @Test func targetScores() {
        #expect(targetScore("101", subject: .read, writingPoints: writingPoints) == 101)
        #expect(targetScore("EXS", subject: .writ, writingPoints: writingPoints) == 103)
        #expect(targetScore("", subject: .mat, writingPoints: writingPoints) == nil)
        #expect(isOnTrack(score: 100, targetScore: 100) == true && isOnTrack(score: 99, targetScore: 100) == false)
        #expect(isOnTrack(score: nil, targetScore: 100) == nil)
    }
}
