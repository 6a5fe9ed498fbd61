import Foundation
import KS2Core
import Testing

@testable import KS2Analysis

/// The repository root, found from this file's path (Tests/KS2AnalysisTests/ → ../..).
private let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The DfE's national σ of adjusted pupil progress (methodology.md §7).
private let sigmas: [Int: [Double]] = [2017: [6.22, 6.04, 5.62], 2018: [5.98, 5.75, 5.42], 2019: [6.17, 5.69, 5.39]]
private func sigma(_ year: Int, _ subject: Subject) -> Double? { sigmas[year]?[subject.rawValue] }

/// A small independent reader of the real DfE files (this test target cannot see KS2Ingest): the own
/// year's school (RECTYPE 1, 2) and LA (3) rows with the fields impact and pooling need.
private func readDfE(_ name: String, year: Int) throws -> [SchoolResult] {
    var bytes = [UInt8](try Data(contentsOf: repoRoot.appendingPathComponent("Data/published/\(name)")))
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    var records: [[String]] = []
    var fields: [String] = []
    var field: [UInt8] = []
    var quoted = false
    var i = 0
    while i < bytes.count {
        let b = bytes[i]
        if quoted {
            if b == 34 {
                if i + 1 < bytes.count && bytes[i + 1] == 34 {
                    field.append(34)
                    i += 1
                } else {
                    quoted = false
                }
            } else {
                field.append(b)
            }
        } else if b == 34 {
            quoted = true
        } else if b == 44 {
            fields.append(String(decoding: field, as: UTF8.self))
            field = []
        } else if b == 10 {
            fields.append(String(decoding: field, as: UTF8.self))
            field = []
            records.append(fields)
            fields = []
        } else if b != 13 {
            field.append(b)
        }
        i += 1
    }
    let header = records[0]
    func col(_ n: String) -> Int { header.firstIndex(of: n)! }
    let subjectCols = ["READ", "WRIT", "MAT"].map {
        (col("\($0)PROG"), col("\($0)PROG_LOWER"), col("\($0)PROG_UPPER"), col("\($0)COV"))
    }
    let attainmentCols: [(AttainmentMeasure, Int)] = [
        (.pctReadExp, col("PTREAD_EXP")), (.pctWritExp, col("PTWRITTA_EXP")),
        (.pctMatExp, col("PTMAT_EXP")), (.pctRwmExp, col("PTRWM_EXP")),
    ]
    var out: [SchoolResult] = []
    for rec in records.dropFirst() {
        func v(_ c: Int) -> String { c < rec.count ? rec[c].trimmingCharacters(in: .whitespaces) : "" }
        func d(_ c: Int) -> Double? { Double(v(c).replacingOccurrences(of: "%", with: "")) }
        let rectype = v(col("RECTYPE"))
        guard ["1", "2", "3"].contains(rectype) else { continue }
        let la = v(col("LEA"))
        var r = SchoolResult(
            year: year, level: rectype == "3" ? .la : .school, id: rectype == "3" ? la : v(col("URN")),
            name: v(col("SCHNAME")), la: la, eligible: d(col("TELIG")).map { Int($0) },
            special: rectype == "2", source: .published)
        for (s, c) in subjectCols.enumerated() {
            let raw = v(c.0)
            var x = SubjectResult(
                coverage: d(c.3), progress: d(c.0), lower: d(c.1), upper: d(c.2),
                status: d(c.0) != nil
                    ? .ok : raw == "SUPP" ? .supp : raw == "LOWCOV" ? .lowcov : raw.isEmpty ? .none : .coded(raw))
            if let e = r.eligible, let cov = x.coverage { x.n = Int((Double(e) * cov / 100 + 0.5).rounded(.down)) }
            r.subjects[Subject(rawValue: s)!] = x
        }
        for (m, c) in attainmentCols {
            r[m] = d(c)
            r.attainmentDenominators[m.rawValue] = d(c) == nil ? nil : r.eligible
        }
        out.append(r)
    }
    return out
}

@Suite("Statistics for impact intervals")
struct ImpactStatisticsTests {
    @Test("mean, sd (n−1), t-interval and Welch interval by hand")
    func intervals() throws {
        // [1, 2, 3]: mean 2, sd 1; 2 ± 4.302653·1/√3 = 2 ± 2.484138.
        let ci = meanWithInterval([1, 2, 3])
        #expect(ci.mean == 2)
        #expect(abs(try #require(ci.lower) - (2 - 4.302652729749462 / 3.0.squareRoot())) < 1e-9)
        #expect(meanWithInterval([5]).lower == nil)
        // a = [1,2,3] (var 1), b = [2,4,6,8] (var 20/3): va = 1/3, vb = 5/3, se² = 2,
        // df = 4 / ((1/9)/2 + (25/9)/3) = 4.0754717; t(0.975, 4.0755) = 2.7562849; −3 ± 2.7562849·√2.
        let w = try #require(welchInterval([1, 2, 3], [2, 4, 6, 8]))
        #expect(abs(try #require(w.degreesOfFreedom) - 4.075471698113207) < 1e-9)
        #expect(abs(w.lower - -6.897975451083129) < 1e-7 && abs(w.upper - 0.8979754510831288) < 1e-7)
    }
}

