import Foundation
import KS2Core
import TestSupport
import Testing

@testable import KS2Synth

// MARK: - helpers: a small reader that applies formats.md's reject rules independently

/// Physical lines of a file (LF), header included, without the final empty piece.
private func physicalLines(_ bytes: [UInt8]) -> [[UInt8]] {
    var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
    if lines.last == [] { lines.removeLast() }
    return lines
}

/// RFC 4180 fields of one line (the synthetic files hold no quotes inside quotes).
private func fields(_ line: [UInt8]) -> [String] {
    var out: [String] = []
    var current: [UInt8] = []
    var quoted = false
    for c in line {
        if c == 0x22 {
            quoted.toggle()
            continue
        }
        if c == 0x2C && !quoted {
            out.append(String(decoding: current, as: UTF8.self))
            current = []
        } else {
            current.append(c)
        }
    }
    out.append(String(decoding: current, as: UTF8.self))
    return out
}

private func trim(_ s: String) -> String { s.trimmingCharacters(in: .whitespaces) }

private func isBlank(_ line: [UInt8]) -> Bool { line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x2C } }

/// Rejects of one file by the spec's rules, checked in order; `ks2` selects the KS2 checks.
private func referenceRejects(_ bytes: [UInt8], file: String, ks2: Bool, year: Int) -> [ExpectedReject] {
    let lines = physicalLines(bytes)
    let header = fields(lines[0])
    func col(_ name: String) -> Int { header.firstIndex(of: name)! }
    var rejects: [ExpectedReject] = []
    var passed: [(line: Int, upn: String, cells: [String])] = []
    for (i, raw) in lines.enumerated().dropFirst() where !isBlank(raw) {
        let line = i + 1
        let f = fields(raw)
        let upnCell = trim(f[0]).uppercased()
        func reject(_ r: RejectReason) {
            rejects.append(ExpectedReject(file: file, line: line, upn: upnCell, reason: r))
        }
        if f.count != header.count {
            reject(.wrongFieldCount)
            continue
        }
        if UPN(upnCell) == nil {
            reject(.invalidUPN)
            continue
        }
        if ks2 {
            if trim(f[col("urn")]).isEmpty && trim(f[col("laestab")]).isEmpty {
                reject(.missingSchool)
                continue
            }
            let y = trim(f[col("year")])
            if !y.isEmpty && y != String(year) {
                reject(.wrongYear)
                continue
            }
            let scores = ["read_score", "mat_score", "gps_score"].map { trim(f[col($0)]) }
            if scores.contains(where: { !$0.isEmpty && Int($0) == nil && !(Code($0)?.isOutcome ?? false) }) {
                reject(.badScore)
                continue
            }
            if scores.contains(where: { Int($0).map { $0 < 80 || $0 > 120 } ?? false }) {
                reject(.scoreOutOfRange)
                continue
            }
            let codesOK = ["read_code", "mat_code", "gps_code"].allSatisfy { c in
                let t = trim(f[col(c)])
                return t.isEmpty || (Code(t)?.isOutcome ?? false)
            }
            let tasOK = ["read_ta", "writ_ta", "mat_ta"].allSatisfy { c in
                let t = trim(f[col(c)])
                return t.isEmpty || (Code(t)?.isTeacherAssessment ?? false)
            }
            if !codesOK || !tasOK {
                reject(.unknownCode)
                continue
            }
        } else {
            let ok = ["ks1_read", "ks1_writ", "ks1_mat"].allSatisfy { c in
                let t = trim(f[col(c)])
                return t.isEmpty || (Code(t)?.isKS1 ?? false)
            }
            if !ok {
                reject(.unknownCode)
                continue
            }
        }
        passed.append((line, upnCell, f.map(trim)))
    }
    var byUPN: [String: [(line: Int, upn: String, cells: [String])]] = [:]
    for p in passed { byUPN[UPN(p.upn)!.description, default: []].append(p) }
    for (_, rows) in byUPN where rows.count > 1 {
        let identical = rows.allSatisfy { $0.cells == rows[0].cells }
        for (k, r) in rows.enumerated() where !identical || k > 0 {
            rejects.append(
                ExpectedReject(file: file, line: r.line, upn: r.upn, reason: identical ? .duplicateRow : .duplicateUPN))
        }
    }
    return rejects.sorted()
}

/// The data rows (non-blank lines after the header) split into fields.
private func rows(_ bytes: [UInt8]) -> [[String]] {
    physicalLines(bytes).dropFirst().filter { !isBlank($0) }.map(fields)
}

