import Foundation
import KS2Core
import KS2Ingest

/// Reads a national run's `estimates.csv` and `national.csv` for one year (formats.md), so that a
/// county or single-school run gets the same figures as the national run gave its pupils.
/// `path` is the folder holding both, or the estimates.csv file (national.csv beside it).
public func readEstimateTables(_ path: String, year: Int) throws -> EstimateTable {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
        throw PipelineError.invalid("\(path): no such estimates folder or file")
    }
    let folder = isDir.boolValue ? path : (path as NSString).deletingLastPathComponent
    let estimatesPath = isDir.boolValue ? folder + "/estimates.csv" : path
    let nationalPath = folder + "/national.csv"
    let est = try wrapInput { try DelimitedText.readText(path: estimatesPath) }
    let nat = try wrapInput { try DelimitedText.readText(path: nationalPath) }
    let pags = try readPAGEstimates(EstimateFileText(est), path: estimatesPath, year: year)
    let national = try readNationalFigures(EstimateFileText(nat), path: nationalPath, year: year)
    return EstimateTable(
        year: year, pags: pags, national: national, englandAttainment: try readEnglandAttainment(nat, year: year))
}

/// A read estimates.csv or national.csv with the two lookups both need: a column by name and a
/// number cell, each an input error naming the file, line and column when wrong.
private struct EstimateFileText {
    let table: DelimitedText
    init(_ table: DelimitedText) { self.table = table }

    /// The indices of the named columns (header matched trimmed and lowercased).
    func columns(_ names: [String]) throws -> [Int] {
        let header = table.header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        return try names.map { n in
            guard let i = header.firstIndex(of: n) else {
                throw PipelineError.input(
                    InputError(
                        file: table.file, line: 1, column: 1,
                        message: "missing column \(n): expected \(names.joined(separator: ","))"))
            }
            return i
        }
    }

    /// The number in row `r`, column `c`; nil when blank.
    func number(_ r: Int, _ c: Int, _ name: String) throws -> Double? {
        let s = table.rows[r][c].trimmingCharacters(in: .whitespaces)
        if s.isEmpty { return nil }
        guard let v = Double(s) else {
            throw PipelineError.input(
                InputError(
                    file: table.file, line: table.lines[r], column: c + 1,
                    message: "\(name) \"\(s)\": expected a number"))
        }
        return v
    }

    /// The subject named in row `r`, column `c` (trimmed, lowercased), or nil.
    func subject(_ r: Int, _ c: Int) -> (Subject?, text: String) {
        let text = table.rows[r][c].trimmingCharacters(in: .whitespaces).lowercased()
        return (Subject.allCases.first { $0.name == text }, text)
    }
}

/// estimates.csv's PAG rows of `year`, per subject in PAG order; every subject must have rows, and
/// the same PAG intervals, so that a supplied run's pupils fall into one set of groups.
private func readPAGEstimates(_ est: EstimateFileText, path: String, year: Int) throws -> PerSubject<[PAGEstimate]> {
    let ec = try est.columns(["year", "subject", "pag", "lower", "upper", "pupils", "estimate", "sd", "cap"])
    var pags = PerSubject<[PAGEstimate]>(repeating: [])
    var yearsHeld = Set<Int>()
    for r in est.table.rows.indices {
        guard let y = try est.number(r, ec[0], "year") else { continue }
        yearsHeld.insert(Int(y))
        guard Int(y) == year else { continue }
        let (subject, subjectText) = est.subject(r, ec[1])
        guard let s = subject else {
            throw PipelineError.input(
                InputError(
                    file: est.table.file, line: est.table.lines[r], column: ec[1] + 1,
                    message: "subject \"\(subjectText)\": expected read, writ or mat"))
        }
        guard let pag = try est.number(r, ec[2], "pag"), let lower = try est.number(r, ec[3], "lower") else {
            throw PipelineError.input(
                InputError(
                    file: est.table.file, line: est.table.lines[r], column: ec[2] + 1,
                    message: "expected a PAG number and its lower bound"))
        }
        pags[s].append(
            PAGEstimate(
                pag: Int(pag), lower: lower, upper: try est.number(r, ec[4], "upper"),
                pupils: Int(try est.number(r, ec[5], "pupils") ?? 0), estimate: try est.number(r, ec[6], "estimate"),
                sd: try est.number(r, ec[7], "sd"), cap: try est.number(r, ec[8], "cap")))
    }
    for s in Subject.allCases {
        pags[s].sort { $0.pag < $1.pag }
        guard !pags[s].isEmpty else {
            // estimates of another year are the likely mistake: the folder says which it holds
            let held = yearsHeld.sorted().map(String.init).joined(separator: ", ")
            let holds =
                yearsHeld.isEmpty || yearsHeld.contains(year) ? "" : " (it holds \(held); the run's year is \(year))"
            throw PipelineError.invalid("\(path): no \(s.name) estimates for \(year)\(holds)")
        }
        guard pags[s].map(\.lower) == pags.read.map(\.lower) else {
            throw PipelineError.invalid("\(path): the PAG intervals differ between subjects in \(year)")
        }
    }
    return pags
}

/// national.csv's row of `year` for each subject (a subject without one is an error).
private func readNationalFigures(_ nat: EstimateFileText, path: String, year: Int) throws -> PerSubject<NationalFigures>
{
    let nc = try nat.columns(["year", "subject", "pupils", "sd", "cap_z", "p10", "p90"])
    // added later at the end of the columns: an older national.csv without it still reads (its gaps are empty)
    let otherColumn = nat.table.header.firstIndex {
        $0.trimmingCharacters(in: .whitespaces).lowercased() == "other_progress"
    }
    var national = PerSubject<NationalFigures?>(read: nil, writ: nil, mat: nil)
    for r in nat.table.rows.indices {
        guard let y = try nat.number(r, nc[0], "year"), Int(y) == year else { continue }
        guard let s = nat.subject(r, nc[1]).0 else { continue }
        national[s] = NationalFigures(
            subject: s, pupils: Int(try nat.number(r, nc[2], "pupils") ?? 0), sd: try nat.number(r, nc[3], "sd"),
            capZ: try nat.number(r, nc[4], "cap_z"), p10: try nat.number(r, nc[5], "p10"),
            p90: try nat.number(r, nc[6], "p90"),
            otherProgress: try otherColumn.flatMap { try nat.number(r, $0, "other_progress") })
    }
    return try PerSubject { s in
        guard let figures = national[s] else { throw PipelineError.invalid("\(path): no \(s.name) row for \(year)") }
        return figures
    }
}
