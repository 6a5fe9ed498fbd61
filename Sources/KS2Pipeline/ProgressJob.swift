import Foundation
import KS2Analysis
import KS2Core
import KS2Ingest
import KS2Reports

/// `ks2progress progress`: one year's KS2 results and KS1 prior attainment in, DfE progress for
/// every pupil, school, LA and group out (national mode without supplied estimates).
public struct ProgressJob: Sendable {
    public var ks2: String
    public var ks1: String
    public var year: Int
    /// A folder holding estimates.csv and national.csv, or an estimates.csv file beside national.csv.
    public var estimates: String?
    public var cohorts: String?
    /// Canonical column → header text, from a pipeline file; an empty text (`read_score: ""`) says
    /// the export has no such column on purpose (a subject mapped so is not an error when missing).
    public var ks2Columns: [String: String] = [:]
    public var ks1Columns: [String: String] = [:]

    public init(ks2: String, ks1: String, year: Int, estimates: String? = nil, cohorts: String? = nil) {
        self.ks2 = ks2
        self.ks1 = ks1
        self.year = year
        self.estimates = estimates
        self.cohorts = cohorts
    }

    /// Everything a progress run computes, before it is written (a pipeline can carry it on).
    public struct Outcome: Sendable {
        public var cohort: KS2Cohort
        public var computation: ProgressComputation
        public var aggregation: Aggregation
        /// σ per subject: the SD of the national pupils' adjusted progress (computed or supplied).
        public var sigma: PerSubject<Double?>
        public var rejects: [Reject]
        public var accounts: [(String, FileAccount)]
        /// Each pupil file's columns not read and optional columns absent (role, report).
        public var columns: [(String, ColumnReport)] = []
        /// The KS2 file's schools described two ways (name, LA, special).
        public var schoolNotes = SchoolNotes(file: "")

        /// The console's notes on the year's inputs: columns not read or absent, schools described two ways.
        var inputNotes: [String] { columns.flatMap(\.1.lines) + schoolNotes.lines }

        /// The outcome without its pupil-level data, once pupils.csv and groups.csv hold it: the
        /// school, LA and England rows, the disadvantaged group rows (for the gaps), the estimates,
        /// σ and the rejects stay.
        func withoutPupilRows() -> Outcome {
            var o = self
            o.cohort.pupils = []
            o.cohort.names = []
            o.computation.table = PupilProgressTable(count: 0)
            o.aggregation.groups = o.aggregation.groups.filter { $0.group == "disadvantaged" }
            o.aggregation.pupilOrder = []
            return o
        }
    }

    /// Runs the job and writes its outputs; returns the summary printed to the user.
    @discardableResult
    public func run(_ settings: RunSettings) throws -> String {
        var job = try JobFrame(
            command: "progress", settings: settings,
            inputs: inputPaths(settings))
        let outcome = try compute(settings, clock: &job.clock)
        var results = RunResults(progress: [outcome], nationalYears: estimates == nil ? [year] : [])
        if let c = cohorts { results.cohorts = try readCohortFile(c) }
        let tables = try YearByYearTables(job.out, withSchools: true)
        try tables.append(outcome, schoolRows: results.allRows, settings: settings, clock: &job.clock)
        try tables.close()
        results.schoolsWritten = true
        let written = try writeResults(results, to: job.out, settings: settings, clock: &job.clock)
        job.manifest.inputs = [("ks2", ks2), ("ks1", ks1)] + (cohorts.map { [("cohorts", $0)] } ?? [])
        job.manifest.parameters = [
            "year": year, "mode": estimates == nil ? "national" : "supplied",
            "estimates": estimates ?? NSNull(), "threads": settings.threads,
            "xlsx": settings.writeWorkbooks,
            // the school workbooks' focus pupils: those with progress below 0
            "focus_threshold": results.focusThreshold,
        ]
        job.manifest.accounts = outcome.accounts
        recordColumns(outcome.columns, in: &job.manifest)
        recordSchoolNotes(outcome.schoolNotes, in: &job.manifest)
        var inMeasure: [String: Int] = [:]
        for s in Subject.allCases { inMeasure[s.name] = outcome.computation.table.pupilsInMeasure(s) }
        job.manifest.pupilsInMeasure = inMeasure
        if !results.warnings.isEmpty { job.manifest.extra["warnings"] = results.warnings }
        try job.finish()
        let warnings = (outcome.inputNotes + results.warnings).map { $0 + "\n" }.joined()
        ProcessTeardown.keepUntilExit(outcome)
        return warnings + summary(outcome, settings) + "\nwrote " + written.joined(separator: ", ")
    }

