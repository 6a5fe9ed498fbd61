import Foundation
import KS2Core

// Project impact, methodology.md §9: per cohort and subject, the change in school progress from the
// baseline to the outcome year with a t-interval, the same for a comparison group (the other schools
// of the cohort's LAs) and the difference in differences with a Welch interval.

/// Project impact per cohort and subject (`read`, `writ`, `mat`, then `rwm` with attainment only),
/// and every cohort school with both years' progress or the plain reason it could not be used.
public func projectImpact(cohorts: [ProjectCohort], results: [SchoolResult])
    -> (impacts: [CohortImpact], schools: [CohortSchool])
{
    var byYear: [Int: [String: SchoolResult]] = [:]
    var yearsOfSchool: [String: Set<Int>] = [:]
    for r in results where r.level == .school {
        if byYear[r.year, default: [:]][r.id] == nil { byYear[r.year, default: [:]][r.id] = r }
        yearsOfSchool[r.id, default: []].insert(r.year)
    }
    let inAnyCohort = Set(cohorts.flatMap(\.urns))
    var impacts: [CohortImpact] = []
    var listed: [CohortSchool] = []

    for cohort in cohorts {
        let base = byYear[cohort.baselineYear] ?? [:]
        let out = byYear[cohort.outcomeYear] ?? [:]
        var urns: [String] = []
        for u in cohort.urns where !urns.contains(u) { urns.append(u) }
        // The cohort's LAs: the LA of each cohort school in either year.
        var las = Set<String>()
        for u in urns {
            for row in [base[u], out[u]] { if let la = row?.la, !la.isEmpty { las.insert(la) } }
        }
        for u in urns {
            listed.append(
                cohortSchool(
                    cohort: cohort, urn: u, baseline: base[u], outcome: out[u],
                    inTables: yearsOfSchool[u] != nil))
        }
        let comparisonURNs = base.values
            .filter { las.contains($0.la) && !inAnyCohort.contains($0.id) && out[$0.id] != nil }
            .map(\.id).sorted()

        let years = CohortYears(baseline: base, outcome: out)
        for subject in Subject.allCases {
            impacts.append(
                subjectImpact(cohort, subject: subject, urns: urns, comparisonURNs: comparisonURNs, years: years))
        }
        // rwm: attainment only (the schools with RWM expected in both years).
        var rwm = CohortImpact(
            cohort: cohort.name, subject: "rwm", baselineYear: cohort.baselineYear,
            outcomeYear: cohort.outcomeYear)
        let attainment = pooledAttainment(urns, measure: .pctRwmExp, base: base, out: out)
        rwm.schools = attainment.schools
        rwm.schoolsMissing = urns.count - attainment.schools
        rwm.baselinePctExp = attainment.baseline
        rwm.outcomePctExp = attainment.outcome
        impacts.append(rwm)
    }
    return (impacts, listed)
}

/// A cohort's two years of school rows, by URN.
private struct CohortYears {
    let baseline: [String: SchoolResult]
    let outcome: [String: SchoolResult]
}

/// One subject's impact for a cohort: the cohort schools' change in progress with its interval,
/// the pooled and attainment figures, the comparison schools' change and the difference in
/// differences with its Welch interval.
private func subjectImpact(
    _ cohort: ProjectCohort, subject: Subject, urns: [String], comparisonURNs: [String], years: CohortYears
) -> CohortImpact {
    let base = years.baseline
    let out = years.outcome
    var impact = CohortImpact(
        cohort: cohort.name, subject: subject.name, baselineYear: cohort.baselineYear,
        outcomeYear: cohort.outcomeYear)
    let pairs = urns.compactMap { u -> (SubjectResult, SubjectResult)? in
        guard let b = base[u]?[subject], let o = out[u]?[subject],
            numericProgress(b) != nil, numericProgress(o) != nil
        else { return nil }
        return (b, o)
    }
    impact.schools = pairs.count
    impact.schoolsMissing = urns.count - pairs.count
    let before = pairs.compactMap { numericProgress($0.0) }
    let after = pairs.compactMap { numericProgress($0.1) }
    let changes = zip(after, before).map { $0 - $1 }
    impact.baselineMean = arithmeticMean(before)
    impact.outcomeMean = arithmeticMean(after)
    let change = meanWithInterval(changes)
    impact.change = change.mean
    impact.changeLower = change.lower
    impact.changeUpper = change.upper
    impact.baselinePooled = pupilPooled(pairs.map(\.0))
    impact.outcomePooled = pupilPooled(pairs.map(\.1))
    let attainment = pooledAttainment(urns, measure: attainmentMeasure(subject), base: base, out: out)
    impact.baselinePctExp = attainment.baseline
    impact.outcomePctExp = attainment.outcome
    let comparison = comparisonURNs.compactMap { u -> Double? in
        guard let b = base[u].flatMap({ numericProgress($0[subject]) }),
            let o = out[u].flatMap({ numericProgress($0[subject]) })
        else { return nil }
        return o - b
    }
    impact.comparisonSchools = comparison.count
    let comp = meanWithInterval(comparison)
    impact.comparisonChange = comp.mean
    impact.comparisonLower = comp.lower
    impact.comparisonUpper = comp.upper
    if let c = change.mean, let k = comp.mean {
        impact.did = c - k
        if let w = welchInterval(changes, comparison) {
            impact.didLower = w.lower
            impact.didUpper = w.upper
        }
    }
    return impact
}