private let ks2Columns = [
    "upn", "urn", "laestab", "la", "school_name", "special", "year", "surname", "forename",
    "gender", "dob", "disadvantaged", "eal", "sen", "read_score", "read_code", "read_ta",
    "writ_ta", "mat_score", "mat_code", "mat_ta", "gps_score", "gps_code",
]

// MARK: - tests

@Test func headersAreExact() {
    let out = synthesize(SynthOptions(schools: 3, year: 2019, seed: 1))
    let lines = physicalLines(out.ks2)
    #expect(String(decoding: lines[0], as: UTF8.self) == ks2Columns.joined(separator: ","))
    #expect(String(decoding: physicalLines(out.ks1)[0], as: UTF8.self) == "upn,ks1_read,ks1_writ,ks1_mat,ks1_year")
    #expect(out.ks2.last == 0x0A && out.ks1.last == 0x0A)
    #expect(!out.ks2.contains(0x0D))
    #expect(out.schools == 3)
}

@Test func sameOptionsGiveSameBytesOnAnyThreadCount() {
    for edge in [false, true] {
        let a = synthesize(SynthOptions(schools: 60, year: 2023, seed: 42, edge: edge, threads: 1))
        let b = synthesize(SynthOptions(schools: 60, year: 2023, seed: 42, edge: edge, threads: 4))
        let c = synthesize(SynthOptions(schools: 60, year: 2023, seed: 42, edge: edge, threads: 1))
        #expect(a.ks2 == b.ks2 && a.ks1 == b.ks1 && a.expectedRejects == b.expectedRejects)
        #expect(a.ks2 == c.ks2 && a.ks1 == c.ks1)
    }
    let other = synthesize(SynthOptions(schools: 60, year: 2023, seed: 43, threads: 1))
    #expect(other.ks2 != synthesize(SynthOptions(schools: 60, year: 2023, seed: 42, threads: 1)).ks2)
}

@Test func everyRowIsCleanOutsideEdgeMode() {
    for year in [2017, 2019, 2023] {
        let out = synthesize(SynthOptions(schools: 80, year: year, seed: 7, threads: 2))
        #expect(referenceRejects(out.ks2, file: "ks2.csv", ks2: true, year: year).isEmpty)
        #expect(referenceRejects(out.ks1, file: "ks1.csv", ks2: false, year: year).isEmpty)
        #expect(out.expectedRejects.isEmpty)
        let ks2 = rows(out.ks2)
        let ks1 = rows(out.ks1)
        #expect(ks2.count == out.pupils && ks2.count == out.ks2Rows && ks1.count == out.ks1Rows)
        // every UPN valid, and unique across both files' pupils
        let upns = ks2.map { $0[0] }
        #expect(upns.allSatisfy { $0.count == 13 && UPN($0) != nil })
        #expect(Set(upns).count == upns.count)
        #expect(ks1.allSatisfy { UPN($0[0]) != nil && $0[4] == String(year - 4) })
        // the UPN's year digits are the reception year: year − 7
        #expect(upns.allSatisfy { $0.dropFirst(8).prefix(2) == String(format: "%02d", (year - 7) % 100) })
        #expect(
            ks2.allSatisfy { $0[6] == String(year) && $0[1].count == 6 && $0[2].count == 7 && $0[2].hasPrefix($0[3]) })
    }
}

@Test func checkLetterMatchesKS2Core() {
    var r = RandomStream(99)
    for _ in 0..<500 {
        let la = r.integer(201, 938)
        let estab = r.integer(2000, 9999)
        let yy = r.below(100)
        let serial = r.below(1000)
        let upn = upnBytes(la: la, estab: estab, yy: yy, serial: serial)
        let text = String(decoding: upn, as: UTF8.self)
        #expect(UPN.checkLetter(forBody: String(text.dropFirst())) == text.first)
        #expect(UPN(text)?.description == text)
    }
    // hand-computed: body 936200419001, weights 2…13 → 18+9+24+10+32+9+90+13 = 205 = 23·8 + 21 → alphabet[21] = Y
    #expect(String(decoding: upnBytes(la: 936, estab: 2004, yy: 19, serial: 1), as: UTF8.self) == "Y936200419001")
}

