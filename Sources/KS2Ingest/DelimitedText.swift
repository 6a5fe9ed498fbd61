import KS2Core

/// A small delimited file as strings (published DfE tables, cohort lists), read with the same
/// decoding, delimiter, quoting and blank-line rules as the pupil files.
public struct DelimitedText: Sendable, Equatable {
    /// The path as given.
    public var file: String
    /// Header cells, trimmed and unquoted.
    public var header: [String]
    /// Data rows: cells trimmed of white space, outer quotes removed, doubled quotes collapsed;
    /// a row keeps its own field count.
    public var rows: [[String]]
    /// Physical line (1-based) where each row starts.
    public var lines: [Int]
    /// Row index → the `bad_text` detail of a row holding a control character (its cells are
    /// not to be used; readers with rejects reject it, `readText` refuses the file).
    public var badText: [Int: String]

    public init(file: String, header: [String], rows: [[String]], lines: [Int], badText: [Int: String] = [:]) {
        self.file = file
        self.header = header
        self.rows = rows
        self.lines = lines
        self.badText = badText
    }

    /// Reads `path`; throws on an empty file, an unterminated quote, or a control character in a
    /// field (a file with rejects reads with `allowBadText` and rejects such rows). A header with
    /// no rows gives no rows (the caller decides whether that is a fault).
    public static func readText(path: String, allowBadText: Bool = false) throws(InputError) -> DelimitedText {
        let file = try DelimitedFile(path: path)
        let text = try read(file)
        if !allowBadText, let first = text.badText.keys.min() {
            throw InputError(file: path, line: text.lines[first], column: 1, message: text.badText[first]!)
        }
        return text
    }

    /// Reads every row of an opened file as strings.
    public static func read(_ file: DelimitedFile) throws(InputError) -> DelimitedText {
        struct Rows {
            var rows: [[String]] = []
            var lines: [Int] = []
            var badText: [Int: String] = [:]
        }
        let addRow: (inout Rows, Record) -> Void = { state, record in
            if record.controlOffset >= 0 {
                state.badText[state.rows.count] = record.badTextDetail(header: file.header)
                state.rows.append(Array(repeating: "", count: record.count))
            } else {
                state.rows.append((0..<record.count).map { record.string($0) })
            }
            state.lines.append(record.line)
        }
        let chunks = try file.scanRecords(threads: 1, makeState: { _ in Rows() }, record: addRow)
        var badText: [Int: String] = [:]
        var offset = 0
        for chunk in chunks {
            for (row, detail) in chunk.badText { badText[offset + row] = detail }
            offset += chunk.rows.count
        }
        return DelimitedText(
            file: file.path, header: file.header, rows: chunks.flatMap(\.rows),
            lines: chunks.flatMap(\.lines), badText: badText)
    }

    /// Index of the column whose header matches `name` case-insensitively after trimming, or nil.
    public func column(_ name: String) -> Int? {
        let key = Columns.normalize(name)
        return header.firstIndex { Columns.normalize($0) == key }
    }

    /// The column of the first of `aliases` the header has (a column goes by several names in
    /// exports), or nil.
    public func column(anyOf aliases: [String]) -> Int? {
        for a in aliases { if let i = column(a) { return i } }
        return nil
    }
}
