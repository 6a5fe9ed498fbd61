import Foundation
import KS2Analysis
import KS2Core
import KS2Ingest
import KS2Reports

/// `ks2progress whatif`: a school's figures recomputed with chosen pupils removed from chosen
/// subjects, against the same national estimates, σ and band thresholds (methodology.md §10) —
/// ASP's "what would our score be without these pupils?". Never an official figure, and labelled so.
public struct WhatIfJob: Sendable {
    public var ks2: String
    public var ks1: String
    public var year: Int
    /// A national run's folder or estimates.csv: a what-if is always against supplied national figures.
    public var estimates: String
    /// `upn[,subject]` rows.
    public var remove: String

    public init(ks2: String, ks1: String, year: Int, estimates: String, remove: String) {
        self.ks2 = ks2
        self.ks1 = ks1
        self.year = year
        self.estimates = estimates
        self.remove = remove
    }

    /// Runs the job: the progress run against the supplied figures, the removals matched to its
    /// pupils, the schools re-aggregated without them, then whatif.csv, rejects.csv and the workbooks.
    @discardableResult
    public func run(_ settings: RunSettings) throws -> String {
        let job = ProgressJob(ks2: ks2, ks1: ks1, year: year, estimates: estimates)
        var frame = try JobFrame(command: "whatif", settings: settings, inputs: job.inputPaths(settings) + [remove])
        let outcome = try job.compute(settings, clock: &frame.clock)
        frame.clock.begin("what-if")
        let removals = try matchedRemovals(outcome.cohort)
        if removals.chosen.isEmpty {
            throw PipelineError.invalid(
                nothingAccepted(
                    path: remove, read: removals.readRows + removals.unreadable, rows: "removal rows",
                    rejects: removals.rejects, listing: nil, outcome: "nothing to remove"))
        }
        let after = aggregate(
            cohort: outcome.cohort, table: removingPupils(outcome.computation.table, removals.chosen),
            sigma: outcome.sigma,
            thresholds: SchoolProgressThresholds(national: outcome.computation.estimates.national),
            includeNational: false, laNames: ProjectData.localAuthorityNames(),
            threads: settings.threads)
        let rows = whatIfRows(
            cohort: outcome.cohort, removals: removals.chosen, before: outcome.aggregation.rows,
            after: after.rows)
        frame.clock.begin("write csv")
        try frame.out.write("whatif.csv", whatIfCSV(rows))
        try frame.out.write(
            "rejects.csv", rejectsCSV(outcome.rejects + removals.rejects), mode: OutputFolder.pupilFileMode)
        describe(outcome, removals, in: &frame.manifest, settings)
        let workbooks = try writeWorkbooks(rows, removals, frame: &frame, settings)
        try frame.finish()
        let notes = (outcome.inputNotes + removals.columns.lines).map { $0 + "\n" }.joined()
        return notes + summary(rows, removals, workbooks: workbooks, settings)
    }

    /// The removal file's rows matched to the run's accepted pupils: the pupil-subjects to remove,
    /// and its rejected rows (unreadable, or a UPN that is no accepted pupil) in line order.
    struct MatchedRemovals {
        var chosen: [SubjectRemoval]
        var rejects: [Reject]
        /// Rows of the file that were read as removals (matched or not).
        var readRows: Int
        /// Rows rejected while reading, before matching.
        var unreadable: Int
        /// Rows whose UPN is no accepted pupil.
        var unknown: Int
        /// The file's columns not read.
        var columns: ColumnReport
    }

    /// Reads the removal file and finds each row's pupil among the cohort's accepted pupils.
    func matchedRemovals(_ cohort: KS2Cohort) throws -> MatchedRemovals {
        let (removals, removalRejects, columns) = try wrapInput { try readRemovals(path: remove) }
        var index: [UPN: Int] = [:]
        index.reserveCapacity(cohort.pupils.count)
        for (i, p) in cohort.pupils.enumerated() { index[p.upn] = i }
        var chosen: [SubjectRemoval] = []
        var unknown: [Reject] = []
        let removeName = (remove as NSString).lastPathComponent
        let ks2Name = (ks2 as NSString).lastPathComponent
        for r in removals {
            guard let pupil = index[r.upn] else {
                unknown.append(
                    Reject(
                        file: removeName, line: r.line, upn: r.upn.description, reason: .unknownUPN,
                        detail: "upn \(r.upn) is not an accepted pupil of \(year) in \(ks2Name)"))
                continue
            }
            chosen += r.subjects.map { SubjectRemoval(pupil: pupil, subject: $0) }
        }
        return MatchedRemovals(
            chosen: chosen, rejects: (removalRejects + unknown).sorted { $0.line < $1.line },
            readRows: removals.count, unreadable: removalRejects.count, unknown: unknown.count, columns: columns)
    }

