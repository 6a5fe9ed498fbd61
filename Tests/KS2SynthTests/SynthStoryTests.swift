import Foundation
import Testing

@testable import KS2Synth

/// The demo's story (issue 16): shifts only what it names, and nothing without its options.
@Suite struct SynthStoryTests {
    /// KS2 rows as dictionaries by header (the small files have no quoted commas in the columns used).
    func rows(_ bytes: [UInt8]) -> [[String: String]] {
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { line in
            var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            // a quoted school name with a comma: join it back (the name is column 4)
            while cells.count > header.count { cells[4] += "," + cells.remove(at: 5) }
            return Dictionary(uniqueKeysWithValues: zip(header, cells))
        }
    }

    @Test func defaultStoryChangesNothingAndTheEffectOnlyProjectMaths() throws {
        let plain = synthesize(SynthOptions(schools: 40, year: 2019, seed: 5, threads: 1))
        var options = SynthOptions(schools: 40, year: 2019, seed: 5, threads: 1)
        let before = rows(plain.ks2)
        let urn = try #require(Int(before[0]["urn"] ?? ""))
        options.story = SynthStory(projectEffect: 5, projectURNs: [urn])
        let story = synthesize(options)
        #expect(story.ks1 == plain.ks1)
        let after = rows(story.ks2)
        #expect(after.count == before.count)
        var raised = 0
        for (a, b) in zip(after, before) {
            #expect(a["upn"] == b["upn"] && a["read_score"] == b["read_score"] && a["writ_ta"] == b["writ_ta"])
            if a["urn"] != String(urn) { #expect(a == b) }
            if let x = Int(a["mat_score"] ?? ""), let y = Int(b["mat_score"] ?? "") {
                #expect(x >= y)
                if x > y { raised += 1 }
            }
        }
        // 5 points on a school's maths: most of its pupils (those below 120) score higher
        #expect(raised >= 10)
    }

    @Test func disadvantagedGapLowersDisadvantagedAndRaisesOthers() {
        let plain = rows(synthesize(SynthOptions(schools: 60, year: 2019, seed: 7, threads: 1)).ks2)
        var options = SynthOptions(schools: 60, year: 2019, seed: 7, threads: 1)
        options.story = SynthStory(disadvantagedGap: true)
        let gap = rows(synthesize(options).ks2)
        var sums: [String: Int] = [:]
        for (a, b) in zip(gap, plain) {
            guard let x = Int(a["read_score"] ?? ""), let y = Int(b["read_score"] ?? "") else { continue }
            #expect(a["upn"] == b["upn"])
            let key = a["disadvantaged"] ?? "?"
            sums[key, default: 0] += x - y
            #expect(key == "Y" ? x <= y : x >= y, "\(a["upn"] ?? "") \(key) \(x) \(y) \(b["disadvantaged"] ?? "")")
        }
        #expect((sums["Y"] ?? 0) < 0 && (sums["N"] ?? 0) > 0)
    }
}