@Test func schoolSizesStayWithinFiveToOneHundredTwenty() {
    let out = synthesize(SynthOptions(schools: 200, year: 2019, seed: 3))
    var sizes: [String: Int] = [:]
    for row in rows(out.ks2) { sizes[row[1], default: 0] += 1 }
    #expect(sizes.count == 200)
    #expect(sizes.values.allSatisfy { (5...120).contains($0) })
    let mean = Double(out.pupils) / 200
    #expect(mean > 32 && mean < 46)  // about 39 pupils a school (national mix)
    #expect(sizes.values.contains { $0 <= 15 } && sizes.values.contains { $0 >= 50 })
    // special schools: about 1%, with low scores
    let special = rows(out.ks2).filter { $0[5] == "Y" }
    let mainstream = rows(out.ks2).filter { $0[5] == "N" }
    #expect(special.count + mainstream.count == out.pupils)
    func meanRead(_ rs: [[String]]) -> Double {
        let s = rs.compactMap { Int($0[14]) }
        return Double(s.reduce(0, +)) / Double(max(1, s.count))
    }
    #expect(meanRead(mainstream) > 102 && meanRead(mainstream) < 107)
    if !special.isEmpty { #expect(special.filter { $0[15] == "B" }.count * 5 > special.count) }
}

@Test func codesBelongToTheirEra() {
    let pk16: Set = ["PK1", "PK2", "PK3", "PK4", "PK5", "PK6"]
    let pkOld: Set = ["PKG", "PKE", "PKF"]
    let levels: Set = ["W", "1", "2C", "2B", "2A", "3", "4"]
    func taCells(_ out: SynthOutput) -> [String] { rows(out.ks2).flatMap { [$0[16], $0[17], $0[20]] } }
    func ks1Cells(_ out: SynthOutput) -> [String] { rows(out.ks1).flatMap { [$0[1], $0[2], $0[3]] } }

    let y2018 = synthesize(SynthOptions(schools: 200, year: 2018, seed: 5))
    #expect(!taCells(y2018).contains { pk16.contains($0) })
    #expect(taCells(y2018).contains { pkOld.contains($0) })
    #expect(!taCells(y2018).contains("EM"))
    #expect(ks1Cells(y2018).contains("2B") && !ks1Cells(y2018).contains("EXS"))

    let y2019 = synthesize(SynthOptions(schools: 200, year: 2019, seed: 5))
    #expect(!taCells(y2019).contains { pkOld.contains($0) })
    #expect(taCells(y2019).contains { pk16.contains($0) })
    #expect(ks1Cells(y2019).contains { levels.contains($0) })

    let y2023 = synthesize(SynthOptions(schools: 200, year: 2023, seed: 5))
    let ks1 = ks1Cells(y2023)
    #expect(!ks1.contains { levels.contains($0) })
    #expect(ks1.contains("EXS") && ks1.contains("GDS") && ks1.contains("WTS"))
    #expect(ks1.allSatisfy { Code($0)?.isKS1 ?? false })
    #expect(!taCells(y2023).contains { pkOld.contains($0) })
    // about 0.3% incomplete KS1 (one subject A or D): present but rare
    let incomplete = rows(y2023.ks1).filter { $0[1...3].contains("A") || $0[1...3].contains("D") }.count
    #expect(incomplete > 0 && incomplete * 50 < rows(y2023.ks1).count)
}

@Test func ks1FileCoversMostPupilsAndSomeLeavers() {
    let out = synthesize(SynthOptions(schools: 200, year: 2019, seed: 11))
    let ks2 = Set(rows(out.ks2).map { $0[0] })
    let ks1 = rows(out.ks1).map { $0[0] }
    let matched = ks1.filter { ks2.contains($0) }.count
    let noKS1 = Double(ks2.count - matched) / Double(ks2.count)
    let leavers = Double(ks1.count - matched) / Double(ks2.count)
    #expect(noKS1 > 0.01 && noKS1 < 0.03)  // ~2% of KS2 pupils without a KS1 row
    #expect(leavers > 0.02 && leavers < 0.04)  // ~3% extra rows of pupils who left
    #expect(Set(ks1).count == ks1.count)
}

@Test func schoolsKeepTheirIdentityAcrossYears() {
    func schools(_ year: Int) -> Set<[String]> {
        Set(
            rows(synthesize(SynthOptions(schools: 120, year: year, seed: 9)).ks2).map {
                [$0[1], $0[2], $0[3], $0[4], $0[5]]
            })
    }
    let a = schools(2018)
    let b = schools(2019)
    #expect(a.count == 120)
    #expect(a == b)
    // but the pupils differ
    let p18 = synthesize(SynthOptions(schools: 5, year: 2018, seed: 9))
    let p19 = synthesize(SynthOptions(schools: 5, year: 2019, seed: 9))
    #expect(Set(rows(p18.ks2).map { $0[0] }).isDisjoint(with: rows(p19.ks2).map { $0[0] }))
}

@Test func restrictingToAnLAKeepsTheNationalSchoolsAndPupils() {
    let national = synthesize(SynthOptions(schools: 300, year: 2019, seed: 21))
    let natRows = rows(national.ks2)
    var perLA: [String: Set<String>] = [:]
    for r in natRows { perLA[r[3], default: []].insert(r[1]) }
    let (la, urns) = perLA.max { ($0.value.count, $1.key) < ($1.value.count, $0.key) }!
    let county = synthesize(SynthOptions(schools: 300, year: 2019, seed: 21, las: [la]))
    let countyRows = rows(county.ks2)
    #expect(county.schools == urns.count)
    #expect(countyRows.allSatisfy { $0[3] == la })
    #expect(
        countyRows.map { $0.joined(separator: ",") } == natRows.filter { $0[3] == la }.map { $0.joined(separator: ",") }
    )
    #expect(synthesize(SynthOptions(schools: 10, year: 2019, seed: 21, las: ["999"])).schools == 0)
}

