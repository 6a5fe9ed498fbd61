import ArgumentParser
import Foundation
import KS2Pipeline

/// Splits `--windows oct,jan,mar,jul` into names.
func windowList(_ text: String?) -> [String]? {
    text.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
}

struct TrackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "track", abstract: "In-year tracking: predictions by window against targets, focus pupils.",
        discussion: """
            Example: ks2progress track --cohort Data/sample/current-cohort.csv --estimates Data/sample/national-2023 \\
              --tracking Data/sample/tracking.csv --cohorts Data/sample/tracking-cohorts.csv --out Reports/tracking
            """)

    @Option(help: "Current cohort file (KS1 outcomes, urn).") var cohort: String
    @Option(help: "A national run's folder or estimates.csv.") var estimates: String
    @Option(help: "Tracking file (urn,upn,window,read_predicted,writ_predicted,mat_predicted).") var tracking: String
    @Option(help: "Project cohorts (urn,cohort).") var cohorts: String?
    @Option(help: "Whole scaled-score points added to reading and maths targets.") var stretch: Int = 0
    @Option(help: "The windows in order (default oct,jan,mar,jul).") var windows: String?
    @OptionGroup var common: CommonOptions

    func validate() throws {
        if !(0...TargetsJob.maximumStretch).contains(stretch) {
            throw ValidationError("--stretch must be from 0 to \(TargetsJob.maximumStretch)")
        }
    }

    func run() throws {
        let job = TrackJob(
            cohort: cohort, estimates: estimates, tracking: tracking, cohorts: cohorts, stretch: stretch,
            windows: windowList(windows))
        print(try job.run(common.settings()))
    }
}

struct SynthTrackingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth-tracking", abstract: "A synthetic tracking file (tracking.csv) for a current cohort.",
        discussion: """
            Example: ks2progress synth-tracking --cohort Data/sample/current-cohort.csv \\
              --estimates Data/sample/national-2023 --seed 1 --out /tmp/tracking
            """)

    @Option(help: "Current cohort file.") var cohort: String
    @Option(help: "A national run's folder or estimates.csv.") var estimates: String
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "The windows in order (default oct,jan,mar,jul).") var windows: String?
    @Option(help: "Output folder (new, empty or an earlier synth-tracking output).") var out: String

    func validate() throws { try validateOutput(out) }

    func run() throws {
        let job = SynthTrackingJob(
            cohort: cohort, estimates: estimates, seed: seed,
            windows: windowList(windows))
        print(try job.run(RunSettings(outputDirectory: out)))
    }
}
