import Foundation
import KS2Reports
import Testing

/// Throughput check, run only on request: `KS2_BENCH=1 swift test -c release --filter CSVBenchmark`.
@Suite struct CSVBenchmark {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["KS2_BENCH"] == "1"))
    func pupilSizedFile() {
        let rows = 650_000
        var values = [Double](repeating: 0, count: 4096)
        var rng = SystemRandomNumberGenerator()
        for i in values.indices { values[i] = Double.random(in: -20...20, using: &rng) }
        let start = ContinuousClock.now
        var w = CSVWriter(capacity: rows * 20 * 20)
        for r in 0..<rows {
            for c in 0..<20 { w.appendDouble(values[(r &* 31 &+ c) & 4095]) }
            w.endRow()
        }
        let elapsed = ContinuousClock.now - start
        print("CSV benchmark: \(rows) rows x 20 doubles, \(w.bytes.count) bytes in \(elapsed)")
        #expect(w.bytes.count > rows * 20 * 10)
    }
}

/// A long comparison of the CSV double text with `Double.description`, run only on request.
@Suite struct CSVDoubleSoak {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["KS2_BENCH"] == "1"))
    func matchesDescription() {
        var rng = SystemRandomNumberGenerator()
        var candidates: [Double] = []
        for _ in 0..<3_000_000 { candidates.append(Double(bitPattern: rng.next())) }
        for _ in 0..<1_000_000 { candidates.append(Double.random(in: -30...30, using: &rng)) }
        for i in 0..<200_000 {
            candidates.append(Double(i) / 100)
            candidates.append(Double(i) / 7)
        }
        for e in -330...310 {
            candidates.append(Double("1e\(e)") ?? 0)
            candidates.append(Double("5e\(e)") ?? 0)
        }
        candidates += [
            Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude, Double.leastNormalMagnitude,
            Double.ulpOfOne, 1 - Double.ulpOfOne / 2, 9_007_199_254_740_994, 0.1, 0.2, 0.3,
        ]
        var mismatches = 0
        for v in candidates where v.isFinite {
            var w = CSVWriter()
            w.appendDouble(v)
            let s = String(decoding: w.bytes, as: UTF8.self)
            if Double(s) != v {
                mismatches += 1
                if mismatches < 10 { print("no round trip", v, s) }
            }
            let d = v.description
            if !d.contains("e") && d != s {
                mismatches += 1
                if mismatches < 10 { print("differs", d, s) }
            }
            if d.contains("e") {
                // Same significant digits as description's mantissa.
                let mant = d.split(separator: "e")[0].filter { $0 != "." && $0 != "-" }
                let sig = s.filter { $0 != "." && $0 != "-" }.drop(while: { $0 == "0" })
                let a = String(mant.reversed().drop(while: { $0 == "0" }).reversed())
                let b = String(String(sig).reversed().drop(while: { $0 == "0" }).reversed())
                if a != b {
                    mismatches += 1
                    if mismatches < 10 { print("digits differ", d, s) }
                }
            }
        }
        print("soak: \(candidates.count) values, \(mismatches) mismatches")
        #expect(mismatches == 0)
    }
}
