import Foundation
import KS2Core

/// Every command's set-up and finish in one place: the stage clock, the output folder (refused
/// before anything runs when the output policy does not allow it, given the job's inputs), and at
/// the end run.json and the commit that puts the outputs in place whole.
public struct JobFrame {
    public var clock: StageClock
    public let out: OutputFolder
    public var manifest: RunManifest

    public init(command: String, settings: RunSettings, inputs: [String]) throws {
        clock = StageClock(progress: settings.showProgress)
        out = try OutputFolder(settings.outputDirectory, inputs: inputs)
        manifest = RunManifest(command: command)
    }

    /// Ends the last stage, writes run.json and renames the finished folder into place.
    public mutating func finish() throws {
        clock.end()
        try out.write(
            "run.json", try manifest.json(stages: clock.stages, processorSeconds: clock.processorSeconds))
        try out.commit()
    }

    /// Finishes the job and returns its console summary: `lines`, then what it wrote and where.
    public mutating func finish(summary lines: [String], written: [String], settings: RunSettings) throws -> String {
        try finish()
        let tail = ["wrote \(written.joined(separator: ", "))", "outputs in \(settings.outputDirectory)"]
        return (lines + tail).joined(separator: "\n")
    }
}
