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

/// The MIS header names of docs/ALIASES.md (Bromcom, Arbor) each name their canonical column, and
/// no alias names two columns.
@Suite("MIS column aliases")
struct MISAliasTests {
    /// (header as the system writes it, canonical column), from docs/ALIASES.md's MIS table.
    static let misAliases: [(header: String, canonical: String)] = [
        ("Legal Last Name", "surname"),
        ("Legal First Name", "forename"),
        ("legalLastName", "surname"),
        ("legalFirstName", "forename"),
        ("LastName", "surname"),
        ("FirstName", "forename"),
        ("Last Name", "surname"),
        ("First Name", "forename"),
        ("UPN", "upn"),
        ("Gender", "gender"),
        ("SEN Status", "sen"),
    ]

    /// The canonical column whose alias list holds `header` (normalized), if any.
    private func canonical(of header: String) -> [String] {
        let key = Columns.normalize(header)
        return Columns.ks2.filter { $0.aliases.contains(key) }.map(\.canonical)
    }

    @Test(arguments: misAliases.map { [$0.header, $0.canonical] })
    func mapsToItsColumn(_ pair: [String]) {
        #expect(canonical(of: pair[0]) == [pair[1]])
    }

    @Test("a Bromcom-style header reads the names, gender and UPN")
    func readsBromcomNames() throws {
        let header = "Last Name,First Name,Admission Number,UPN,Gender,urn,writ_ta,read_score,mat_score"
        let path = write("ks2.csv", "\(header)\nSmith,Ann,001234,\(U.a),Female,100001,EXS,104,101\n")
        let result = try readKS2(path: path, year: 2019, options: IngestOptions(keepNames: true))
        #expect(result.account.accepted == 1)
        let pupil = try #require(result.cohort.pupils.first)
        #expect(pupil.gender == .female)
        let name = try #require(result.cohort.names.first)
        #expect(name.forename == "Ann" && name.surname == "Smith")
    }

    @Test("pupil premium flags that are not the DfE's disadvantaged measure are not aliases")
    func ambiguousNamesAreNotAliases() {
        // Arbor's "Pupil Premium Eligible" counts service children; SIMS's indicator follows the
        // DfE allocation file, which includes the service premium: neither is FSM6CLA1A.
        #expect(canonical(of: "Pupil Premium Eligible").isEmpty)
        #expect(canonical(of: "Pupil Premium Indicator").isEmpty)
        #expect(canonical(of: "Pupil Premium Recipient").isEmpty)
    }

    @Test("no alias names two KS2 columns")
    func aliasesAreUnique() {
        var owner: [String: String] = [:]
        var clashes: [String] = []
        for spec in Columns.ks2 {
            for alias in spec.aliases {
                if let other = owner[alias], other != spec.canonical {
                    clashes.append("\(alias): \(other), \(spec.canonical)")
                }
                owner[alias] = spec.canonical
            }
        }
        #expect(clashes.isEmpty)
    }
}

/// Columns a pupil file's header leaves unread, and optional columns it lacks: reported, never silent.
struct ColumnReportTests {
    @Test func columnsNotReadAndOptionalColumnsAbsentAreReported() throws {
        let path = write(
            "ks2.csv",
            "upn,urn,laestab,school_name,Class,read_score,writ_ta,mat_score,gender,FSM Flag\n"
                + "\(U.a),100001,9362004,Oak,6B,104,EXS,101,F,Y\n")
        let r = try readKS2(path: path, year: 2019, options: IngestOptions())
        #expect(r.columns.file == "ks2.csv")
        // "FSM Flag" is no alias of disadvantaged: it is not read, and disadvantaged is absent
        #expect(r.columns.notRead == ["Class", "FSM Flag"])
        #expect(
            r.columns.absent.map(\.column) == [
                "la", "special", "year", "disadvantaged", "eal", "sen", "gps_score or gps_code",
            ])
        #expect(r.columns.absent.first?.meaning == "the LA is taken from laestab")
        #expect(
            r.columns.lines == [
                "note: ks2.csv: columns not read (no name ks2progress knows): \"Class\", \"FSM Flag\"",
                "note: ks2.csv: no la column: the LA is taken from laestab; no special column: every school is "
                    + "taken as mainstream (all count in the band percentiles); no year column: rows are not "
                    + "checked against the run's year; no disadvantaged column: no disadvantaged groups and no gaps; "
                    + "no eal column: no EAL groups; no sen column: no SEN groups; no gps_score or gps_code column: "
                    + "no grammar, punctuation and spelling attainment",
            ])
        // names are asked about only when they are kept (for the workbooks)
        let named = try readKS2(path: path, year: 2019, options: IngestOptions(keepNames: true))
        #expect(named.columns.absent.last?.column == "surname or forename")
    }

    @Test func aColumnMappedExplicitlyIsReadAndTheAliasItDisplacesIsNot() throws {
        let path = write(
            "ks2.csv", "upn,urn,read_score,Reading SS,writ_ta,mat_score\n\(U.a),100001,90,104,EXS,101\n")
        let r = try readKS2(path: path, year: 2019, options: IngestOptions(columns: ["read_score": "Reading SS"]))
        #expect(r.columns.notRead == ["read_score"])
        let ks1 = write("ks1.csv", "upn,ks1_read,ks1_writ,ks1_mat,Teacher\n\(U.a),2B,2C,3,Ms X\n")
        #expect(try readKS1(path: ks1, options: IngestOptions()).columns.notRead == ["Teacher"])
    }

    @Test func aCompleteHeaderHasNothingToSay() throws {
        let path = write(
            "ks2.csv",
            "upn,urn,la,school_name,special,year,gender,disadvantaged,eal,sen,read_score,writ_ta,mat_score,gps_score\n"
                + "\(U.a),100001,936,Oak,N,2019,F,Y,N,N,104,EXS,101,100\n")
        let r = try readKS2(path: path, year: 2019, options: IngestOptions())
        #expect(r.columns.notRead.isEmpty && r.columns.absent.isEmpty && r.columns.lines.isEmpty)
    }
}

