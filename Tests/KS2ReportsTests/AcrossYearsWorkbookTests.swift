import Foundation
import KS2Core
import TestSupport
import Testing

@testable import KS2Reports

/// The text of a cell (`D19`) of a worksheet's XML: its number, or its shared string; nil when empty.
func cellText(_ sheet: String, _ ref: String, strings: String) -> String? {
    guard let start = sheet.range(of: "<c r=\"\(ref)\"") else { return nil }
    let rest = sheet[start.upperBound...]
    guard let tagEnd = rest.firstIndex(of: ">"), sheet[sheet.index(before: tagEnd)] != "/" else { return nil }
    guard let end = rest.range(of: "</c>") else { return nil }
    let cell = rest[..<end.upperBound]
    guard let v = cell.firstMatch(of: /<v>([^<]*)<\/v>/) else { return nil }
    let value = String(v.output.1)
    guard cell.contains("t=\"s\""), let index = Int(value) else { return value }
    let items = strings.matches(of: /<si>(.*?)<\/si>/).map { String($0.output.1) }
    guard index < items.count else { return nil }
    return items[index].replacing(/<[^>]+>/, with: "")
}

@Suite struct AcrossYearsWorkbookTests {
    /// Oak Primary in 2019 with three years pooled (reading significantly above, writing suppressed)
    /// and the 2019 disadvantaged gaps (maths' disadvantaged pupils suppressed).
    func data() -> SchoolWorkbookData {
        var d = WorkbookTests().schoolData()
        func pooled(_ s: Subject, _ progress: Double, _ status: ResultStatus) -> ThreeYearRow {
            ThreeYearRow(
                level: .school, id: "100002", name: "Oak Primary", la: "201", subject: s, years: [2017, 2018, 2019],
                n: 87, progress: progress, lower: progress - 1.25, upper: progress + 1.25, status: status)
        }
        d.acrossYears.threeYear = [pooled(.read, 1.5, .ok), pooled(.writ, 6.4321, .supp), pooled(.mat, -0.5, .ok)]
        func gap(_ s: Subject, dis: SubjectResult) -> GapRow {
            GapRow(
                year: 2019, level: .school, id: "100002", name: "Oak Primary", la: "201", subject: s,
                disadvantaged: dis, other: SubjectResult(n: 20, progress: 0.75, status: .ok), nationalOtherProgress: 0.5
            )
        }
        d.acrossYears.gaps = [
            gap(.read, dis: SubjectResult(n: 9, progress: -0.25, lower: -2.25, upper: 1.75, status: .ok)),
            gap(.writ, dis: SubjectResult(n: 9, progress: -3.5, lower: -5.5, upper: -1.5, status: .ok)),
            gap(.mat, dis: SubjectResult(n: 4, progress: 5.4321, lower: 1.4321, upper: 9.4321, status: .supp)),
        ]
        return d
    }

    @Test func overviewShowsTheThreeYearLineAndTheGap() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/school.xlsx"
        try writeSchoolWorkbook(data(), to: path)
        let strings = try unzipText(path, "xl/sharedStrings.xml")
        let overview = try unzipText(path, "xl/worksheets/sheet1.xml")
        func cell(_ ref: String) -> String? { cellText(overview, ref, strings: strings) }
        // three-year table from row 12: header, reading, writing, maths, the comparability note
        #expect(cell("A12") == "Three-year progress 2017\u{2013}2019 (pupils pooled)")
        #expect(cell("A13") == "Reading" && cell("B13") == "87")
        #expect(cell("D13") == "1.5" && cell("E13") == "0.25" && cell("F13") == "2.75")
        #expect(cell("G13") == "significantly above")
        #expect(cell("D14") == "SUPP" && cell("E14") == nil && cell("G14") == "suppressed")
        #expect(cell("D15") == "-0.5" && cell("G15") == "not significant")
        #expect(cell("A16")?.contains("capping (extremely negative scores capped from 2018)") == true)
        // gap table from row 18: −0.25 − 0.50 = −0.75 (−2.75 to +1.25), within school −0.25 − 0.75 = −1
        #expect(cell("A18") == "Disadvantaged pupils 2019: gap to England's other pupils")
        #expect(cell("B19") == "9")
        #expect(cell("D19") == "-0.75" && cell("E19") == "-2.75" && cell("F19") == "1.25")
        #expect(cell("G19") == "not significant" && cell("H19") == "-1" && cell("I19") == "0.5")
        // writing: −3.5 − 0.5 = −4 (−6 to −2), significantly below; within school −4.25
        #expect(cell("D20") == "-4" && cell("G20") == "significantly below" && cell("H20") == "-4.25")
        #expect(cell("D21") == "SUPP" && cell("H21") == "SUPP")
        #expect(cell("A24") == "Attainment")  // the attainment table follows
        #expect(overview.contains("orientation=\"landscape\"") && overview.contains("fitToPage=\"1\""))
        var all = ""
        for member in try zipMembers(path) where member.hasSuffix(".xml") { all += try unzipText(path, member) }
        for figure in ["6.4321", "5.4321", "1.4321", "9.4321", "4.9321"] { #expect(!all.contains(figure), "\(figure)") }
    }

