import Foundation
import KS2Core
import KS2Ingest
import KS2Analysis

/// `ks2progress published`: DfE school-level tables in; schools.csv, cohorts.csv and workbooks out,
/// for county comparisons and impact runs that start from published figures.
public struct PublishedJob: Sendable {
    public var files: [String]
    public var year: Int?
    public var cohorts: String?

    public init(files: [String], year: Int? = nil, cohorts: String? = nil) {
        self.files = files; self.year = year; self.cohorts = cohorts
    }

    @discardableResult
    public func run(_ settings: RunSettings) throws -> String {
        var clock = StageClock(progress: settings.showProgress)
        let out = try OutputFolder(settings.outputDirectory,
                                   inputs: files + [cohorts, settings.methodologyDirectory].compactMap { $0 })
        clock.begin("read tables")
        var results = RunResults()
        results.addPublished(try wrapInput { try readPublishedTableSet(paths: files, year: year) })
        if let c = cohorts { results.cohorts = try readCohortFile(c) }
        try results.buildAcrossYears(settings, clock: &clock)
        let written = try writeResults(results, to: out, settings: settings, clock: &clock)
        var manifest = RunManifest(command: "published")
        manifest.inputs = files.enumerated().map { ("table\($0.offset + 1)", $0.element) }
            + (cohorts.map { [("cohorts", $0)] } ?? [])
        manifest.parameters = ["year": year.map { $0 as Any } ?? NSNull(), "xlsx": settings.writeWorkbooks]
        if !results.warnings.isEmpty { manifest.extra["warnings"] = results.warnings }
        clock.end()
        try out.write("run.json", try manifest.json(stages: clock.stages))
        try out.commit()
        let years = Set(results.published.map(\.year)).sorted().map(String.init).joined(separator: ", ")
        let schools = Set(results.published.filter { $0.level == .school }.map(\.id)).count
        let warnings = results.warnings.map { $0 + "\n" }.joined()
        return warnings + "published tables: \(schools) schools, years \(years)\nwrote \(written.joined(separator: ", ")) in \(settings.outputDirectory)"
    }
}

/// Reads a project cohort list (`urn,cohort,baseline_year,outcome_year`).
func readCohortFile(_ path: String) throws -> [ProjectCohort] {
    try wrapInput { try readCohorts(try DelimitedText.readText(path: path)) }
}