@Test func namesWithACommaAreQuoted() {
    let out = synthesize(SynthOptions(schools: 100, year: 2019, seed: 2))
    let quoted = physicalLines(out.ks2).dropFirst().filter { $0.contains(0x22) }
    #expect(!quoted.isEmpty)
    for line in quoted {
        let f = fields(line)
        #expect(f.count == 23)
        #expect(f[4].contains(", ") || f[7].contains(", ") || f[8].contains(", "))
    }
    // a name cell holding a comma is always quoted: no row splits into more fields
    #expect(physicalLines(out.ks2).allSatisfy { fields($0).count == 23 })
}

@Test func edgeModeRejectsAreExactlyTheExpectedOnes() {
    for year in [2018, 2022] {
        let out = synthesize(SynthOptions(schools: 150, year: year, seed: 17, edge: true, threads: 2))
        #expect(out.pupils > 2500 && out.pupils < 7500)  // so m = round(pupils · 0.0002) = 1 of each kind
        let found =
            referenceRejects(out.ks2, file: "ks2.csv", ks2: true, year: year)
            + referenceRejects(out.ks1, file: "ks1.csv", ks2: false, year: year)
        #expect(found.sorted() == out.expectedRejects)
        var counts: [String: Int] = [:]
        for r in out.expectedRejects { counts["\(r.file) \(r.reason.rawValue)", default: 0] += 1 }
        #expect(
            counts == [
                "ks2.csv wrong_field_count": 1, "ks2.csv invalid_upn": 1, "ks2.csv missing_school": 1,
                "ks2.csv wrong_year": 1, "ks2.csv bad_score": 1, "ks2.csv score_out_of_range": 1,
                "ks2.csv unknown_code": 1, "ks2.csv duplicate_row": 1, "ks2.csv duplicate_upn": 2,
                "ks1.csv wrong_field_count": 1, "ks1.csv invalid_upn": 1, "ks1.csv unknown_code": 1,
                "ks1.csv duplicate_row": 1, "ks1.csv duplicate_upn": 2,
            ])
        // accepted edge rows are there
        let lines = physicalLines(out.ks2).map { String(decoding: $0, as: UTF8.self) }
        #expect(lines.contains("") && lines.contains(",,,,,,") && lines.contains("   "))
        #expect(lines.contains { $0.contains(", 105,AS") || $0.contains(", 105,as") })
        let ks2Rows = rows(out.ks2)
        #expect(ks2Rows.contains { $0[0].first?.isLowercase ?? false })
        #expect(ks2Rows.contains { $0[0].last?.isLetter ?? false })
        #expect(ks2Rows.contains { $0[14] == "A" && $0[15] == "" })
        #expect(ks2Rows.contains { $0[14] == "" && $0[15] == "NS" })
        // the UPN ending in a letter is in both files, so the pupil still has KS1
        let letterUPN = ks2Rows.first { $0[0].last?.isLetter ?? false }![0]
        #expect(rows(out.ks1).contains { $0[0] == letterUPN })
        // the row accounting of the files: data rows = pupils + the copies
        #expect(out.ks2Rows == ks2Rows.count && out.ks2Rows == out.pupils + 1)
        #expect(out.ks1Rows == rows(out.ks1).count)
        // the manifest CSV lists every expected reject
        let manifest = physicalLines(expectedRejectsCSV(out.expectedRejects))
        #expect(manifest.count == out.expectedRejects.count + 1)
    }
}

