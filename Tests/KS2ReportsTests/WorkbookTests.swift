import Foundation
import KS2Core
import TestSupport
import Testing

@testable import KS2Reports

func occurrences(of needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

func temporaryDirectory() throws -> String {
    try temporaryFolder("ks2xlsx").path
}

func school(
    _ id: String, _ name: String, year: Int = 2019, read: Double? = 1.25, mat: Double? = -0.37,
    band: Int? = 3, status: ResultStatus = .ok
) -> SchoolResult {
    var r = SchoolResult(year: year, level: .school, id: id, name: name, la: "201", eligible: 30, ks1APS: 16.2)
    r[.read] = SubjectResult(
        n: 29, coverage: 96.7, progress: read, lower: read.map { $0 - 2 }, upper: read.map { $0 + 2 },
        status: status, band: band)
    r[.writ] = SubjectResult(n: 4, coverage: 100, progress: 2.0, lower: -3, upper: 7, status: .supp)
    r[.mat] = SubjectResult(
        n: 29, coverage: 96.7, progress: mat, lower: mat.map { $0 - 2 }, upper: mat.map { $0 + 2 },
        status: .ok, band: 1)
    r[.pctRwmExp] = 64.5
    r[.readAvg] = 104.25
    return r
}

func impactData() -> ImpactWorkbookData {
    let c1 = CohortImpact(
        cohort: "C1", subject: "mat", baselineYear: 2017, outcomeYear: 2019, schools: 8,
        schoolsMissing: 1, baselineMean: -0.97, outcomeMean: -0.37, change: 0.6,
        changeLower: 0.21, changeUpper: 0.99, comparisonSchools: 40, comparisonChange: 0.1,
        comparisonLower: -0.2, comparisonUpper: 0.4, did: 0.5, didLower: 0.05, didUpper: 0.95)
    let c2 = CohortImpact(
        cohort: "C1", subject: "read", baselineYear: 2017, outcomeYear: 2019, schools: 8,
        baselineMean: 0.4, outcomeMean: -0.1, change: -0.5, changeLower: -1.2, changeUpper: 0.2)
    let c3 = CohortImpact(
        cohort: "C1", subject: "writ", baselineYear: 2017, outcomeYear: 2019, schools: 0,
        schoolsMissing: 9)
    let c4 = CohortImpact(
        cohort: "C1", subject: "rwm", baselineYear: 2017, outcomeYear: 2019, schools: 7,
        baselinePctExp: 55.0, outcomePctExp: 61.25)
    let schools = [
        school("100001", "=HYPERLINK(\"http://x\")", year: 2019), school("100002", "Oak Primary", year: 2019),
        school("100001", "=HYPERLINK(\"http://x\")", year: 2017, band: 5),
    ]
    var la = SchoolResult(year: 2019, level: .la, id: "201", name: "City of London", la: "201")
    la[.mat] = SubjectResult(n: 900, progress: 0.12, lower: -0.2, upper: 0.44, status: .ok, band: 3)
    let cs = [
        CohortSchool(
            cohort: "C1", urn: "100001", name: "=HYPERLINK(\"http://x\")", la: "201",
            baseline: PerSubject(read: 0.4, writ: nil, mat: -1.0),
            outcome: PerSubject(read: 0.1, writ: nil, mat: -0.5)),
        CohortSchool(cohort: "C1", urn: "100003", name: "Gone School", la: "201", missingReason: "no 2019 row"),
    ]
    return ImpactWorkbookData(impacts: [c1, c2, c3, c4], cohortSchools: cs, comparison: [la], schools: schools)
}

func pupil(_ upn: String, _ forename: String, _ surname: String, read: Double?, mat: Double?) -> PupilReportRow {
    PupilReportRow(
        upn: upn, forename: forename, surname: surname, ks1APS: 15.5, pag: 14,
        score: PerSubject(read: 103, writ: nil, mat: 99),
        source: PerSubject(read: "scaled", writ: "ta", mat: "scaled"),
        estimate: PerSubject(read: 101.5, writ: 100.2, mat: 102.25),
        progress: PerSubject(read: read, writ: nil, mat: mat),
        capped: PerSubject(read: false, writ: nil, mat: true),
        excluded: PerSubject(read: "", writ: "HNM", mat: ""))
}

@Suite struct WorkbookTests {
    @Test func impactSentencesSayWhatHappened() {
        let d = impactData()
        #expect(
            impactSentence(d.impacts[0]) == "Cohort C1, maths: progress rose from \u{2212}0.97 to \u{2212}0.37 "
                + "(+0.60, 95% CI +0.21 to +0.99), 2017 to 2019, 8 schools; comparison schools +0.10; difference +0.50 "
                + "(95% CI +0.05 to +0.95), a significant gain over comparison schools.")
        #expect(
            impactSentence(d.impacts[1]) == "Cohort C1, reading: progress fell from 0.40 to \u{2212}0.10 "
                + "(\u{2212}0.50, 95% CI \u{2212}1.20 to +0.20), 2017 to 2019, 8 schools; not enough comparison "
                + "schools with both years.")
        #expect(
            impactSentence(d.impacts[2]) == "Cohort C1, writing: not enough schools with both years "
                + "(2017 to 2019) (9 missing).")
        #expect(
            impactSentence(d.impacts[3]) == "Cohort C1, reading, writing and maths combined: pupils reaching "
                + "the expected standard rose from 55.0% to 61.3% (+6.3 percentage points), 2017 to 2019, over 7 "
                + "schools with attainment in both years.")
    }

    @Test func impactWorkbookHasSheetsTablesAndCharts() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/impact.xlsx"
        try writeImpactWorkbook(impactData(), to: path)
        let workbook = try unzipText(path, "xl/workbook.xml")
        for name in [
            "Summary", "Cohorts", "Cohort schools", "County comparison", "All schools", "County charts",
            "Chart data", "Notes",
        ] {
            #expect(workbook.contains("name=\"\(name)\""), "sheet \(name)")
        }
        let strings = try unzipText(path, "xl/sharedStrings.xml")
        #expect(
            strings.contains(
                "Cohort C1, maths: progress rose from \u{2212}0.97 to \u{2212}0.37 (+0.60, 95% CI +0.21 to +0.99)"))
        #expect(strings.contains("Difference in differences"))
        #expect(strings.contains("5 well below average"))
        #expect(strings.contains("=HYPERLINK(\"http://x\")"))
        let members = try zipMembers(path)
        #expect(members.contains("xl/charts/chart1.xml"))
        #expect(members.contains("xl/charts/chart2.xml"))
        // chart 1: cohort against comparison change, floating interval bars (far bound, near bound)
        let change = try unzipText(path, "xl/charts/chart1.xml")
        #expect(change.contains("<c:barChart>") && occurrences(of: "<c:ser>", in: change) == 2)
        #expect(change.contains("C1 maths: cohort") && change.contains("C1 maths: comparison"))
        // chart 2: the cohort school's maths progress (the 2019 school 100001, -0.37 from -2.37 to +1.63)
        let schoolChart = try unzipText(path, "xl/charts/chart2.xml")
        #expect(schoolChart.contains("<c:v>1.63</c:v>") && schoolChart.contains("<c:v>-0.37</c:v>") == false)
        #expect(workbook.contains("name=\"Chart data\" sheetId=\"7\" state=\"hidden\""))
        let summary = try unzipText(path, "xl/worksheets/sheet1.xml")
        #expect(summary.contains("<oddHeader>&amp;LKS2 progress: project impact&amp;R1 January 2000</oddHeader>"))
        let summaryStrings = try unzipText(path, "xl/sharedStrings.xml")
        #expect(summaryStrings.contains("+0.05 to +0.95"))  // the DiD interval in the headline table
        let cohorts = try unzipText(path, "xl/worksheets/sheet2.xml")
        #expect(cohorts.contains("<v>-0.97</v>"))
        #expect(cohorts.contains("<v>0.6125</v>"))  // 61.25% stored as a fraction, shown as 0%
        #expect(cohorts.contains("<autoFilter ref=\"A2:V6\""))
        #expect(cohorts.contains("state=\"frozen\""))
        for sheet in 1...6 {
            let xml = try unzipText(path, "xl/worksheets/sheet\(sheet).xml")
            #expect(!xml.contains("<f>"), "sheet\(sheet) holds a formula")
        }
        let allSchools = try unzipText(path, "xl/worksheets/sheet5.xml")
        #expect(allSchools.contains("<pageSetup paperSize=\"9\" fitToHeight=\"0\" orientation=\"landscape\"/>"))
        #expect(allSchools.contains("<pageSetUpPr fitToPage=\"1\"/>"))
        #expect(workbook.contains("_xlnm.Print_Titles"))
    }

    @Test func impactWorkbookStreamsInConstantMemory() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/impact.xlsx"
        try writeImpactWorkbook(impactData(), to: path, constantMemoryAbove: 0)
        let allSchools = try unzipText(path, "xl/worksheets/sheet5.xml")
        #expect(allSchools.contains("t=\"inlineStr\""))
        #expect(
            allSchools.contains("=HYPERLINK(&quot;http://x&quot;)") || allSchools.contains("=HYPERLINK(\"http://x\")"))
        #expect(!allSchools.contains("<f>"))
        #expect(allSchools.contains("<v>-0.37</v>"))
        #expect(allSchools.contains("<col min=\"3\" max=\"3\" width=\"28.7109375\" customWidth=\"1\"/>"))
        #expect(allSchools.contains("state=\"frozen\""))
        let summary = try unzipText(path, "xl/worksheets/sheet1.xml")
        #expect(summary.contains("progress rose from \u{2212}0.97"))
    }

    func schoolData() -> SchoolWorkbookData {
        let own = school("100002", "Oak Primary")
        var la = SchoolResult(year: 2019, level: .la, id: "201", name: "City of London", la: "201")
        la[.mat] = SubjectResult(progress: 0.12, status: .ok, band: 3)
        la[.pctRwmExp] = 60
        var nat = SchoolResult(year: 2019, level: .national, id: "E92000001", name: "England")
        nat[.mat] = SubjectResult(progress: 0.03, status: .ok)
        let trend = [school("100002", "Oak Primary", year: 2018, read: -0.5, mat: 0.25), own]
        var supp = GroupResult(group: "gender", value: "F", result: own)
        supp.result[.read] = SubjectResult(n: 3, progress: 4.25, status: .supp)
        let groups = [supp, GroupResult(group: "disadvantaged", value: "Y", result: own)]
        let pupils = [
            pupil("A201200110001", "Zoe", "Adams", read: 1.5, mat: -2.75),
            pupil("B201200110002", "Amy", "Young", read: 0.5, mat: 1.0),
            pupil("C201200110003", "Ben", "adams", read: -1.25, mat: -0.5),
        ]
        var data = SchoolWorkbookData(
            school: own, localAuthority: la, national: nat, trend: trend, groups: groups,
            pupils: pupils, focusThreshold: 0)
        data.acrossYears.trends = trendRows(trend)
        return data
    }

    /// Trend rows of one school's years, oldest first, each after the first compared with the year
    /// before it (the change only when both are ok), as trends.csv has them.
    func trendRows(_ years: [SchoolResult]) -> [TrendRow] {
        var rows: [TrendRow] = []
        for s in Subject.allCases {
            for (k, r) in years.enumerated() {
                var row = TrendRow(
                    level: .school, id: r.id, name: r.name, la: r.la, subject: s, year: r.year, figures: r[s])
                if k > 0 {
                    let before = years[k - 1][s]
                    row.previousYear = years[k - 1].year
                    row.comparability = comparabilityChanges(from: years[k - 1].year, to: r.year)
                    if before.status == .ok, r[s].status == .ok, let b = before.progress, let a = r[s].progress {
                        row.change = a - b
                    }
                }
                rows.append(row)
            }
        }
        return rows
    }

    @Test func schoolWorkbookShowsItsSchoolAndOnlyItsPupils() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/school.xlsx"
        try writeSchoolWorkbook(schoolData(), to: path)
        let workbook = try unzipText(path, "xl/workbook.xml")
        for name in ["Overview", "Trend", "Groups", "Pupils", "Focus pupils"] {
            #expect(workbook.contains("name=\"\(name)\""), "sheet \(name)")
        }
        let strings = try unzipText(path, "xl/sharedStrings.xml")
        // Exactly the three pupils passed in, in surname-then-forename order (adams Ben, Adams Zoe, Young Amy).
        let upns = strings.matches(of: /[A-Z]\d{12}/).map { String($0.output) }
        #expect(upns == ["C201200110003", "A201200110001", "B201200110002"])
        #expect(
            strings.contains(
                "In 2019, progress at Oak Primary was average in reading (+1.25, 95% CI \u{2212}0.75 to "
                    + "+3.25), not published in writing (suppressed) and well above average in maths (\u{2212}0.37, 95% CI "
                    + "\u{2212}2.37 to +1.63)."))
        #expect(
            strings.contains(
                "Maths progress was well above average (\u{2212}0.37); reading average (+1.25); "
                    + "writing not published (5 or fewer pupils)."))
        #expect(strings.contains("<t>SUPP</t>"))
        #expect(strings.contains("<t>WTS</t>") == false)  // the test pupils have no writing score
        #expect(strings.contains("reading, maths"))  // Ben: below 0 in reading and maths
        #expect(workbook.contains("name=\"Notes\""))
        #expect(workbook.contains("name=\"Chart data\" sheetId=\"7\" state=\"hidden\""))
        let overview = try unzipText(path, "xl/worksheets/sheet1.xml")
        #expect(overview.contains("orientation=\"landscape\""))
        #expect(overview.contains("fitToHeight=\"1\"") || !overview.contains("fitToHeight"))
        let header = "<oddHeader>&amp;L100002 Oak Primary · KS2 progress 2019&amp;R1 January 2000</oddHeader>"
        #expect(overview.contains(header))
        #expect(overview.contains("<oddFooter>&amp;LOverview&amp;CPage &amp;P of &amp;N</oddFooter>"))
        #expect(workbook.contains("_xlnm.Print_Area"))
        let members = try zipMembers(path)
        #expect(members.contains("xl/charts/chart1.xml"))  // interval chart on the overview
        #expect(members.contains("xl/charts/chart2.xml"))  // KS1 against maths progress, on the overview
        #expect(members.contains("xl/charts/chart3.xml"))  // trend chart (2 years) with whiskers
        #expect(try unzipText(path, "xl/charts/chart3.xml").contains("<c:scatterChart>"))
        let interval = try unzipText(path, "xl/charts/chart1.xml")
        #expect(interval.contains("<c:scatterChart>"))
        // reading and maths are drawn (a zero line, two whiskers, the dots); suppressed writing is not
        #expect(occurrences(of: "<c:ser>", in: interval) == 4)
        #expect(interval.contains("Reading +1.25") && interval.contains("Maths \u{2212}0.37"))
        #expect(!interval.contains("Writing"))
        let scatter = try unzipText(path, "xl/charts/chart2.xml")
        #expect(scatter.contains("<c:scatterChart>"))
        #expect(scatter.contains("Pupils!$D$2:$D$4") || scatter.contains("'Pupils'!$D$2:$D$4"))
        let pupilsSheet = try unzipText(path, "xl/worksheets/sheet4.xml")
        #expect(pupilsSheet.contains("<v>-2.75</v>"))
        #expect(pupilsSheet.contains("<v>101.5</v>"))
        let focus = try unzipText(path, "xl/worksheets/sheet5.xml")
        #expect(occurrences(of: "<row r=", in: focus) == 1 + 2 + 1)  // header, Ben and Zoe, the note
        let groups = try unzipText(path, "xl/worksheets/sheet3.xml")
        #expect(!groups.contains("<v>4.25</v>"))  // a suppressed group shows no figure
    }

    @Test func oneYearTrendHasNoChart() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var data = schoolData()
        data.trend = [data.school]
        data.acrossYears.trends = trendRows(data.trend)
        data.pupils = []
        try writeSchoolWorkbook(data, to: dir + "/s.xlsx")
        let members = try zipMembers(dir + "/s.xlsx")
        #expect(members.filter { $0.hasPrefix("xl/charts/") } == ["xl/charts/chart1.xml"])  // the interval chart only
    }

    @Test func fullySuppressedTrendHasNoChart() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var data = schoolData()
        data.pupils = []
        for k in data.trend.indices {
            for s in Subject.allCases { data.trend[k][s] = SubjectResult(n: 4, progress: 1.5, status: .supp) }
        }
        data.acrossYears.trends = trendRows(data.trend)
        try writeSchoolWorkbook(data, to: dir + "/s.xlsx")
        let members = try zipMembers(dir + "/s.xlsx")
        #expect(members.filter { $0.hasPrefix("xl/charts/") } == ["xl/charts/chart1.xml"])  // no trend chart
        #expect(try unzipText(dir + "/s.xlsx", "xl/sharedStrings.xml").contains("every year's figures are suppressed"))
    }

    /// Distinctive figures that are suppressed wherever they occur: no cell or chart may hold them.
    @Test func suppressedFiguresAppearInNoCellOrChart() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func hidden(_ status: ResultStatus) -> SubjectResult {
            SubjectResult(
                n: status == .none ? 0 : 5, coverage: 100, progress: -7.1834, lower: -12.5317,
                upper: -1.8351, status: status)
        }
        var data = schoolData()
        data.school[.read] = hidden(.supp)
        data.school[.mat] = hidden(.none)
        data.localAuthority?[.read] = hidden(.supp)
        for k in data.trend.indices { data.trend[k][.mat] = hidden(.supp) }
        data.acrossYears.trends = trendRows(data.trend)
        data.acrossYears.threeYear = [
            ThreeYearRow(
                level: .school, id: "100002", name: "Oak Primary", la: "201", subject: .mat, years: [2017, 2018, 2019],
                n: 5, progress: -7.1834, lower: -12.5317, upper: -1.8351, status: .supp)
        ]
        data.acrossYears.gaps = [
            GapRow(
                year: 2019, level: .school, id: "100002", name: "Oak Primary", la: "201", subject: .read,
                disadvantaged: hidden(.supp), other: SubjectResult(n: 24, progress: 1.0, status: .ok),
                nationalOtherProgress: 0.5),
            // the other pupils suppressed: the within-school gap would reveal them
            GapRow(
                year: 2019, level: .school, id: "100002", name: "Oak Primary", la: "201", subject: .writ,
                disadvantaged: SubjectResult(n: 25, progress: 1.0, lower: -1, upper: 3, status: .ok),
                other: hidden(.supp), nationalOtherProgress: 0.5),
        ]
        data.groups[1].result[.writ] = hidden(.supp)
        try writeSchoolWorkbook(data, to: dir + "/school.xlsx")
        var impact = impactData()
        for k in impact.schools.indices { impact.schools[k][.mat] = hidden(.supp) }
        impact.comparison[0][.mat] = hidden(.coded("SUPP"))
        try writeImpactWorkbook(impact, to: dir + "/impact.xlsx")
        for book in ["school.xlsx", "impact.xlsx"] {
            var all = ""
            for member in try zipMembers(dir + "/" + book) where member.hasSuffix(".xml") {
                all += try unzipText(dir + "/" + book, member)
            }
            for figure in ["7.1834", "12.5317", "1.8351", "7.6834", "13.0317", "2.3351", "8.1834"] {
                #expect(!all.contains(figure), "\(book): \(figure)")
            }
            #expect(all.contains("<t>SUPP</t>"), "\(book)")
        }
    }

    @Test func libxlsxwriterErrorsBecomeSwiftErrors() throws {
        #expect {
            try writeSchoolWorkbook(schoolData(), to: "/nonexistent-ks2-dir/x.xlsx")
        } throws: { error in
            guard let e = error as? XLSXError else { return false }
            return e.code != 0 && e.message.contains("Error creating output xlsx file")
                && e.description.contains("/nonexistent-ks2-dir/x.xlsx")
        }
    }

    @Test func abandonedWorkbookLeavesNoFile() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            let book = try Workbook(path: dir + "/abandoned.xlsx")
            let sheet = try book.addWorksheet("Sheet")
            try sheet.write(0, 0, "text")
            #expect(throws: XLSXError.self) { try book.addWorksheet("bad[name]") }
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/abandoned.xlsx"))
    }

    @Test func fileNamesAreSafe() {
        #expect(schoolWorkbookFileName(urn: "100002", name: "Oak Primary") == "100002 Oak Primary.xlsx")
        #expect(
            schoolWorkbookFileName(urn: "100003", name: "St. Mary's C/E: \"Infant\"  <Junior>|*?\\ \t School\u{7}")
                == "100003 St. Mary's C E Infant Junior School.xlsx")
        let long = schoolWorkbookFileName(urn: "100004", name: String(repeating: "Long name ", count: 20))
        #expect(long.count <= 80)
        #expect(long.hasPrefix("100004 Long name Long name"))
        #expect(long == "100004 Long name Long name Long name Long name Long name Long name Long nam.xlsx")
        #expect(schoolWorkbookFileName(urn: "100005", name: "") == "100005.xlsx")
        let wide = schoolWorkbookFileName(urn: "100006", name: String(repeating: "\u{1F3EB}", count: 90))
        #expect(wide.utf8.count <= 205 && wide.hasPrefix("100006 \u{1F3EB}") && wide.hasSuffix("\u{1F3EB}.xlsx"))
    }

    @Test func manyWorkbooksInParallel() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var items: [SchoolWorkbookData] = []
        for i in 0..<5 {
            var d = schoolData()
            d.school.id = "10000\(i)"
            d.school.name = "School \(i)"
            items.append(d)
        }
        try writeSchoolWorkbooks(items, directory: dir, threads: 2)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(files == (0..<5).map { "10000\($0) School \($0).xlsx" })
        #expect(throws: XLSXError.self) {
            try writeSchoolWorkbooks(items, directory: dir + "/missing", threads: 2)
        }
    }
}

