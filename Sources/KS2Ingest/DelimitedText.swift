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

    public init(file: String, header: [String], rows: [[String]], lines: [Int]) {
        self.file = file; self.header = header; self.rows = rows; self.lines = lines
    }

    /// Reads `path`; throws on an empty file or an unterminated quote. A header with no rows
    /// gives no rows (the caller decides whether that is a fault).
    public static func readText(path: String) throws(InputError) -> DelimitedText {
        let file = try DelimitedFile(path: path)
        return try read(file)
    }

    /// Reads every row of an opened file as strings.
    public static func read(_ file: DelimitedFile) throws(InputError) -> DelimitedText {
        struct Rows { var rows: [[String]] = []; var lines: [Int] = [] }
        let chunks = try file.scanRecords(threads: 1, makeState: { _ in Rows() }) { state, record in
            state.rows.append((0..<record.count).map { record.string($0) })
            state.lines.append(record.line)
        }
        return DelimitedText(file: file.path, header: file.header, rows: chunks.flatMap(\.rows),
                             lines: chunks.flatMap(\.lines))
    }

    /// Index of the column whose header matches `name` case-insensitively after trimming, or nil.
    public func column(_ name: String) -> Int? {
        let key = Columns.normalize(name)
        return header.firstIndex { Columns.normalize($0) == key }
    }
}
