import Foundation
import KS2Core
import Testing

@testable import KS2Ingest

@Suite struct KS2RejectTests {
    @Test func everyReasonWithItsRow() throws {
        let rows = [
            ks2Row(U.a),  // 2 accepted
            ks2Row(U.b) + ",extra",  // 3 wrong_field_count (20 fields)
            ks2Row("Z936200419001"),  // 4 invalid_upn (check letter)
            ks2Row(" m936200419002 ", urn: "", laestab: "n/a"),  // 5 missing_school (upper-cased, trimmed)
            ks2Row(U.c, year: "2018"),  // 6 wrong_year
            ks2Row(U.d, gps: "1O5"),  // 7 bad_score
            ks2Row(U.e, read: "79"),  // 8 score_out_of_range
            ks2Row(U.letterEnd, readTA: "EXT"),  // 9 unknown_code
        ]
        let r = try readKS2(path: ks2File(rows), year: 2019, options: IngestOptions())
        #expect(
            r.rejects == [
                Reject(
                    file: "ks2.csv", line: 3, upn: U.b, reason: .wrongFieldCount, detail: "expected 19 fields, found 20"
                ),
                Reject(
                    file: "ks2.csv", line: 4, upn: "Z936200419001", reason: .invalidUPN,
                    detail: "UPN \"Z936200419001\": wrong check letter, expected Y"),
                Reject(
                    file: "ks2.csv", line: 5, upn: "M936200419002", reason: .missingSchool,
                    detail: "urn and laestab blank: expected a school URN or LAESTAB"),
                Reject(file: "ks2.csv", line: 6, upn: U.c, reason: .wrongYear, detail: "year \"2018\": expected 2019"),
                Reject(
                    file: "ks2.csv", line: 7, upn: U.d, reason: .badScore,
                    detail: "gps_score \"1O5\": expected an integer 80-120, an outcome code or blank"),
                Reject(
                    file: "ks2.csv", line: 8, upn: U.e, reason: .scoreOutOfRange,
                    detail: "read_score \"79\": expected an integer 80-120"),
                Reject(
                    file: "ks2.csv", line: 9, upn: U.letterEnd, reason: .unknownCode,
                    detail:
                        "read_ta \"EXT\": expected a teacher assessment (GDS, EXS, WTS, HNM, PK1-PK6, PKF, PKE, PKG, BLW, P1i-P8, EM) or an outcome code"
                ),
            ])
        #expect(r.cohort.pupils.map(\.line) == [2])
        #expect(
            r.account
                == FileAccount(
                    file: "ks2.csv", read: 8, accepted: 1, rejected: 7,
                    rejectedByReason: [
                        .wrongFieldCount: 1, .invalidUPN: 1, .missingSchool: 1, .wrongYear: 1, .badScore: 1,
                        .scoreOutOfRange: 1, .unknownCode: 1,
                    ]))
    }

    @Test func invalidUPNDetails() throws {
        let rows = [
            ks2Row("A93620041900"), ks2Row("I936200419001"), ks2Row("Y9362K0419001"),
            ks2Row("Y93620041900I"), ks2Row(""),
        ]
        let r = try readKS2(path: ks2File(rows), year: 2019, options: IngestOptions())
        #expect(
            r.rejects.map(\.detail) == [
                "UPN \"A93620041900\": expected 13 characters, found 12",
                "UPN \"I936200419001\": first character \"I\": expected a check letter (A-Z except I, O, S)",
                "UPN \"Y9362K0419001\": character 6 \"K\": expected a digit",
                "UPN \"Y93620041900I\": last character \"I\": expected a digit or a letter other than I, O, S",
                "UPN blank: expected a check letter and 12 characters",
            ])
        #expect(r.rejects.allSatisfy { $0.reason == .invalidUPN })
        #expect(r.rejects.last?.upn == "")
    }

    @Test func shortRowKeepsItsUPNLongRowToo() throws {
        let path = write("ks2.csv", "upn,urn,writ_ta\n\(U.a),1\n\n\(U.b),1,EXS,x\n,\n")
        let r = try readKS2(path: path, year: 2019, options: IngestOptions(columns: noReadingOrMaths))
        #expect(summary(r.rejects) == ["ks2.csv:2:\(U.a):wrong_field_count", "ks2.csv:4:\(U.b):wrong_field_count"])
        #expect(r.rejects.map(\.detail) == ["expected 3 fields, found 2", "expected 3 fields, found 4"])
    }

    @Test func precedence() throws {
        let rows = [
            ks2Row("Z936200419001", urn: "", laestab: "", read: "n/a"),  // 2 invalid_upn before missing_school
            ks2Row(U.a, urn: "", laestab: "", year: "2018"),  // 3 missing_school before wrong_year
            ks2Row(U.b, year: "19", read: "x"),  // 4 wrong_year before bad_score
            ks2Row(U.c, read: "150", mat: "abc"),  // 5 bad_score (mat) before out of range (read)
            ks2Row(U.d, readCode: "ZZ", mat: "200"),  // 6 out of range before unknown_code
            ks2Row(U.e, readCode: "Q", writ: "4"),  // 7 unknown_code: writ_ta "4" is a KS1 level
        ]
        let r = try readKS2(path: ks2File(rows), year: 2019, options: IngestOptions())
        #expect(
            r.rejects.map(\.reason) == [
                .invalidUPN, .missingSchool, .wrongYear, .badScore, .scoreOutOfRange, .unknownCode,
            ])
        #expect(r.rejects[3].detail == "mat_score \"abc\": expected an integer 80-120, an outcome code or blank")
        #expect(r.rejects[5].detail.hasPrefix("writ_ta \"4\""))
    }

    @Test func yearAndScoreEdges() throws {
        let rows = [
            ks2Row(U.a, year: ""),  // blank year accepted
            ks2Row(U.b, year: " 2019 ", read: "+100", mat: " 80"),  // accepted: +100 = 100
            ks2Row(U.c, year: "2019.0"),  // wrong_year
            ks2Row(U.d, mat: "99999999999999999999"),  // huge: out of range
            ks2Row(U.e, read: "-85"),  // out of range
        ]
        let r = try readKS2(path: ks2File(rows), year: 2019, options: IngestOptions())
        #expect(
            summary(r.rejects) == [
                "ks2.csv:4:\(U.c):wrong_year", "ks2.csv:5:\(U.d):score_out_of_range",
                "ks2.csv:6:\(U.e):score_out_of_range",
            ])
        #expect(r.cohort.pupils.map(\.read.scaled) == [105, 100])
        #expect(r.cohort.pupils.map(\.mat.scaled) == [101, 80])
    }

    @Test func duplicateRowKeepsTheFirst() throws {
        let rows = [
            ks2Row(U.a),
            ks2Row(U.b),
            ks2Row(" \(U.a) ", school: " Hill School"),  // same fields after trimming
            ks2Row(U.a.lowercased()),  // "identical" compares trimmed text: a case change differs
        ]
        let r = try readKS2(path: ks2File(rows), year: 2019, options: IngestOptions())
        #expect(
            summary(r.rejects) == [
                "ks2.csv:2:\(U.a):duplicate_upn", "ks2.csv:4:\(U.a):duplicate_upn",
                "ks2.csv:5:\(U.a):duplicate_upn",
            ])
        #expect(r.rejects[0].detail == "same UPN as lines 4, 5 with different fields")

        let same = [ks2Row(U.a), ks2Row(U.b), ks2Row(" \(U.a) ", school: "\"Hill School\" "), ks2Row(U.a)]
        let s = try readKS2(path: ks2File(same), year: 2019, options: IngestOptions())
        #expect(
            s.rejects == [
                Reject(file: "ks2.csv", line: 4, upn: U.a, reason: .duplicateRow, detail: "duplicate of line 2"),
                Reject(file: "ks2.csv", line: 5, upn: U.a, reason: .duplicateRow, detail: "duplicate of line 2"),
            ])
        #expect(s.cohort.pupils.map(\.line) == [2, 3])
    }

    @Test func duplicateUPNRejectsEveryCopy() throws {
        let rows = [ks2Row(U.a, read: "100"), ks2Row(U.b), ks2Row(U.a, read: "101"), ks2Row(U.c)]
        let r = try readKS2(path: ks2File(rows), year: 2019, options: IngestOptions())
        #expect(
            r.rejects == [
                Reject(
                    file: "ks2.csv", line: 2, upn: U.a, reason: .duplicateUPN,
                    detail: "same UPN as line 4 with different fields"),
                Reject(
                    file: "ks2.csv", line: 4, upn: U.a, reason: .duplicateUPN,
                    detail: "same UPN as line 2 with different fields"),
            ])
        #expect(r.cohort.pupils.map(\.line) == [3, 5])
    }

    @Test func duplicatesOnlyAmongRowsThatPassed() throws {
        // the second copy fails its own check, so the first is not a duplicate
        let rows = [ks2Row(U.a), ks2Row(U.a, mat: "130")]
        let r = try readKS2(path: ks2File(rows), year: 2019, options: IngestOptions())
        #expect(summary(r.rejects) == ["ks2.csv:3:\(U.a):score_out_of_range"])
        #expect(r.cohort.pupils.map(\.line) == [2])
    }

    @Test func codeInScoreColumn() throws {
        let rows = [
            ks2Row(U.a, read: "A", readCode: ""),  // code from the score column
            ks2Row(U.b, read: "t", readCode: "b"),  // both: the code column wins
            ks2Row(U.c, read: "105", readCode: "as"),  // a score and a code: both kept
            ks2Row(U.d, read: "", readCode: "NS", matTA: "pk3"),
        ]
        let r = try readKS2(path: ks2File(rows), year: 2019, options: IngestOptions())
        #expect(r.rejects.isEmpty)
        #expect(
            r.cohort.pupils.map(\.read) == [
                TestResult(scaled: 0, code: .A, ta: .EXS), TestResult(scaled: 0, code: .B, ta: .EXS),
                TestResult(scaled: 105, code: .AS, ta: .EXS), TestResult(scaled: 0, code: .NS, ta: .EXS),
            ])
        #expect(r.cohort.pupils[3].mat == TestResult(scaled: 101, code: .none, ta: .PK3))
        #expect(r.cohort.pupils[0].gps == TestResult(scaled: 110, code: .none, ta: .none))
    }

    @Test func schoolsAndLocalAuthorities() throws {
        let rows = [
            ks2Row(U.a, urn: "", laestab: "850-2001", school: ""),  // school 8502001, LA 850, no name yet
            ks2Row(U.b, urn: "100002", laestab: "", la: "936", school: "Dale"),
            ks2Row(U.c, urn: "", laestab: "8502001", school: "Vale"),  // same school: first name is Vale
            ks2Row(U.d, urn: "100003", laestab: "12", school: "Tiny"),  // no LA
            ks2Row(U.e, urn: "100002", la: "937", school: "Other name") + "",  // LA 937 for the pupil, school keeps 936
        ]
        var text =
            ([ks2Header.replacingOccurrences(of: "gps_code", with: "gps_code,special")]
            + rows.map { $0 + ",N" }).joined(separator: "\n")
        text = text.replacingOccurrences(
            of: "Tiny,2019,M,N,N,N,105,,EXS,EXS,101,,EXS,110,,N", with: "Tiny,2019,M,N,N,N,105,,EXS,EXS,101,,EXS,110,,y"
        )
        let r = try readKS2(path: write("ks2.csv", text), year: 2019, options: IngestOptions(threads: 2))
        #expect(r.rejects.isEmpty)
        #expect(
            r.cohort.schools == [
                SchoolInfo(id: "8502001", name: "Vale", la: "850", special: false),
                SchoolInfo(id: "100002", name: "Dale", la: "936", special: false),
                SchoolInfo(id: "100003", name: "Tiny", la: "", special: true),
            ])
        #expect(r.cohort.localAuthorities == ["850", "936", "937"])
        #expect(r.cohort.pupils.map(\.school) == [0, 1, 0, 2, 1])
        #expect(r.cohort.pupils.map(\.la) == [0, 1, 0, -1, 2])
        #expect(r.cohort.pupils.allSatisfy { $0.name == -1 })
        #expect(r.cohort.names.isEmpty)
    }

    @Test func flagsAndGender() throws {
        let rows = [
            ks2Row(U.a, gender: "male", disadvantaged: "TRUE", eal: "0", sen: "e"),
            ks2Row(U.b, gender: "F", disadvantaged: "yes", eal: "false", sen: "K"),
            ks2Row(U.c, gender: "X", disadvantaged: "maybe", eal: "", sen: "S"),
        ]
        let r = try readKS2(path: ks2File(rows), year: 2019, options: IngestOptions())
        #expect(r.cohort.pupils.map(\.gender) == [.male, .female, .unknown])
        #expect(r.cohort.pupils.map(\.disadvantaged) == [.yes, .yes, .unknown])
        #expect(r.cohort.pupils.map(\.eal) == [.no, .no, .unknown])
        #expect(r.cohort.pupils.map(\.sen) == [.ehcPlan, .support, .unknown])
    }
}