@Test func edgeModeOnATinyFileStillMatches() {
    let out = synthesize(SynthOptions(schools: 1, year: 2019, seed: 4, edge: true))
    let found =
        referenceRejects(out.ks2, file: "ks2.csv", ks2: true, year: 2019)
        + referenceRejects(out.ks1, file: "ks1.csv", ks2: false, year: 2019)
    #expect(found.sorted() == out.expectedRejects)
    #expect(!out.expectedRejects.isEmpty)
}

@Test func portableMathsIsAccurate() {
    for x in [1e-300, 1e-9, 0.014, 0.5, 0.999, 1, 2, 10, 12345.678] {
        #expect(abs(portableLog(x) - Foundation.log(x)) <= 1e-14 * max(1, abs(Foundation.log(x))))
    }
    for x in [-50.0, -3.3, -1, 0, 0.5, 1.25, 20] {
        #expect(abs(portableExp(x) - Foundation.exp(x)) <= 1e-14 * Foundation.exp(x))
    }
    #expect(abs(inverseNormal(0.975) - 1.959964) < 1e-6)
    #expect(abs(inverseNormal(0.01) + 2.326348) < 1e-6)
    var r = RandomStream(5)
    var sum = 0.0
    var sumSq = 0.0
    for _ in 0..<20000 {
        let z = r.normal()
        sum += z
        sumSq += z * z
    }
    #expect(abs(sum / 20000) < 0.03 && abs(sumSq / 20000 - 1) < 0.05)
}

@Test func writesBothFiles() throws {
    let dir = try temporaryFolder("ks2synth").appendingPathComponent("synth")
    let out = try writeSynth(SynthOptions(schools: 4, year: 2019, seed: 1), to: dir.path)
    #expect(try Data(contentsOf: dir.appendingPathComponent("ks2.csv")) == Data(out.ks2))
    #expect(try Data(contentsOf: dir.appendingPathComponent("ks1.csv")) == Data(out.ks1))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["ks1.csv", "ks2.csv"])
}

@Test func rowsVaryLikeARealCohort() {
    let out = synthesize(SynthOptions(schools: 100, year: 2019, seed: 8))
    let ks2 = rows(out.ks2)
    #expect(Set(ks2.map { $0[7] }).count > 40)  // surnames
    #expect(Set(ks2.map { $0[8] }).count > 40)  // forenames
    #expect(Set(ks2.map { $0[4] }).count > 50)  // school names
    let dobs = Set(ks2.map { $0[10] })
    #expect(dobs.count > 300)
    #expect(dobs.allSatisfy { $0 >= "2007-09-01" && $0 <= "2008-08-31" && $0.count == 10 })
    #expect(dobs.contains("2008-02-29"))  // 2008 was a leap year
    let girls = Double(ks2.filter { $0[9] == "F" }.count) / Double(ks2.count)
    #expect(girls > 0.45 && girls < 0.53)
    let disadvantaged = Double(ks2.filter { $0[11] == "Y" }.count) / Double(ks2.count)
    #expect(disadvantaged > 0.15 && disadvantaged < 0.35)
    let upnSerials = Set(ks2.map { $0[0].suffix(3) })
    #expect(upnSerials.count > 300)
    // scores spread over the scale, with about 1% B and about 0.6% A
    let scores = ks2.compactMap { Int($0[14]) }
    #expect(Set(scores).count > 30 && scores.min()! <= 90 && scores.max()! == 120)
    let b = ks2.filter { $0[15] == "B" }.count
    let a = ks2.filter { $0[15] == "A" }.count
    #expect(b > 0 && b * 40 < ks2.count && a > 0 && a * 60 < ks2.count)
    // writing TA mostly EXS, then GDS and WTS
    let exs = ks2.filter { $0[17] == "EXS" }.count
    let gds = ks2.filter { $0[17] == "GDS" }.count
    let wts = ks2.filter { $0[17] == "WTS" }.count
    #expect(exs > gds && gds > wts && wts > 0 && Double(exs) / Double(ks2.count) > 0.5)
}
