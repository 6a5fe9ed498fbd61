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
        let output = synthesize(options)
        try FileManager.default.createDirectory(atPath: settings.outputDirectory, withIntermediateDirectories: true)
        // Two files, each written to a temporary name and renamed, so a reader never sees half a file.
        for (name, bytes) in [("ks2.csv", output.ks2), ("ks1.csv", output.ks1)] {
            let final = settings.outputDirectory + "/" + name
            let tmp = settings.outputDirectory + "/.\(name).partial-\(getpid())"
            guard FileManager.default.createFile(atPath: tmp, contents: Data(bytes)) else {
                throw PipelineError.io("cannot write \(tmp)")
            }
            if FileManager.default.fileExists(atPath: final) { try FileManager.default.removeItem(atPath: final) }
            try FileManager.default.moveItem(atPath: tmp, toPath: final)
        }
        return "synth \(year): \(output.pupils) pupils in \(output.schools) schools (seed \(seed)\(edge ? ", with edge cases" : "")) → \(settings.outputDirectory)/ks2.csv, ks1.csv"
    }
}
