import Foundation
import KS2Analysis
import KS2Core
import KS2Ingest
import KS2Reports

/// A pipeline file's `tracking:` block (formats.md "In-year tracking"): the current cohort, the
/// estimates, the tracking file, optional project cohorts (`urn,cohort`), stretch and windows.
public struct TrackingInputs: Decodable, Sendable {
    public var cohort: String
    public var estimates: String
    public var tracking: String
    public var cohorts: String?
    public var stretch: Int?
    public var windows: [String]?
}

/// `ks2progress track`: the current cohort's predictions at each of the project's visits against
/// their targets (methodology.md §11) — are the focus pupils catching up?
public struct TrackJob: Sendable {
    public var cohort: String
    public var estimates: String
    public var tracking: String
    public var cohorts: String?
    public var stretch: Int
    public var windows: [String]
    /// §9's focus threshold (predicted progress below it = focus pupil).
    public var focusThreshold: Double

    public init(
        cohort: String, estimates: String, tracking: String, cohorts: String? = nil, stretch: Int = 0,
        windows: [String]? = nil, focusThreshold: Double = 0
    ) {
        self.cohort = cohort
        self.estimates = estimates
        self.tracking = tracking
        self.cohorts = cohorts
        self.stretch = stretch
        self.windows = windows ?? defaultTrackingWindows
        self.focusThreshold = focusThreshold
    }

    /// The job a pipeline file's `tracking:` block declares.
    public init(_ inputs: TrackingInputs, focusThreshold: Double?) {
        self.init(
            cohort: inputs.cohort, estimates: inputs.estimates, tracking: inputs.tracking,
            cohorts: inputs.cohorts, stretch: inputs.stretch ?? 0,
            windows: inputs.windows, focusThreshold: focusThreshold ?? 0)
    }

    /// Everything a tracking run computes.
    public struct Computation: Sendable {
        public var targets: CurrentCohortTargets
        public var file: TrackingFile
        public var cohorts: [ProjectCohort]
        public var pupils: [TrackedPupil]
        public var summaries: [TrackingSummary]
        public var warnings: [String]
    }

    @discardableResult
    public func run(_ settings: RunSettings) throws -> String {
        var job = try JobFrame(
            command: "track", settings: settings,
            inputs: [cohort, estimates, tracking] + [cohorts, settings.methodologyDirectory].compactMap { $0 })
        let computed = try compute(settings, clock: &job.clock)
        let written = try write(computed, to: job.out, settings: settings, clock: &job.clock)
        record(computed, in: &job.manifest)
        return try job.finish(summary: summary(computed), written: written, settings: settings)
    }

