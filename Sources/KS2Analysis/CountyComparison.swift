import Foundation
import KS2Core

/// How far a pupil-pooled LA figure may lie from the published LA figure before it is flagged:
/// 0.05 for the published LA value's rounding to one decimal plus 0.05 for the school values'
/// rounding (a pupil-weighted mean of values each within ±0.05 of the truth is itself within ±0.05).
/// Coverage rounded to whole percents moves n by under one pupil a school, and pupils of suppressed
/// schools are in the LA figure but not in the pool; on the real Hampshire and Surrey files
/// 2017–2019 every pooled figure is within 0.05 of the published one.
public let countyComparisonTolerance = 0.1

/// Per LA, subject and year (sorted so): the published LA figure beside the one pooled from the LA's
/// school rows (mean of school progress weighted by n = eligible × coverage), with England.
public func countyComparison(_ rows: [SchoolResult], sigma: (Int, Subject) -> Double?) -> [ComparisonRow] {
    struct YearAndLA: Hashable {
        var year: Int
        var la: String
    }
    var laRows: [YearAndLA: SchoolResult] = [:]
    var schools: [YearAndLA: [SchoolResult]] = [:]
    var national: [Int: SchoolResult] = [:]
    for r in rows {
        switch r.level {
        case .la: if laRows[YearAndLA(year: r.year, la: r.id)] == nil { laRows[YearAndLA(year: r.year, la: r.id)] = r }
        case .school where !r.la.isEmpty: schools[YearAndLA(year: r.year, la: r.la), default: []].append(r)
        case .national: if national[r.year] == nil { national[r.year] = r }
        default: break
        }
    }
    let keys = Set(laRows.keys).union(schools.keys).sorted { ($0.year, $0.la) < ($1.year, $1.la) }
    var out: [ComparisonRow] = []
    for key in keys {
        let members = schools[key] ?? []
        for subject in Subject.allCases {
            let pooled = poolProgress(members, subject: subject, sigma: sigma(key.year, subject))
            let published = laRows[key]?[subject]
            var difference: Double?
            if let p = pooled.progress, let q = published?.progress { difference = p - q }
            out.append(
                ComparisonRow(
                    year: key.year, la: key.la, laName: laRows[key]?.name ?? "", subject: subject, published: published,
                    pooledSchools: pooled.schools, schoolsWithoutN: pooled.withoutN, pooledPupils: pooled.pupils,
                    pooledProgress: pooled.progress, pooledLower: pooled.lower, pooledUpper: pooled.upper,
                    england: national[key.year]?[subject], difference: difference,
                    differs: difference.map { abs($0) > countyComparisonTolerance + 1e-9 } ?? false))
        }
    }
    return out
}

/// LA rows pooled from their school rows (level `.la`, source `.computed`, name "<LA> (pooled from
/// schools)"): progress weighted by n with the year's σ, attainment weighted by its denominators.
public func pooledLAResults(_ rows: [SchoolResult], sigma: (Int, Subject) -> Double?) -> [SchoolResult] {
    struct YearAndLA: Hashable {
        var year: Int
        var la: String
    }
    var names: [YearAndLA: String] = [:]
    var schools: [YearAndLA: [SchoolResult]] = [:]
    for r in rows {
        if r.level == .la { names[YearAndLA(year: r.year, la: r.id)] = r.name }
        if r.level == .school && !r.la.isEmpty { schools[YearAndLA(year: r.year, la: r.la), default: []].append(r) }
    }
    return schools.keys.sorted { ($0.year, $0.la) < ($1.year, $1.la) }.map { key in
        let members = schools[key] ?? []
        let base = names[key] ?? key.la
        var result = SchoolResult(
            year: key.year, level: .la, id: key.la, name: "\(base) (pooled from schools)",
            la: key.la, source: .computed)
        let eligible = members.compactMap(\.eligible)
        result.eligible = eligible.isEmpty ? nil : eligible.reduce(0, +)
        for subject in Subject.allCases {
            let p = poolProgress(members, subject: subject, sigma: sigma(key.year, subject))
            result[subject] = SubjectResult(
                n: p.pupils, progress: p.progress, lower: p.lower, upper: p.upper,
                status: p.pupils == 0 ? .none : (p.pupils <= 5 ? .supp : .ok))
        }
        for m in AttainmentMeasure.allCases {
            var weighted = 0.0
            var total = 0
            for s in members {
                guard let v = s[m], let d = s.attainmentDenominators[m.rawValue] ?? s.eligible, d > 0 else { continue }
                weighted += v * Double(d)
                total += d
            }
            if total > 0 {
                result[m] = weighted / Double(total)
                result.attainmentDenominators[m.rawValue] = total
            }
        }
        return result
    }
}

/// Pupil-weighted mean of school progress with its 95% interval (σ known).
private func poolProgress(_ schools: [SchoolResult], subject: Subject, sigma: Double?)
    -> (schools: Int, withoutN: Int, pupils: Int, progress: Double?, lower: Double?, upper: Double?)
{
    var weighted = 0.0
    var pupils = 0
    var count = 0
    var withoutN = 0
    for s in schools {
        let r = s[subject]
        // Any figure with pupils counts (a computed SUPP/LOWCOV school's pupils are in its LA too);
        // published tables carry numbers only for status ok.
        guard r.status != .none, let p = r.progress else { continue }
        guard let n = r.n, n > 0 else {
            withoutN += 1
            continue
        }
        weighted += Double(n) * p
        pupils += n
        count += 1
    }
    guard pupils > 0 else { return (count, withoutN, 0, nil, nil, nil) }
    let progress = weighted / Double(pupils)
    guard let sigma else { return (count, withoutN, pupils, progress, nil, nil) }
    let half = 1.96 * sigma / Double(pupils).squareRoot()
    return (count, withoutN, pupils, progress, progress - half, progress + half)
}