/// The progress of a row that counts for change (status ok with a number), else nil.
private func numericProgress(_ r: SubjectResult) -> Double? {
    r.status == .ok ? r.progress : nil
}

/// The attainment measure shown beside a subject's progress (percentage at the expected standard).
private func attainmentMeasure(_ subject: Subject) -> AttainmentMeasure {
    switch subject {
    case .read: return .pctReadExp
    case .writ: return .pctWritExp
    case .mat: return .pctMatExp
    }
}

/// Σ n·progress / Σ n over the given rows; nil when any row's n is unknown (the pool would not be
/// over the same schools as the means) or there are none.
private func pupilPooled(_ rows: [SubjectResult]) -> Double? {
    var weighted = 0.0
    var pupils = 0
    for r in rows {
        guard let n = r.n, n > 0, let p = r.progress else { return nil }
        weighted += Double(n) * p
        pupils += n
    }
    return pupils > 0 ? weighted / Double(pupils) : nil
}

/// A percentage pooled by eligible pupils each year over the schools with it (and its denominator)
/// in both years.
private func pooledAttainment(
    _ urns: [String], measure: AttainmentMeasure, base: [String: SchoolResult],
    out: [String: SchoolResult]
) -> (schools: Int, baseline: Double?, outcome: Double?) {
    func pair(_ r: SchoolResult?) -> (Double, Int)? {
        guard let r, let v = r[measure], let d = r.attainmentDenominators[measure.rawValue] ?? r.eligible, d > 0 else {
            return nil
        }
        return (v, d)
    }
    var schools = 0
    var sums = (0.0, 0, 0.0, 0)
    for u in urns {
        guard let b = pair(base[u]), let o = pair(out[u]) else { continue }
        schools += 1
        sums.0 += b.0 * Double(b.1)
        sums.1 += b.1
        sums.2 += o.0 * Double(o.1)
        sums.3 += o.1
    }
    guard schools > 0 else { return (0, nil, nil) }
    return (schools, sums.0 / Double(sums.1), sums.2 / Double(sums.3))
}

/// One cohort school's row for cohort_schools.csv: progress in both years, and why any is missing.
private func cohortSchool(
    cohort: ProjectCohort, urn: String, baseline: SchoolResult?, outcome: SchoolResult?,
    inTables: Bool
) -> CohortSchool {
    var school = CohortSchool(
        cohort: cohort.name, urn: urn, name: outcome?.name ?? baseline?.name ?? "",
        la: outcome?.la ?? baseline?.la ?? "")
    var reasons: [String] = []
    if !inTables {
        reasons.append("URN \(urn) is in no results file")
    } else {
        if baseline == nil { reasons.append("no \(cohort.baselineYear) row in the tables") }
        if outcome == nil { reasons.append("no \(cohort.outcomeYear) row in the tables") }
    }
    let words = ["reading", "writing", "maths"]
    for subject in Subject.allCases {
        for (row, year, isBaseline) in [(baseline, cohort.baselineYear, true), (outcome, cohort.outcomeYear, false)] {
            guard let row else { continue }
            let r = row[subject]
            if let p = numericProgress(r) {
                if isBaseline { school.baseline[subject] = p } else { school.outcome[subject] = p }
            } else {
                reasons.append("\(words[subject.rawValue]) progress \(statusText(r)) in \(year)")
            }
        }
    }
    for (row, year) in [(baseline, cohort.baselineYear), (outcome, cohort.outcomeYear)] {
        if let row, row[.pctRwmExp] == nil { reasons.append("no RWM attainment in \(year)") }
    }
    school.missingReason = reasons.joined(separator: "; ")
    return school
}

/// How a missing figure reads in a reason: `SUPP`, `LOWCOV`, the published code (`NE`), or `blank`.
private func statusText(_ r: SubjectResult) -> String {
    switch r.status {
    case .supp: return "SUPP"
    case .lowcov: return "LOWCOV"
    case .coded(let c): return c
    case .none, .ok: return "blank"
    }
}

/// A mean with its 95% t-interval (methodology.md §9), from KS2Core's statistics.
func meanWithInterval(_ xs: [Double]) -> (mean: Double?, lower: Double?, upper: Double?) {
    guard let m = arithmeticMean(xs) else { return (nil, nil, nil) }
    guard let sd = sampleStandardDeviation(xs), let ci = meanTInterval(mean: m, sd: sd, count: xs.count) else {
        return (m, nil, nil)
    }
    return (m, ci.lower, ci.upper)
}

/// The 95% Welch interval of mean(a) − mean(b); nil unless both groups have two values or more.
func welchInterval(_ a: [Double], _ b: [Double]) -> WelchInterval? {
    guard let ma = arithmeticMean(a), let mb = arithmeticMean(b),
        let sa = sampleStandardDeviation(a), let sb = sampleStandardDeviation(b)
    else { return nil }
    return welchInterval(meanA: ma, sdA: sa, countA: a.count, meanB: mb, sdB: sb, countB: b.count)
}
