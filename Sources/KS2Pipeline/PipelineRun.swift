import Foundation
import KS2Core
import KS2Ingest
import Yams

/// A declared run (`Pipelines/NAME.yml`): inputs and column mappings per year, methodology,
/// estimates, published tables, cohorts and the output folder. Paths are relative to the
/// pipeline file's own folder, so a pipeline runs the same from any working folder.
public struct PipelineFile: Decodable, Sendable {
    public struct YearInputs: Decodable, Sendable {
        public var year: Int
        public var ks2: String
        public var ks1: String
        /// A national run's folder or estimates.csv; omitted = this input is the national cohort.
        public var estimates: String?
        /// Canonical column → header text in the file, when an export uses its own names.
        /// A null or empty header (`read_score: ~`) says the file has no such column, on purpose.
        public var ks2_columns: [String: String?]?
        public var ks1_columns: [String: String?]?
    }
    public var name: String?
    public var description: String?
    public var output: String
    public var methodology: String?
    public var xlsx: Bool?
    public var threads: Int?
    public var years: [YearInputs]?
    public var published: [String]?
    public var published_year: Int?
    public var cohorts: String?
    public var focus_threshold: Double?
    /// Targets for a current cohort (issue: targets).
    public var targets: TargetsInputs?
    /// In-year tracking of the current cohort (issue 17; TrackJob.swift).
    public var tracking: TrackingInputs?
    public struct TargetsInputs: Decodable, Sendable {
        public var cohort: String
        public var estimates: String
        public var stretch: Int?
    }
}

/// Runs a pipeline file's stages in order: progress per year, published tables, impact, workbooks.
public struct PipelineRun: Sendable {
    public var file: PipelineFile
    public var path: String

    /// Reads a pipeline file strictly: an unknown key, a null or out-of-range value is an error
    /// naming its line; paths are taken relative to the pipeline file's own folder.
    public static func load(_ path: String) throws -> PipelineRun {
        let text = try wrapInput { try InputLedger.shared.readText(path: path) }
        let file = try PipelineSchema.read(text, path: path)
        return PipelineRun(file: file.resolvingPaths(from: PipelineSchema.folder(of: path)), path: path)
    }

    public func run(threads: Int? = nil, quiet: Bool = false) throws -> String {
        let settings = RunSettings(
            outputDirectory: file.output,
            threads: threads ?? file.threads ?? ProcessInfo.processInfo.activeProcessorCount,
            writeWorkbooks: file.xlsx ?? true, methodologyDirectory: file.methodology,
            showProgress: !quiet)
        var frame = try JobFrame(command: "run \(path)", settings: settings, inputs: [path] + file.inputPaths)
        var results = RunResults()
        results.focusThreshold = file.focus_threshold ?? 0
        frame.manifest.inputs.append(("pipeline", path))
        var lines: [String] = []
        var columns: [(String, ColumnReport)] = []
        let years = (file.years ?? []).sorted(by: { $0.year < $1.year })
        // schools.csv goes with the last year's tables unless published rows join it afterwards
        let schoolsWithLastYear = (file.published ?? []).isEmpty
        let tables = years.isEmpty ? nil : try YearByYearTables(frame.out, withSchools: schoolsWithLastYear)
        for y in years {
            var job = ProgressJob(ks2: y.ks2, ks1: y.ks1, year: y.year, estimates: y.estimates)
            job.ks2Columns = (y.ks2_columns ?? [:]).mapValues { $0 ?? "" }
            job.ks1Columns = (y.ks1_columns ?? [:]).mapValues { $0 ?? "" }
            let outcome = try job.compute(settings, clock: &frame.clock)
            if y.estimates == nil { results.nationalYears.insert(y.year) }
            frame.manifest.inputs += [("ks2_\(y.year)", y.ks2), ("ks1_\(y.year)", y.ks1)]
            frame.manifest.accounts += outcome.accounts.map { ("\($0.0)_\(y.year)", $0.1) }
            columns += outcome.columns.map { ("\($0.0)_\(y.year)", $0.1) }
            lines += outcome.inputNotes
            recordSchoolNotes(outcome.schoolNotes, in: &frame.manifest)
            lines.append(job.summary(outcome, settings).split(separator: "\n").dropLast().joined(separator: "\n"))
            let last = y.year == years.last?.year
            var schoolRows: [SchoolResult]? = nil
            if last && schoolsWithLastYear {
                var all = results
                all.progress.append(outcome)
                schoolRows = all.allRows
            }
            try tables?.append(outcome, schoolRows: schoolRows, settings: settings, clock: &frame.clock)
            // the workbooks need the latest year's pupils; every other year keeps only its summaries
            let keepPupils = settings.writeWorkbooks && last
            results.progress.append(keepPupils ? outcome : outcome.withoutPupilRows())
        }
        try tables?.close()
        recordColumns(columns, in: &frame.manifest)
        results.schoolsWritten = tables != nil && schoolsWithLastYear
        if let tables = file.published, !tables.isEmpty {
            frame.clock.begin("read tables")
            lines += try readPublishedInputs(
                tables, year: file.published_year, into: &results, manifest: &frame.manifest)
            lines.append("published tables: \(results.published.filter { $0.level == .school }.count) school rows")
        }
        if let c = file.cohorts {
            results.cohorts = try readCohortFile(c)
            frame.manifest.inputs.append(("cohorts", c))
        }
        var written: [String] = []
        var otherRejects = results.rejects
        if !(file.years ?? []).isEmpty || !(file.published ?? []).isEmpty {
            try results.buildAcrossYears(settings, clock: &frame.clock)
            written = try writeResults(results, to: frame.out, settings: settings, clock: &frame.clock)
        }
        if let t = file.targets {
            let job = TargetsJob(cohort: t.cohort, estimates: t.estimates, stretch: t.stretch ?? 0)
            let computed = try job.compute(settings, clock: &frame.clock)
            // one rejects.csv per run: the progress inputs' and tables' rejects, then the cohort file's
            written = written.filter { $0 != "rejects.csv" }
            written += try job.write(
                computed, to: frame.out, settings: settings, clock: &frame.clock, otherRejects: otherRejects)
            otherRejects += computed.rejects
            job.record(computed, in: &frame.manifest)
            lines += job.summary(computed)
        }
        if let t = file.tracking {
            written = try TrackJob(t, focusThreshold: file.focus_threshold).runInPipeline(
                settings, out: frame.out, clock: &frame.clock, manifest: &frame.manifest,
                otherRejects: otherRejects,
                written: written, lines: &lines)
        }
        frame.manifest.parameters.merge([
            "pipeline": path, "name": file.name ?? "", "threads": settings.threads,
            "xlsx": settings.writeWorkbooks, "years": (file.years ?? []).map(\.year),
            // the school workbooks' focus pupils: progress below this (0 unless the file says)
            "focus_threshold": results.focusThreshold,
        ]) { a, _ in a }
        if !results.warnings.isEmpty { frame.manifest.extra["warnings"] = results.warnings }
        try frame.finish()
        ProcessTeardown.keepUntilExit(results)
        lines += results.warnings
        lines.append("wrote \(written.joined(separator: ", "))")
        lines.append("outputs in \(settings.outputDirectory)/")
        return lines.joined(separator: "\n")
    }
}
