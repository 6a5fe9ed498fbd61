import Foundation
import KS2Core
import KS2Pipeline

/// SIGINT, SIGTERM and SIGHUP end a run cleanly: the folder being written (pupil-level data) is
/// removed before the process exits with 128 + the signal's number. The signals are blocked in
/// every thread and taken by one thread of their own, so the clean-up never runs inside a worker.
enum Interruptions {
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Must run before any other thread starts (threads inherit the blocked set).
    static func install() {
        var set = sigset_t()
        sigemptyset(&set)
        for s in signals { sigaddset(&set, s) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let blocked = set
        startDedicatedThread {
            var caught: Int32 = 0
            var wanted = blocked
            while sigwait(&wanted, &caught) != 0 {}
            OutputFolder.abandonAllInProgress()
            let name = caught == SIGINT ? "interrupted" : "stopped by signal \(caught)"
            FileHandle.standardError.write(Data("\n\(name): the unfinished outputs were removed\n".utf8))
            exit(128 + caught)
        }
    }
}
