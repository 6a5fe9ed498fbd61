import Foundation
import KS2Core
import Testing

@testable import KS2Ingest

@Suite struct ScannerTests {
    @Test func bomCRLFAndWindows1252() throws {
        // "Ren\xE9e" is not UTF-8: the whole file is read as Windows-1252 (0xE9 = é)
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
        bytes += Array("upn,urn,writ_ta,forename,surname\r\n".utf8)
        bytes += Array("\(U.a),100001,EXS,Ren".utf8) + [0xE9] + Array("e,Smith\r\n".utf8)
        bytes += Array("\(U.b),100001,GDS,Tom,O'Neil\r\n".utf8)
        let path = write("ks2.csv", bytes: bytes)
        var options = IngestOptions(threads: 1, keepNames: true)
        options.columns = noReadingOrMaths
        let r = try readKS2(path: path, year: 2019, options: options)
        #expect(r.rejects.isEmpty)
        #expect(r.cohort.pupils.map(\.upn.description) == [U.a, U.b])
        #expect(r.cohort.pupils.map(\.line) == [2, 3])
        #expect(
            r.cohort.names == [
                PupilName(forename: "Renée", surname: "Smith"), PupilName(forename: "Tom", surname: "O'Neil"),
            ])
        #expect(r.cohort.pupils[1].writTA == .GDS)  // CR not part of the last field
        let file = try DelimitedFile(path: path)
        #expect(file.wasWindows1252)
        #expect(file.header == ["upn", "urn", "writ_ta", "forename", "surname"])
    }

    @Test func validUTF8IsNotTranscoded() throws {
        let path = write("ks2.csv", "upn,urn,writ_ta,forename\n\(U.a),100001,EXS,Zoë\n")
        let file = try DelimitedFile(path: path)
        #expect(!file.wasWindows1252)
        let r = try readKS2(path: path, year: 2019, options: IngestOptions(columns: noReadingOrMaths, keepNames: true))
        #expect(r.cohort.names.map(\.forename) == ["Zoë"])
    }

    @Test func tabAndSemicolonDelimiters() throws {
        let tab = write("t.tsv", "upn\turn\twrit_ta\tread_score\n\(U.a)\t100001\tEXS\t105\n")
        let semi = write("s.csv", "upn;urn;writ_ta;read_score;school_name\n\(U.a);100001;EXS;99;Hill, Upper\n")
        let t = try readKS2(path: tab, year: 2019, options: IngestOptions(columns: ["mat_score": ""]))
        let s = try readKS2(path: semi, year: 2019, options: IngestOptions(columns: ["mat_score": ""]))
        #expect(t.cohort.pupils.map(\.read.scaled) == [105])
        #expect(s.cohort.pupils.map(\.read.scaled) == [99])
        #expect(s.cohort.schools.map(\.name) == ["Hill, Upper"])
        #expect(try DelimitedFile(path: tab).delimiter == 0x09)
        #expect(try DelimitedFile(path: semi).delimiter == 0x3B)
    }

    @Test func delimiterTiesGoToComma() throws {
        // one comma and one semicolon outside quotes; the quoted ";;" does not count
        let path = write("x.csv", "a,\"b;;\";c\n1,2;3\n")
        let text = try DelimitedText.readText(path: path)
        #expect(text.header == ["a", "\"b;;\";c"])
        #expect(try DelimitedFile(path: path).delimiter == 0x2C)
    }

    @Test func quotingAndLineNumbers() throws {
        // line 2: quoted delimiter and doubled quotes; line 3–4: a quoted line break;
        // line 5 is the next record, line 6 has a bad score
        let rows = [
            ks2Row(U.a, school: "\"Hill, \"\"Upper\"\" School\""),
            ks2Row(U.b, school: "\"Dale\nAnnex\""),
            ks2Row(U.c),
            ks2Row(U.d, read: "n/a"),
        ]
        let r = try readKS2(path: ks2File(rows), year: 2019, options: IngestOptions())
        #expect(r.cohort.pupils.map(\.line) == [2, 3, 5])
        #expect(summary(r.rejects) == ["ks2.csv:6:\(U.d):bad_score"])
        #expect(r.cohort.schools.map(\.name) == ["Hill, \"Upper\" School"])
    }

    @Test func blankLinesAreNotRows() throws {
        let text = [ks2Header, "", ks2Row(U.a), ",,, ,", "   ", "\t", ks2Row(U.b, mat: "121"), "", ""]
            .joined(separator: "\n")
        let r = try readKS2(path: write("ks2.csv", text), year: 2019, options: IngestOptions())
        #expect(r.account.read == 2)
        #expect(r.cohort.pupils.map(\.line) == [3])
        #expect(summary(r.rejects) == ["ks2.csv:7:\(U.b):score_out_of_range"])
    }

    @Test func blankLinesBeforeTheHeader() throws {
        let path = write("ks2.csv", "\n , \nupn,urn,writ_ta\n\(U.a),1,EXS")
        let r = try readKS2(path: path, year: 2019, options: IngestOptions(columns: noReadingOrMaths))
        #expect(r.cohort.pupils.map(\.line) == [4])  // no line end after the last row
    }

    @Test func aliasesAndCaseInsensitiveHeaders() throws {
        let header =
            " Unique Pupil Number ,School URN,DfE number,LEA,School name,KS2 Year,SEX,FSM6CLA1A,EAL,SEN provision,Reading scaled score,Reading outcome,Reading TA,Writing TA,Maths scaled score,Maths outcome,Maths TA,GPS scaled score,GPS outcome,Notes"
        let line = "\(U.a),,936-2004,,Dale,2019,Female,1,No,K,A,,exs,wts,100,AS,gds,,,whatever"
        let r = try readKS2(path: write("k.csv", header + "\n" + line + "\n"), year: 2019, options: IngestOptions())
        #expect(r.rejects.isEmpty)
        let p = try #require(r.cohort.pupils.first)
        #expect(r.cohort.schools == [SchoolInfo(id: "9362004", name: "Dale", la: "936")])
        #expect(r.cohort.localAuthorities == ["936"])
        #expect(p.gender == .female && p.disadvantaged == .yes && p.eal == .no && p.sen == .support)
        #expect(p.read == TestResult(scaled: 0, code: .A, ta: .EXS))
        #expect(p.mat == TestResult(scaled: 100, code: .AS, ta: .GDS))
        #expect(p.writTA == .WTS)
    }

    @Test func explicitMapping() throws {
        let path = write("k.csv", "Pupil ID,Establishment URN,WR,UPN\n\(U.a),100001,EXS,junk\n")
        var o = IngestOptions()
        o.columns = [
            "upn": "pupil id", "urn": "Establishment URN", "writ_ta": "WR", "ks1_read": "nothing",
            "read_score": "", "mat_score": "",
        ]
        let r = try readKS2(path: path, year: 2019, options: o)
        #expect(r.rejects.isEmpty)
        #expect(r.cohort.pupils.map(\.upn.description) == [U.a])
        #expect(r.cohort.schools.map(\.id) == ["100001"])
        o.columns["urn"] = "School Number"
        let e = inputError { _ = try readKS2(path: path, year: 2019, options: o) }
        #expect(
            e?.description
                == "\(path):1:1: column mapping: \"School Number\" (given for urn) is not in the header; header found: \"Pupil ID\", \"Establishment URN\", \"WR\", \"UPN\""
        )
    }

    @Test func codeTableAgreesWithCodeParse() {
        var tokens = Code.allCases.filter { $0 != .none }.map(\.name)
        tokens +=
            tokens.map { $0.lowercased() } + [
                "", "Z", "EXT", "n/a", "P9", "PK7", "4-", "GDSX", "p1I", "2b", "+", "12345",
            ]
        for t in tokens {
            var s = t
            let fast = s.withUTF8 { CodeTable.shared.parse(UnsafeRawBufferPointer($0)) }
            let slow = s.withUTF8 { Code.parse(UnsafeRawBufferPointer($0)) }
            #expect(fast == slow, "token \(t)")
        }
    }

    @Test func readTextForSmallFiles() throws {
        let path = write(
            "t.csv",
            "\u{FEFF}URN ,Name,Score\r\n100001,\"Hill, \"\"A\"\"\",12%\r\n\r\n100002,\"Two\nLines\", x \r\n,,\r\n")
        let t = try DelimitedText.readText(path: path)
        #expect(t.header == ["URN", "Name", "Score"])
        #expect(t.rows == [["100001", "Hill, \"A\"", "12%"], ["100002", "Two\nLines", "x"]])
        #expect(t.lines == [2, 4])
        #expect(t.column("urn") == 0)
        #expect(t.file == path)
    }
}

