import Foundation
import KS2Core
import TestSupport
import Testing

@testable import KS2Reports

private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

private func field(_ write: (inout CSVWriter) -> Void) -> String {
    var w = CSVWriter()
    write(&w)
    return text(w.bytes)
}

@Suite struct CSVWriterTests {
    @Test func quotingFollowsRFC4180() {
        #expect(field { $0.appendText("plain") } == "plain")
        #expect(field { $0.appendText("a,b") } == "\"a,b\"")
        #expect(field { $0.appendText("say \"hi\"") } == "\"say \"\"hi\"\"\"")
        #expect(field { $0.appendText("two\nlines") } == "\"two\nlines\"")
        #expect(field { $0.appendText("cr\rhere") } == "\"cr\rhere\"")
        #expect(field { $0.appendText("St Mary’s C of E") } == "St Mary’s C of E")
    }

    @Test func formulaTextIsNeutralisedButNumbersStay() {
        #expect(field { $0.appendText("=SUM(A1)") } == "'=SUM(A1)")
        #expect(field { $0.appendText("@cmd") } == "'@cmd")
        #expect(field { $0.appendText("+44 1234") } == "'+44 1234")
        #expect(field { $0.appendText("-x") } == "'-x")
        #expect(field { $0.appendText("=1,2") } == "\"'=1,2\"")
        #expect(field { $0.appendText("-0.37") } == "-0.37")
        #expect(field { $0.appendText("+12") } == "+12")
        #expect(field { $0.appendText("-1e-5") } == "-1e-5")
        #expect(field { $0.appendText("-") } == "'-")
        #expect(field { $0.appendText("-.") } == "'-.")
        #expect(field { $0.appendText("a=b") } == "a=b")
    }

    @Test func rowsAndEmptyFields() {
        var w = CSVWriter(header: ["a", "b", "c"])
        w.appendInt(-42)
        w.appendEmpty()
        w.appendDouble(nil as Double?)
        w.endRow()
        w.appendInt(0)
        w.appendInt(nil as Int?)
        w.appendYesNo(true)
        w.endRow()
        #expect(text(w.bytes) == "a,b,c\n-42,,\n0,,Y\n")
        #expect(text(writeCSV(header: ["x", "y"], rows: [["1", "a,b"]])) == "x,y\n1,\"a,b\"\n")
    }

    @Test(arguments: [
        (0.1, "0.1"), (-0.37, "-0.37"), (100.0, "100.0"), (0.5, "0.5"), (1e-7, "0.0000001"),
        (123456789.125, "123456789.125"), (1.5e-5, "0.000015"), (-2.5e-10, "-0.00000000025"),
        (1e16, "10000000000000000.0"), (1.25e20, "125000000000000000000.0"), (0.0, "0.0"), (-0.0, "-0.0"),
        (-3.0, "-3.0"), (2.2637362637362637, "2.2637362637362637"), (0.1 + 0.2, "0.30000000000000004"),
        (Double(Int64(1) << 53), "9007199254740992.0"),
    ])
    func doubleFormatting(value: Double, expected: String) {
        #expect(field { $0.appendDouble(value) } == expected)
    }

    @Test func nonFiniteIsEmpty() {
        #expect(field { $0.appendDouble(Double.nan) } == "")
        #expect(field { $0.appendDouble(Double.infinity) } == "")
    }

