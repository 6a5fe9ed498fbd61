import Foundation
import KS2Core
import TestSupport
import Testing

@testable import KS2Reports

private func captures(_ pattern: String, in text: String) throws -> [String] {
    let re = try NSRegularExpression(pattern: pattern)
    return re.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
        Range($0.range(at: 1), in: text).map { String(text[$0]) }
    }
}

/// A: reading estimate 100.5, target 101, focus; predicted 99 (behind) at oct, 102 (on track) at jan.
private func pupilA() -> TrackedPupil {
    var p = TrackedPupil(
        urn: "123456", upn: "A000000000001", subject: .read, estimate: 100.5, target: "101", windows: 2)
    p.predicted = ["99", "102"]
    p.progress = [-1.5, 1.5]
    p.onTrack = [false, true]
    p.focus = true
    p.focusWindow = 0
    return p
}

private func summary(
    _ level: TrackingLevel, _ id: String, window: Int, pupils: Int, mean: Double?,
    status: MeasureStatus
) -> TrackingSummary {
    var s = TrackingSummary(
        level: level, id: id, name: id == "project" ? "Project" : "School \(id)", subject: .read,
        window: window)
    s.pupils = pupils
    s.withEstimate = 8
    s.predictedProgress = mean
    s.lower = mean.map { $0 - 1 }
    s.upper = mean.map { $0 + 1 }
    s.status = status
    s.focus = 1
    s.focusOnTrack = window
    s.movement = window == 0 ? nil : 3
    return s
}

@Suite struct TrackingReportsTests {
    @Test func csvColumnsToTheLetter() {
        let pupils = String(decoding: trackPupilsCSV([pupilA()], windows: ["oct", "jan"]), as: UTF8.self)
        #expect(
            pupils == """
                urn,upn,subject,estimate,target,focus,oct_predicted,oct_progress,oct_on_track,jan_predicted,jan_progress,jan_on_track
                123456,A000000000001,read,100.5,101,Y,99,-1.5,N,102,1.5,Y

                """)
        let rows = [summary(.school, "123456", window: 0, pupils: 5, mean: -1.5, status: .supp)]
        let schools = String(decoding: trackSchoolsCSV(rows, windows: ["oct", "jan"]), as: UTF8.self)
        #expect(
            schools == """
                level,id,name,subject,window,pupils,predicted_progress,lower,upper,status,focus,focus_on_track,movement
                school,123456,School 123456,read,oct,5,-1.5,-2.5,-0.5,supp,1,0,

                """)
    }

    @Test func schoolWorkbookFocusPupilsSheetAndLeadWorkbook() throws {
        let dir = try temporaryFolder("ks2trackxlsx").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var row = TargetRow(urn: "123456", upn: "A000000000001", estimatesYear: 2023)
        row.estimate.read = 100.5
        row.target.read = "101"
        let rows = [
            summary(.school, "123456", window: 0, pupils: 5, mean: -1.5, status: .supp),
            summary(.school, "123456", window: 1, pupils: 7, mean: 0.25, status: .ok),
        ]
        let book = TargetWorkbookData(
            urn: "123456", schoolName: "Oak", estimatesYear: 2023, stretch: 0,
            pupils: [TargetWorkbookPupil(row: row, forename: "Ann", surname: "Able")],
            tracking: SchoolTracking(windows: ["oct", "jan"], pupils: [pupilA()], summaries: rows))
        let path = dir + "/school.xlsx"
        try writeTargetsWorkbook(book, to: path)
        #expect(
            try captures("<sheet name=\"([^\"]+)\"", in: try unzipText(path, "xl/workbook.xml"))
                == targetsWorkbookSheets + ["Focus pupils", targetsNotesSheet])
        let strings = try captures("<t[^>]*>([^<]*)</t>", in: try unzipText(path, "xl/sharedStrings.xml"))
        #expect(strings.contains("SUPP") && strings.contains("Predicted oct") && strings.contains("Able"))
        #expect(strings.contains { $0.hasPrefix("Predicted, not results") })
        // focus table: header on row 10 (5 + 2 summary rows + blank + title), A on row 11; oct behind
        // (red), jan on track (green)
        let sheet = try unzipText(path, "xl/worksheets/sheet5.xml")
        let styles = try unzipText(path, "xl/styles.xml")
        let fills = try captures("(<fill>.*?</fill>)", in: try captures("<fills[^>]*>(.*)</fills>", in: styles)[0])
        let xfFills = try captures(
            "<xf [^>]*fillId=\"(\\d+)\"", in: try captures("<cellXfs[^>]*>(.*)</cellXfs>", in: styles)[0])
        func fill(_ ref: String) throws -> String {
            let s = try #require(try captures("<c r=\"\(ref)\" s=\"(\\d+)\"", in: sheet).first.flatMap { Int($0) })
            return fills[try #require(Int(xfFills[s]))]
        }
        #expect(try fill("G11").contains("FFFFC7CE"))
        #expect(try fill("H11").contains("FFC6EFCE"))
        #expect(try captures("<c r=\"G11\"[^>]*><v>(\\d+)</v>", in: sheet) == ["99"])

        let lead = dir + "/tracking.xlsx"
        try writeTrackingWorkbook(
            TrackingWorkbookData(
                windows: ["oct", "jan"], estimatesYear: 2023, stretch: 0,
                summaries: rows + [
                    summary(
                        .project, "project", window: 0, pupils: 12,
                        mean: 0.5, status: .ok)
                ]),
            to: lead)
        #expect(
            try captures("<sheet name=\"([^\"]+)\"", in: try unzipText(lead, "xl/workbook.xml"))
                == [
                    "Summary", "Schools reading", "Schools writing", "Schools maths", "All rows", "Chart data",
                    "Notes",
                ])
        let leadStrings = try captures("<t[^>]*>([^<]*)</t>", in: try unzipText(lead, "xl/sharedStrings.xml"))
        #expect(leadStrings.contains("SUPP") && leadStrings.contains("Project (all schools)"))
        #expect(leadStrings.contains("oct: mean predicted progress") && leadStrings.contains("1 of 1"))
        // schools × windows: the school's jan mean (ok) is a number, its oct mean (supp) the text SUPP
        let schools = try unzipText(lead, "xl/worksheets/sheet2.xml")
        #expect(try captures("<c r=\"H5\"[^>]*><v>([^<]*)</v>", in: schools) == ["0.25"])
        let supp = try #require(
            try captures("<c r=\"D5\"[^>]*t=\"s\"><v>(\\d+)</v>", in: schools).first.flatMap { Int($0) })
        #expect(leadStrings[supp] == "SUPP")
        #expect(try !unzipText(lead, "xl/charts/chart1.xml").isEmpty)
    }
}
