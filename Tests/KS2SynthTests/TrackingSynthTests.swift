import KS2Core
import Testing

@testable import KS2Synth

/// The synthetic tracking file: deterministic, some rows missing, predictions below the target drift
/// towards it, writing climbs one outcome at a time and never past the target.
@Suite struct TrackingSynthTests {
    /// 200 pupils of 10 schools: reading predicted 95 against a target of 100, maths 104 against 100,
    /// writing WTS against EXS.
    static let pupils = (0..<200).map { k in
        TrackingSeedPupil(
            urn: String(100_000 + k % 10), upn: "P\(1000 + k)", estimate: PerSubject(read: 99.5, writ: 100, mat: 99.5),
            target: PerSubject(read: "100", writ: "EXS", mat: "100"),
            predicted: PerSubject(read: "95", writ: "WTS", mat: "104"))
    }

    @Test func driftsTowardsTheTargetWithSomeRowsMissing() throws {
        let options = TrackingSynthOptions(windows: ["oct", "jan", "mar", "jul"], seed: 3)
        let bytes = synthesizeTracking(Self.pupils, options: options)
        #expect(bytes == synthesizeTracking(Self.pupils, options: options))
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        #expect(lines[0] == ["urn", "upn", "window", "read_predicted", "writ_predicted", "mat_predicted"])
        let rows = lines.dropFirst()
        // about 6% of rows missing, plus late schools' last window
        #expect(rows.count < 800 && rows.count > 640)
        func mean(_ window: String, _ column: Int) -> Double {
            let values = rows.filter { $0[2] == window }.compactMap { Double($0[column]) }
            return values.reduce(0, +) / Double(values.count)
        }
        // reading: starts at 95, ends between the start and just above the target
        #expect(mean("oct", 3) == 95)
        #expect(mean("jan", 3) > 95.5 && mean("jul", 3) > mean("mar", 3) && mean("jul", 3) < 101.5)
        // maths already above the target: stays near 104
        #expect(abs(mean("jul", 5) - 104) < 1)
        // writing never falls and never passes EXS; some pupils reach it by July
        var last: [String: String] = [:]
        for row in rows {
            #expect(["WTS", "EXS"].contains(row[4]))
            if last[row[1]] == "EXS" { #expect(row[4] == "EXS") }
            last[row[1]] = row[4]
        }
        #expect(rows.filter { $0[2] == "jul" && $0[4] == "EXS" }.count > 50)
        #expect(rows.allSatisfy { row in [row[3], row[5]].allSatisfy { $0.isEmpty || (80...120).contains(Int($0)!) } })
        // rows by window, then school, then UPN
        let order = ["oct": 0, "jan": 1, "mar": 2, "jul": 3]
        let keys = rows.map { "\(order[$0[2]]!)|\($0[0])|\($0[1])" }
        #expect(keys == keys.sorted())
    }
}