/// Writes realistic sample workbooks into $KS2_SAMPLE_DIR for looking at (e.g. via LibreOffice); off by default.
@Suite struct SampleWorkbooks {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["KS2_SAMPLE_DIR"] != nil))
    func writeSamples() throws {
        let dir = ProcessInfo.processInfo.environment["KS2_SAMPLE_DIR"] ?? "/tmp"
        var rng = SystemRandomNumberGenerator()
        func r(_ a: Double, _ b: Double) -> Double { Double.random(in: a...b, using: &rng) }
        var schools: [SchoolResult] = []
        var cohortSchools: [CohortSchool] = []
        let names = [
            "Oak Primary", "St Mary's C of E Primary School", "Hill Top Junior", "Riverside Academy",
            "Greenfield Infant and Junior", "Meadow Lane", "The Grange Primary", "Abbey Road Primary",
            "Bishop's Park", "Castle View", "Elm Tree", "Fairfield", "Holy Trinity RC", "Kingsway", "Larkrise",
        ]
        for (i, name) in names.enumerated() {
            for year in [2017, 2018, 2019] {
                var s = school(
                    "10\(1000 + i)", name, year: year, read: r(-4, 4), mat: r(-5, 5),
                    band: Int.random(in: 1...5, using: &rng), status: i == 3 ? .lowcov : .ok)
                s[.writ] = SubjectResult(
                    n: 28, coverage: 100, progress: r(-3, 3), lower: -1, upper: 1,
                    status: i == 5 ? .supp : .ok, band: i == 5 ? nil : 2)
                s[.pctRwmHigh] = r(0, 20)
                schools.append(s)
            }
            if i < 8 {
                cohortSchools.append(
                    CohortSchool(
                        cohort: i < 5 ? "C1" : "C2", urn: "10\(1000 + i)", name: name, la: "201",
                        baseline: PerSubject(read: r(-3, 3), writ: r(-3, 3), mat: r(-3, 3)),
                        outcome: i == 6
                            ? PerSubject(repeating: nil) : PerSubject(read: r(-3, 3), writ: r(-3, 3), mat: r(-3, 3)),
                        missingReason: i == 6 ? "no 2019 row" : ""))
            }
        }
        var impacts = impactData().impacts
        impacts.append(
            CohortImpact(
                cohort: "C2", subject: "mat", baselineYear: 2018, outcomeYear: 2019, schools: 2,
                baselineMean: 0.5, outcomeMean: 0.2, change: -0.3, changeLower: -2.1, changeUpper: 1.5,
                comparisonSchools: 30, comparisonChange: 0.05, did: -0.35, didLower: -1.9, didUpper: 1.2))
        var comparison: [SchoolResult] = []
        for year in [2017, 2018, 2019] {
            var la = SchoolResult(year: year, level: .la, id: "201", name: "City of London", la: "201", eligible: 2400)
            var en = SchoolResult(year: year, level: .national, id: "E92000001", name: "England", eligible: 600000)
            for s in Subject.allCases {
                la[s] = SubjectResult(n: 2300, progress: r(-1, 1), lower: -0.3, upper: 0.3, status: .ok, band: 3)
                en[s] = SubjectResult(n: 580000, progress: 0.03, lower: 0.01, upper: 0.05, status: .ok)
            }
            comparison += [la, en]
        }
        try writeImpactWorkbook(
            ImpactWorkbookData(
                impacts: impacts, cohortSchools: cohortSchools,
                comparison: comparison, schools: schools), to: dir + "/impact.xlsx")
        var data = WorkbookTests().schoolData()
        data.trend = schools.filter { $0.id == "101000" }
        data.school = data.trend.last ?? data.school
        let across = AcrossYearsWorkbookTests().data()
        data.acrossYears = across.acrossYears
        data.acrossYears.trends = WorkbookTests().trendRows(data.trend)
        try writeWhatIfWorkbooks(
            AcrossYearsWorkbookTests().whatIf("101000", "Oak Primary"), year: 2019, directory: dir, threads: 1)
        let first = ["Amy", "Ben", "Chloe", "Dev", "Ella", "Finn", "Grace", "Harry", "Isla", "Jack", "Kai", "Lily"]
        let last = ["Adams", "Brown", "Clarke", "Davies", "Evans", "Fisher", "Green", "Hughes", "Iqbal", "Jones"]
        data.pupils = (0..<28).map { i in
            var p = pupil(
                "A2012001\(10000 + i)", first[i % first.count], last[(i * 7) % last.count],
                read: r(-8, 8), mat: r(-9, 7))
            p.ks1APS = r(6, 21)
            p.progress.writ = r(-6, 6)
            return p
        }
        try writeSchoolWorkbook(
            data, to: dir + "/" + schoolWorkbookFileName(urn: data.school.id, name: data.school.name))
    }
}

@Suite struct FunnelCSVTests {
    /// formats.md: `year,urn,name,la,subject,n,progress,limit95,limit998,outside95,outside998`.
    @Test func columnsAndFlags() {
        let row = FunnelRow(
            year: 2019, urn: "100001", name: "Oak, Primary", la: "850", subject: .mat, n: 25,
            progress: 2.5, limit95: 1.96, limit998: 3.09, status: .ok)
        let text = String(decoding: funnelCSV([row]), as: UTF8.self)
        #expect(
            text == "year,urn,name,la,subject,n,progress,limit95,limit998,outside95,outside998\n"
                + "2019,100001,\"Oak, Primary\",850,mat,25,2.5,1.96,3.09,Y,N\n")
    }
}
