import Foundation
import KS2Core
import TestSupport
import Testing

@testable import KS2Ingest

/// The repository root, found from this file's path (Tests/KS2IngestTests/ → ../..).
private let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
private func published(_ name: String) -> String { repoRoot.appendingPathComponent("Data/published/\(name)").path }
private let laFiles = [
    "ks2final-2017-850.csv", "ks2final-2017-936.csv", "ks2final-2018-850.csv",
    "ks2final-2018-936.csv", "ks2final-2019-850.csv", "ks2final-2019-936.csv",
].map(published)

/// The DfE's national σ of adjusted pupil progress (methodology.md §7), read, writ, mat.
private let sigma: [Int: [Double]] = [2017: [6.22, 6.04, 5.62], 2018: [5.98, 5.75, 5.42], 2019: [6.17, 5.69, 5.39]]
/// Band thresholds (p90, p10) per subject: 2018 and 2019 from methodology.md §7. 2017 is not listed
/// there: these are read off the 2017 bands the 2018/2019 files carry (READPROG_DESCR_17) for
/// Hampshire and Surrey — the unrounded cut between the highest band-2 and lowest band-1 school
/// (read 3.3|3.5, writ 2.9|3.0, mat 3.3|3.4; well below −3.1|−2.9, −2.9|−2.8, −3.4|−3.3).
private let thresholds: [Int: [(p90: Double, p10: Double)]] = [
    2017: [(3.4, -3.0), (2.95, -2.85), (3.35, -3.35)],
    2018: [(3.05, -2.85), (2.65, -2.65), (3.15, -3.25)],
    2019: [(3.15, -2.85), (2.55, -2.55), (3.0, -3.15)],
]

private func band(progress p: Double, lower: Double, upper: Double, p90: Double, p10: Double) -> Int {
    if lower > 0 { return p >= p90 ? 1 : 2 }
    if upper < 0 { return p <= p10 ? 5 : 4 }
    return 3
}

private func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
    let dir = try temporaryFolder("ks2-published-tests")
    let url = dir.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
}
private func temporaryFile(_ name: String, _ text: String) throws -> String {
    try temporaryFile(name, Array(text.utf8))
}

@Suite("Published DfE tables")
struct PublishedTablesTests {
    @Test("every published school confidence limit is score ± 1.96σ/√n with n = TELIG × COV/100")
    func confidenceLimits() throws {
        let rows = try readPublishedTables(paths: laFiles, year: nil)
        var checked = 0
        var worst = 0.0
        for r in rows where r.level == .school && (2017...2019).contains(r.year) {
            for s in Subject.allCases {
                let x = r[s]
                guard x.status == .ok, let p = x.progress else { continue }
                guard let n = x.n, let lower = x.lower, let upper = x.upper, let sd = sigma[r.year]?[s.rawValue] else {
                    Issue.record("\(r.year) \(r.id) \(s.name): numeric progress without n or limits")
                    continue
                }
                let half = 1.96 * sd / Double(n).squareRoot()
                worst = max(worst, abs(p - half - lower), abs(p + half - upper))
                #expect(abs(p - half - lower) <= 0.1, "\(r.year) \(r.id) \(s.name) lower")
                #expect(abs(p + half - upper) <= 0.1, "\(r.year) \(r.id) \(s.name) upper")
                checked += 1
            }
        }
        // 4,829 school-subject rows with a numeric progress across the six LA files (counted independently
        // with Python's csv module); the worst gap is 0.0993 (coverage is published to whole percents).
        #expect(checked == 4829)
        #expect(worst < 0.1)
    }