@Suite("County comparison and project impact on the real DfE tables")
struct ImpactTests {
    static let files: [(String, Int)] = [
        ("ks2final-2017-850.csv", 2017), ("ks2final-2017-936.csv", 2017),
        ("ks2final-2018-850.csv", 2018), ("ks2final-2018-936.csv", 2018),
        ("ks2final-2019-850.csv", 2019), ("ks2final-2019-936.csv", 2019),
    ]

    @Test("LA progress pooled from school rows is within 0.1 of the published LA row")
    func pooledLA() throws {
        let rows = try Self.files.flatMap { try readDfE($0.0, year: $0.1) }
        let comparison = countyComparison(rows, sigma: sigma)
        #expect(comparison.count == 18)  // 2 LAs × 3 years × 3 subjects
        for c in comparison {
            let pooled = try #require(c.pooledProgress)
            let published = try #require(c.published?.progress)
            #expect(abs(pooled - published) <= 0.1, "\(c.year) \(c.la) \(c.subject.name)")
            #expect(!c.differs)
            let half = 1.96 * sigma(c.year, c.subject)! / Double(c.pooledPupils).squareRoot()
            #expect(abs(try #require(c.pooledLower) - (pooled - half)) < 1e-12)
        }
        // Hampshire 2017 maths, by hand over its school rows: −0.716 pooled vs −0.7 published.
        let hantsMaths = try #require(comparison.first { $0.year == 2017 && $0.la == "850" && $0.subject == .mat })
        #expect(abs(try #require(hantsMaths.pooledProgress) - -0.716) < 0.0005 && hantsMaths.laName == "Hampshire")
        // A made-up mismatch is flagged.
        var shifted = rows
        if let at = shifted.firstIndex(where: { $0.level == .la && $0.year == 2018 && $0.id == "936" }) {
            shifted[at].subjects.read.progress = 0.6
        }
        #expect(
            countyComparison(shifted, sigma: sigma).first { $0.year == 2018 && $0.la == "936" && $0.subject == .read }?
                .differs == true)
        let pooledRows = pooledLAResults(rows, sigma: sigma)
        #expect(pooledRows.count == 6 && pooledRows.allSatisfy { $0.level == .la && $0.source == .computed })
    }

    @Test("a small Surrey cohort 2017→2018, against numbers worked out by hand")
    func surreyCohort() throws {
        let rows = try readDfE("ks2final-2017-936.csv", year: 2017) + readDfE("ks2final-2018-936.csv", year: 2018)
        let cohort = ProjectCohort(
            name: "Surrey pilot", baselineYear: 2017, outcomeYear: 2018,
            urns: ["142999", "125019", "125040", "132758", "999999"])
        let (impacts, schools) = projectImpact(cohorts: [cohort], results: rows)
        #expect(impacts.map(\.subject) == ["read", "writ", "mat", "rwm"])
        let read = impacts[0]
        // Reading progress 2017 → 2018 (TELIG, COV → n half up):
        //   Eastwick Junior 142999  −1.6 (94, 98% → 92)  → −0.1 (94, 97% → 91)   change 1.5
        //   Oakfield Junior 125019  −0.6 (58, 95% → 55)  →  2.6 (62, 94% → 58)   change 3.2
        //   Pirbright Village 125040 1.5 (59, 98% → 58)  →  2.5 (57, 96% → 55)   change 1.0
        //   Guildford Grove 132758: no 2018 row; 999999: in no file.
        // Means: baseline −0.7/3 = −0.233333, outcome 5.0/3 = 1.666667, change 5.7/3 = 1.9.
        // sd of changes: deviations −0.4, 1.3, −0.9 → Σ² 2.66 / 2 = 1.33 → sd 1.1532563;
        // 1.9 ± 4.3026527 × 1.1532563/√3 = 1.9 ± 2.8648474 → (−0.9648474, 4.7648474).
        #expect(read.schools == 3 && read.schoolsMissing == 2)
        #expect(abs(try #require(read.baselineMean) - -0.7 / 3) < 1e-9)
        #expect(abs(try #require(read.outcomeMean) - 5.0 / 3) < 1e-9)
        #expect(abs(try #require(read.change) - 1.9) < 1e-9)
        #expect(abs(try #require(read.changeLower) - -0.9648474) < 1e-6)
        #expect(abs(try #require(read.changeUpper) - 4.7648474) < 1e-6)
        // Pupil-pooled: (92·−1.6 + 55·−0.6 + 58·1.5)/205 = −93.2/205; (91·−0.1 + 58·2.6 + 55·2.5)/204 = 279.2/204.
        #expect(abs(try #require(read.baselinePooled) - -93.2 / 205) < 1e-9)
        #expect(abs(try #require(read.outcomePooled) - 279.2 / 204) < 1e-9)
        // Reading expected standard, pooled by TELIG over the three schools with both years:
        // (73·94 + 79·58 + 86·59)/211 = 16518/211; (85·94 + 92·62 + 81·57)/213 = 18311/213.
        #expect(abs(try #require(read.baselinePctExp) - 16518.0 / 211) < 1e-9)
        #expect(abs(try #require(read.outcomePctExp) - 18311.0 / 213) < 1e-9)
        // Comparison group: the other 200 Surrey schools with reading both years (too many by hand;
        // computed with numpy/scipy from the same files): mean change −0.214, 95% t (−0.468576, 0.040576);
        // DiD 1.9 − (−0.214) = 2.114, Welch df 2.1532 → (−0.614022, 4.842022).
        #expect(read.comparisonSchools == 200)
        #expect(abs(try #require(read.comparisonChange) - -0.214) < 1e-9)
        #expect(abs(try #require(read.comparisonLower) - -0.46857609) < 1e-6)
        #expect(abs(try #require(read.comparisonUpper) - 0.04057609) < 1e-6)
        #expect(abs(try #require(read.did) - 2.114) < 1e-9)
        #expect(abs(try #require(read.didLower) - -0.61402233) < 1e-6)
        #expect(abs(try #require(read.didUpper) - 4.84202233) < 1e-6)
        // Writing: changes −0.9, −0.1, −1.6 → mean −0.866667; DiD −0.776667 (−2.400496, 0.847162).
        #expect(abs(try #require(impacts[1].change) - -2.6 / 3) < 1e-9)
        #expect(abs(try #require(impacts[1].didLower) - -2.40049582) < 1e-6)
        // rwm: PTRWM_EXP 64/74/76% (94/58/59) → 14792/211; 68/84/75% (94/62/57) → 15875/213.
        let rwm = impacts[3]
        #expect(rwm.schools == 3 && rwm.schoolsMissing == 2 && rwm.change == nil && rwm.did == nil)
        #expect(abs(try #require(rwm.baselinePctExp) - 14792.0 / 211) < 1e-9)
        #expect(abs(try #require(rwm.outcomePctExp) - 15875.0 / 213) < 1e-9)
        // Every school listed, with its reason when missing.
        #expect(schools.map(\.urn) == ["142999", "125019", "125040", "132758", "999999"])
        #expect(schools[0].missingReason.isEmpty && schools[0].baseline.read == -1.6 && schools[0].outcome.read == -0.1)
        #expect(schools[3].missingReason == "no 2018 row in the tables" && schools[3].baseline.read == -2.1)
        #expect(schools[4].missingReason == "URN 999999 is in no results file")
    }

    @Test("the illustrative Hampshire cohort: a SUPP school is listed, not dropped")
    func hampshireCohort() throws {
        let rows = try readDfE("ks2final-2017-850.csv", year: 2017) + readDfE("ks2final-2018-850.csv", year: 2018)
        let urns = ["115854", "116269", "115852", "115853", "116014", "116038", "135887", "116321"]
        let cohort = ProjectCohort(name: "Andover illustrative", baselineYear: 2017, outcomeYear: 2018, urns: urns)
        let (impacts, schools) = projectImpact(cohorts: [cohort], results: rows)
        #expect(impacts.count == 4 && impacts[0].schools == 7 && impacts[0].schoolsMissing == 1)
        let vernham = try #require(schools.first { $0.urn == "116321" })
        #expect(
            vernham.missingReason
                == "reading progress SUPP in 2018; writing progress SUPP in 2018; maths progress SUPP in 2018; no RWM attainment in 2018"
        )
        // The comparison group excludes the cohort: every other Hampshire school with both years.
        #expect(impacts[0].comparisonSchools > 250 && impacts[0].did != nil)
        // The same school in two cohorts is in neither comparison group.
        let second = ProjectCohort(name: "second", baselineYear: 2017, outcomeYear: 2018, urns: ["115851"])
        let both = projectImpact(cohorts: [cohort, second], results: rows).impacts
        #expect(both[0].comparisonSchools == impacts[0].comparisonSchools - 1)
    }
}
