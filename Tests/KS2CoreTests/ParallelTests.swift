import Testing

@testable import KS2Core

/// The parallel helpers hand out every chunk exactly once, and results never depend on the threads.
@Suite struct ParallelTests {
    @Test(arguments: [1, 2, 7])
    func everyChunkOnceInOrder(threads: Int) {
        let chunks = ParallelChunks(count: 100_003, chunkSize: 97, threads: threads)
        let ranges = chunks.map { $0 }
        #expect(ranges.count == 1_031)
        #expect(ranges.first == 0..<97 && ranges.last == 99_910..<100_003)
        #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
    }

    @Test func claimsRunOutOnce() {
        let claims = WorkClaims(count: 3)
        #expect(
            [claims.claim(), claims.claim(), claims.claim(), claims.claim(), claims.claim()] == [0, 1, 2, nil, nil])
    }

    @Test(arguments: [1, 2, 5])
    func parallelForTouchesEveryItem(threads: Int) {
        let hits = SendableBuffer<Int>(repeating: 0, count: 10_000)
        parallelFor(10_000, threads: threads) { i in hits[i] += i }
        #expect(hits.array == Array(0..<10_000))
    }

    @Test func filledBufferBecomesAColumn() {
        let buffer = SendableBuffer<Double>(repeating: .nan, count: 200_001, threads: 3)
        buffer[200_000] = 2.5
        let column = Column(buffer)
        #expect(column.count == 200_001)
        #expect(column.prefix(200_000).allSatisfy { $0.isNaN })
        #expect(column[200_000] == 2.5)
        #expect(Column(repeating: Int8(-1), count: 4) == Column(repeating: Int8(-1), count: 4))
        #expect(Column(SendableBuffer<Double>(repeating: 1, count: 0, threads: 2)).isEmpty)
    }
}
