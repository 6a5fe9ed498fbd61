import Foundation
import KS2Core
import KS2Ingest
import KS2Pipeline
import TestSupport
import Testing

/// Each export layout `synth --layout` writes (NPD, PAG, NCER header names) reads to exactly the
/// pupils of the canonical files: every alias of docs/ALIASES.md that a layout uses is recognised.
@Suite("Export layouts")
struct LayoutTests {
    /// Writes the synthetic county in `layout` and reads it back (names kept, so they are compared too).
    private func readLayout(_ layout: ExportLayout) throws -> (header: String, ks2: KS2ReadResult, ks1: KS1ReadResult) {
        let dir = try temporaryFolder("ks2-layout").path + "/synth"
        var job = SynthJob(schools: 4, year: 2019, seed: 7, edge: true)
        job.layout = layout
        try job.run(RunSettings(outputDirectory: dir, threads: 1))
        let options = IngestOptions(threads: 1, keepNames: true)
        let header = try String(contentsOfFile: dir + "/ks2.csv", encoding: .utf8).split(separator: "\n")[0]
        return (
            String(header), try readKS2(path: dir + "/ks2.csv", year: 2019, options: options),
            try readKS1(path: dir + "/ks1.csv", options: options)
        )
    }

    @Test(arguments: ExportLayout.allCases.filter { $0 != .canonical })
    func readsToTheSamePupils(_ layout: ExportLayout) throws {
        let canonical = try readLayout(.canonical)
        let other = try readLayout(layout)
        #expect(other.header != canonical.header)
        #expect(other.header.split(separator: ",").count >= 23)
        #expect(canonical.ks2.cohort.pupils.count > 100)
        #expect(other.ks2.cohort.pupils == canonical.ks2.cohort.pupils)
        #expect(other.ks2.cohort.schools == canonical.ks2.cohort.schools)
        #expect(other.ks2.cohort.names == canonical.ks2.cohort.names)
        #expect(other.ks2.account.rejectedByReason == canonical.ks2.account.rejectedByReason)
        #expect(other.ks1.records == canonical.ks1.records)
        #expect(other.ks1.account == canonical.ks1.account)
    }
}