/// A school its rows name in two ways keeps the first name, and the read says so, whichever
/// chunks the rows fall in.
struct SchoolNamedTwoWaysTests {
    static let text = """
        upn,urn,school_name,read_score,writ_ta,mat_score
        \(U.a),100001,Oak Primary,104,EXS,101
        \(U.b),100001,Oak Primary,100,EXS,99
        \(U.c),100002,Elm Junior,100,EXS,99
        \(U.d),100001,Oak Primary School,98,EXS,97
        \(U.e),100002,Elm Junior,100,EXS,99

        """

    @Test(arguments: [1 << 20, 7])
    func theFirstNameIsUsedAndTheOtherReported(chunkBytes: Int) throws {
        let file = try DelimitedFile(bytes: Array(Self.text.utf8), path: "ks2.csv", threads: 3, chunkBytes: chunkBytes)
        let r = try readKS2(file: file, year: 2019, options: IngestOptions(threads: 3))
        #expect(r.cohort.schools.map(\.name) == ["Oak Primary", "Elm Junior"])
        #expect(
            r.schoolNotes.namedTwoWays == [
                SchoolNamedTwoWays(
                    school: "100001", used: "Oak Primary", usedLine: 2, other: "Oak Primary School", otherLine: 5)
            ])
        #expect(
            SchoolNamedTwoWays.lines(r.schoolNotes.namedTwoWays, file: "ks2.csv") == [
                "note: ks2.csv: a school is named in two ways; the first name is used: 100001 \"Oak Primary\" "
                    + "(line 2), also \"Oak Primary School\" (line 5)"
            ])
    }

    @Test(arguments: [1 << 20, 7])
    func aSchoolInTwoLAsShowsTheFirstAndIsReported(chunkBytes: Int) throws {
        let text = """
            upn,urn,la,read_score,writ_ta,mat_score
            \(U.a),100001,936,104,EXS,101
            \(U.b),100002,936,100,EXS,99
            \(U.c),100001,850,100,EXS,99
            \(U.d),100001,851,98,EXS,97

            """
        let file = try DelimitedFile(bytes: Array(text.utf8), path: "ks2.csv", threads: 3, chunkBytes: chunkBytes)
        let r = try readKS2(file: file, year: 2019, options: IngestOptions(threads: 3))
        #expect(r.cohort.schools.map(\.la) == ["936", "936"])
        #expect(r.schoolNotes.inTwoLAs == [SchoolInTwoLAs(school: "100001", used: "936", other: "850", otherLine: 4)])
        // each pupil still counts in its own LA
        #expect(r.cohort.pupils.map { r.cohort.localAuthorities[Int($0.la)] } == ["936", "936", "850", "851"])
    }

    @Test(arguments: [1 << 20, 7])
    func aSchoolMarkedSpecialOnSomeRowsIsSpecialAndReported(chunkBytes: Int) throws {
        let text = """
            upn,urn,special,read_score,writ_ta,mat_score
            \(U.a),100001,N,104,EXS,101
            \(U.b),100002,Y,100,EXS,99
            \(U.c),100001,,100,EXS,99
            \(U.d),100001,Y,98,EXS,97
            \(U.e),100002,Y,98,EXS,97

            """
        let file = try DelimitedFile(bytes: Array(text.utf8), path: "ks2.csv", threads: 3, chunkBytes: chunkBytes)
        let r = try readKS2(file: file, year: 2019, options: IngestOptions(threads: 3))
        #expect(r.cohort.schools.map(\.special) == [true, true])
        #expect(
            r.schoolNotes.partlySpecial == [SchoolPartlySpecial(school: "100001", specialLine: 5, mainstreamLine: 2)])
    }

    @Test func namesThatAgreeOrAreMissingSayNothing() throws {
        let path = write(
            "ks2.csv",
            "upn,urn,school_name,read_score,writ_ta,mat_score\n\(U.a),100001,Oak,104,EXS,101\n"
                + "\(U.b),100001,,100,EXS,99\n\(U.c),100001,Oak,100,EXS,99\n")
        let r = try readKS2(path: path, year: 2019, options: IngestOptions())
        #expect(r.schoolNotes.namedTwoWays.isEmpty && r.cohort.schools.map(\.name) == ["Oak"])
    }
}
