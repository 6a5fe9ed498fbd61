import Synchronization

/// How far a long stage has got (items done of a known total), advanced by its workers and read by
/// the progress display: stages count, the command line's display decides what to show.
public final class WorkProgress: Sendable {
    public let total: Int
    private let done = Atomic<Int>(0)

    public init(total: Int) { self.total = max(0, total) }

    /// Items finished so far.
    public var completed: Int { done.load(ordering: .relaxed) }

    /// Records `count` more items finished (from any thread).
    public func advance(by count: Int = 1) {
        done.add(count, ordering: .relaxed)
    }
}
