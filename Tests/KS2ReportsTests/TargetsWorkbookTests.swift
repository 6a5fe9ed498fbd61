import Foundation
import KS2Core
import TestSupport
import Testing

@testable import KS2Reports

/// All matches of a regular expression's first capture group.
private func captures(_ pattern: String, in text: String) throws -> [String] {
    let re = try NSRegularExpression(pattern: pattern)
    return re.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
        Range($0.range(at: 1), in: text).map { String(text[$0]) }
    }
}

private func row(_ upn: String, read: (Double?, String, String, Double?, String), excluded: String = "") -> TargetRow {
    var r = TargetRow(
        urn: "123456", upn: upn, ks1APS: excluded.isEmpty ? 8 : nil, pag: excluded.isEmpty ? 15 : nil,
        excluded: excluded, estimatesYear: 2023)
    r.estimate.read = read.0
    r.target.read = read.1
    r.predicted.read = read.2
    r.predictedProgress.read = read.3
    r.focus.read = read.4
    return r
}

@Suite struct TargetsWorkbookTests {
    // estimate 103.4 (target 104): 101 → −2.4 focus; 110 → +6.6; 103 → −0.4 focus; none; no KS1
    let pupils = [
        TargetWorkbookPupil(
            row: row("A000000000001", read: (103.4, "104", "110", 6.6, "N")), forename: "Ann", surname: "Able"),
        TargetWorkbookPupil(
            row: row("A000000000002", read: (103.4, "104", "101", -2.4, "Y")), forename: "Ben", surname: "Bold"),
        TargetWorkbookPupil(
            row: row("A000000000003", read: (103.4, "104", "", nil, "")), forename: "Cat", surname: "Cole"),
        TargetWorkbookPupil(
            row: row("A000000000004", read: (nil, "", "99", nil, ""), excluded: "no_ks1"), forename: "Dan",
            surname: "Dee"),
        TargetWorkbookPupil(
            row: row("A000000000005", read: (103.4, "104", "103", -0.4, "Y")), forename: "Eve", surname: "Eden"),
    ]

    @Test func subjectOrderLowestPredictedProgressFirstThenNoPredictionThenNoEstimate() {
        let order = targetsOrder(pupils, subject: .read).map(\.row.upn)
        #expect(order == ["A000000000002", "A000000000005", "A000000000001", "A000000000003", "A000000000004"])
    }

    @Test func summaryCounts() {
        let c = targetCounts(pupils, subject: .read)
        #expect(c.pupils == 5 && c.withEstimate == 4 && c.withPrediction == 3 && c.onTrack == 1 && c.focus == 2)
    }

    @Test func workbookReadBack() throws {
        let dir = try temporaryFolder("ks2targetsxlsx").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var other = pupils[0]
        other.row.urn = "654321"
        other.row.upn = "A000000000099"
        let books = [
            TargetWorkbookData(
                urn: "123456", schoolName: "Oak: Primary", estimatesYear: 2023, stretch: 2, pupils: pupils),
            TargetWorkbookData(urn: "654321", schoolName: "", estimatesYear: 2023, stretch: 2, pupils: [other]),
        ]
        try writeTargetsWorkbooks(books, directory: dir, threads: 2)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(files == ["123456 Oak Primary.xlsx", "654321.xlsx"])
        let path = dir + "/123456 Oak Primary.xlsx"

        #expect(
            try captures("<sheet name=\"([^\"]+)\"", in: try unzipText(path, "xl/workbook.xml"))
                == targetsWorkbookSheets + [targetsNotesSheet])
        let strings = try captures("<t[^>]*>([^<]*)</t>", in: try unzipText(path, "xl/sharedStrings.xml"))
        // only this school's pupils
        #expect(strings.contains("A000000000002"))
        #expect(!strings.contains("A000000000099"))
        #expect(strings.contains { $0.contains("national estimates of KS2 2023") })
        #expect(strings.contains { $0.contains("plus a stretch of 2") })

        // Reading sheet: rows 5… in the order of targetsOrder
        let reading = try unzipText(path, "xl/worksheets/sheet2.xml")
        let upnCells = try captures("<c r=\"A(?:[5-9]|1[0-9])\"(?: s=\"\\d+\")? t=\"s\"><v>(\\d+)</v>", in: reading)
        #expect(
            upnCells.compactMap { Int($0) }.map { strings[$0] }
                == ["A000000000002", "A000000000005", "A000000000001", "A000000000003", "A000000000004"])

        // the focus pupil's row (row 5) is filled with the focus colour, the on-track pupil's (row 7) is not
        let styles = try unzipText(path, "xl/styles.xml")
        let fills = try captures("(<fill>.*?</fill>)", in: try captures("<fills[^>]*>(.*)</fills>", in: styles)[0])
        let xfFills = try captures(
            "<xf [^>]*fillId=\"(\\d+)\"", in: try captures("<cellXfs[^>]*>(.*)</cellXfs>", in: styles)[0])
        func fill(ofCell ref: String) throws -> String {
            #expect(reading.contains("<c r=\"\(ref)\""))
            // a cell without a style attribute has style 0 (no fill)
            let s = try captures("<c r=\"\(ref)\" s=\"(\\d+)\"", in: reading).first.flatMap { Int($0) } ?? 0
            return fills[try #require(Int(xfFills[s]))]
        }
        #expect(try fill(ofCell: "A5").contains("FFFFC7CE"))
        #expect(try fill(ofCell: "I6").contains("FFFFC7CE"))
        #expect(try !fill(ofCell: "A7").contains("FFFFC7CE"))
        // the estimates year on every pupil row (column K)
        #expect(
            try captures("<c r=\"K(?:[5-9]|1[0-9])\"[^>]*><v>(\\d+)</v>", in: reading)
                == Array(repeating: "2023", count: 5))

        // Summary: reading 5 pupils, 4 with an estimate, 3 predicted, 1 on track, 2 focus
        let summary = try unzipText(path, "xl/worksheets/sheet1.xml")
        let readingRow = try #require(try captures("<row r=\"7\"[^>]*>(.*?)</row>", in: summary).first)
        let values = try captures("<v>([^<]*)</v>", in: readingRow).dropFirst()
        #expect(Array(values.prefix(5)) == ["5", "4", "3", "1", "2"])
        #expect(abs((Double(values.dropFirst(5).first ?? "") ?? 0) - 1.0 / 3) < 1e-12)
        #expect(values.last == "2023")
        #expect(strings.contains("no_ks1: no KS1 results"))
    }
}
