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

    @discardableResult
    public func run(_ settings: RunSettings) throws -> String {
        let job = ProgressJob(ks2: ks2, ks1: ks1, year: year, estimates: estimates)
        var frame = try JobFrame(command: "whatif", settings: settings, inputs: job.inputPaths(settings) + [remove])
        let outcome = try job.compute(settings, clock: &frame.clock)
        frame.clock.begin("what-if")
        let (removals, removalRejects) = try wrapInput { try readRemovals(path: remove) }
        var index: [UPN: Int] = [:]
        index.reserveCapacity(outcome.cohort.pupils.count)
        for (i, p) in outcome.cohort.pupils.enumerated() { index[p.upn] = i }
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
        let rejectsOfRemovals = (removalRejects + unknown).sorted { $0.line < $1.line }
        let national = outcome.computation.estimates.national
        let after = aggregate(
            cohort: outcome.cohort, table: removingPupils(outcome.computation.table, chosen),
            sigma: outcome.sigma, thresholds: SchoolProgressThresholds(national: national),
            includeNational: false, laNames: ProjectData.localAuthorityNames(),
            threads: settings.threads)
        let rows = whatIfRows(
            cohort: outcome.cohort, removals: chosen, before: outcome.aggregation.rows,
            after: after.rows)
        frame.clock.begin("write csv")
        try frame.out.write("whatif.csv", whatIfCSV(rows))
        try frame.out.write(
            "rejects.csv", rejectsCSV(outcome.rejects + rejectsOfRemovals), mode: OutputFolder.pupilFileMode)
        frame.manifest.inputs = [("ks2", ks2), ("ks1", ks1), ("remove", remove)]
        frame.manifest.parameters = [
            "year": year, "mode": "supplied", "estimates": estimates, "threads": settings.threads,
            "note": whatIfLabel,
        ]
        frame.manifest.accounts = outcome.accounts
        frame.manifest.extra["removals"] = [
            "rows": removals.count + removalRejects.count,
            "used": removals.count - unknown.count,
            "rejected": removalRejects.count + unknown.count,
            "pupil_subjects_removed": Set(chosen).count,
        ]
        var workbooks: [String] = []
        if settings.writeWorkbooks && !rows.isEmpty {
            let touched = Set(rows.map(\.urn)).count
            let progress = frame.clock.begin("what-if workbooks", items: touched)
            try frame.out.makeDirectory("whatif")
            let context = ReportContext(
                runDate: settings.runDate,
                sources: [
                    "KS2 \(year): pupil-level KS2 results (\(ks2Name)) joined to KS1 prior attainment; "
                        + "national estimates supplied.",
                    "Pupils removed: \(removeName) (\(Set(chosen).count) pupil-subjects).",
                ])
            workbooks = try writeWhatIfWorkbooks(
                rows, year: year, directory: frame.out.path("whatif"), threads: settings.threads, context: context,
                progress: progress)
            // a what-if reveals its removed pupils' scores: the workbooks are as private as pupils.csv
            for name in workbooks { chmod(frame.out.path("whatif/" + name), OutputFolder.pupilFileMode) }
        }
        try frame.finish()
        let pupils = Set(chosen.map(\.pupil)).count
        let schools = Set(rows.map(\.urn)).count
        var lines = ["\(whatIfLabel): \(pupils) pupils removed from \(schools) schools' measures"]
        if !rejectsOfRemovals.isEmpty {
            lines.append("warning: \(removeName): \(rejectsOfRemovals.count) rows rejected (listed in rejects.csv)")
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