    @Test("every published band 1–5 follows from the limits and the year's p10/p90")
    func bands() throws {
        let rows = try readPublishedTables(paths: laFiles, year: nil)
        var checked = 0
        for r in rows where r.level == .school && (r.year == 2018 || r.year == 2019) {
            for s in Subject.allCases {
                let x = r[s]
                guard let b = x.band, let p = x.progress, let lo = x.lower, let up = x.upper,
                    let t = thresholds[r.year]?[s.rawValue]
                else { continue }
                #expect(
                    band(progress: p, lower: lo, upper: up, p90: t.p90, p10: t.p10) == b, "\(r.year) \(r.id) \(s.name)")
                checked += 1
            }
        }
        // 3,229 banded school-subject rows in 2018–2019 (one 2019 Surrey school, 125457, has a numeric
        // progress but band NA: its band stays empty).
        #expect(checked == 3229)
        #expect(rows.first { $0.year == 2019 && $0.id == "125457" }?[.read].band == nil)
    }

    @Test("2017 bands from the prior-year columns agree with the derived 2017 thresholds")
    func bands2017() throws {
        // Without a 2017 file, 2017 comes from the newest file's _17 columns (2019), bands included.
        let rows = try readPublishedTables(
            paths: [
                published("ks2final-2018-850.csv"), published("ks2final-2018-936.csv"),
                published("ks2final-2019-850.csv"), published("ks2final-2019-936.csv"),
            ],
            year: nil)
        var checked = 0
        for r in rows where r.level == .school && r.year == 2017 && !r.special {
            for s in Subject.allCases {
                let x = r[s]
                guard let b = x.band, let p = x.progress, let lo = x.lower, let up = x.upper,
                    let t = thresholds[2017]?[s.rawValue]
                else { continue }
                #expect(band(progress: p, lower: lo, upper: up, p90: t.p90, p10: t.p10) == b, "2017 \(r.id) \(s.name)")
                checked += 1
            }
        }
        #expect(checked > 1000)
    }

    @Test("national 2019 file: nearest-rank p90/p10 over mainstream schools give the published cut-offs")
    func nationalBands() throws {
        let path = published("ks2final-2019-england-progress.csv")
        // No prior-year suffix, no time_period and no year in the file name: the year must be given.
        let copy = try temporaryFile("england-progress.csv", Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(throws: InputError.self) { try readPublishedTables(paths: [copy], year: nil) }
        let all = try readPublishedTables(paths: [path], year: 2019)
        let rows = all.filter { $0.level == .school }
        // 16,355 rows, 89 name+postcode keys twice (counted with Python's csv module): 16,266 schools.
        #expect(rows.count == 16266)
        #expect(rows.filter(\.special).count == 740)
        for s in Subject.allCases {
            func cut(_ schools: [SchoolResult]) -> (p90: Double, p10: Double) {
                let v = schools.compactMap { $0[s].status == .ok ? $0[s].progress : nil }.sorted()
                let m = Double(v.count)
                return (v[Int((0.9 * m).rounded(.up)) - 1], v[Int((0.1 * m).rounded(.up)) - 1])
            }
            let mainstream = cut(rows.filter { !$0.special })
            let all = cut(rows)
            func progress(_ b: Int) -> [Double] { rows.compactMap { $0[s].band == b ? $0[s].progress : nil } }
            // To the file's one-decimal rounding: schools on the rounded cut may fall either side.
            #expect(progress(1).allSatisfy { $0 >= mainstream.p90 }, "\(s.name) band 1")
            #expect(progress(2).allSatisfy { $0 <= mainstream.p90 }, "\(s.name) band 2")
            #expect(progress(5).allSatisfy { $0 <= mainstream.p10 }, "\(s.name) band 5")
            #expect(progress(4).allSatisfy { $0 >= mainstream.p10 }, "\(s.name) band 4")
            // The methodology's 2019 thresholds are the unrounded cuts next to these (within 0.05).
            let t = thresholds[2019]![s.rawValue]
            #expect(abs(mainstream.p90 - t.p90) <= 0.05 + 1e-9 && abs(mainstream.p10 - t.p10) <= 0.05 + 1e-9)
            // Over all schools (specials included) the well-below cut is too low: band-5 schools lie above it.
            #expect(progress(5).contains { $0 > all.p10 }, "\(s.name) all-schools p10")
        }
    }

    @Test("coded missing values keep their meaning and are never zero")
    func codedValues() throws {
        #expect(PublishedCell("SUPP") == .missing(.supp))
        #expect(PublishedCell("supp") == .missing(.supp))
        #expect(PublishedCell("LOWCOV") == .missing(.lowcov))
        for code in ["NE", "NA", "NP", "SP", "RE", "c", "x", "z", "low"] {
            #expect(PublishedCell(code) == .missing(.coded(code)))
            #expect(PublishedCell(code).value == nil)
        }
        #expect(PublishedCell("") == .missing(.none))
        #expect(PublishedCell(" ") == .missing(.none))
        #expect(PublishedCell("85%") == .number(85))
        #expect(PublishedCell("-0.3") == .number(-0.3))
        #expect(PublishedCell("nan") == .missing(.coded("nan")))

        let rows = try readPublishedTables(paths: laFiles, year: nil)
        func row(_ year: Int, _ urn: String) -> SchoolResult? {
            rows.first { $0.year == year && $0.level == .school && $0.id == urn }
        }
        // Limington House School (special, RECTYPE 2), 2018: SUPP in every subject and attainment.
        let limington = try #require(row(2018, "116614"))
        #expect(limington.special)
        #expect(limington[.mat].status == .supp && limington[.mat].progress == nil && limington[.mat].band == nil)
        #expect(limington[.pctRwmExp] == nil)
        // Hollywater School, 2017: reading NA (kept as the code), writing −6.3.
        let hollywater = try #require(row(2017, "131068"))
        #expect(hollywater[.read].status == .coded("NA") && hollywater[.read].progress == nil)
        #expect(hollywater[.writ].progress == -6.3)
        // The Waterloo School, 2018: reading LOWCOV.
        #expect(row(2018, "116633")?[.read].status == .lowcov)
    }

    @Test("a school row: measures, n half up, attainment, LA and England rows")
    func schoolRow() throws {
        let rows = try readPublishedTables(
            paths: [published("ks2final-2017-936.csv"), published("ks2final-2018-936.csv")], year: nil)
        // Eastwick Junior School 2017: TELIG 94, READCOV 98% → n = 92.12 → 92; PTRWM_EXP 64%.
        let eastwick = try #require(rows.first { $0.year == 2017 && $0.id == "142999" })
        #expect(eastwick.level == .school && eastwick.la == "936" && eastwick.source == .published)
        #expect(eastwick.eligible == 94 && eastwick[.read].n == 92 && eastwick[.read].coverage == 98)
        #expect(eastwick[.read].progress == -1.6 && eastwick[.read].status == .ok)
        #expect(
            eastwick[.pctRwmExp] == 64 && eastwick.attainmentDenominators[AttainmentMeasure.pctRwmExp.rawValue] == 94)
        #expect(eastwick[.pctReadExp] == 73)
        // LA row and England (the state-funded row, RECTYPE 5: TELIG 599,728 in 2017, not 604,552).
        let surrey = try #require(rows.first { $0.year == 2017 && $0.level == .la })
        #expect(surrey.id == "936" && surrey.name == "Surrey" && surrey[.read].progress == 0.5)
        // the 2017 file has no *PROG_DESCR columns: the band is the 2018 file's READPROG_DESCR_17 (2, Surrey 0.5)
        #expect(surrey[.read].band == 2)
        // 2018 Surrey: READPROG 0.4, READPROG_DESCR 2 (above average).
        #expect(rows.first { $0.year == 2018 && $0.level == .la }?[.read].band == 2)
        let england = rows.filter { $0.year == 2017 && $0.level == .national }
        #expect(england.count == 1)
        #expect(england.first?.eligible == 599728 && england.first?.id == "E92000001" && england.first?.la == "")
        #expect(england.first?[.read].band == nil)
        // Sorted by year, level, id.
        let keys = rows.map { ($0.year, $0.level.rawValue, $0.id) }
        #expect(zip(keys, keys.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test("the year rule and prior-year columns filling only years no file gives")
    func yearRule() throws {
        let set = try readPublishedTableSet(paths: laFiles, year: nil)
        #expect(set.fileYears == [2017, 2017, 2018, 2018, 2019, 2019])
        // 2016 comes only from the 2017 files' _16 columns.
        #expect(Set(set.results.map(\.year)) == [2016, 2017, 2018, 2019])

        // The 2019 file alone: 2018 and 2017 from READPROG_18 / _17 (no coverage → no n).
        let only2019 = try readPublishedTables(paths: [published("ks2final-2019-850.csv")], year: nil)
        let anstey18 = try #require(only2019.first { $0.year == 2018 && $0.id == "115851" })
        #expect(anstey18[.read].progress == -2 && anstey18[.read].n == nil && anstey18.eligible == 63)
        #expect(only2019.contains { $0.year == 2017 && $0.id == "115851" })
        // With the 2018 file too, its own row wins (it has coverage, so n).
        let both = try readPublishedTables(
            paths: [published("ks2final-2019-850.csv"), published("ks2final-2018-850.csv")], year: nil)
        #expect(both.filter { $0.year == 2018 && $0.id == "115851" }.count == 1)
        #expect(both.first { $0.year == 2018 && $0.id == "115851" }?[.read].n != nil)

        // A --year that contradicts the file is an error, never a relabelling; one that agrees is fine.
        #expect(throws: InputError.self) {
            try readPublishedTableSet(paths: [published("ks2final-2019-850.csv")], year: 2020)
        }
        #expect(try readPublishedTableSet(paths: [published("ks2final-2019-850.csv")], year: 2019).fileYears == [2019])
        // time_period 201819 → 2019.
        let tp = try temporaryFile(
            "tp.csv",
            "RECTYPE,URN,LEA,SCHNAME,TELIG,READPROG,READCOV,time_period\n1,100001,850,A School,20,1.5,100%,201819\n")
        let tpRows = try readPublishedTables(paths: [tp], year: nil).filter { $0.level == .school }
        #expect(tpRows.map(\.year) == [2019] && tpRows.first?[.read].n == 20)
        // Neither: stop.
        let none = try temporaryFile("none.csv", "RECTYPE,URN,LEA,READPROG\n1,100001,850,1.5\n")
        #expect(throws: InputError.self) { try readPublishedTables(paths: [none], year: nil) }
    }

    @Test("group columns become group rows")
    func groups() throws {
        let set = try readPublishedTableSet(paths: [published("ks2final-2019-850.csv")], year: nil)
        // Anstey Junior School 2019: READPROG_B / PTRWM_EXP_B on its row.
        let text = try DelimitedText.readText(path: published("ks2final-2019-850.csv"))
        let row = try #require(text.rows.first { $0[text.header.firstIndex(of: "URN")!] == "115851" })
        func col(_ name: String) -> String { row[text.header.firstIndex(of: name)!] }
        let boys = try #require(
            set.groups.first { $0.result.id == "115851" && $0.group == "gender" && $0.value == "M" })
        #expect(boys.result.year == 2019)
        #expect(boys.result[.read].progress == Double(col("READPROG_B")))
        #expect(boys.result.eligible == Int(col("BELIG")))
        let disadvantaged = set.groups.filter { $0.group == "disadvantaged" && $0.value == "Y" }
        #expect(!disadvantaged.isEmpty)
    }

    @Test("the long format used from 2023")
    func longFormat() throws {
        let text = """
            time_period,time_identifier,geographic_level,country_code,old_la_code,la_name,school_urn,school_laestab,school_name,establishment_type_group,breakdown_topic,breakdown,subject,eligible_pupils,progress_measure_coverage,progress_measure_score,progress_measure_lower_conf_interval,progress_measure_upper_conf_interval,progress_measure_description
            202223,Academic year,School,E92000001,850,Hampshire,100001,8502001,Alpha Primary,Academies,Total,Total,Reading,40,95,1.2,-0.6,3.0,Average
            202223,Academic year,School,E92000001,850,Hampshire,100001,8502001,Alpha Primary,Academies,Total,Total,Writing,40,95,SUPP,SUPP,SUPP,SUPP
            202223,Academic year,School,E92000001,850,Hampshire,100001,8502001,Alpha Primary,Academies,Total,Total,Maths,40,95,3.6,1.8,5.4,Well above average
            202223,Academic year,School,E92000001,850,Hampshire,100001,8502001,Alpha Primary,Academies,Sex,Boys,Maths,21,,2.0,-0.4,4.4,
            202223,Academic year,School,E92000001,850,Hampshire,100002,8507001,Beta Special,Special schools,Total,Total,Reading,8,50,LOWCOV,,,
            202223,Academic year,Local authority,E92000001,850,Hampshire,,,,,Total,Total,Reading,13000,96,-0.2,-0.3,-0.1,Below average
            """
        let path = try temporaryFile("long.csv", text)
        let rows = try readPublishedTables(paths: [path], year: nil)
        #expect(rows.count == 4)  // two schools, the LA and England (progress 0)
        #expect(rows.first { $0.level == .national }?[.read].progress == 0)
        let alpha = try #require(rows.first { $0.id == "100001" })
        #expect(alpha.year == 2023 && alpha.level == .school && alpha.la == "850" && alpha.name == "Alpha Primary")
        // n = 40 × 95 / 100 = 38.
        #expect(
            alpha[.read].progress == 1.2 && alpha[.read].lower == -0.6 && alpha[.read].n == 38 && alpha[.read].band == 3
        )
        #expect(alpha[.writ].status == .supp && alpha[.writ].progress == nil)
        #expect(alpha[.mat].band == 1)
        let beta = try #require(rows.first { $0.id == "100002" })
        #expect(beta.special && beta[.read].status == .lowcov)
        #expect(rows.first { $0.level == .la }?[.read].band == 4)
        let set = try readPublishedTableSet(paths: [path], year: nil)
        #expect(
            set.groups.count == 1 && set.groups.first?.group == "gender"
                && set.groups.first?.result[.mat].progress == 2.0)
    }

    @Test("Windows-1252, BOM, CRLF and short rows")
    func encodings() throws {
        // "Ysgol Gymraeg Caerdydd" with é in Windows-1252 (0xE9), CRLF, a row with trailing fields dropped.
        var bytes = Array("RECTYPE,LEA,URN,SCHNAME,TELIG,READPROG,READCOV,READPROG_17\r\n1,850,100001,Ecole ".utf8)
        bytes += [0xE9] + Array(" Primary,30,2.5,90%,1.1\r\n1,850,100002,Short Row\r\n".utf8)
        let path = try temporaryFile("cp1252.csv", bytes)
        let rows = try readPublishedTables(paths: [path], year: nil)
        let ecole = try #require(rows.first { $0.year == 2018 && $0.id == "100001" })
        #expect(ecole.name == "Ecole é Primary" && ecole[.read].n == 27)
        let short = try #require(rows.first { $0.year == 2018 && $0.id == "100002" })
        #expect(short[.read].status == .none && short.eligible == nil)
        #expect(rows.first { $0.year == 2017 && $0.id == "100001" }?[.read].progress == 1.1)
        #expect(!rows.contains { $0.year == 2017 && $0.id == "100002" })
    }

    @Test("bad input stops with the file and what was expected")
    func badInput() throws {
        do {
            _ = try readPublishedTables(paths: [published("ks2_meta-2019.csv")], year: nil)
            Issue.record("a field list is not a table")
        } catch let e as InputError {
            #expect(e.file.hasSuffix("ks2_meta-2019.csv") && e.message.contains("RECTYPE"))
        }
        let bad = try temporaryFile("bad-rectype.csv", "RECTYPE,URN,LEA,READPROG_18\n1,100001,850,1\n9,100002,850,2\n")
        do {
            _ = try readPublishedTables(paths: [bad], year: nil)
            Issue.record("RECTYPE 9 accepted")
        } catch let e as InputError {
            #expect(e.line == 3 && e.column == 1 && e.message.contains("RECTYPE"))
        }
    }

    @Test("cohorts.csv")
    func cohorts() throws {
        let path = try temporaryFile(
            "cohorts.csv",
            """
            URN,Cohort,Baseline_Year,Outcome_Year,School_Name
            142999,Surrey pilot,2017,2018,Eastwick Junior School
            125019,Surrey pilot,2017,2018,
            115854,Andover,2017,2019,Anton Junior School
            142999,Surrey pilot,2017,2018,Eastwick again
            """)
        let cohorts = try readCohorts(DelimitedText.readText(path: path))
        #expect(
            cohorts == [
                ProjectCohort(name: "Surrey pilot", baselineYear: 2017, outcomeYear: 2018, urns: ["142999", "125019"]),
                ProjectCohort(name: "Andover", baselineYear: 2017, outcomeYear: 2019, urns: ["115854"]),
            ])
        let missing = try temporaryFile("c2.csv", "urn,cohort,baseline_year\n1,a,2017\n")
        #expect(throws: InputError.self) { try readCohorts(DelimitedText.readText(path: missing)) }
        let badYear = try temporaryFile(
            "c3.csv", "urn,cohort,baseline_year,outcome_year\n1,a,2017,2018\n2,a,2017,20x8\n")
        do {
            _ = try readCohorts(DelimitedText.readText(path: badYear))
            Issue.record("bad year accepted")
        } catch let e as InputError { #expect(e.line == 3 && e.column == 4) }
        let mixed = try temporaryFile("c4.csv", "urn,cohort,baseline_year,outcome_year\n1,a,2017,2018\n2,a,2017,2019\n")
        #expect(throws: InputError.self) { try readCohorts(DelimitedText.readText(path: mixed)) }
        // The illustrative Hampshire cohort in Data/published reads.
        let hampshire = try readCohorts(DelimitedText.readText(path: published("hampshire-cohort.csv")))
        #expect(hampshire.count == 1 && hampshire.first?.urns.count == 8 && hampshire.first?.baselineYear == 2017)
    }
}