@Suite struct FileFaultTests {
    @Test func unterminatedQuote() {
        let path = write("ks2.csv", "upn,urn,writ_ta\n\(U.a),1,EXS\n\(U.b),\"Hill\n\(U.c),1,EXS\n")
        let e = inputError { _ = try readKS2(path: path, year: 2019, options: IngestOptions()) }
        #expect(
            e
                == InputError(
                    file: path, line: 3, column: 15,
                    message:
                        "unterminated quote: the quoted field opened here has no closing quote (expected \" before the end of the file)"
                ))
    }

    @Test func missingRequiredColumns() {
        let a = write("ks2.csv", "UPN,URN,Reading score\n\(U.a),1,100\n")
        let e = inputError { _ = try readKS2(path: a, year: 2019, options: IngestOptions()) }
        #expect(
            e?.description
                == "\(a):1:1: missing required column \"writ_ta\"; header found: \"UPN\", \"URN\", \"Reading score\"")
        let b = write("ks2.csv", "upn,writ_ta,la\n\(U.a),EXS,936\n")
        let f = inputError { _ = try readKS2(path: b, year: 2019, options: IngestOptions()) }
        #expect(
            f?.description
                == "\(b):1:1: missing required column one of \"urn\" or \"laestab\"; header found: \"upn\", \"writ_ta\", \"la\""
        )
        let c = write("ks1.csv", "upn,KS1 Reading,KS1 Writing\n\(U.a),2B,2C\n")
        let g = inputError { _ = try readKS1(path: c, options: IngestOptions()) }
        #expect(
            g?.message == "missing required column \"ks1_mat\"; header found: \"upn\", \"KS1 Reading\", \"KS1 Writing\""
        )
    }

    /// A header that is plainly another input says so before the header list (which long headers
    /// cut short): the KS2 and KS1 files swapped, or a DfE school table given as pupil data.
    @Test func aHeaderOfAnotherKindOfFileSaysWhichKind() {
        let ks1 = write("ks1.csv", "UPN,KS1 Reading,KS1 Writing,KS1 Maths\n\(U.a),2B,2C,3\n")
        let e = inputError { _ = try readKS2(path: ks1, year: 2019, options: IngestOptions()) }
        #expect(
            e?.message
                == "missing required column \"writ_ta\" (this is a KS1 prior-attainment file: are the KS2 and KS1 "
                + "files given the wrong way round?); header found: \"UPN\", \"KS1 Reading\", \"KS1 Writing\", \"KS1 Maths\""
        )
        let ks2 = write("ks2.csv", "upn,urn,read_score,writ_ta,mat_score\n\(U.a),100001,101,EXS,99\n")
        let f = inputError { _ = try readKS1(path: ks2, options: IngestOptions()) }
        #expect(
            f?.message.hasPrefix("missing required column \"ks1_read\" (this is a KS2 results file: are the") == true)
        let dfe = write("dfe.csv", "RECTYPE,LEA,URN,SCHNAME,READPROG\n1,850,100001,School,0.5\n")
        let g = inputError { _ = try readKS2(path: dfe, year: 2019, options: IngestOptions()) }
        #expect(g?.message.hasPrefix("missing required column \"upn\" (this is a DfE school-level table") == true)
        // an ordinary incomplete KS2 header gets no such guess
        let partial = write("ks2.csv", "upn,urn,read_score\n\(U.a),100001,101\n")
        let h = inputError { _ = try readKS2(path: partial, year: 2019, options: IngestOptions()) }
        #expect(h?.message.contains("(this is") == false)
    }

    @Test func duplicateHeader() {
        let a = write("ks2.csv", "upn,urn,writ_ta,Unique Pupil Number\n\(U.a),1,EXS,x\n")
        let e = inputError { _ = try readKS2(path: a, year: 2019, options: IngestOptions()) }
        #expect(
            e
                == InputError(
                    file: a, line: 1, column: 17,
                    message:
                        "duplicate header: column 1 \"upn\" and column 4 \"Unique Pupil Number\" both name upn; expected each column once"
                ))
        let b = write("ks2.csv", "upn,notes,urn,writ_ta, NOTES\n")
        let f = inputError { _ = try readKS2(path: b, year: 2019, options: IngestOptions()) }
        #expect(
            f?.message
                == "duplicate header: column 2 \"notes\" and column 5 \"NOTES\" both name notes; expected each column once"
        )
    }

    @Test func emptyAndHeaderOnly() {
        for text in ["", "\n\n", " , ;\r\n"] {
            let p = write("ks2.csv", text)
            let e = inputError { _ = try readKS2(path: p, year: 2019, options: IngestOptions()) }
            #expect(
                e
                    == InputError(
                        file: p, line: 1, column: 1,
                        message: "empty file: expected a header line naming the columns, found no text"))
        }
        let h = write("ks2.csv", "upn,urn,writ_ta\r\n\r\n,,\r\n")
        let e = inputError { _ = try readKS2(path: h, year: 2019, options: IngestOptions()) }
        #expect(
            e
                == InputError(
                    file: h, line: 1, column: 1,
                    message: "header only: expected at least one row after the header, found none"))
        let k = write("ks1.csv", "upn,ks1_read,ks1_writ,ks1_mat")
        #expect(
            inputError { _ = try readKS1(path: k, options: IngestOptions()) }?.message
                == "header only: expected at least one row after the header, found none")
    }

    @Test func missingFile() {
        let e = inputError { _ = try readKS2(path: "/nonexistent/ks2.csv", year: 2019, options: IngestOptions()) }
        #expect(e?.line == 0)
        #expect(e?.message.hasPrefix("cannot open the file") == true)
    }
}

