import Foundation
import KS2Core
import KS2Synth

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

    public init(schools: Int, year: Int, seed: UInt64, edge: Bool = false, localAuthorities: [String]? = nil) {
        self.schools = schools; self.year = year; self.seed = seed; self.edge = edge
        self.localAuthorities = localAuthorities
    }

    @discardableResult
    public func run(_ settings: RunSettings) throws -> String {
        guard schools > 0 else { throw PipelineError.invalid("--schools must be at least 1") }
        if currentCohort { return try writeCurrentCohort(settings) }
        let options = SynthOptions(schools: schools, year: year, seed: seed, edge: edge, threads: settings.threads,
                                   las: localAuthorities)
        let output: SynthOutput
        do { output = try writeSynth(options, to: settings.outputDirectory) } catch {
            throw PipelineError.io("cannot write synthetic files to \(settings.outputDirectory): \(error)")
        }
        return "synth \(year): \(output.pupils) pupils in \(output.schools) schools (seed \(seed)\(edge ? ", with edge cases" : "")) → \(settings.outputDirectory)/ks2.csv, ks1.csv"
    }

    /// Writes `current-cohort.csv` into the output folder (under a temporary name first).
    func writeCurrentCohort(_ settings: RunSettings) throws -> String {
        let bytes = synthesizeCurrentCohort(CurrentCohortOptions(schools: schools, ks2Year: year, seed: seed,
                                                                 las: localAuthorities))
        let final = try writeReplacing(bytes, directory: settings.outputDirectory, name: "current-cohort.csv")
        let rows = bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } - 1
        return "synth current cohort (KS2 \(year)): \(rows) pupils (seed \(seed)) → \(final)"
    }
}

/// Writes `bytes` to `directory/name` through a temporary file, replacing any earlier file, and
/// returns the path: a synthetic input is never left half-written.
func writeReplacing(_ bytes: [UInt8], directory: String, name: String) throws -> String {
    let temp = directory + "/." + name + ".tmp", final = directory + "/" + name
    do {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: temp))
        if FileManager.default.fileExists(atPath: final) { try FileManager.default.removeItem(atPath: final) }
        try FileManager.default.moveItem(atPath: temp, toPath: final)
    } catch {
        try? FileManager.default.removeItem(atPath: temp)
        throw PipelineError.io("cannot write \(final): \(error)")
    }
    return final
}