/// How several tables combine (methodology.md §10): own-year values first, prior-year columns fill
/// only what is lacking, every row accounted for, England 0.
@Suite("Published tables combined")
struct PublishedCombineTests {
    @Test("2017 bands come from the 2018 file's _17 columns even when the 2017 file is given")
    func bandsOf2017WithThe2017File() throws {
        let paths = [published("ks2final-2017-850.csv"), published("ks2final-2018-850.csv")]
        let set = try readPublishedTableSet(paths: paths, year: nil)
        // Anstey Junior School 2017: READPROG −1.8 (2017 file), READPROG_DESCR_17 4, MATPROG_DESCR_17 3 (2018 file).
        let anstey = try #require(set.results.first { $0.year == 2017 && $0.id == "115851" })
        #expect(anstey[.read].progress == -1.8 && anstey[.read].band == 4 && anstey[.mat].band == 3)
        #expect(anstey[.read].n != nil)  // the 2017 file's own figures (with coverage) are kept
        // 937 school-subject bands (counted with Python's csv module: numeric 2017 progress, a _DESCR_17
        // band and the same _17 progress) + the LA row's 3 = 940, counted as prior-year values.
        let bands = set.priorYearFills.filter { $0.year == 2017 && $0.kind == "band" }
        #expect(bands.map(\.count) == [940] && bands.first?.file == "ks2final-2018-850.csv")
        let schools2017 = set.results.filter { $0.year == 2017 && $0.level == .school }
        let banded = schools2017.map { r in Subject.allCases.count { r.subjects[$0].band != nil } }
        #expect(banded.reduce(0, +) == 937)
    }

