import Foundation
import KS2Analysis
import KS2Core
import KS2Ingest

/// `ks2progress published`: DfE school-level tables in; schools.csv, cohorts.csv and workbooks out,
/// for county comparisons and impact runs that start from published figures.
public struct PublishedJob: Sendable {
    public var files: [String]
    public var year: Int?
    public var cohorts: String?

    public init(files: [String], year: Int? = nil, cohorts: String? = nil) {
        self.files = files
        self.year = year
        self.cohorts = cohorts
    }

    @discardableResult
    public func run(_ settings: RunSettings) throws -> String {
        var job = try JobFrame(
            command: "published", settings: settings,
            inputs: files + [cohorts, settings.methodologyDirectory].compactMap { $0 })
        job.clock.begin("read tables")
        var results = RunResults()
        let tableLines = try readPublishedInputs(files, year: year, into: &results, manifest: &job.manifest)
        if let c = cohorts { results.cohorts = try readCohortFile(c) }
        try results.buildAcrossYears(settings, clock: &job.clock)
        let written = try writeResults(results, to: job.out, settings: settings, clock: &job.clock)
        job.manifest.inputs += cohorts.map { [("cohorts", $0)] } ?? []
        job.manifest.parameters = ["year": year.map { $0 as Any } ?? NSNull(), "xlsx": settings.writeWorkbooks]
        if !results.warnings.isEmpty { job.manifest.extra["warnings"] = results.warnings }
        try job.finish()
        let years = Set(results.published.map(\.year)).sorted().map(String.init).joined(separator: ", ")
        let schools = Set(results.published.filter { $0.level == .school }.map(\.id)).count
        let warnings = results.warnings.map { $0 + "\n" }.joined()
        return tableLines.map { $0 + "\n" }.joined() + warnings
            + "published tables: \(schools) schools, years \(years)\n"
            + "wrote \(written.joined(separator: ", ")) in \(settings.outputDirectory)"
    }
}

/// Reads published tables into `results` and records them in run.json: each file as an input, its
/// rows read/used/rejected, the values taken from prior-year columns and the notes; returns the
/// console lines saying the same.
func readPublishedInputs(
    _ paths: [String], year: Int?, into results: inout RunResults,
    manifest: inout RunManifest
) throws -> [String] {
    let tables = try wrapInput { try readPublishedTableSet(paths: paths, year: year) }
    results.addPublished(tables)
    let roles = paths.indices.map { "table\($0 + 1)" }
    manifest.inputs += zip(roles, paths).map { ($0, $1) }
    let accounts = zip(roles, tables.accounts).map { ($0, $1) }
    manifest.accounts += accounts
    manifest.extra["prior_year_values"] = tables.priorYearFills.map {
        ["year": $0.year, "kind": $0.kind, "file": $0.file, "count": $0.count] as [String: Any]
    }
    manifest.extra["published_notes"] = tables.notes
    var lines = [accountSummary(accounts)]
    var byYear: [Int: [String]] = [:]
    for f in tables.priorYearFills { byYear[f.year, default: []].append("\(f.count) \(f.kind) from \(f.file)") }
    for (y, parts) in byYear.sorted(by: { $0.key < $1.key }) {
        lines.append("\(y) values from prior-year columns: " + parts.joined(separator: ", "))
    }
    lines += tables.notes
    return lines
}

/// Reads a project cohort list (`urn,cohort,baseline_year,outcome_year`).
func readCohortFile(_ path: String) throws -> [ProjectCohort] {
    try wrapInput { try readCohorts(try DelimitedText.readText(path: path)) }
}
