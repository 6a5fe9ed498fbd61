import Dispatch

/// Fixed-size chunks run on at most `threads` workers: chunk boundaries never depend on the
/// thread count, so per-chunk partial results reduced in chunk order give identical outputs
/// (floating-point sums included) for any `--threads`.
public struct ParallelChunks: Sendable {
    public let count: Int
    public let chunkSize: Int
    public let threads: Int

    public init(count: Int, chunkSize: Int = 16_384, threads: Int) {
        self.count = count
        self.chunkSize = max(1, chunkSize)
        self.threads = max(1, threads)
    }

    public var chunkCount: Int { (count + chunkSize - 1) / chunkSize }

    public func range(_ chunk: Int) -> Range<Int> {
        let lo = chunk * chunkSize
        return lo..<min(count, lo + chunkSize)
    }

    /// Runs `body(chunk)` for every chunk; workers take chunks in a fixed stride.
    public func forEach(_ body: @Sendable (Int) -> Void) {
        let chunks = chunkCount
        if chunks == 0 { return }
        let workers = min(threads, chunks)
        if workers == 1 {
            for c in 0..<chunks { body(c) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var c = w
            while c < chunks {
                body(c)
                c += workers
            }
        }
    }

    /// Maps every chunk to a partial result, returned in chunk order.
    public func map<T: Sendable>(_ body: @Sendable (Range<Int>) -> T) -> [T] {
        let slots = SendableBuffer<T?>(repeating: nil, count: chunkCount)
        forEach { c in slots[c] = body(range(c)) }
        return slots.array.map { $0! }
    }
}

/// Runs `body(i)` for i in 0..<iterations on at most `threads` workers (items are independent).
/// Workers take contiguous runs of items (about 16 runs a worker), so neighbouring items, and the
/// neighbouring slots they write, stay on one core.
public func parallelFor(_ iterations: Int, threads: Int, _ body: @Sendable (Int) -> Void) {
    let run = max(1, iterations / (max(1, threads) * 16))
    let chunks = ParallelChunks(count: iterations, chunkSize: run, threads: threads)
    chunks.forEach { c in for i in chunks.range(c) { body(i) } }
}

/// A heap buffer that parallel workers write at disjoint indices; the caller guarantees no two
/// workers touch the same index, which is what makes the unchecked Sendable sound.
public final class SendableBuffer<Element>: @unchecked Sendable {
    public let pointer: UnsafeMutableBufferPointer<Element>
    private var moved = false

    public init(repeating value: Element, count: Int) {
        pointer = .allocate(capacity: count)
        pointer.initialize(repeating: value)
    }

    deinit {
        if !moved { pointer.deinitialize() }
        pointer.deallocate()
    }

    /// Moves every element out into an array (no copies, no reference counting): the buffer's
    /// last use.
    public func takeAll() -> [Element] {
        precondition(!moved, "SendableBuffer.takeAll called twice")
        moved = true
        let n = pointer.count
        return [Element](unsafeUninitializedCapacity: n) { buffer, initialized in
            if n > 0 { buffer.baseAddress!.moveInitialize(from: pointer.baseAddress!, count: n) }
            initialized = n
        }
    }

    public var count: Int { pointer.count }

    public subscript(i: Int) -> Element {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }

    /// A copy as an array (after the parallel work is done).
    public var array: [Element] { Array(pointer) }
}
