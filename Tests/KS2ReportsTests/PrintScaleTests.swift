import Foundation
import TestSupport
import Testing

@testable import KS2Reports

/// Wide tables print legibly (issue 16): one page wide only when that keeps 11 pt text at 8 pt or more.
@Suite struct PrintScaleTests {
    @Test func onePageWideScaleFromColumnWidths() {
        // one column of width 10: 10 × 7 + 5 = 75 px = 56.25 pt, 62.4375 pt in LibreOffice (× 1.11);
        // the page is (11.69 − 0.8) × 72 = 784.08 pt
        #expect(abs(onePageWideScale([10]) - 784.08 / 62.4375) < 1e-9)
        // twenty columns of 7.5 (57 px each, the .5 px dropped) and two of 16 (117 px): 1374 px = 1030.5 pt,
        // 1143.855 pt in LibreOffice: 68.5%, under 8 pt
        let wide = onePageWideScale([16, 16] + Array(repeating: 7.5, count: 20))
        #expect(abs(wide - 784.08 / 1143.855) < 1e-9)
        #expect(wide < minimumLegibleScale)
        // the cohorts table's widths: 12, 13, nineteen of 7 and one of 9: 89 + 96 + 1026 + 68 = 1279 px
        let cohorts = onePageWideScale([12, 13] + Array(repeating: 7, count: 19) + [9])
        #expect(abs(cohorts - 784.08 / (1279 * 0.75 * 1.11)) < 1e-9)
        #expect(cohorts >= minimumLegibleScale)
        #expect(abs(minimumLegibleScale * 11 - 8) < 1e-12)
    }

    @Test func tooWideTablePrintsAcrossPagesWithItsNamesRepeated() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/wide.xlsx"
        let book = try Workbook(path: path)
        let narrow = try book.addWorksheet("Narrow")
        let wide = try book.addWorksheet("Wide")
        // 10 columns of 10 (750 px = 562.5 pt) fit; 30 of 10 (1687.5 pt) would print at 46%, 5 pt
        try narrow.printTable(
            columnWidths: Array(repeating: 10, count: 10), repeatRows: 0...1, repeatColumns: 0...2)
        try wide.printTable(
            columnWidths: Array(repeating: 10, count: 30), repeatRows: 0...1, repeatColumns: 0...2)
        for sheet in [narrow, wide] { try sheet.write(0, 0, "x") }
        try book.close()
        let narrowXML = try unzipText(path, "xl/worksheets/sheet1.xml")
        #expect(narrowXML.contains("<pageSetUpPr fitToPage=\"1\"/>"))
        #expect(!narrowXML.contains("scale="))
        let wideXML = try unzipText(path, "xl/worksheets/sheet2.xml")
        #expect(!wideXML.contains("fitToPage"))
        #expect(wideXML.contains("scale=\"73\""))
        let workbook = try unzipText(path, "xl/workbook.xml")
        #expect(workbook.contains("localSheetId=\"1\">Wide!$A:$C,Wide!$1:$2</definedName>"))
        #expect(workbook.contains("localSheetId=\"0\">Narrow!$1:$2</definedName>"))
    }
}

/// Chart axes on round steps, so that their ticks fall on 0 (the national average) and round numbers.
@Suite struct RoundAxisTests {
    @Test(arguments: [
        // (low, high) → (min, max, unit): span 8 → steps of 2; span 40 → 10; span 3 → 0.5; span 0.7 → 0.2
        (-4.5, 3.5, -6.0, 4.0, 2.0), (-27, 13, -30, 20, 10), (-1, 2, -1, 2, 0.5), (0.2, 0.9, 0.2, 1.0, 0.2),
    ])
    func roundSteps(low: Double, high: Double, min: Double, max: Double, unit: Double) {
        let axis = RoundAxis(low, high)
        #expect(abs(axis.unit - unit) < 1e-12)
        #expect(abs(axis.min - min) < 1e-9 && abs(axis.max - max) < 1e-9)
    }
}
