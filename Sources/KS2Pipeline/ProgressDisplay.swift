import Foundation
import KS2Core

/// Shows one stage's progress on stderr once it has run for two seconds: on a terminal a bar
/// redrawn in place (count, rate, time left), otherwise a line every five seconds; a stage that
/// ends sooner shows nothing. The display runs on a thread of its own and stops when the stage ends.
final class ProgressDisplay: @unchecked Sendable {
    enum Mode: Sendable { case off, terminal, lines }

    private let stage: String
    private let work: WorkProgress?
    private let mode: Mode
    private let started = DispatchTime.now()
    private let stop = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    /// Seconds after which a running stage starts to show progress (`KS2PROGRESS_PROGRESS_AFTER`
    /// overrides it, for the tests of the display).
    static let delay: Double = {
        if let text = ProcessInfo.processInfo.environment["KS2PROGRESS_PROGRESS_AFTER"], let d = Double(text), d >= 0 {
            return d
        }
        return 2.0
    }()

    init(stage: String, work: WorkProgress?, mode: Mode) {
        self.stage = stage
        self.work = work
        self.mode = mode
        startDedicatedThread { [self] in self.watch() }
    }

    /// Stops the display; a terminal's bar is replaced by the stage's time.
    func finish(seconds: Double) {
        stop.signal()
        stopped.wait()
    }

    private var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9 }

    private func watch() {
        var drawn = false
        var drawnLine = false
        var lastLine = 0.0
        let tick = mode == .terminal ? 0.25 : 0.5
        repeat {
            let t = elapsed
            guard t >= Self.delay else { continue }
            if mode == .terminal {
                Self.write("\r\u{1B}[K" + describe(t))
                drawn = true
            } else if !drawnLine || t - lastLine >= 5 {
                Self.write(describe(t) + "\n")
                lastLine = t
                drawnLine = true
            }
        } while stop.wait(timeout: .now() + tick) == .timedOut
        if drawn { Self.write("\r\u{1B}[K\(stage) done in \(String(format: "%.1f", elapsed)) s\n") }
        stopped.signal()
    }

    /// `workbooks [#######-------]  6,120/16,800  410/s  26 s left` or `aggregate… 4 s`.
    func describe(_ t: Double) -> String {
        guard let work, work.total > 0 else { return "\(stage)… \(Int(t)) s" }
        let done = min(work.completed, work.total)
        let fraction = Double(done) / Double(work.total)
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let rate = Double(done) / max(t, 0.001)
        let left = rate > 0 ? "\(Int((Double(work.total - done) / rate).rounded(.up))) s left" : "starting"
        return "\(stage) [\(bar)] \(done)/\(work.total)  \(Int(rate.rounded()))/s  \(left)"
    }

    private static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