    /// A million doubles from a fixed seed (so a failure can be replayed): every bit pattern half,
    /// progress-sized values the other half. Each reads back exactly and, where `description` writes
    /// no exponent, is the same text.
    @Test func doublesRoundTripAndMatchDescription() {
        var rng = SplitMix64(seed: 0x5EED_2019)
        var mismatches: [String] = []
        for k in 0..<1_000_000 {
            let bits = rng.next()
            let v = k % 2 == 0 ? Double(bitPattern: bits) : Double(Int64(bitPattern: bits) % 6_000_000) / 99_991
            guard v.isFinite else { continue }
            let s = field { $0.appendDouble(v) }
            if s.contains("e") || Double(s) != v || (!v.description.contains("e") && s != v.description) {
                if mismatches.count < 5 { mismatches.append("\(v.description) written \(s)") }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
        for v in [-0.97, 0.6, 103.27, 1.0 / 3.0, -2.85, 5.98, 99.99999999999999] {
            #expect(field { $0.appendDouble(v) } == v.description)
        }
    }

    @Test func schoolsCSVHeaderAndRow() {
        let header =
            "year,level,id,name,la,eligible,ks1_aps,"
            + "read_n,read_cov,read_progress,read_lower,read_upper,read_progress_unadj,read_status,read_band,"
            + "writ_n,writ_cov,writ_progress,writ_lower,writ_upper,writ_progress_unadj,writ_status,writ_band,"
            + "mat_n,mat_cov,mat_progress,mat_lower,mat_upper,mat_progress_unadj,mat_status,mat_band,"
            + "pct_read_exp,pct_read_high,read_avg,pct_writ_exp,pct_writ_high,pct_mat_exp,pct_mat_high,mat_avg,"
            + "pct_gps_exp,pct_gps_high,gps_avg,pct_rwm_exp,pct_rwm_high"
        var r = SchoolResult(
            year: 2019, level: .school, id: "100000", name: "St John, the \"Baptist\"", la: "201",
            eligible: 30, ks1APS: 16.25)
        r[.read] = SubjectResult(
            n: 28, coverage: 93.33333333333333, progress: -0.37, lower: -2.5, upper: 1.76,
            progressUnadjusted: -0.5, status: .ok, band: 3)
        r[.writ] = SubjectResult(n: 4, coverage: 100, progress: 1.5, status: .supp)
        r[.mat] = SubjectResult(status: .coded("NE"))
        r[.pctRwmExp] = 65.0
        r[.readAvg] = 104.5
        let out = text(schoolsCSV([r])).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(out.count == 3)
        #expect(String(out[0]) == header)
        let expected =
            "2019,school,100000,\"St John, the \"\"Baptist\"\"\",201,30,16.25,"
            + "28,93.33333333333333,-0.37,-2.5,1.76,-0.5,ok,3,"
            + "4,100.0,1.5,,,,supp,,"
            + ",,,,,,NE,,"
            + ",,104.5,,,,,,,,,65.0,"
        #expect(String(out[1]) == expected)
        #expect(out[2].isEmpty)
    }

    /// A school's group rows share their first five fields, written once and repeated: a row that
    /// differs in any of them (here the name, then the year) is written afresh.
    @Test func groupRowsRepeatTheirAreaOnlyWhenItIsTheSame() {
        func row(_ year: Int, _ name: String, _ value: String) -> GroupResult {
            GroupResult(
                group: "gender", value: value,
                result: SchoolResult(year: year, level: .school, id: "100018", name: name, la: "865"))
        }
        let rows = [
            row(2019, "Redhill, Primary", "F"), row(2019, "Redhill, Primary", "M"), row(2019, "Redhill", "M"),
            row(2018, "Redhill", "M"),
        ]
        let lines = text(groupsCSV(rows)).split(separator: "\n").dropFirst().map(String.init)
        let expected = [
            "2019,school,100018,\"Redhill, Primary\",865,gender,F,,",
            "2019,school,100018,\"Redhill, Primary\",865,gender,M,,",
            "2019,school,100018,Redhill,865,gender,M,,", "2018,school,100018,Redhill,865,gender,M,,",
        ]
        #expect(lines.count == expected.count)
        for (line, prefix) in zip(lines, expected) { #expect(line.hasPrefix(prefix), "\(line)") }
    }

    @Test func otherTablesHaveTheirColumns() {
        let g = GroupResult(
            group: "gender", value: "F",
            result: SchoolResult(
                year: 2019, level: .la, id: "201",
                name: "City of London", la: "201"))
        let groups = text(groupsCSV([g])).split(separator: "\n")
        #expect(groups[0].hasPrefix("year,level,id,name,la,group,value,eligible,ks1_aps,read_n,"))
        #expect(groups[1].hasPrefix("2019,la,201,City of London,201,gender,F,,,,"))
        #expect(groups[1].split(separator: ",", omittingEmptySubsequences: false).count == 9 + 24 + 13)

        let c = CohortImpact(
            cohort: "C1", subject: "mat", baselineYear: 2017, outcomeYear: 2019, schools: 3,
            schoolsMissing: 1, baselineMean: -0.97, outcomeMean: -0.37, change: 0.6,
            comparisonSchools: 12, did: 0.5)
        let cohorts = text(cohortsCSV([c])).split(separator: "\n")
        #expect(
            cohorts[0]
                == "cohort,subject,baseline_year,outcome_year,schools,schools_missing,baseline_mean,outcome_mean,change,change_lower,change_upper,baseline_pooled,outcome_pooled,baseline_pct_exp,outcome_pct_exp,comparison_schools,comparison_change,comparison_lower,comparison_upper,did,did_lower,did_upper"
        )
        #expect(cohorts[1] == "C1,mat,2017,2019,3,1,-0.97,-0.37,0.6,,,,,,,12,,,,0.5,,")

        var s = CohortSchool(
            cohort: "C1", urn: "100001", name: "A", la: "201", baseline: PerSubject(read: 1.5, writ: nil, mat: -1.0),
            outcome: PerSubject(read: 2.0, writ: 3.0, mat: 0.25), missingReason: "")
        s.comparability = "capping"
        let schools = text(cohortSchoolsCSV([s])).split(separator: "\n")
        #expect(
            schools[0] == "cohort,urn,name,la,read_baseline,read_outcome,read_change,writ_baseline,writ_outcome,"
                + "writ_change,mat_baseline,mat_outcome,mat_change,missing_reason,comparability")
        #expect(schools[1] == "C1,100001,A,201,1.5,2.0,0.5,,3.0,,-1.0,0.25,1.25,,capping")

        let rj = Reject(file: "ks2.csv", line: 7, upn: "=BAD", reason: .invalidUPN, detail: "check letter \"Z\"")
        #expect(
            text(rejectsCSV([rj]))
                == "file,line,upn,reason,detail\nks2.csv,7,'=BAD,invalid_upn,\"check letter \"\"Z\"\"\"\n")
    }

