import Foundation
import KS2Core
import KS2Ingest
import KS2Reports

/// `ks2progress validate`: read and clean only, so an analyst can fix an export before the real run.
public struct ValidateJob: Sendable {
    public var ks2: String
    public var ks1: String?
    public var year: Int?
    public var ks2Columns: [String: String] = [:]
    public var ks1Columns: [String: String] = [:]

    public init(ks2: String, ks1: String? = nil, year: Int? = nil) {
        self.ks2 = ks2
        self.ks1 = ks1
        self.year = year
    }

    @discardableResult
    public func run(_ settings: RunSettings) throws -> String {
        var job = try JobFrame(
            command: "validate", settings: settings,
            inputs: [ks2] + [ks1].compactMap { $0 })
        job.clock.begin("read")
        let ks2Result = try wrapInput {
            try readKS2(
                path: ks2, year: year,
                options: IngestOptions(columns: ks2Columns, threads: settings.threads, keepNames: false))
        }
        var rejects = ks2Result.rejects
        var accounts: [(String, FileAccount)] = [("ks2", ks2Result.account)]
        var columns: [(String, ColumnReport)] = [("ks2", ks2Result.columns)]
        if let ks1 {
            let ks1Result = try wrapInput {
                try readKS1(
                    path: ks1, options: IngestOptions(columns: ks1Columns, threads: settings.threads, keepNames: false))
            }
            let join = joinKS1(ks2Result.cohort, ks1Result, threads: settings.threads)
            rejects += ks1Result.rejects
            accounts.append(("ks1", join.account))
            columns.append(("ks1", ks1Result.columns))
        }
        job.clock.begin("write")
        try job.out.write("rejects.csv", rejectsCSV(rejects), mode: OutputFolder.pupilFileMode)
        job.manifest.inputs = [("ks2", ks2)] + (ks1.map { [("ks1", $0)] } ?? [])
        job.manifest.parameters = ["year": year.map { $0 as Any } ?? NSNull(), "threads": settings.threads]
        job.manifest.accounts = accounts
        recordColumns(columns, in: &job.manifest)
        try job.finish()
        let notes = columns.flatMap(\.1.lines).map { $0 + "\n" }.joined()
        return notes + accountSummary(accounts) + "\nrejects.csv and run.json in \(settings.outputDirectory)"
    }
}

/// Rows read, accepted and rejected by reason, per file: the summary printed after a run.
func accountSummary(_ accounts: [(String, FileAccount)]) -> String {
    var lines: [String] = []
    for (role, a) in accounts {
        var line = "\(role) \(a.file): \(a.read) rows read, \(a.accepted) accepted, \(a.rejected) rejected"
        if let m = a.matched, let u = a.unmatched { line += " (accepted: \(m) matched a KS2 pupil, \(u) did not)" }
        lines.append(line)
        for reason in RejectReason.allCases {
            if let n = a.rejectedByReason[reason], n > 0 { lines.append("  \(reason.rawValue): \(n)") }
        }
        if let w = ks1MatchWarning(a) { lines.append(w) }
    }
    return lines.joined(separator: "\n")
}

/// A warning when a KS1 file shares no pupil with the KS2 file: most likely the KS1 file of
/// another cohort, which would otherwise only show as every pupil lacking KS1.
func ks1MatchWarning(_ a: FileAccount) -> String? {
    guard let matched = a.matched, matched == 0, a.accepted > 0 else { return nil }
    return
        "warning: \(a.file): none of its \(a.accepted) accepted rows matches a KS2 pupil's UPN; expected the KS1 results of the same pupils (is it another cohort's file?)"
}
