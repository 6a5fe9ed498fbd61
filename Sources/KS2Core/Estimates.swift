/// One prior attainment group's national figures for one subject: a row of estimates.csv.
public struct PAGEstimate: Sendable, Hashable {
    public var pag: Int
    public var lower: Double
    /// nil for the open-ended top group.
    public var upper: Double?
    /// Pupils in the PAG with a score used for progress in the subject.
    public var pupils: Int
    public var estimate: Double?
    /// Sample SD (n−1) of unadjusted progress in the PAG.
    public var sd: Double?
    /// Floor for adjusted progress (`sd` × `cap_z`), nil before 2018 or where the PAG cannot be capped.
    public var cap: Double?
    public init(pag: Int, lower: Double, upper: Double?, pupils: Int, estimate: Double?, sd: Double?, cap: Double?) {
        self.pag = pag
        self.lower = lower
        self.upper = upper
        self.pupils = pupils
        self.estimate = estimate
        self.sd = sd
        self.cap = cap
    }
}

/// A subject's national figures: a row of national.csv.
public struct NationalFigures: Sendable, Hashable {
    public var subject: Subject
    public var pupils: Int
    /// σ: SD (n−1) of adjusted pupil progress.
    public var sd: Double?
    public var capZ: Double?
    public var p10: Double?
    public var p90: Double?
    /// Progress of England's other (not disadvantaged) pupils, for the disadvantaged gap
    /// (methodology.md §10); nil when unknown (a national.csv written before the column existed).
    public var otherProgress: Double?
    public init(
        subject: Subject, pupils: Int, sd: Double?, capZ: Double?, p10: Double?, p90: Double?,
        otherProgress: Double? = nil
    ) {
        self.subject = subject
        self.pupils = pupils
        self.sd = sd
        self.capZ = capZ
        self.p10 = p10
        self.p90 = p90
        self.otherProgress = otherProgress
    }
}

/// p10 and p90 of school progress per subject, the band thresholds (methodology.md §7): what a
/// national run's aggregation computes and writes to national.csv, and what a supplied run is given.
public struct SchoolProgressThresholds: Sendable, Equatable {
    public var p10: PerSubject<Double?>
    public var p90: PerSubject<Double?>
    public init(p10: PerSubject<Double?>, p90: PerSubject<Double?>) {
        self.p10 = p10
        self.p90 = p90
    }

    /// A supplied run's thresholds: national.csv's p10 and p90 as they are.
    public init(national: PerSubject<NationalFigures>) {
        p10 = national.map(\.p10)
        p90 = national.map(\.p90)
    }
}

/// The national tables of one year: what a national run writes and a county run is given.
public struct EstimateTable: Sendable, Hashable {
    public var year: Int
    /// Per subject, indexed by PAG − 1.
    public var pags: PerSubject<[PAGEstimate]>
    public var national: PerSubject<NationalFigures>
    /// England's attainment of the year, indexed by `AttainmentMeasure.rawValue`, so that a supplied
    /// run's school workbooks show it; nil when unknown (a national.csv written before its columns).
    public var englandAttainment: AttainmentFigures<Double>?
    public init(
        year: Int, pags: PerSubject<[PAGEstimate]>, national: PerSubject<NationalFigures>,
        englandAttainment: AttainmentFigures<Double>? = nil
    ) {
        self.year = year
        self.pags = pags
        self.national = national
        self.englandAttainment = englandAttainment
    }

    /// PAG lower bounds (from reading's rows: every subject has the same), so a supplied run uses the
    /// file's groups.
    public var lowerBounds: [Double] { pags.read.map(\.lower) }
}