/// The text scan's word-at-a-time path against a byte-by-byte reading: every control character's
/// offset, lone CRs (not CRLF), and UTF-8 validity, on seeded random text mixing ASCII, multi-byte
/// characters, CRLF, lone CR, tabs and control bytes at every alignment.
@Test func textScanAgreesWithAByteByByteReading() {
    var state: UInt64 = 0x7E57_5CA1
    func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 33
    }
    let pieces: [[UInt8]] = [
        Array("abc,".utf8), Array("\r\n".utf8), [0x0D], [0x0A], [0x09], [0x00], [0x1B], [0x07], Array("é".utf8),
        Array("€".utf8), Array("0123456789".utf8), [0xFF],
    ]
    for round in 0..<300 {
        var bytes: [UInt8] = []
        for _ in 0..<(Int(next() % 60) + 1) { bytes += pieces[Int(next() % UInt64(pieces.count - (round % 2)))] }
        var controls: [Int] = []
        var loneCR = false
        for (i, b) in bytes.enumerated() {
            if b == 0x0D && (i + 1 == bytes.count || bytes[i + 1] != 0x0A) { loneCR = true }
            if b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D { controls.append(i) }
        }
        let valid = String(validating: bytes, as: UTF8.self) != nil
        bytes.withUnsafeBytes { raw in
            let scan = TextScan.scan(raw, threads: 1)
            #expect(scan.valid == valid)
            if valid {
                #expect(scan.controls == controls, "\(bytes)")
                #expect(scan.loneCR == loneCR, "\(bytes)")
            }
        }
    }
}