    /// run.json's inputs, parameters, row accounts and the removals' own account.
    func describe(
        _ outcome: ProgressJob.Outcome, _ removals: MatchedRemovals, in manifest: inout RunManifest,
        _ settings: RunSettings
    ) {
        manifest.inputs = [("ks2", ks2), ("ks1", ks1), ("remove", remove)]
        manifest.parameters = [
            "year": year, "mode": "supplied", "estimates": estimates, "threads": settings.threads,
            "note": whatIfLabel,
        ]
        manifest.accounts = outcome.accounts
        recordColumns(outcome.columns + [("remove", removals.columns)], in: &manifest)
        recordSchoolNotes(outcome.schoolNotes, in: &manifest)
        manifest.extra["removals"] = [
            "rows": removals.readRows + removals.unreadable,
            "used": removals.readRows - removals.unknown,
            "rejected": removals.unreadable + removals.unknown,
            "pupil_subjects_removed": Set(removals.chosen).count,
        ]
    }

    /// One what-if workbook per school touched (none without rows or workbooks), as private as
    /// pupils.csv because they show the removed pupils' scores; returns their file names.
    func writeWorkbooks(
        _ rows: [WhatIfRow], _ removals: MatchedRemovals, frame: inout JobFrame, _ settings: RunSettings
    ) throws -> [String] {
        guard settings.writeWorkbooks && !rows.isEmpty else { return [] }
        let touched = Set(rows.map(\.urn)).count
        let progress = frame.clock.begin("what-if workbooks", items: touched)
        try frame.out.makeDirectory("whatif")
        let removeName = (remove as NSString).lastPathComponent
        let ks2Name = (ks2 as NSString).lastPathComponent
        let context = ReportContext(
            runDate: settings.runDate,
            sources: [
                "KS2 \(year): pupil-level KS2 results (\(ks2Name)) joined to KS1 prior attainment; "
                    + "national estimates supplied.",
                "Pupils removed: \(removeName) (\(Set(removals.chosen).count) pupil-subjects).",
            ])
        let workbooks = try writeWhatIfWorkbooks(
            rows, year: year, directory: frame.out.path("whatif"), threads: settings.threads, context: context,
            progress: progress)
        for name in workbooks { chmod(frame.out.path("whatif/" + name), OutputFolder.pupilFileMode) }
        return workbooks
    }

    /// The console summary: pupils and schools touched, rejected removal rows, each row's change.
    func summary(_ rows: [WhatIfRow], _ removals: MatchedRemovals, workbooks: [String], _ settings: RunSettings)
        -> String
    {
        let pupils = Set(removals.chosen.map(\.pupil)).count
        let schools = Set(rows.map(\.urn)).count
        var lines = ["\(whatIfLabel): \(pupils) pupils removed from \(schools) schools' measures"]
        if !removals.rejects.isEmpty {
            let removeName = (remove as NSString).lastPathComponent
            lines.append("warning: \(removeName): \(removals.rejects.count) rows rejected (listed in rejects.csv)")
        }
        for r in rows {
            lines.append(
                "  \(r.urn) \(r.name) \(r.subject.name): \(r.removed) removed, progress "
                    + "\(display(r.before.progress)) → \(display(r.after.progress)) (\(whatIfLabel))")
        }
        let count = workbooks.count == 1 ? "1 workbook" : "\(workbooks.count) workbooks"
        let books = workbooks.isEmpty ? "" : ", whatif/ (\(count), \(whatIfLabel))"
        lines.append("wrote whatif.csv, rejects.csv\(books) in \(settings.outputDirectory)")
        return lines.joined(separator: "\n")
    }
}

/// A progress figure for the console, to two decimals; `-` when absent.
private func display(_ value: Double?) -> String {
    value.map { String(format: "%.2f", $0) } ?? "-"
}