    @Test("a --year that contradicts the file stops with the file, what it says and what was given")
    func contradictingYear() throws {
        let error = try #require(
            inputError {
                _ = try readPublishedTableSet(paths: [published("ks2final-2017-850.csv")], year: 2019)
            })
        #expect(error.file.hasSuffix("ks2final-2017-850.csv"))
        #expect(error.message.contains("2017") && error.message.contains("2019") && error.message.contains("_16"))
        let long = try temporaryFile(
            "long.csv",
            """
            time_period,geographic_level,school_urn,school_laestab,school_name,breakdown_topic,breakdown,subject,progress_measure_score
            202223,School,100001,8502001,Alpha,Total,Total,Reading,1.2
            """)
        let longError = inputError { _ = try readPublishedTableSet(paths: [long], year: 2024) }
        #expect(longError?.message.contains("202223") == true)
    }

    @Test("England rows: progress 0 by definition, in every year")
    func englandIsZero() throws {
        let set = try readPublishedTableSet(paths: [published("ks2final-2018-850.csv")], year: nil)
        let england = set.results.filter { $0.level == .national }
        #expect(england.map(\.year) == [2016, 2017, 2018])
        for e in england {
            for subject in Subject.allCases {
                let r = e.subjects[subject]
                #expect(r.progress == 0 && r.status == .ok && r.band == nil)
            }
        }
        // the 2018 state-funded row's own figures stay (TELIG 619,703)
        #expect(england.last?.eligible == 619703)
        #expect(set.notes.contains { $0.contains("England progress set to 0") })
    }

    @Test("every row is used or rejected: name+postcode repeats and the same school in two files")
    func rowAccounting() throws {
        let england = published("ks2final-2019-england-progress.csv")
        let alone = try readPublishedTableSet(paths: [england], year: nil)
        // 16,355 rows, 89 keys repeat once: the row with more figures is kept (87 keys have one row
        // with figures; 2 have none, the first given is kept).
        #expect(alone.accounts.map { [$0.read, $0.accepted, $0.rejected] } == [[16355, 16266, 89]])
        #expect(alone.rejects.allSatisfy { $0.reason == .duplicateSchool })
        // Dartford Bridge (DA1 5GB): line 1297 has figures, line 11929 none → 11929 rejected.
        #expect(alone.rejects.contains { $0.line == 11929 && $0.detail.contains("line 1297") })
        #expect(!alone.rejects.contains { $0.line == 1297 })
        let dartford = alone.results.filter { $0.name == "Dartford Bridge Community Primary School" }
        #expect(dartford.count == 1 && dartford.first?[.read].progress == 1.2)

        // With the two LA files: their 570 schools are also in the national extract (by name and
        // postcode): those 570 rows are rejected (the LA rows have a URN), plus the 86 other repeats.
        let la = [published("ks2final-2019-850.csv"), published("ks2final-2019-936.csv")]
        let mixed = try readPublishedTableSet(paths: la + [england], year: nil)
        let nationalAccount = try #require(mixed.accounts.last)
        #expect(nationalAccount.read == 16355 && nationalAccount.rejected == 656 && nationalAccount.accepted == 15699)
        // each LA file: RECTYPE 4 is not used (the state-funded row is); Surrey's England rows repeat Hampshire's.
        #expect(mixed.accounts.prefix(2).map(\.rejected) == [1, 2])
        #expect(mixed.accounts.allSatisfy { $0.read == $0.accepted + $0.rejected })
        #expect(mixed.rejects.count == 659)
        let schools2019 = mixed.results.filter { $0.year == 2019 && $0.level == .school }
        #expect(schools2019.count == 570 + 15699)
        #expect(schools2019.filter { $0.la == "850" || $0.la == "936" }.count == 570)
    }

    @Test("an academy's predecessor figures in prior-year columns are not a second school")
    func predecessorFiguresNotDoubled() throws {
        // Bordon Junior School: URN 115864 in the 2017 file, academy URN 146002 in the 2019 file whose
        // READPROG_17 (−1.1) is the predecessor's figure.
        let paths = [published("ks2final-2017-850.csv"), published("ks2final-2019-850.csv")]
        let rows = try readPublishedTables(paths: paths, year: nil)
        #expect(rows.contains { $0.year == 2017 && $0.id == "115864" })
        #expect(!rows.contains { $0.year == 2017 && $0.id == "146002" })
    }

    @Test("long format: LA from school_laestab, attainment and RWM lines, pupil counts; other lines rejected")
    func longFormatComplete() throws {
        let path = try temporaryFile(
            "ks2-2023.csv",
            """
            time_period,geographic_level,school_urn,school_laestab,school_name,breakdown_topic,breakdown,subject,eligible_pupils,progress_measure_coverage,progress_measure_score,expected_standard_pupil_percent,higher_standard_pupil_percent,average_scaled_score
            202223,School,100001,8502001,Alpha,Total,Total,Reading,40,95,1.2,80,30,106
            202223,School,100001,8502001,Alpha,Total,Total,Maths,40,90,-0.5,75,20,104
            202223,School,100001,8502001,Alpha,Total,Total,"Reading, writing and maths",40,,,60,8,
            202223,School,100002,9362004,Beta,Total,Total,Reading,10,100,2.0,50,10,101
            202223,Regional,,,,Total,Total,Reading,1000,96,0.1,70,25,105
            202223,School,100001,8502001,Alpha,Total,Total,Science,40,,,85,,
            202223,School,100001,8502001,Alpha,Total,Total,Reading,40,95,1.2,80,30,106
            """)
        let set = try readPublishedTableSet(paths: [path], year: nil)
        let alpha = try #require(set.results.first { $0.id == "100001" })
        #expect(alpha.la == "850" && alpha.eligible == 40)
        // n = 40 × 95 / 100 = 38; maths 40 × 90 / 100 = 36.
        #expect(alpha[.read].n == 38 && alpha[.mat].n == 36 && alpha[.mat].progress == -0.5)
        #expect(alpha[.pctReadExp] == 80 && alpha[.pctReadHigh] == 30)
        #expect(alpha[.readAvg] == 106 && alpha[.matAvg] == 104)
        #expect(alpha[.pctRwmExp] == 60 && alpha[.pctRwmHigh] == 8)
        #expect(alpha.attainmentDenominators[AttainmentMeasure.pctRwmExp.rawValue] == 40)
        #expect(set.results.first { $0.id == "100002" }?.la == "936")
        // lines 6 (a region), 7 (science) unused; line 8 repeats line 2.
        let reasons = set.rejects.map { "\($0.line):\($0.reason.rawValue)" }
        #expect(reasons == ["6:unused_row", "7:unused_row", "8:duplicate_school"])
        #expect(set.accounts.map { [$0.read, $0.accepted, $0.rejected] } == [[7, 4, 3]])
    }
}

