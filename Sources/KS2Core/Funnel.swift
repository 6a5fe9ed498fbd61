/// One school's point on a funnel plot (methodology.md §10 "Funnel limits"; funnel.csv): its
/// progress in a subject against the pupils in the measure, with the 95% and 99.8% limits around 0.
public struct FunnelRow: Sendable, Hashable {
    public var year: Int
    public var urn: String
    public var name: String
    public var la: String
    public var subject: Subject
    public var n: Int
    public var progress: Double
    /// 1.96 σ / √n and 3.09 σ / √n (the limits are ± these around the national 0).
    public var limit95: Double
    public var limit998: Double
    /// `ok` or `supp`: a suppressed school is in funnel.csv but never on a workbook's plot.
    public var status: ResultStatus

    public init(
        year: Int, urn: String, name: String, la: String, subject: Subject, n: Int, progress: Double,
        limit95: Double, limit998: Double, status: ResultStatus
    ) {
        self.year = year
        self.urn = urn
        self.name = name
        self.la = la
        self.subject = subject
        self.n = n
        self.progress = progress
        self.limit95 = limit95
        self.limit998 = limit998
        self.status = status
    }

    public var outside95: Bool { abs(progress) > limit95 }
    public var outside998: Bool { abs(progress) > limit998 }
}

/// The funnel half-widths for `n` pupils: 1.96 σ/√n (95%) and 3.09 σ/√n (99.8%).
@inlinable
public func funnelLimits(sigma: Double, n: Int) -> (limit95: Double, limit998: Double) {
    let root = Double(n).squareRoot()
    return (1.96 * sigma / root, 3.09 * sigma / root)
}
