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

    public init(schools: Int, year: Int, seed: UInt64, edge: Bool = false, localAuthorities: [String]? = nil) {
        self.schools = schools; self.year = year; self.seed = seed; self.edge = edge
        self.localAuthorities = localAuthorities
    }

    @discardableResult
    public func run(_ settings: RunSettings) throws -> String {
        guard schools > 0 else { throw PipelineError.invalid("--schools must be at least 1") }
        let options = SynthOptions(schools: schools, year: year, seed: seed, edge: edge, threads: settings.threads,
                                   las: localAuthorities)
        let output: SynthOutput
        do { output = try writeSynth(options, to: settings.outputDirectory) } catch {
            throw PipelineError.io("cannot write synthetic files to \(settings.outputDirectory): \(error)")
        }
        return "synth \(year): \(output.pupils) pupils in \(output.schools) schools (seed \(seed)\(edge ? ", with edge cases" : "")) → \(settings.outputDirectory)/ks2.csv, ks1.csv"
    }
}