@Suite struct KS1Tests {
    @Test func readerChecksAndJoin() throws {
        let text = """
            UPN,KS1 Reading,KS1 Writing,KS1 Maths,KS1 year
            \(U.a),2B,2c,3,2015
            \(U.b),T,2B,2B,2015
            \(U.c),a,PK6,x,2015
            \(U.d),P1i,bLw,EXS

            Z936200419001,1,1,1,2015
            \(U.e),W,W,W,2015
            \(U.e),W,W,W,2015
            \(U.letterEnd),4,4,4,2015
            \(U.letterEnd),4,4,4+,2015
            M850210019002,GDS,PKF,M,2015
            """
        let k = try readKS1(path: write("ks1.csv", text), options: IngestOptions())
        #expect(
            summary(k.rejects) == [
                "ks1.csv:3:\(U.b):unknown_code", "ks1.csv:4:\(U.c):unknown_code", "ks1.csv:5:\(U.d):wrong_field_count",
                "ks1.csv:7:Z936200419001:invalid_upn", "ks1.csv:9:\(U.e):duplicate_row",
                "ks1.csv:10:\(U.letterEnd):duplicate_upn", "ks1.csv:11:\(U.letterEnd):duplicate_upn",
            ])
        #expect(
            k.rejects[0].detail
                == "ks1_read \"T\": expected a KS1 outcome (W, 1, 2C, 2B, 2A, 3, 4, 4+, GDS, EXS, WTS, PKF, PK1-PK4, BLW, P1i-P8) or A, D, M, L, X"
        )
        #expect(k.rejects[1].detail.hasPrefix("ks1_writ \"PK6\""))
        #expect(
            k.records == [
                KS1Record(line: 2, upn: try #require(UPN(U.a)), read: .level2B, writ: .level2C, mat: .level3),
                KS1Record(line: 8, upn: try #require(UPN(U.e)), read: .levelW, writ: .levelW, mat: .levelW),
                KS1Record(line: 12, upn: try #require(UPN("M850210019002")), read: .GDS, writ: .PKF, mat: .M),
            ])
        let ks2 = try readKS2(
            path: ks2File([ks2Row(U.b), ks2Row(U.e), ks2Row(U.a), ks2Row(U.c)]), year: 2019,
            options: IngestOptions())
        let join = joinKS1(ks2.cohort, k)
        #expect(join.ks1Index == [-1, 1, 0, -1])
        #expect(
            join.account
                == FileAccount(
                    file: "ks1.csv", read: 10, accepted: 3, rejected: 7,
                    rejectedByReason: [
                        .unknownCode: 2, .wrongFieldCount: 1, .invalidUPN: 1,
                        .duplicateRow: 1, .duplicateUPN: 2,
                    ],
                    matched: 2, unmatched: 1))
        #expect(join.account.read == join.account.matched! + join.account.unmatched! + join.account.rejected)
        let all = allRejects(ks2, k)
        #expect(all.count == 7 && all.allSatisfy { $0.file == "ks1.csv" })
    }

    @Test func ks1KnownNoResultCodes() throws {
        let text = "upn,ks1_read,ks1_writ,ks1_mat\n\(U.a),A,D,M\n\(U.b),L,X,\n\(U.c),HNM,2B,2B\n"
        let k = try readKS1(path: write("ks1.csv", text), options: IngestOptions())
        #expect(k.records.map(\.line) == [2, 3])
        #expect(k.records[1].mat == Code.none)
        #expect(summary(k.rejects) == ["ks1.csv:4:\(U.c):unknown_code"])
    }
}

