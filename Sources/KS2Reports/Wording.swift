import Foundation
import KS2Core

/// Words and number spellings shared by the workbooks, so every sheet says things the same way.
enum Wording {
    static let minus = "\u{2212}"

    /// `0.60` → `+0.60`, `-0.37` → `−0.37` (a real minus sign), zero after rounding → `0.00`.
    static func signed(_ value: Double, decimals: Int = 2) -> String {
        let text = magnitude(value, decimals)
        if Double(text) == 0 { return text }
        return (value < 0 ? minus : "+") + text
    }

    /// `-0.97` → `−0.97`, `0.5` → `0.50`.
    static func number(_ value: Double, decimals: Int = 2) -> String {
        let text = magnitude(value, decimals)
        if Double(text) == 0 || value >= 0 { return text }
        return minus + text
    }

    /// |value| to `decimals` places, halves rounded away from zero as a spreadsheet shows them.
    private static func magnitude(_ value: Double, _ decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        return String(format: "%.\(decimals)f", (abs(value) * scale).rounded() / scale)
    }

    /// A subject code as a reader says it.
    static func subject(_ code: String) -> String {
        switch code {
        case "read": return "reading"
        case "writ": return "writing"
        case "mat": return "maths"
        case "gps": return "grammar, punctuation and spelling"
        case "rwm": return "reading, writing and maths combined"
        default: return code
        }
    }

    static func subjectTitle(_ s: Subject) -> String {
        ["Reading", "Writing", "Maths"][s.rawValue]
    }

    /// Band 1…5 as a reader says it.
    static func band(_ band: Int) -> String {
        switch band {
        case 1: return "well above average"
        case 2: return "above average"
        case 3: return "average"
        case 4: return "below average"
        case 5: return "well below average"
        default: return "band \(band)"
        }
    }

    /// The band cell's text: `1 well above average` … so that it sorts and filters in band order.
    /// `short` drops "average" (`1 well above` … `5 well below`) for a wide table's narrow column.
    static func bandCell(_ band: Int, short: Bool = false) -> String {
        let words = Wording.band(band)
        guard short, band != 3 else { return "\(band) \(words)" }
        return "\(band) \(words.replacingOccurrences(of: " average", with: ""))"
    }

    /// Why a figure is not published, as a reader says it.
    static func status(_ status: ResultStatus) -> String {
        switch status {
        case .ok: return ""
        case .supp: return "suppressed"
        case .lowcov: return "low coverage"
        case .none: return "no pupils"
        case .coded(let c):
            switch c.uppercased() {
            case "SUPP": return "suppressed"
            case "LOWCOV": return "low coverage"
            case "NE": return "no eligible pupils"
            case "NP", "NA", "X", "Z": return "not available"
            case "SP": return "small school, suppressed"
            case "C": return "confidential"
            case "": return "missing"
            default: return c
            }
        }
    }

    /// Fill and font of a band cell: 1 and 2 green, 3 plain, 4 and 5 red.
    static func bandStyle(_ band: Int) -> CellStyle {
        var s = CellStyle(indent: true)
        switch band {
        case 1:
            s.fill = 0x00B050
            s.fontColor = 0xFFFFFF
            s.bold = true
        case 2:
            s.fill = 0xC6EFCE
            s.fontColor = 0x006100
        case 4:
            s.fill = 0xFFC7CE
            s.fontColor = 0x9C0006
        case 5:
            s.fill = 0xC00000
            s.fontColor = 0xFFFFFF
            s.bold = true
        default: break
        }
        return s
    }

