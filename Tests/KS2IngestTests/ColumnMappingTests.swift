import Foundation
import KS2Core
import Testing

@testable import KS2Ingest

/// A subject whose result columns are not found stops the read, unless mapped to nothing on purpose.
@Suite("KS2 subject columns")
struct ColumnMappingTests {
    @Test("unrecognised reading and maths columns stop the read with the headers and the nearest names")
    func unknownSubjectColumns() throws {
        let path = write("ks2.csv", "upn,urn,Reading Scaled Scor,Maths Scaled Scre,writ_ta\n\(U.a),100001,104,99,EXS\n")
        let e = try #require(inputError { _ = try readKS2(path: path, year: 2019, options: IngestOptions()) })
        #expect(e.line == 1 && e.column == 1)
        #expect(e.message.hasPrefix("no reading results column: expected one of read_score, read_code, read_ta"))
        #expect(
            e.message.contains(
                "header found: \"upn\", \"urn\", \"Reading Scaled Scor\", \"Maths Scaled Scre\", \"writ_ta\""))
        // "reading scaled scor" is one deletion from the alias "reading scaled score".
        #expect(e.message.contains("\"Reading Scaled Scor\" is 1 edit(s) from \"reading scaled score\" (read_score)"))
        #expect(e.message.contains("read_score to \"\""))
    }

    @Test("a subject mapped to nothing on purpose reads, and the other subject still must be there")
    func absentOnPurpose() throws {
        let path = write("ks2.csv", "upn,urn,writ_ta,Maths Scaled Score\n\(U.a),100001,EXS,101\n")
        let none = IngestOptions(columns: ["read_score": ""])
        let result = try readKS2(path: path, year: 2019, options: none)
        #expect(result.account.accepted == 1)
        // without the mapping the same file stops
        #expect(
            inputError { _ = try readKS2(path: path, year: 2019, options: IngestOptions()) }?.message
                .hasPrefix("no reading results column") == true)
        // an empty mapping never hides a column of the file: a reading column present stops the read
        let both = write(
            "ks2.csv",
            "upn,urn,writ_ta,Reading Scaled Score,Maths Scaled Score\n\(U.a),100001,EXS,104,101\n")
        let e = inputError { _ = try readKS2(path: both, year: 2019, options: none) }
        #expect(e?.column == 17 && e?.message.contains("read_score is mapped to nothing, but column 4") == true)
    }

    @Test("edit distance")
    func distance() {
        #expect(Columns.editDistance("kitten", "sitting") == 3)
        #expect(Columns.editDistance("", "abc") == 3)
        #expect(Columns.editDistance("ks2 readscore", "ks2 read score") == 1)
    }
}
