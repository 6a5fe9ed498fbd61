import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Hands out chunk indices 0, 1, 2, … to whichever worker asks next. Workers claim work instead of
/// owning a fixed share, so a worker that starts late (its thread busy with another stage, a
/// writer or the input hashes) never leaves a serial tail; outputs stay identical because every
/// chunk writes only its own slots.
public final class WorkClaims: Sendable {
    private let next = Atomic<Int>(0)
    public let count: Int

    public init(count: Int) { self.count = count }

    /// The next unclaimed index, or nil when all are taken.
    @inline(__always)
    public func claim() -> Int? {
        let k = next.wrappingAdd(1, ordering: .relaxed).oldValue
        return k < count ? k : nil
    }
}

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

    /// Runs `body(chunk)` for every chunk; workers claim chunks as they become free.
    public func forEach(_ body: @Sendable (Int) -> Void) {
        let chunks = chunkCount
        if chunks == 0 { return }
        let workers = min(threads, chunks)
        if workers == 1 {
            for c in 0..<chunks { body(c) }
            return
        }
        let claims = WorkClaims(count: chunks)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let c = claims.claim() { body(c) }
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
/// Workers claim contiguous runs of items (about 16 runs a worker), so neighbouring items, and the
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
    /// Whether `takeAll` moved the elements out (then deinit must not deinitialise them).
    @usableFromInline var moved = false

    // inlinable: specialised in the caller's module, so filling is a plain store per element, not a
    // value-witness call (generic code across modules is otherwise not specialised)
    @inlinable
    public init(repeating value: Element, count: Int) {
        pointer = .allocate(capacity: count)
        pointer.initialize(repeating: value)
    }

    /// A large buffer filled by up to `threads` workers (its first touch, page faults included, is
    /// then parallel too).
    @inlinable
    public init(repeating value: Element, count: Int, threads: Int) where Element: Sendable {
        pointer = .allocate(capacity: count)
        guard let start = pointer.baseAddress else { return }  // no elements
        let chunks = ParallelChunks(count: count, chunkSize: 1 << 16, threads: threads)
        let base = SendablePointer(base: start)
        chunks.forEach { c in
            let r = chunks.range(c)
            (base.base + r.lowerBound).initialize(repeating: value, count: r.count)
        }
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

    @inlinable public var count: Int { pointer.count }

    @inlinable
    public subscript(i: Int) -> Element {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }

    /// A copy as an array (after the parallel work is done).
    public var array: [Element] { Array(pointer) }
}

/// Raw memory that parallel workers initialise at disjoint indices and that the caller then moves
/// out of (it owns no elements, so it never deinitialises any); unchecked Sendable for that reason.
public struct SendablePointer<Element>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Element>

    @inlinable public init(base: UnsafeMutablePointer<Element>) { self.base = base }

    public static func allocate(capacity: Int) -> SendablePointer {
        SendablePointer(base: .allocate(capacity: max(1, capacity)))
    }

    /// Frees the memory (its elements must have been moved out or never initialised).
    public func deallocate() { base.deallocate() }
}

/// A fixed-length column of a per-pupil table: filled once through a `SendableBuffer` by parallel
/// workers, then read-only. Taking over the buffer (rather than copying it into an array) keeps a
/// national run's 100 MB of columns from being copied on one thread.
public struct Column<Element>: RandomAccessCollection {
    /// Keeps the memory alive; reads go through `elements`, so they never touch (retain) this
    /// shared object: parallel readers would otherwise contend on its reference count.
    private let storage: SendableBuffer<Element>
    /// The elements in place.
    public let elements: UnsafeBufferPointer<Element>

    /// Takes over `buffer`, which must not be written afterwards.
    public init(_ buffer: SendableBuffer<Element>) {
        storage = buffer
        elements = UnsafeBufferPointer(buffer.pointer)
    }

    public init(repeating value: Element, count: Int) {
        self.init(SendableBuffer(repeating: value, count: count))
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { elements.count }

    @inline(__always)
    public subscript(i: Int) -> Element { elements[i] }
}

/// Read-only after construction, and its storage lives as long as the column: safe to share.
extension Column: @unchecked Sendable where Element: Sendable {}

extension Column: Equatable where Element: Equatable {
    public static func == (a: Column, b: Column) -> Bool { a.elementsEqual(b) }
}

/// Carries a value the caller guarantees is used safely across threads (disjoint writes through raw
/// pointers), for loops whose closures cannot be `Sendable`.
public struct UncheckedSendable<Value>: @unchecked Sendable {
    public let value: Value
    public init(value: Value) { self.value = value }
}

/// Runs `body(worker)` for every worker in 0..<workers on Dispatch's threads and returns when all
/// are done; each worker must touch only its own slots of any shared buffer (the readers' loops over
/// raw pointers, whose closures are not `Sendable`).
public func parallelFor(_ workers: Int, _ body: (Int) -> Void) {
    if workers <= 1 {
        if workers == 1 { body(0) }
        return
    }
    withoutActuallyEscaping(body) { escapable in
        let box = UncheckedSendable(value: escapable)
        DispatchQueue.concurrentPerform(iterations: workers) { box.value($0) }
    }
}

/// Runs `body(chunk)` for every chunk index on up to `threads` workers claiming chunks in turn
/// (results must go to per-chunk slots, so they never depend on which worker ran a chunk).
public func forEachChunk(_ count: Int, threads: Int, _ body: (Int) -> Void) {
    let claims = WorkClaims(count: count)
    parallelFor(min(max(threads, 1), count)) { _ in
        while let c = claims.claim() { body(c) }
    }
}

/// Runs two independent pieces of work, side by side when `parallel`; the first error (in argument
/// order) is rethrown. `second` runs as a plain asynchronous block, not as an iteration of
/// `concurrentPerform`: Dispatch runs a `concurrentPerform` nested in another one on a share of the
/// threads (one of two here), which would make both sides' own parallel loops serial.
public func sideBySide<A: Sendable, B: Sendable>(
    parallel: Bool, _ first: () throws -> A,
    _ second: @escaping @Sendable () throws -> B
) throws -> (A, B) {
    guard parallel else { return (try first(), try second()) }
    let secondResult = SendableBuffer<Result<B, Error>?>(repeating: nil, count: 1)
    let done = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
        secondResult[0] = Result { try second() }
        done.signal()
    }
    let firstResult = Result { try first() }
    done.wait()
    return (try firstResult.get(), try secondResult[0]!.get())
}

/// Starts `body` on a thread of its own, for work that must never wait for Dispatch's workers to
/// be free: the writer that formatting workers feed, the signal waiter.
public func startDedicatedThread(_ body: @escaping @Sendable () -> Void) {
    let box = UnsafeMutablePointer<(@Sendable () -> Void)>.allocate(capacity: 1)
    box.initialize(to: body)
    var thread = pthread_t()
    let started = pthread_create(
        &thread, nil,
        { raw in
            let typed = raw!.assumingMemoryBound(to: (@Sendable () -> Void).self)
            let work = typed.move()
            typed.deallocate()
            work()
            return nil
        }, box)
    precondition(started == 0, "cannot start a thread")
    pthread_detach(thread)
}
