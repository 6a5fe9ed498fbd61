import Foundation
import KS2Core
import Testing

@testable import KS2Ingest

// The tracking file's rejects (formats.md "In-year tracking"): every row used or rejected with the
// first reason that applies, and the row accounting.

@Suite struct TrackingReaderTests {
    static let windows = ["oct", "jan", "mar", "jul"]
    /// U.a and U.b are at school 100001; U.c at 100002; U.d is in no current cohort.
    static let pupils = [U.a: "100001", U.b: "100001", U.c: "100002"]

    func read(_ text: String) throws -> TrackingFile {
        let file = try DelimitedText.readText(path: write("tracking.csv", text))
        return try readTracking(
            file, windows: Self.windows, pupils: Self.pupils,
            writingScore: { [.WTS: 91.0, .EXS: 103, .GDS: 113][$0] })
    }

    @Test func rowsUsedWithScoresAndCanonicalText() throws {
        let t = try read(
            """
            urn,upn,window,read_predicted,writ_predicted,mat_predicted
            100001,\(U.a),OCT,101,exs,A
            100002,\(U.c),jul,,,95

            """)
        #expect(t.rejects.isEmpty && t.warnings.isEmpty)
        #expect(t.records.count == 2)
        #expect(t.records[0].window == 0 && t.records[0].predicted == PerSubject(read: "101", writ: "EXS", mat: "A"))
        #expect(t.records[0].score == PerSubject(read: 101, writ: 103, mat: nil))
        #expect(
            t.records[1].window == 3 && t.records[1].score == PerSubject(read: nil, writ: nil, mat: 95)
                && t.records[1].line == 3)
    }

    @Test func columnsOfItsOwnAreReportedNotRead() throws {
        let t = try read(
            """
            urn,upn,window,read_predicted,writ_predicted,mat_predicted,Visit note,
            100001,\(U.a),oct,101,EXS,99,on track,

            """)
        #expect(t.records.count == 1)
        // the trailing delimiter's unnamed column is not worth a word
        #expect(t.columns.notRead == ["Visit note"])
        #expect(t.columns.lines == ["note: tracking.csv: columns not read (no name ks2progress knows): \"Visit note\""])
        let complete = try read(
            "urn,upn,window,read_predicted,writ_predicted,mat_predicted\n100001,\(U.a),oct,101,EXS,99\n")
        #expect(complete.columns.lines.isEmpty)
    }

    @Test func unknownPupilUnknownWindowRepeatsAndTheOtherReasons() throws {
        let t = try read(
            """
            urn,upn,window,read_predicted,writ_predicted,mat_predicted
            100001,\(U.a),oct,101,EXS,100
            100001,\(U.d),oct,101,EXS,100
            100001,\(U.b),feb,101,EXS,100
            100001,\(U.a),oct,101,EXS,100
            100001,\(U.b),jan,101,EXS,100
            100001,\(U.b),jan,102,EXS,100
            100001,\(U.c),jan,101,EXS,100
            100001,X936200419001,jan,101,EXS,100
            ,\(U.a),jan,101,EXS,100
            100001,\(U.a),jan,121,EXS,ZZ
            100001,\(U.a),mar,121,EXS,100
            100001,\(U.a),jul,100,XYZ,100
            100001,\(U.a),jul,100,EXS
            100001,\(U.b),mar,99,WTS,98

            """)
        let reasons = t.rejects.map { "\($0.line):\($0.reason.rawValue)" }
        #expect(
            reasons == [
                "3:unknown_pupil", "4:unknown_window", "5:duplicate_row", "6:repeated_window",
                "7:repeated_window", "8:wrong_school", "9:invalid_upn", "10:missing_school",
                "11:bad_score", "12:score_out_of_range", "13:unknown_code", "14:wrong_field_count",
            ])
        #expect(t.rejects[1].detail == "window \"feb\": expected one of oct, jan, mar, jul")
        #expect(t.rejects[2].detail == "copy of line 2")
        #expect(t.rejects[3].detail == "the same window on lines 6, 7 with different values")
        // the first of identical copies is kept; both differing copies go
        #expect(t.records.map(\.line) == [2, 15])
        #expect(t.account.read == 14 && t.account.accepted == 2 && t.account.rejected == 12)
        #expect(t.account.rejectedByReason[.repeatedWindow] == 2 && t.account.rejectedByReason[.unknownPupil] == 1)
    }

    @Test func missingPredictionColumnsAreWarnedOrAFault() throws {
        let t = try read("urn,upn,window,mat_predicted\n100001,\(U.a),oct,100\n")
        #expect(t.warnings.count == 2 && t.warnings[0].contains("no read_predicted column"))
        #expect(t.records[0].score == PerSubject(read: nil, writ: nil, mat: 100))
        #expect(throws: InputError.self) { try read("urn,upn,window\n100001,\(U.a),oct\n") }
        #expect(throws: InputError.self) { try read("upn,window,mat_predicted\n\(U.a),oct,100\n") }
    }

    @Test func cohortsWithoutYearsForTracking() throws {
        let file = try DelimitedText.readText(path: write("cohorts.csv", "urn,cohort\n100001,A\n100002,B\n100003,A\n"))
        let cohorts = try readCohorts(file, yearsRequired: false)
        #expect(cohorts.map(\.name) == ["A", "B"] && cohorts[0].urns == ["100001", "100003"])
        #expect(throws: InputError.self) { try readCohorts(file) }
    }
}
