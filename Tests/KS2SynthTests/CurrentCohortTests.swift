import Foundation
import KS2Core
import Testing

@testable import KS2Synth

/// RFC 4180 fields of one line (synthetic names hold no quotes inside quotes).
private func cells(_ line: Substring) -> [String] {
    var out: [String] = []
    var current = ""
    var quoted = false
    for c in line {
        if c == "\"" {
            quoted.toggle()
            continue
        }
        if c == "," && !quoted {
            out.append(current)
            current = ""
        } else {
            current.append(c)
        }
    }
    out.append(current)
    return out
}

@Suite struct CurrentCohortTests {
    let options = CurrentCohortOptions(schools: 16800, ks2Year: 2026, seed: 1, las: ["850"])

    @Test func deterministicAndOfTheDocumentedShape() throws {
        let bytes = synthesizeCurrentCohort(options)
        #expect(bytes == synthesizeCurrentCohort(options))
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        #expect(
            lines[0]
                == "upn,urn,school_name,surname,forename,ks1_read,ks1_writ,ks1_mat,read_predicted,writ_predicted,mat_predicted"
        )
        let rows = lines.dropFirst().map(cells)
        #expect(rows.allSatisfy { $0.count == 11 })
        #expect(Set(rows.map { $0[1] }).count == 91)  // LA 850's part of a national 16,800
        #expect(rows.allSatisfy { UPN($0[0]) != nil && $0[0].dropFirst().hasPrefix("850") })
        // KS1 2022: interim framework (with PK1–PK4), P-scales, or a no-result code; blank = no KS1
        let interimKS1: Set<String> = [
            "GDS", "EXS", "WTS", "PK1", "PK2", "PK3", "PK4", "BLW", "A", "D", "",
            "P1i", "P2ii", "P3i", "P4", "P5", "P6", "P7", "P8",
        ]
        #expect(
            rows.allSatisfy { interimKS1.contains($0[5]) && interimKS1.contains($0[6]) && interimKS1.contains($0[7]) })
        #expect(rows.contains { $0[5] == "" && $0[6] == "" && $0[7] == "" })
        // predictions: scaled scores 80–120 or blank; writing a TA outcome or blank
        for s in [8, 10] {
            #expect(rows.allSatisfy { $0[s].isEmpty || (Int($0[s]).map { (80...120).contains($0) } ?? false) })
            #expect(rows.contains { $0[s].isEmpty })
        }
        #expect(rows.allSatisfy { $0[9].isEmpty || (Code($0[9])?.isTeacherAssessment ?? false) })
        #expect(Set(rows.map { $0[9] }).isSuperset(of: ["GDS", "EXS", "WTS"]))
    }

    @Test func theCommittedSampleIsThisGenerator() throws {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let committed = try Data(contentsOf: url.appendingPathComponent("Data/sample/current-cohort.csv"))
        #expect(Array(committed) == synthesizeCurrentCohort(options))
    }
}
