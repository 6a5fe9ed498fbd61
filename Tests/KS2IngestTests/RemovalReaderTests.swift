import KS2Core
import Testing

@testable import KS2Ingest

/// What-if removal files (formats.md: `upn[,subject]`): every row used or rejected with its line.
@Suite struct RemovalReaderTests {
    @Test func subjectsAndRejects() throws {
        let path = write(
            "remove.csv",
            """
            UPN,Subject
            \(U.a),mat
            \(U.b),
            \(U.c),ALL
            \(U.d),geography
            X936200419001,read
            \(U.e),writing,extra

            """)
        let (removals, rejects, _) = try readRemovals(path: path)
        #expect(removals.map(\.line) == [2, 3, 4])
        #expect(removals[0].upn == UPN(U.a) && removals[0].subjects == [.mat])
        #expect(removals[1].subjects == Subject.allCases)
        #expect(removals[2].subjects == Subject.allCases)
        #expect(rejects.map(\.line) == [5, 6, 7])
        #expect(rejects.map(\.reason) == [.unknownCode, .invalidUPN, .wrongFieldCount])
        #expect(rejects.allSatisfy { $0.file == "remove.csv" })
        #expect(rejects[1].upn == "X936200419001")
    }

    @Test func upnOnlyFileRemovesFromEverySubject() throws {
        let path = write("remove.csv", "upn\n\(U.a)\n")
        let (removals, rejects, _) = try readRemovals(path: path)
        #expect(removals.count == 1 && removals[0].subjects == Subject.allCases && rejects.isEmpty)
    }

    @Test func aColumnOfItsOwnIsReportedNotRead() throws {
        let path = write("remove.csv", "upn,subject,reason\n\(U.a),mat,absent in May\n")
        let (removals, _, columns) = try readRemovals(path: path)
        #expect(removals.count == 1)
        #expect(columns.notRead == ["reason"] && columns.file == "remove.csv")
        #expect(try readRemovals(path: write("remove.csv", "upn\n\(U.a)\n")).columns.notRead.isEmpty)
    }

    @Test func missingUPNColumnOrNoRowsStopsTheRun() {
        #expect(throws: InputError.self) { try readRemovals(path: write("remove.csv", "pupil,subject\nA,read\n")) }
        #expect(throws: InputError.self) { try readRemovals(path: write("remove.csv", "upn,subject\n")) }
    }
}