    /// Every file or folder the job reads: the output folder may hold none of them.
    func inputPaths(_ settings: RunSettings) -> [String] {
        [ks2, ks1] + [estimates, cohorts, settings.methodologyDirectory].compactMap { $0 }
    }

    /// Read, clean, join, compute and aggregate.
    public func compute(_ settings: RunSettings, clock: inout StageClock) throws -> Outcome {
        let methodology = try loadMethodology(year: year, directory: try ProjectData.methodologyDirectory(settings))
        var supplied: EstimateTable? = nil
        if let e = estimates {
            clock.begin("estimates")
            supplied = try readEstimateTables(e, year: year)
        }
        clock.begin("read")
        let options2 = IngestOptions(columns: ks2Columns, threads: settings.threads, keepNames: settings.writeWorkbooks)
        let options1 = IngestOptions(columns: ks1Columns, threads: settings.threads, keepNames: false)
        // the two files are read side by side: each reader's serial merge then overlaps the other's scan
        let (ks2Result, ks1Result) = try sideBySide(
            parallel: settings.threads > 1,
            { try wrapInput { try readKS2(path: ks2, year: year, options: options2) } },
            { try wrapInput { try readKS1(path: ks1, options: options1) } })
        if ks2Result.cohort.pupils.isEmpty {
            throw PipelineError.invalid(
                nothingAccepted(
                    path: ks2, read: ks2Result.account.read, rows: "pupil rows", rejects: ks2Result.rejects,
                    listing:
                        "`ks2progress validate --ks2 FILE --year \(year) --out DIR` lists every reject in DIR/rejects.csv"
                ))
        }
        // a KS1 file with no usable row leaves every pupil without prior attainment: no progress at all
        if ks1Result.records.isEmpty {
            throw PipelineError.invalid(
                nothingAccepted(
                    path: ks1, read: ks1Result.account.read, rows: "pupil rows", rejects: ks1Result.rejects,
                    listing: "`ks2progress validate --ks2 KS2 --ks1 FILE --year \(year) --out DIR` lists every reject "
                        + "in DIR/rejects.csv",
                    outcome: "no pupil has prior attainment, so no progress can be measured"))
        }
        clock.begin("join")
        let join = joinKS1(ks2Result.cohort, ks1Result, threads: settings.threads)
        clock.begin("pupil progress")
        let computation = computePupilProgress(
            cohort: ks2Result.cohort, ks1: ks1Result.records,
            ks1Index: join.ks1Index, methodology: methodology,
            supplied: supplied, threads: settings.threads)
        let sigma = computation.estimates.national.map(\.sd)
        clock.begin("aggregate")
        let aggregation = aggregate(
            cohort: ks2Result.cohort, table: computation.table, sigma: sigma,
            thresholds: supplied.map { SchoolProgressThresholds(national: $0.national) },
            includeNational: supplied == nil,
            laNames: ProjectData.localAuthorityNames(), threads: settings.threads)
        return Outcome(
            cohort: ks2Result.cohort, computation: computation, aggregation: aggregation, sigma: sigma,
            rejects: ks2Result.rejects + ks1Result.rejects,
            accounts: [("ks2", ks2Result.account), ("ks1", join.account)],
            columns: [("ks2", ks2Result.columns), ("ks1", ks1Result.columns)],
            schoolNotes: ks2Result.schoolNotes)
    }

    func summary(_ o: Outcome, _ settings: RunSettings) -> String {
        let rows = o.aggregation.rows
        // by index: a `reduce` over the rows copies each one
        let schools = rows.indices.reduce(0) { $0 + (rows[$1].level == .school ? 1 : 0) }
        var lines = [
            "progress \(year): \(o.cohort.pupils.count) pupils in \(schools) schools; \(o.rejects.count) rows rejected"
        ]
        for s in Subject.allCases {
            let n = o.computation.table.pupilsInMeasure(s)
            lines.append("  \(s.name): \(n) pupils in the measure")
        }
        for (_, account) in o.accounts { if let w = ks1MatchWarning(account) { lines.append(w) } }
        lines.append("outputs in \(settings.outputDirectory)")
        return lines.joined(separator: "\n")
    }
}

/// Runs an ingest call, turning its input errors into pipeline errors.
func wrapInput<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as InputError { throw PipelineError.input(e) }
}

/// A national run's results are hundreds of thousands of small objects; freeing them one by one
/// when `run` returns takes longer than the process's exit, which returns the memory at once. A
/// job hands them here, and the command line exits straight after printing its summary.
enum ProcessTeardown {
    private static let kept = KeptValues()

    static func keepUntilExit(_ value: Any) { kept.add(value) }

    /// Values kept alive (runs in one process, e.g. the tests, may add at the same time).
    private final class KeptValues: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Any] = []
        func add(_ value: Any) { lock.withLock { values.append(value) } }
    }
}