    @Test func writesFileWithMode() throws {
        let dir = try temporaryFolder("ks2csv").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var w = CSVWriter(header: ["upn"])
        w.appendText("A123")
        w.endRow()
        try w.write(to: dir + "/pupils.csv", mode: 0o640)
        let attrs = try FileManager.default.attributesOfItem(atPath: dir + "/pupils.csv")
        #expect((attrs[.posixPermissions] as? NSNumber)?.intValue == 0o640)
        #expect(try String(contentsOfFile: dir + "/pupils.csv", encoding: .utf8) == "upn\nA123\n")
        #expect(throws: ReportWriteError.self) { try w.write(to: dir + "/missing/x.csv") }
    }
}

/// A small seeded generator (SplitMix64), so random tests replay the same values.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// RowBytes (the pointer writer of pupils.csv, schools.csv and groups.csv) must write exactly the
/// bytes CSVWriter writes for the same fields, so the two can never drift apart.
@Suite struct RowBytesTests {
    static let texts = [
        "plain", "a,b", "say \"hi\"", "two\nlines", "=SUM(A1)", "@cmd", "+44 1234", "-x", "-0.37", "", "St Mary’s",
    ]
    static let doubles: [Double] = [
        0, -0.0, 1, -0.37, 100, 1e-7, 0.1 + 0.2, 12_345_678_901_234_568, 1e300, -.leastNonzeroMagnitude, .nan,
        .infinity,
    ]