@Suite struct DeterminismTests {
    /// A few thousand rows with quoted names holding delimiters, doubled quotes and line breaks,
    /// blank lines and bad rows; chunks of ~300 bytes so cuts land inside quoted fields.
    static func generated() -> (path: String, badLines: Int, copies: Int) {
        let header = ks2Header + ",forename"
        var lines = [header]
        var state: UInt64 = 12345
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        let alphabet = Array("ABCDEFGHJKLMNPQRTUVWXYZ")
        var bad = 0
        var copies = 0
        for i in 0..<3000 {
            let body = String(format: "936200%04d%02d", i / 100, i % 100)
            var total = 0
            for (k, ch) in body.enumerated() { total += (ch.wholeNumberValue ?? 0) * (k + 2) }
            let check = String(alphabet[total % 23])
            var upn = check + body
            let kind = next() % 10
            let name: String
            switch kind {
            case 0: name = "\"Smith, \"\"Jo\"\"\nAnn\""
            case 1: name = "\"A;\tB\r\nC\""
            default: name = "Pupil\(i)"
            }
            var read = String(80 + next() % 41)
            var isBad = false
            if i % 30 > 1 && kind == 2 && i % 3 == 0 {
                read = "n/a"
                isBad = true
            }
            if i % 30 > 1 && kind == 3 && i % 5 == 0 && check != "Z" {
                upn = "Z" + body
                isBad = true
            }
            if isBad { bad += 1 }
            lines.append(
                ks2Row(
                    upn, urn: String(100000 + i / 30), laestab: "9362\(String(format: "%03d", i / 30))",
                    school: i % 30 == 1 ? "\"School \(i / 30), \"\"East\"\"\"" : "", read: read) + "," + name)
            let row = lines[lines.count - 1]
            if i % 97 == 0 { lines.append(" ,, ") }
            if i % 211 == 0 && !isBad {
                lines.append(row)
                copies += 1
            }
        }
        return (write("ks2.csv", lines.joined(separator: "\r\n") + "\r\n"), bad, copies)
    }
    @Test func sameResultForAnyThreadCountAndChunking() throws {
        let (path, bad, copies) = DeterminismTests.generated()
        var one = IngestOptions(threads: 1, keepNames: true)
        one.chunkBytes = 1 << 30
        var four = IngestOptions(threads: 4, keepNames: true)
        four.chunkBytes = 300
        let a = try readKS2(path: path, year: 2019, options: one)
        let b = try readKS2(path: path, year: 2019, options: four)
        #expect(try DelimitedFile(path: path, options: four).chunks.count > 100)
        #expect(a.cohort.pupils == b.cohort.pupils)
        #expect(a.cohort.schools == b.cohort.schools)
        #expect(a.cohort.localAuthorities == b.cohort.localAuthorities)
        #expect(a.cohort.names == b.cohort.names)
        #expect(a.rejects == b.rejects)
        #expect(a.account == b.account)
        #expect(a.rejects.filter { $0.reason != .duplicateRow }.count == bad)
        #expect(a.rejects.filter { $0.reason == .duplicateRow }.count == copies)
        #expect(bad > 20 && copies > 10)
        #expect(a.account.read == 3000 + copies)
        #expect(a.cohort.names.contains(PupilName(forename: "Smith, \"Jo\"\nAnn", surname: "")))
        #expect(a.cohort.schools.first?.name == "School 0, \"East\"")
        // line numbers: a record with an embedded CRLF moves later lines down by one
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let physical = data.split(separator: 10, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        for p in a.cohort.pupils.prefix(400) {
            #expect(physical[Int(p.line) - 1].hasPrefix(p.upn.description))
        }
    }
}

/// Schools and LAs come from the rows that are kept: a school's place, name and LA are those of its
/// first kept rows, whichever chunk they fall in (worked by hand; every row its own chunk and one chunk).
@Suite struct MergeTests {
    static let rows = [
        // line 2: UPN a at school 100002, later contradicted (line 6): both rows go, name and LA with them
        ks2Row(U.a, urn: "100002", laestab: "", la: "937", school: "Dropped Name"),
        ks2Row(U.b, urn: "100001", laestab: "", la: "936", school: ""),
        ks2Row(U.c, urn: "100002", laestab: "", la: "", school: ""),
        ks2Row(U.d, urn: "100002", laestab: "9381234", la: "", school: "Kept Name"),
        ks2Row(U.a, urn: "100002", laestab: "", la: "937", school: "Dropped Name", read: "99"),
        // line 7: an exact copy of line 3 (duplicate_row): the first stays
        ks2Row(U.b, urn: "100001", laestab: "", la: "936", school: ""),
    ]

