/// Why an input row could not be used, in the order the checks run (formats.md, "Rejects").
public enum RejectReason: String, Sendable, CaseIterable, Comparable {
    case wrongFieldCount = "wrong_field_count"
    /// A field holds NUL or another C0 control character (not tab, CR or LF).
    case badText = "bad_text"
    case invalidUPN = "invalid_upn"
    case missingSchool = "missing_school"
    case wrongYear = "wrong_year"
    case badScore = "bad_score"
    case scoreOutOfRange = "score_out_of_range"
    case unknownCode = "unknown_code"
    case duplicateRow = "duplicate_row"
    case duplicateUPN = "duplicate_upn"
    /// What-if removals: a UPN that is not an accepted pupil of the run (methodology.md §10).
    case unknownUPN = "unknown_upn"
    /// Tracking file: the window is not one of the run's windows.
    case unknownWindow = "unknown_window"
    /// Tracking file: the UPN is no accepted pupil of the current cohort.
    case unknownPupil = "unknown_pupil"
    /// Tracking file: the urn differs from the pupil's school in the current cohort.
    case wrongSchool = "wrong_school"
    /// Tracking file: the same (upn, window) on rows that differ: every copy is rejected.
    case repeatedWindow = "repeated_window"
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
        self.file = file
        self.line = line
        self.reason = reason
        self.upn = MessageText.clip(upn, limit: 80)
        self.detail = MessageText.clip(detail, limit: 300)
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
    public init(
        file: String, read: Int = 0, accepted: Int = 0, rejected: Int = 0,
        rejectedByReason: [RejectReason: Int] = [:], matched: Int? = nil, unmatched: Int? = nil
    ) {
        self.file = file
        self.read = read
        self.accepted = accepted
        self.rejected = rejected
        self.rejectedByReason = rejectedByReason
        self.matched = matched
        self.unmatched = unmatched
    }
}

/// A fault that stops the run: `file:line:column: message` (formats.md).
public struct InputError: Error, Sendable, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String
    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = MessageText.clip(message, limit: 600)
    }
    public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// Text from an input on its way into a message or rejects.csv: a 50 MB one-line file must not be
/// echoed whole, and control characters must not reach a terminal or a spreadsheet.
public enum MessageText {
    /// `text` with C0/C1 control characters (but tab) shown as `?`, cut to `limit` characters
    /// with "… (N more characters)" when longer.
    /// `total` is the length of the whole text when `text` is already a prefix of it.
    public static func clip(_ text: String, limit: Int, total whole: Int? = nil) -> String {
        var out = ""
        var kept = 0
        var total = 0
        for ch in text.unicodeScalars {
            total += 1
            if kept >= limit { continue }
            let v = ch.value
            if (v < 0x20 && v != 0x09) || (v >= 0x7F && v < 0xA0) {
                out.append("?")
            } else {
                out.unicodeScalars.append(ch)
            }
            kept += 1
        }
        total = max(total, whole ?? 0)
        if total > limit { out += "… (\(total - limit) more characters)" }
        return out
    }
}
