/// Why an input row could not be used, in the order the checks run (formats.md, "Rejects").
public enum RejectReason: String, Sendable, CaseIterable, Comparable {
    case wrongFieldCount = "wrong_field_count"
    case invalidUPN = "invalid_upn"
    case missingSchool = "missing_school"
    case wrongYear = "wrong_year"
    case badScore = "bad_score"
    case scoreOutOfRange = "score_out_of_range"
    case unknownCode = "unknown_code"
    case duplicateRow = "duplicate_row"
    case duplicateUPN = "duplicate_upn"
    /// Published tables: a school row of a year whose school another kept row already gives.
    case duplicateSchool = "duplicate_school"
    /// Published tables: an LA or England row already given (by another file, or England's
    /// all-schools row when the state-funded row is there).
    case duplicateArea = "duplicate_area"
    /// Published tables (long format): a line that is no results row (a region, a breakdown or
    /// subject this tool does not report).
    case unusedRow = "unused_row"

    public static func < (a: RejectReason, b: RejectReason) -> Bool { a.order < b.order }
    var order: Int { RejectReason.allCases.firstIndex(of: self)! }
}

/// One rejected row: a line of `rejects.csv`.
public struct Reject: Sendable, Hashable {
    /// The file's base name.
    public var file: String
    public var line: Int
    /// The UPN cell trimmed and upper-cased (as found, even when invalid).
    public var upn: String
    public var reason: RejectReason
    /// What was found and what was expected, e.g. `mat_score "121": expected 80-120`.
    public var detail: String
    public init(file: String, line: Int, upn: String, reason: RejectReason, detail: String = "") {
        self.file = file; self.line = line; self.upn = upn; self.reason = reason; self.detail = detail
    }
}

/// Row accounting for one input file (run.json): read = accepted + rejected, always.
public struct FileAccount: Sendable, Hashable {
    public var file: String
    public var read: Int
    public var accepted: Int
    public var rejected: Int
    public var rejectedByReason: [RejectReason: Int]
    /// KS1 only: accepted rows whose UPN is an accepted KS2 pupil, and those that are not.
    public var matched: Int?
    public var unmatched: Int?
    public init(file: String, read: Int = 0, accepted: Int = 0, rejected: Int = 0,
                rejectedByReason: [RejectReason: Int] = [:], matched: Int? = nil, unmatched: Int? = nil) {
        self.file = file; self.read = read; self.accepted = accepted; self.rejected = rejected
        self.rejectedByReason = rejectedByReason; self.matched = matched; self.unmatched = unmatched
    }
}

/// A fault that stops the run: `file:line:column: message` (formats.md).
public struct InputError: Error, Sendable, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String
    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file; self.line = line; self.column = column; self.message = message
    }
    public var description: String { "\(file):\(line):\(column): \(message)" }
}
