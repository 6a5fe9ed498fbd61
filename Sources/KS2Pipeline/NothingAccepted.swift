import KS2Core

/// Why a run stops when an input file gave it nothing to measure: every row rejected, counted by
/// reason, with the first reject shown, since a failed run writes no rejects.csv (`listing` says
/// how the whole list can be had, when a command gives it). A run never writes empty tables and
/// exits 0 over such a file.
func nothingAccepted(
    path: String, rows: String, account: FileAccount, rejects: [Reject], listing: String?,
    outcome: String = "nothing to measure"
) -> String {
    let reasons = account.rejectedByReason.sorted { ($1.value, $0.key.rawValue) < ($0.value, $1.key.rawValue) }
        .map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
    var message = "\(path): none of its \(account.read) \(rows) was accepted"
    if !reasons.isEmpty { message += " (\(reasons))" }
    message += ": \(outcome)"
    if let first = rejects.first {
        let detail = first.detail.isEmpty ? "" : ": \(first.detail)"
        message += "; the first, line \(first.line): \(first.reason.rawValue)\(detail)"
    }
    return listing.map { message + ". " + $0 } ?? message
}
