import KS2Core

/// Every school row with a progress figure, pupils in the measure and status `ok` or `supp`, with
/// its funnel limits from the year's σ (methodology.md §10), sorted by year, URN and subject.
/// Rows whose year has no σ have no limits and are left out (the caller warns).
public func funnelRows(_ rows: [SchoolResult], sigma: (Int, Subject) -> Double?) -> [FunnelRow] {
    var out: [FunnelRow] = []
    for r in rows where r.level == .school {
        for s in Subject.allCases {
            let m = r[s]
            guard m.status == .ok || m.status == .supp, let p = m.progress, let n = m.n, n > 0,
                let sd = sigma(r.year, s)
            else { continue }
            let (l95, l998) = funnelLimits(sigma: sd, n: n)
            out.append(
                FunnelRow(
                    year: r.year, urn: r.id, name: r.name, la: r.la, subject: s, n: n, progress: p,
                    limit95: l95, limit998: l998, status: m.status))
        }
    }
    out.sort { ($0.year, $0.urn, $0.subject.rawValue) < ($1.year, $1.urn, $1.subject.rawValue) }
    return out
}