    @Test func overviewWithoutMeasuresAcrossYearsIsUnchanged() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/school.xlsx"
        try writeSchoolWorkbook(WorkbookTests().schoolData(), to: path)
        let strings = try unzipText(path, "xl/sharedStrings.xml")
        let overview = try unzipText(path, "xl/worksheets/sheet1.xml")
        #expect(cellText(overview, "A12", strings: strings) == "Attainment")
        #expect(!strings.contains("Three-year progress 2") && !strings.contains("Disadvantaged pupils 2"))
    }

    @Test func trendSheetShowsEachChangeWithItsComparability() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var d = data()
        d.trend = [
            school("100002", "Oak Primary", year: 2017, read: -0.5, mat: 0.25),
            school("100002", "Oak Primary", year: 2018, read: 1.25, mat: -0.75),
        ]
        d.school = d.trend[1]
        d.acrossYears.trends = WorkbookTests().trendRows(d.trend)
        let path = dir + "/school.xlsx"
        try writeSchoolWorkbook(d, to: path)
        let strings = try unzipText(path, "xl/sharedStrings.xml")
        let trend = try unzipText(path, "xl/worksheets/sheet2.xml")
        func cell(_ ref: String) -> String? { cellText(trend, ref, strings: strings) }
        // rows 3–8: reading 2017, 2018; writing 2017, 2018 (suppressed); maths 2017, 2018
        let note = "Not comparable: capping (extremely negative scores capped from 2018)"
        #expect(cell("A3") == "Reading" && cell("B3") == "2017" && cell("H3") == nil && cell("J3") == nil)
        #expect(cell("B4") == "2018" && cell("D4") == "1.25" && cell("E4") == "-0.75" && cell("F4") == "3.25")
        #expect(cell("H4") == "1.75" && cell("I4") == "2017" && cell("J4") == note)
        #expect(cell("D6") == "SUPP" && cell("H6") == "n/a" && cell("J6") == note)
        #expect(cell("H8") == "-1" && cell("J8") == note)
        // the chart: three subjects, England's 0, and a whisker per shown year (reading and maths, 2 years each)
        let chart = try unzipText(path, "xl/charts/chart3.xml")
        #expect(chart.contains("<c:scatterChart>"))
        #expect(occurrences(of: "<c:ser>", in: chart) == 3 + 1 + 4)
        #expect(occurrences(of: "<c:legendEntry>", in: chart) == 4)
    }

    func whatIf(_ urn: String, _ name: String) -> [WhatIfRow] {
        [
            WhatIfRow(
                urn: urn, name: name, subject: .read, removed: 2,
                before: SubjectResult(n: 30, progress: -1.5, lower: -3.5, upper: 0.5, status: .ok, band: 3),
                after: SubjectResult(n: 28, progress: -0.25, lower: -2.25, upper: 1.75, status: .ok, band: 3)),
            WhatIfRow(
                urn: urn, name: name, subject: .mat, removed: 2,
                before: SubjectResult(n: 7, progress: 2.5, lower: -1.5, upper: 6.5, status: .ok, band: 3),
                after: SubjectResult(n: 5, progress: 3.7654, lower: -1.2345, upper: 8.7654, status: .supp)),
        ]
    }

    @Test func whatIfWorkbookIsLabelledAndSuppressed() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rows = whatIf("100002", "Oak Primary") + whatIf("100001", "Ash Junior")
        let names = try writeWhatIfWorkbooks(rows, year: 2019, directory: dir, threads: 2)
        #expect(names == ["100001 Ash Junior what-if.xlsx", "100002 Oak Primary what-if.xlsx"])
        let path = dir + "/" + names[1]
        let workbook = try unzipText(path, "xl/workbook.xml")
        #expect(workbook.contains("name=\"What-if\"") && workbook.contains("name=\"Notes\""))
        let strings = try unzipText(path, "xl/sharedStrings.xml")
        let sheet = try unzipText(path, "xl/worksheets/sheet1.xml")
        func cell(_ ref: String) -> String? { cellText(sheet, ref, strings: strings) }
        #expect(cell("A1") == "100002 Oak Primary")
        #expect(cell("A2") == "What-if, not an official figure")
        #expect(cell("I5") == "Progress after (what-if, not an official figure)")
        #expect(sheet.contains("&amp;L100002 Oak Primary · KS2 2019 · what-if, not an official figure"))
        // reading: −1.50 → −0.25, change +1.25; maths after suppressed: SUPP, no change
        #expect(cell("A6") == "Reading" && cell("B6") == "2" && cell("D6") == "-1.5" && cell("I6") == "-0.25")
        #expect(cell("M6") == "1.25")
        #expect(cell("I7") == "SUPP" && cell("M7") == "n/a" && cell("H7") == "5")
        #expect(strings.contains("What-if, not an official figure: the school's progress recomputed"))
        var all = ""
        for member in try zipMembers(path) where member.hasSuffix(".xml") { all += try unzipText(path, member) }
        for figure in ["3.7654", "1.2345", "8.7654", "1.2654"] { #expect(!all.contains(figure), "\(figure)") }
        #expect(!all.contains("Ash Junior"))  // another school's what-if is in its own workbook
    }
}
