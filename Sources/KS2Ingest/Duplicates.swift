import KS2Core

/// The duplicate rules of formats.md over the rows that passed every other check.
enum Duplicates {
    /// For rows (file order) with UPN keys `keys`, returns (row index, reason, detail) for every
    /// duplicate: a UPN whose rows are all identical (fields trimmed) keeps its first row and the
    /// rest are duplicate_row; a UPN with any two differing rows loses all of them (duplicate_upn).
    static func find(file: DelimitedFile, keys: [UInt64], threads: Int, lines: (Int) -> Int, starts: (Int) -> Int)
        -> [(index: Int, reason: RejectReason, detail: String)]
    {
        let groups = rowsSharingAUPN(keys: keys, threads: threads)
        return classify(groups, file: file, lines: lines, starts: starts)
    }

    /// Every UPN with more than one row: its first row → all its rows in file order. The rows are
    /// scattered into 256 hash buckets in file order, so each bucket's table stays in cache, and
    /// workers take buckets in turn.
    static func rowsSharingAUPN(keys: [UInt64], threads: Int) -> [Int32: [Int32]] {
        let bucketCount = 256
        var counts = [Int](repeating: 0, count: bucketCount + 1)
        @inline(__always) func bucket(_ key: UInt64) -> Int { Int(truncatingIfNeeded: UPNTable.hash(key) & 0xFF) }
        for key in keys { counts[bucket(key) + 1] += 1 }
        for b in 0..<bucketCount { counts[b + 1] += counts[b] }
        var fill = counts
        var rows = [Int32](repeating: 0, count: keys.count)
        for (i, key) in keys.enumerated() {
            let b = bucket(key)
            rows[fill[b]] = Int32(i)
            fill[b] += 1
        }
        let parts = keys.count < 100_000 ? 1 : max(1, threads)
        let largestBucket = (0..<bucketCount).map { counts[$0 + 1] - counts[$0] }.max() ?? 0
        let pairs = UnsafeMutableBufferPointer<[(first: Int32, row: Int32)]>.allocate(capacity: parts)
        pairs.initialize(repeating: [])
        defer {
            pairs.baseAddress?.deinitialize(count: parts)
            pairs.deallocate()
        }
        // a UPN's rows all fall in one bucket, in file order, whichever worker claims it
        let claims = WorkClaims(count: bucketCount)
        keys.withUnsafeBufferPointer { k in
            rows.withUnsafeBufferPointer { order in
                parallelFor(parts) { w in
                    var found: [(first: Int32, row: Int32)] = []
                    // one table a worker, sized for the largest bucket and emptied between buckets
                    var table = UPNTable(expected: largestBucket)
                    while let b = claims.claim() {
                        table.removeAll()
                        for j in counts[b]..<counts[b + 1] {
                            let i = order[j]
                            let first = table.insert(k[Int(i)], i)
                            if first >= 0 { found.append((first, i)) }
                        }
                    }
                    pairs[w] = found
                }
            }
        }
        var groups: [Int32: [Int32]] = [:]
        for list in pairs {
            for (first, row) in list { groups[first, default: [first]].append(row) }
        }
        return groups
    }

    /// Each repeated UPN's rows re-read and compared: all identical keeps the first (the rest are
    /// duplicate_row), any difference rejects them all (duplicate_upn); in order of first row.
    static func classify(
        _ groups: [Int32: [Int32]], file: DelimitedFile, lines: (Int) -> Int, starts: (Int) -> Int
    ) -> [(index: Int, reason: RejectReason, detail: String)] {
        let order = groups.keys.sorted()
        var out: [(index: Int, reason: RejectReason, detail: String)] = []
        if order.isEmpty { return out }
        var scanner = RecordScanner(base: file.data.base, count: file.data.count, delimiter: file.delimiter)
        defer { scanner.release() }
        for first in order {
            let members = groups[first] ?? []
            let fields: [[[UInt8]]] = members.map { m in
                var values: [[UInt8]] = []
                _ = scanner.scan(from: starts(Int(m)), line: lines(Int(m)), until: starts(Int(m)) + 1) { record in
                    values = (0..<record.count).map { record.bytes($0) }
                }
                return values
            }
            let identical = fields.allSatisfy { $0 == fields[0] }
            let memberLines = members.map { lines(Int($0)) }
            if identical {
                for m in members.dropFirst() {
                    out.append((Int(m), .duplicateRow, "duplicate of line \(memberLines[0])"))
                }
            } else {
                for (j, m) in members.enumerated() {
                    let others = memberLines.enumerated().filter { $0.offset != j }.map { String($0.element) }
                    let plural = others.count == 1 ? "line" : "lines"
                    out.append(
                        (
                            Int(m), .duplicateUPN,
                            "same UPN as \(plural) \(others.joined(separator: ", ")) with different fields"
                        ))
                }
            }
        }
        return out
    }
}
