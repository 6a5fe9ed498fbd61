import KS2Core
import KS2Ingest

// What a run says about its inputs beyond the rows it rejects: a file with nothing usable (an
// error), and the columns a pupil file leaves unread or lacks (notes, on the console and in run.json).

/// Why a run stops when an input file gave it nothing to measure: every row rejected, counted by
/// reason, with the first reject shown, since a failed run writes no rejects.csv (`listing` says
/// how the whole list can be had, when a command gives it). A run never writes empty tables and
/// exits 0 over such a file.
func nothingAccepted(
    path: String, read: Int, rows: String, rejects: [Reject], listing: String?,
    outcome: String = "nothing to measure"
) -> String {
    var counts: [RejectReason: Int] = [:]
    for r in rejects { counts[r.reason, default: 0] += 1 }
    let reasons = counts.sorted { ($1.value, $0.key.rawValue) < ($0.value, $1.key.rawValue) }
        .map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
    var message = "\(path): none of its \(read) \(rows) was accepted"
    if !reasons.isEmpty { message += " (\(reasons))" }
    message += ": \(outcome)"
    if let first = rejects.first {
        let detail = first.detail.isEmpty ? "" : ": \(first.detail)"
        message += "; the first, line \(first.line): \(first.reason.rawValue)\(detail)"
    }
    return listing.map { message + ". " + $0 } ?? message
}

/// run.json's account of each pupil file's header (role → file, the columns not read, and each
/// absent optional column with what stands in for it): what the console's notes say.
func columnsManifest(_ reports: [(String, ColumnReport)]) -> [String: Any] {
    var out: [String: Any] = [:]
    for (role, r) in reports {
        var absent: [String: String] = [:]
        for a in r.absent { absent[a.column] = a.meaning }
        out[role] = ["file": r.file, "not_read": r.notRead, "absent": absent] as [String: Any]
    }
    return out
}

/// Adds pupil files' header reports to run.json's `columns`, beside those already there (a
/// pipeline's years, targets and tracking stages each add theirs).
func recordColumns(_ reports: [(String, ColumnReport)], in manifest: inout RunManifest) {
    var all = manifest.extra["columns"] as? [String: Any] ?? [:]
    all.merge(columnsManifest(reports)) { _, new in new }
    manifest.extra["columns"] = all
}

/// Adds a year's KS2 schools described two ways to run.json's `schools_named_two_ways`,
/// `schools_in_two_las` and `schools_partly_special` (after any earlier year's).
func recordSchoolNotes(_ notes: SchoolNotes, in manifest: inout RunManifest) {
    func add(_ key: String, _ entries: [[String: Any]]) {
        guard !entries.isEmpty else { return }
        let earlier = manifest.extra[key] as? [[String: Any]] ?? []
        manifest.extra[key] = earlier + entries.map { $0.merging(["file": notes.file]) { a, _ in a } }
    }
    add(
        "schools_named_two_ways",
        notes.namedTwoWays.map {
            [
                "school": $0.school, "used": $0.used, "used_line": $0.usedLine, "other": $0.other,
                "other_line": $0.otherLine,
            ]
        })
    add(
        "schools_in_two_las",
        notes.inTwoLAs.map { ["school": $0.school, "used": $0.used, "other": $0.other, "other_line": $0.otherLine] })
    add(
        "schools_partly_special",
        notes.partlySpecial.map {
            ["school": $0.school, "special_line": $0.specialLine, "mainstream_line": $0.mainstreamLine]
        })
}