/// The DfE's 2023-on files as published on explore-education-statistics ("Key stage 2 institution
/// level - Schools (performance)" and "- Local authority (performance)": the column lists and the
/// first rows of their previews), with a school information file for pupil counts.
@Suite("Published long format as the DfE writes it")
struct PublishedLongFormatTests {
    static let schools = """
        time_period,time_identifier,geographic_level,country_code,country_name,version,school_urn,school_laestab,school_name,breakdown_topic,breakdown,subject,expected_standard_pupil_percent,higher_standard_pupil_percent,average_scaled_score,progress_measure_score,progress_measure_lower_conf_interval,progress_measure_upper_conf_interval,absent_or_not_able_to_access_percent,working_towards_expected_standard_pupil_percent,absent_or_disapplied_percent,progress_measure_unadjusted,progress_measure_description
        202223,Academic year,School,E92000001,England,Final,100000,2013614,The Aldgate School,All pupils,Total,"Reading, writing and maths",77,10,z,z,z,z,z,z,z,z,z
        202223,Academic year,School,E92000001,England,Final,100000,2013614,The Aldgate School,All pupils,Total,Reading,93,47,108,1.5,-0.2,3.2,0,z,z,1.5,Average
        202223,Academic year,School,E92000001,England,Final,100000,2013614,The Aldgate School,All pupils,Total,Writing,80,13,z,0.4,-1.2,2.0,z,20,0,0.4,Average
        202223,Academic year,School,E92000001,England,Final,100000,2013614,The Aldgate School,All pupils,Total,Maths,93,37,108,2.1,0.5,3.7,0,z,z,2.1,Above average
        202223,Academic year,School,E92000001,England,Final,100000,2013614,The Aldgate School,All pupils,Total,"Grammar, punctuation and spelling",87,50,108,z,z,z,0,z,z,z,z
        """
    static let authorities = """
        time_period,time_identifier,geographic_level,country_code,country_name,old_la_code,new_la_code,la_name,version,establishment_type_group,breakdown_topic,breakdown,subject,expected_standard_pupil_percent,higher_standard_pupil_percent,average_scaled_score,progress_measure_score,progress_measure_lower_conf_interval,progress_measure_upper_conf_interval,absent_or_not_able_to_access_percent,working_towards_expected_standard_pupil_percent,absent_or_disapplied_percent,progress_measure_unadjusted,progress_measure_description
        202223,Academic year,Local authority,E92000001,England,201,E09000001,City of London,Final,All state funded,All pupils,Total,"Reading, writing and maths",76,16,z,z,z,z,z,z,z,z,z
        202223,Academic year,Local authority,E92000001,England,201,E09000001,City of London,Final,All state funded,All pupils,Total,Reading,z,z,108,-0.1,-1.8,1.5,z,z,z,z,z
        202223,Academic year,Local authority,E92000001,England,201,E09000001,City of London,Final,Academies,All pupils,Total,Reading,z,z,109,0.3,-1.5,2.1,z,z,z,z,z
        """
    static let information = """
        time_period,time_identifier,geographic_level,country_code,country_name,version,school_urn,school_laestab,school_name,totpups,telig,tks1average
        202223,Academic year,School,E92000001,England,Final,100000,2013614,The Aldgate School,250,30,17.1
        202223,Academic year,School,E92000001,England,Final,100999,2013999,Closed School,0,0,z
        """