    @Test(arguments: [(1, 1 << 20), (4, 1)])
    func firstKeptRowsDecide(threads: Int, chunkBytes: Int) throws {
        var options = IngestOptions(threads: threads)
        options.chunkBytes = chunkBytes
        let r = try readKS2(path: ks2File(MergeTests.rows), year: 2019, options: options)
        #expect(
            summary(r.rejects) == [
                "ks2.csv:2:\(U.a):duplicate_upn", "ks2.csv:6:\(U.a):duplicate_upn",
                "ks2.csv:7:\(U.b):duplicate_row",
            ])
        // 100001 first (line 3): 100002's first kept row is line 4
        #expect(
            r.cohort.schools == [
                SchoolInfo(id: "100001", name: "", la: "936"),
                SchoolInfo(id: "100002", name: "Kept Name", la: "938"),
            ])
        // 937 appears only on dropped rows; 938 comes from line 5's LAESTAB
        #expect(r.cohort.localAuthorities == ["936", "938"])
        #expect(r.cohort.pupils.map(\.line) == [3, 4, 5])
        #expect(r.cohort.pupils.map(\.school) == [0, 1, 1])
        #expect(r.cohort.pupils.map(\.la) == [0, -1, 1])
    }
}

@Suite struct ManifestCheck {
    /// Set KS2_INGEST_CHECK_DIR to a gen_national.py output (with manifest.csv) to compare rejects.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["KS2_INGEST_CHECK_DIR"] != nil))
    func rejectsEqualTheManifest() throws {
        let dir = ProcessInfo.processInfo.environment["KS2_INGEST_CHECK_DIR"] ?? ""
        let o = IngestOptions(threads: 2)
        let ks2 = try readKS2(path: dir + "/ks2.csv", year: 2019, options: o)
        let ks1 = try readKS1(path: dir + "/ks1.csv", options: o)
        let mine = allRejects(ks2, ks1).map { "\($0.file),\($0.line),\($0.upn),\($0.reason.rawValue)" }.sorted()
        let manifest = try String(contentsOfFile: dir + "/manifest.csv", encoding: .utf8)
            .split(separator: "\n").dropFirst().map(String.init).sorted()
        #expect(mine == manifest)
    }
}