    /// Window names become column prefixes (`oct_predicted`): letters, digits and `_`, distinct.
    func checkWindows() throws {
        guard !windows.isEmpty else { throw PipelineError.invalid("windows: expected at least one window") }
        for w in windows where w.isEmpty || !w.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
            throw PipelineError.invalid("window \"\(w)\": expected a name of letters, digits and _ (e.g. oct)")
        }
        let lowered = windows.map { $0.lowercased() }
        if Set(lowered).count != lowered.count {
            throw PipelineError.invalid("windows \(windows.joined(separator: ",")): a window is named twice")
        }
    }

    /// Targets for the cohort (as `targets`), the tracking file, cohorts, then pupils and summaries.
    public func compute(_ settings: RunSettings, clock: inout StageClock) throws -> Computation {
        try checkWindows()
        let targets = try TargetsJob(cohort: cohort, estimates: estimates, stretch: stretch)
            .compute(settings, clock: &clock)
        clock.begin("read tracking")
        var owner: [String: String] = [:]
        for t in targets.targets { owner[t.upn] = t.urn }
        let methodology = targets.methodology
        let file = try wrapInput {
            try readTracking(
                try DelimitedText.readText(path: tracking, allowBadText: true), windows: windows, pupils: owner,
                writingScore: { methodology.writingScoreForProgress($0).score })
        }
        if file.records.isEmpty {
            throw PipelineError.invalid(
                nothingAccepted(
                    path: tracking, read: file.account.read, rows: "tracking rows", rejects: file.rejects, listing: nil)
            )
        }
        var warnings = file.warnings
        var projectCohorts: [ProjectCohort] = []
        if let cohorts {
            projectCohorts = try wrapInput {
                try readCohorts(try DelimitedText.readText(path: cohorts), yearsRequired: false)
            }
            let schools = Set(targets.targets.map(\.urn))
            for c in projectCohorts {
                let missing = c.urns.filter { !schools.contains($0) }
                if !missing.isEmpty {
                    warnings.append(
                        "cohort \(c.name): URN \(missing.joined(separator: ", ")) in no row of the "
                            + "current cohort file: no pupils tracked there")
                }
            }
        }
        if targets.pupilsWithPredictions > 0 {
            warnings.append(
                "the current cohort file gives predictions for \(targets.pupilsWithPredictions) pupils: "
                    + "tracking ignores them and uses the tracking file's")
        }
        let withoutEstimate = Set(targets.targets.filter { !$0.excluded.isEmpty }.map(\.upn))
        let rowsWithoutEstimate = file.records.filter { withoutEstimate.contains($0.upn) }.count
        if rowsWithoutEstimate > 0 {
            warnings.append(
                "\(rowsWithoutEstimate) tracking rows are of pupils without an estimate (no_ks1 or "
                    + "ks1_incomplete in the cohort file): read, but no predicted progress")
        }
        let sigma = targets.national.map(\.sd)
        for s in Subject.allCases where sigma[s] == nil {
            warnings.append(
                "national.csv of \(targets.estimatesYear) has no \(s.name) sd: "
                    + "\(s.name) means have no interval")
        }
        clock.begin("tracking")
        let pupils = trackPupils(
            targets.targets, records: file.records, windows: windows.count,
            writingPoints: methodology.writingTAPoints, focusThreshold: focusThreshold)
        let summaries = trackingSummaries(
            pupils, windows: windows.count, schoolNames: targets.schoolNames,
            cohorts: projectCohorts, sigma: sigma)
        return Computation(
            targets: targets, file: file, cohorts: projectCohorts, pupils: pupils,
            summaries: summaries, warnings: warnings)
    }

    /// Writes track_pupils.csv, track_schools.csv, rejects.csv (`otherRejects` first, then the
    /// cohort file's, then the tracking file's) and, with workbooks on, tracking.xlsx and one
    /// workbook per school in `tracking/`.
    func write(
        _ c: Computation, to out: OutputFolder, settings: RunSettings, clock: inout StageClock,
        otherRejects: [Reject] = []
    ) throws -> [String] {
        clock.begin("write tracking")
        try out.write("track_pupils.csv", trackPupilsCSV(c.pupils, windows: windows), mode: OutputFolder.pupilFileMode)
        try out.write("track_schools.csv", trackSchoolsCSV(c.summaries, windows: windows))
        try out.write(
            "rejects.csv", rejectsCSV(otherRejects + c.targets.rejects + c.file.rejects),
            mode: OutputFolder.pupilFileMode)
        var written = ["track_pupils.csv", "track_schools.csv", "rejects.csv"]
        guard settings.writeWorkbooks else { return written }
        clock.begin("tracking workbooks")
        let lead = TrackingWorkbookData(
            windows: windows, estimatesYear: c.targets.estimatesYear, stretch: stretch,
            summaries: c.summaries)
        let context = ReportContext(
            runDate: settings.runDate,
            sources: [
                "Current cohort: KS1 results of the pupils in Year 6 now; tracking file: predictions at each window.",
                "National estimates of KS2 \(c.targets.estimatesYear) (estimates.csv).",
            ])
        try writeTrackingWorkbook(lead, to: out.path("tracking.xlsx"), context: context)
        chmod(out.path("tracking.xlsx"), OutputFolder.summaryFileMode)
        var books = targetWorkbookData(c.targets, stretch: stretch)
        var pupilsBySchool: [String: [TrackedPupil]] = [:]
        for p in c.pupils { pupilsBySchool[p.urn, default: []].append(p) }
        var summariesBySchool: [String: [TrackingSummary]] = [:]
        for s in c.summaries where s.level == .school { summariesBySchool[s.id, default: []].append(s) }
        for k in books.indices {
            let urn = books[k].urn
            books[k].tracking = SchoolTracking(
                windows: windows, pupils: pupilsBySchool[urn] ?? [],
                summaries: summariesBySchool[urn] ?? [])
        }
        let dir = out.path("tracking")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try writeTargetsWorkbooks(books, directory: dir, threads: settings.threads, context: context)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
            chmod(dir + "/" + name, OutputFolder.pupilFileMode)
        }
        written += ["tracking.xlsx", "tracking/ (\(books.count) workbooks)"]
        return written
    }

    /// The tracking part of run.json: inputs, row accounting, windows, counts and warnings.
    func record(_ c: Computation, in manifest: inout RunManifest) {
        TargetsJob(cohort: cohort, estimates: estimates, stretch: stretch).record(c.targets, in: &manifest)
        manifest.inputs.append(("tracking", tracking))
        if let cohorts { manifest.inputs.append(("tracking_cohorts", cohorts)) }
        manifest.accounts.append(("tracking", c.file.account))
        recordColumns([("cohort", c.targets.columns), ("tracking", c.file.columns)], in: &manifest)
        manifest.parameters["windows"] = windows
        manifest.parameters["focus_threshold"] = focusThreshold
        var focus: [String: Int] = [:]
        var tracked: [String: Int] = [:]
        for s in Subject.allCases {
            focus[s.name] = c.pupils.filter { $0.subject == s && $0.focus == true }.count
            tracked[s.name] = c.pupils.filter { $0.subject == s }.count
        }
        manifest.extra["tracking"] =
            [
                "windows": windows, "pupil_subjects": tracked, "focus": focus,
                "cohorts": c.cohorts.map(\.name), "warnings": c.warnings,
            ] as [String: Any]
    }

    /// Lines for the terminal: rows used, focus pupils on track at the latest window with
    /// predictions, warnings.
    func summary(_ c: Computation) -> [String] {
        var lines = TargetsJob(cohort: cohort, estimates: estimates, stretch: stretch).summary(c.targets)
        let account = c.file.account
        lines += c.file.columns.lines
        lines.append(
            "tracking: \(account.accepted) rows used, \(account.rejected) rejected, "
                + "windows \(windows.joined(separator: ", "))")
        for s in Subject.allCases {
            let project = c.summaries.filter { $0.level == .project && $0.subject == s }
            guard let latest = project.last(where: { $0.pupils > 0 }) else {
                lines.append("  \(s.name): no predictions")
                continue
            }
            let mean = latest.predictedProgress.map { String(format: "%+.2f", $0) } ?? ""
            lines.append(
                "  \(s.name) at \(windows[latest.window]): mean predicted progress \(mean) over "
                    + "\(latest.pupils) pupils; \(latest.focusOnTrack) of \(latest.focus) focus pupils predicted on track"
            )
        }
        lines += c.warnings.map { "warning: " + $0 }
        return lines
    }
}

extension TrackJob {
    /// A pipeline file's tracking stage: computes, writes into the run's folder (one rejects.csv:
    /// `otherRejects` first), records in run.json and adds the summary lines; returns the files written.
    func runInPipeline(
        _ settings: RunSettings, out: OutputFolder, clock: inout StageClock,
        manifest: inout RunManifest, otherRejects: [Reject], written: [String],
        lines: inout [String]
    ) throws -> [String] {
        let computed = try compute(settings, clock: &clock)
        let files = try write(computed, to: out, settings: settings, clock: &clock, otherRejects: otherRejects)
        record(computed, in: &manifest)
        lines += summary(computed)
        return written.filter { $0 != "rejects.csv" } + files
    }
}