    /// Attainment measure labels for the workbooks.
    static func measure(_ m: AttainmentMeasure) -> String {
        switch m {
        case .pctReadExp: return "Reading: % expected standard"
        case .pctReadHigh: return "Reading: % high standard"
        case .readAvg: return "Reading: average scaled score"
        case .pctWritExp: return "Writing: % expected standard"
        case .pctWritHigh: return "Writing: % greater depth"
        case .pctMatExp: return "Maths: % expected standard"
        case .pctMatHigh: return "Maths: % high standard"
        case .matAvg: return "Maths: average scaled score"
        case .pctGpsExp: return "GPS: % expected standard"
        case .pctGpsHigh: return "GPS: % high standard"
        case .gpsAvg: return "GPS: average scaled score"
        case .pctRwmExp: return "Reading, writing and maths: % expected standard"
        case .pctRwmHigh: return "Reading, writing and maths: % high standard"
        }
    }

    static func isPercent(_ m: AttainmentMeasure) -> Bool {
        switch m {
        case .readAvg, .matAvg, .gpsAvg: return false
        default: return true
        }
    }

    /// A group name and value from groups.csv as a reader says them.
    static func group(_ group: String, _ value: String) -> (String, String) {
        switch group {
        case "gender":
            return ("Gender", ["M": "Boys", "F": "Girls"][value.uppercased()] ?? value)
        case "disadvantaged":
            return ("Disadvantaged", ["Y": "Yes", "N": "No"][value.uppercased()] ?? value)
        case "eal":
            return ("English as an additional language", ["Y": "Yes", "N": "No"][value.uppercased()] ?? value)
        case "sen":
            return (
                "Special educational needs",
                ["N": "No SEN", "K": "SEN support", "E": "EHC plan"][value.uppercased()] ?? value
            )
        case "ks1_band":
            return (
                "KS1 prior attainment",
                ["L": "Low (APS < 12)", "M": "Middle (12–18)", "H": "High (18+)"][value.uppercased()] ?? value
            )
        default:
            return (group, value)
        }
    }
}

extension String {
    /// The text with its first letter in capitals ("maths" → "Maths").
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

extension Worksheet {
    /// One subject's progress, interval and band cells (4 columns from `col`), greyed and labelled
    /// with the reason when the figure may not be published; `shortBand` for a narrow band column.
    func writeProgress(_ row: Int, _ col: Int, _ s: SubjectResult, shortBand: Bool = false) throws {
        if isSuppressed(s.status) {
            // never shown, as the DfE does: the figure's cell says SUPP, its interval is empty
            try write(row, col, suppressedText, .suppressed)
            try blank(row, col + 1, CellStyle.plain.greyed)
            try blank(row, col + 2, CellStyle.plain.greyed)
            try write(row, col + 3, Wording.status(s.status), CellStyle(indent: true).greyed)
            return
        }
        let published = s.status == .ok
        let style = published ? CellStyle.dp2 : CellStyle.dp2.greyed
        // a published figure whose interval excludes 0 is significant: green above, red below
        var progressStyle = style
        if published, let lower = s.lower, lower > 0 {
            progressStyle.fontColor = 0x006100
            progressStyle.bold = true
        }
        if published, let upper = s.upper, upper < 0 {
            progressStyle.fontColor = 0x9C0006
            progressStyle.bold = true
        }
        try write(row, col, s.progress, progressStyle)
        try write(row, col + 1, s.lower, style)
        try write(row, col + 2, s.upper, style)
        if !published {
            try write(row, col + 3, Wording.status(s.status), CellStyle(indent: true).greyed)
        } else if let band = s.band {
            try write(row, col + 3, Wording.bandCell(band, short: shortBand), Wording.bandStyle(band))
        }
    }

    /// A comparison row's progress (LA, England): SUPP when suppressed, blank when absent.
    func writeComparison(_ row: Int, _ col: Int, _ s: SubjectResult?) throws {
        guard let s else { return try blank(row, col, .dp2) }
        if isSuppressed(s.status) { return try write(row, col, suppressedText, .suppressed) }
        try write(row, col, s.progress, .dp2)
    }

    /// A percentage given as 0–100, shown as a whole percent.
    func writePercent(_ row: Int, _ col: Int, _ value: Double?, _ style: CellStyle = .percent) throws {
        try write(row, col, value.map { $0 / 100 }, style)
    }
}
