// STAND-IN — REPLACED AT MERGE by the real byte-level reader (another helper's `DelimitedText`).
// Same shape and entry point only; good enough for the DfE tables and cohorts.csv used here.
import Foundation
import KS2Core

/// A delimited text file read whole: header, data rows and the physical line each row starts on.
public struct DelimitedText {
    public var file: String
    public var header: [String]
    public var rows: [[String]]
    public var lines: [Int]

    /// Reads a CSV/TSV file (BOM, Windows-1252 fallback, CRLF, delimiter detection, RFC 4180 quotes).
    public static func readText(path: String) throws -> DelimitedText {
        let file = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: file, line: 0, column: 0, message: "cannot read the file")
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let text: String
        if let utf8 = String(validating: bytes, as: UTF8.self) {
            text = utf8
        } else {
            text = String(decoding: bytes.map { windows1252Scalar($0) }.flatMap { String($0).utf8 }, as: UTF8.self)
        }
        let scalars = Array(text.unicodeScalars)
        // Delimiter: the most frequent of , \t ; on the header line outside quotes (ties: comma).
        var counts: [Unicode.Scalar: Int] = [",": 0, "\t": 0, ";": 0]
        var inQuote = false
        for s in scalars {
            if s == "\"" { inQuote.toggle() } else if !inQuote {
                if s == "\n" || s == "\r" { break }
                if counts[s] != nil { counts[s, default: 0] += 1 }
            }
        }
        var delimiter: Unicode.Scalar = ","
        for d in ["\t", ";"] as [Unicode.Scalar] where counts[d, default: 0] > counts[delimiter, default: 0] { delimiter = d }

        var records: [[String]] = []
        var recordLines: [Int] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var line = 1
        var recordLine = 1
        var quoted = false
        var i = 0
        func endRecord() {
            fields.append(String(field)); field = String.UnicodeScalarView()
            let blank = fields.allSatisfy { $0.allSatisfy { $0 == " " || $0 == "\t" } }
            if !blank { records.append(fields); recordLines.append(recordLine) }
            fields = []
        }
        while i < scalars.count {
            let s = scalars[i]
            if quoted {
                if s == "\"" {
                    if i + 1 < scalars.count && scalars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false }
                } else {
                    if s == "\n" { line += 1 }
                    field.append(s)
                }
            } else if s == "\"" {
                quoted = true
            } else if s == delimiter {
                fields.append(String(field)); field = String.UnicodeScalarView()
            } else if s == "\r" || s == "\n" {
                if s == "\r" && i + 1 < scalars.count && scalars[i + 1] == "\n" { i += 1 }
                endRecord()
                line += 1
                recordLine = line
            } else {
                field.append(s)
            }
            i += 1
        }
        if quoted {
            throw InputError(file: file, line: recordLine, column: 1, message: "unterminated quote")
        }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        guard let header = records.first else {
            throw InputError(file: file, line: 1, column: 1, message: "empty file")
        }
        return DelimitedText(file: file, header: header.map { String($0.trimmedWhitespaceStub()) },
                             rows: Array(records.dropFirst()), lines: Array(recordLines.dropFirst()))
    }

    private static func windows1252Scalar(_ b: UInt8) -> Character {
        let high: [UInt32] = [0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030,
                              0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C,
                              0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,
                              0x017E, 0x0178]
        let v: UInt32 = (b >= 0x80 && b < 0xA0) ? high[Int(b - 0x80)] : UInt32(b)
        return Character(Unicode.Scalar(v) ?? " ")
    }
}

extension String {
    fileprivate func trimmedWhitespaceStub() -> Substring {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