    @Test("schools, LA and information files read together, every line accounted for")
    func dfeFiles() throws {
        let paths = [
            try temporaryFile("schools.csv", Self.schools), try temporaryFile("la.csv", Self.authorities),
            try temporaryFile("info.csv", Self.information),
        ]
        let set = try readPublishedTableSet(paths: paths, year: nil)
        #expect(set.fileYears == [2023, 2023, 2023])
        let aldgate = try #require(set.results.first { $0.id == "100000" })
        // LA 201 from school_laestab 2013614; pupils from the information file
        #expect(aldgate.la == "201" && aldgate.name == "The Aldgate School" && aldgate.eligible == 30)
        #expect(aldgate.ks1APS == 17.1)
        #expect(aldgate[.read].progress == 1.5 && aldgate[.mat].band == 2 && aldgate[.writ].band == 3)
        #expect(aldgate[.pctRwmExp] == 77 && aldgate[.pctRwmHigh] == 10 && aldgate[.pctGpsExp] == 87)
        #expect(aldgate[.gpsAvg] == 108 && aldgate[.readAvg] == 108 && aldgate[.pctWritExp] == 80)
        #expect(aldgate.attainmentDenominators[AttainmentMeasure.pctRwmExp.rawValue] == 30)
        let city = try #require(set.results.first { $0.level == .la })
        #expect(city.id == "201" && city.name == "City of London" && city[.read].progress == -0.1)
        #expect(city[.pctRwmExp] == 76)
        // the academies' line is a part of the LA, not its figure; the closed school has no results
        #expect(
            set.rejects.map { "\($0.file):\($0.line):\($0.reason.rawValue)" } == [
                "info.csv:3:unused_row",
                "la.csv:4:unused_row",
            ])
        #expect(set.accounts.map { [$0.read, $0.accepted, $0.rejected] } == [[5, 5, 0], [3, 2, 1], [2, 1, 1]])
    }
}
