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

    public init(schools: Int, year: Int, seed: UInt64, edge: Bool = false, localAuthorities: [String]? = nil) {
        self.schools = schools; self.year = year; self.seed = seed; self.edge = edge
        self.localAuthorities = localAuthorities
    }

    @discardableResult
    public func run(_ settings: RunSettings) throws -> String {
        guard schools > 0 else { throw PipelineError.invalid("--schools must be at least 1") }
        if currentCohort { return try writeCurrentCohort(settings) }
        var options = SynthOptions(schools: schools, year: year, seed: seed, edge: edge, threads: settings.threads,
                                   las: localAuthorities)
        options.layout = layout
        let out = try OutputFolder(settings.outputDirectory)
        let output = synthesize(options)
        try out.write("ks2.csv", output.ks2, mode: OutputFolder.pupilFileMode)
        try out.write("ks1.csv", output.ks1, mode: OutputFolder.pupilFileMode)
        try out.commit()
        let edges = edge ? ", with edge cases" : ""
        let names = layout == .canonical ? "" : ", \(layout.rawValue) layout"
        return "synth \(year): \(output.pupils) pupils in \(output.schools) schools (seed \(seed)\(edges)\(names)) → "
            + "\(settings.outputDirectory)/ks2.csv, ks1.csv"
    }

    /// Writes `current-cohort.csv` as the output folder's one file.
    func writeCurrentCohort(_ settings: RunSettings) throws -> String {
        let bytes = synthesizeCurrentCohort(CurrentCohortOptions(schools: schools, ks2Year: year, seed: seed,
                                                                 las: localAuthorities))
        let final = try writeSynthetic(bytes, name: "current-cohort.csv", settings)
        let rows = bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } - 1
        return "synth current cohort (KS2 \(year)): \(rows) pupils (seed \(seed)) → \(final)"
    }
}

/// Writes one synthetic file as the whole of a new output folder (the output policy applies: a
/// synthetic file never replaces a file of the user's); returns its path.
func writeSynthetic(_ bytes: [UInt8], name: String, _ settings: RunSettings, inputs: [String] = []) throws -> String {
    let out = try OutputFolder(settings.outputDirectory, inputs: inputs)
    try out.write(name, bytes, mode: OutputFolder.pupilFileMode)
    try out.commit()
    return settings.outputDirectory + "/" + name
}
