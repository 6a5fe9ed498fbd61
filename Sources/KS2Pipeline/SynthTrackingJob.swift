import Foundation
import KS2Core
import KS2Synth

/// `ks2progress synth-tracking`: a realistic tracking file for a current cohort — the cohort's
/// targets (as `targets` sets them) drive predictions that drift towards the targets by window.
public struct SynthTrackingJob: Sendable {
    public var cohort: String
    public var estimates: String
    public var seed: UInt64
    public var windows: [String]
    public var stretch: Int

    public init(
        cohort: String, estimates: String, seed: UInt64, windows: [String]? = nil,
        stretch: Int = 0
    ) {
        self.cohort = cohort
        self.estimates = estimates
        self.seed = seed
        self.windows = windows ?? defaultTrackingWindows
        self.stretch = stretch
    }

    /// Writes `tracking.csv` as the output folder's one file.
    @discardableResult
    public func run(_ settings: RunSettings) throws -> String {
        var clock = StageClock(progress: false)
        let targets = try TargetsJob(cohort: cohort, estimates: estimates, stretch: stretch)
            .compute(settings, clock: &clock)
        let seeds = targets.targets.map {
            TrackingSeedPupil(
                urn: $0.urn, upn: $0.upn, estimate: $0.estimate, target: $0.target,
                predicted: $0.predicted)
        }
        let bytes = synthesizeTracking(seeds, options: TrackingSynthOptions(windows: windows, seed: seed))
        let final = try writeSynthetic(
            bytes, name: "tracking.csv", settings, command: "synth-tracking",
            inputs: [("cohort", cohort)], folders: [estimates],
            parameters: ["seed": seed, "windows": windows, "stretch": stretch, "estimates": estimates])
        let rows = bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } - 1
        return "synth tracking: \(rows) rows for \(seeds.count) pupils, windows \(windows.joined(separator: ",")) "
            + "(seed \(seed)) → \(final)"
    }
}
