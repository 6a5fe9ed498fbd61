import Foundation
import KS2Core
import KS2Synth

/// The export layouts `synth --layout` writes (the command line sees them through KS2Pipeline).
public typealias ExportLayout = KS2Synth.ExportLayout

/// `ks2progress synth`: deterministic synthetic exports (`ks2.csv`, `ks1.csv`) of realistic shape.
public struct SynthJob: Sendable {
    public var schools: Int
    public var year: Int
    public var seed: UInt64
    public var edge: Bool
    public var localAuthorities: [String]?
    /// Write `current-cohort.csv` (the pupils in Year 6 now, who take KS2 in `year`) instead of
    /// `ks2.csv` and `ks1.csv`: the input of `targets`.
    public var currentCohort = false
    /// The header names of another system's export (`npd`, `pag`, `ncer`); canonical by default.
    public var layout: ExportLayout = .canonical
    /// The demo's story: a cohort file whose schools get `projectEffect` maths points in their
    /// outcome year (when it is `year`), and the disadvantaged gap. Off by default (national sets).
    public var projectCohorts: String?
    public var projectEffect = 0.6
    public var disadvantagedGap = false

    public init(schools: Int, year: Int, seed: UInt64, edge: Bool = false, localAuthorities: [String]? = nil) {
        self.schools = schools
        self.year = year
        self.seed = seed
        self.edge = edge
        self.localAuthorities = localAuthorities
    }

    @discardableResult
    public func run(_ settings: RunSettings) throws -> String {
        guard schools > 0 else { throw PipelineError.invalid("--schools must be at least 1") }
        if currentCohort { return try writeCurrentCohort(settings) }
        var options = SynthOptions(
            schools: schools, year: year, seed: seed, edge: edge, threads: settings.threads,
            las: localAuthorities)
        options.layout = layout
        options.story = try story()
        var frame = try JobFrame(command: "synth", settings: settings, inputs: [projectCohorts].compactMap { $0 })
        frame.clock.begin("synth")
        let output = synthesize(options)
        try frame.out.write("ks2.csv", output.ks2, mode: OutputFolder.pupilFileMode)
        try frame.out.write("ks1.csv", output.ks1, mode: OutputFolder.pupilFileMode)
        frame.manifest.inputs = projectCohorts.map { [("project_cohorts", $0)] } ?? []
        frame.manifest.parameters = [
            "schools": schools, "year": year, "seed": seed, "edge": edge, "layout": layout.rawValue,
            "las": localAuthorities ?? [], "project_effect": options.story.projectEffect,
            "disadvantaged_gap": disadvantagedGap, "threads": settings.threads,
        ]
        try frame.finish()
        var story = ""
        if options.story.projectEffect != 0 {
            story += ", maths +\(options.story.projectEffect) for \(options.story.projectURNs.count) project schools"
        }
        if disadvantagedGap { story += ", disadvantaged gap (−0.5 / +0.17 points)" }
        let edges = edge ? ", with edge cases" : ""
        let names = layout == .canonical ? "" : ", \(layout.rawValue) layout"
        return
            "synth \(year): \(output.pupils) pupils in \(output.schools) schools (seed \(seed)\(edges)\(names)\(story)) → "
            + "\(settings.outputDirectory)/ks2.csv, ks1.csv"
    }

    /// The story of the options: the URNs of cohorts whose outcome year is this year get the effect.
    func story() throws -> SynthStory {
        var urns: Set<Int> = []
        if let file = projectCohorts {
            for cohort in try readCohortFile(file) where cohort.outcomeYear == year {
                for urn in cohort.urns {
                    guard let value = Int(urn) else {
                        throw PipelineError.invalid("\(file): URN \"\(urn)\" is not a number (synth URNs are)")
                    }
                    urns.insert(value)
                }
            }
        }
        return SynthStory(
            projectEffect: urns.isEmpty ? 0 : projectEffect, projectURNs: urns,
            disadvantagedGap: disadvantagedGap)
    }

    /// Writes `current-cohort.csv` as the output folder's one file.
    func writeCurrentCohort(_ settings: RunSettings) throws -> String {
        let bytes = synthesizeCurrentCohort(
            CurrentCohortOptions(
                schools: schools, ks2Year: year, seed: seed,
                las: localAuthorities))
        let final = try writeSynthetic(
            bytes, name: "current-cohort.csv", settings, command: "synth --current-cohort",
            parameters: ["schools": schools, "year": year, "seed": seed, "las": localAuthorities ?? []])
        let rows = bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } - 1
        return "synth current cohort (KS2 \(year)): \(rows) pupils (seed \(seed)) → \(final)"
    }
}

/// Writes one synthetic file as the whole of a new output folder, with its run.json (the output
/// policy applies: a synthetic file never replaces a file of the user's); returns its path.
func writeSynthetic(
    _ bytes: [UInt8], name: String, _ settings: RunSettings, command: String, inputs: [(String, String)] = [],
    folders: [String] = [], parameters: [String: Any]
) throws -> String {
    var frame = try JobFrame(command: command, settings: settings, inputs: inputs.map(\.1) + folders)
    try frame.out.write(name, bytes, mode: OutputFolder.pupilFileMode)
    frame.manifest.inputs = inputs
    frame.manifest.parameters = parameters
    try frame.finish()
    return settings.outputDirectory + "/" + name
}