    @Test func writesWhatCSVWriterWrites() {
        var reference = CSVWriter()
        var fast = RowBytes(capacity: 1)  // starts small, so every kind of field also grows the buffer
        for (k, t) in Self.texts.enumerated() {
            reference.appendText(t)
            fast.appendText(t)
            reference.appendInt(k - 5)
            fast.appendInt(k - 5)
            reference.appendInt(k.isMultiple(of: 2) ? nil : Int.min)
            fast.appendInt(k.isMultiple(of: 2) ? nil : Int.min)
            let field = CSVWriter.field(Array(t.utf8))
            field.withUnsafeBufferPointer {
                reference.appendFormatted($0)
                fast.appendField($0)
            }
            reference.endRow()
            fast.endRow()
        }
        for d in Self.doubles {
            reference.appendDouble(d)
            fast.appendDouble(d)
            reference.appendEmpty()
            fast.appendEmpty()
            reference.appendDouble(Optional<Double>.none)
            fast.appendDouble(Optional<Double>.none)
        }
        reference.endRow()
        fast.endRow()
        let expected = reference.bytes
        let got = fast.finish()
        #expect(text(got) == text(expected))
        #expect(got.count > 300)
    }

    /// The recent-number table must never change a byte: repeats, values sharing a slot, -0.0
    /// beside 0.0, and numbers too long for a slot.
    @Test func cachedNumbersWriteWhatCSVWriterWrites() {
        var reference = CSVWriter()
        var fast = RowBytes(capacity: 16, cachingNumbers: true)
        var values: [Double] = [0, -0.0, 100, 0.0000001234567890123, 1e300, 33.333333333333336]
        for k in 0..<20_000 { values.append(Double(k % 97) * 100 / Double(k % 13 + 1)) }
        for k in 0..<5_000 { values.append(Double(k) * 0.1) }
        for v in values + values {
            reference.appendDouble(v)
            fast.appendDouble(v)
        }
        reference.endRow()
        fast.endRow()
        #expect(fast.finish() == reference.bytes)
        let table = RecentNumbers()
        defer { table.release() }
        let slots = Set(values.map { table.slot($0) })
        #expect(slots.count < values.count)  // some values share a slot, so replacement is exercised
    }

    /// Texts from a padded table (copied as 16-byte loads), a row ending in an empty field, and a
    /// row with no fields, as CSVWriter writes them.
    @Test func paddedFieldsAndRowEndsAsCSVWriterWrites() {
        let fields = ["Y", "N", "", "102.5", "\"a,b\"", "0123456789abcdef"].map { Array($0.utf8) }
        let padded = fields.flatMap { $0 } + [UInt8](repeating: 0xFF, count: 16)
        var reference = CSVWriter()
        var fast = RowBytes(capacity: 1)
        padded.withUnsafeBufferPointer { table in
            var start = 0
            for f in fields {
                f.withUnsafeBufferPointer { reference.appendFormatted($0) }
                fast.appendPaddedField(table.baseAddress! + start, count: f.count)
                start += f.count
            }
        }
        reference.appendEmpty()
        fast.appendEmpty()
        reference.endRow()
        fast.endRow()
        reference.endRow()
        fast.endRow()
        reference.appendInt(7)
        fast.appendInt(7)
        reference.endRow()
        fast.endRow()
        #expect(text(fast.finish()) == text(reference.bytes))
        #expect(text(reference.bytes) == "Y,N,,102.5,\"a,b\",0123456789abcdef,\n\n7\n")
    }

    @Test func writesUPNsAsTheirThirteenCharacters() throws {
        let upn = try #require(Array("A865212312597".utf8).withUnsafeBytes { UPN.parse($0) })
        var w = RowBytes(capacity: 4)
        w.appendInt(2019)
        w.appendRaw(count: 13) { upn.write(to: $0) }
        w.endRow()
        #expect(text(w.finish()) == "2019,A865212312597\n")
    }
}
