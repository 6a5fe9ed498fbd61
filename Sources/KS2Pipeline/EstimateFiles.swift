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

    func columns(_ t: DelimitedText, _ names: [String]) throws -> [Int] {
        let header = t.header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        return try names.map { n in
            guard let i = header.firstIndex(of: n) else {
                throw PipelineError.input(
                    InputError(
                        file: t.file, line: 1, column: 1,
                        message: "missing column \(n): expected \(names.joined(separator: ","))"))
            }
            return i
        }
    }
    func number(_ t: DelimitedText, _ r: Int, _ c: Int, _ name: String) throws -> Double? {
        let s = t.rows[r][c].trimmingCharacters(in: .whitespaces)
        if s.isEmpty { return nil }
        guard let v = Double(s) else {
            throw PipelineError.input(
                InputError(
                    file: t.file, line: t.lines[r], column: c + 1,
                    message: "\(name) \"\(s)\": expected a number"))
        }
        return v
    }
    let ec = try columns(est, ["year", "subject", "pag", "lower", "upper", "pupils", "estimate", "sd", "cap"])
    var pags: [[PAGEstimate]] = [[], [], []]
    for r in est.rows.indices {
        guard let y = try number(est, r, ec[0], "year"), Int(y) == year else { continue }
        let subj = est.rows[r][ec[1]].trimmingCharacters(in: .whitespaces).lowercased()
        guard let s = Subject.allCases.first(where: { $0.name == subj }) else {
            throw PipelineError.input(
                InputError(
                    file: est.file, line: est.lines[r], column: ec[1] + 1,
                    message: "subject \"\(subj)\": expected read, writ or mat"))
        }
        guard let pag = try number(est, r, ec[2], "pag"), let lower = try number(est, r, ec[3], "lower") else {
            throw PipelineError.input(
                InputError(
                    file: est.file, line: est.lines[r], column: ec[2] + 1,
                    message: "expected a PAG number and its lower bound"))
        }
        pags[s.rawValue].append(
            PAGEstimate(
                pag: Int(pag), lower: lower, upper: try number(est, r, ec[4], "upper"),
                pupils: Int(try number(est, r, ec[5], "pupils") ?? 0), estimate: try number(est, r, ec[6], "estimate"),
                sd: try number(est, r, ec[7], "sd"), cap: try number(est, r, ec[8], "cap")))
    }
    for s in Subject.allCases {
        pags[s.rawValue].sort { $0.pag < $1.pag }
        guard !pags[s.rawValue].isEmpty else {
            throw PipelineError.invalid("\(estimatesPath): no \(s.name) estimates for \(year)")
        }
        guard pags[s.rawValue].map(\.lower) == pags[0].map(\.lower) else {
            throw PipelineError.invalid("\(estimatesPath): the PAG intervals differ between subjects in \(year)")
        }
    }
    let nc = try columns(nat, ["year", "subject", "pupils", "sd", "cap_z", "p10", "p90"])
    // added later at the end of the columns: an older national.csv without it still reads (its gaps are empty)
    let otherColumn = nat.header.firstIndex { $0.trimmingCharacters(in: .whitespaces).lowercased() == "other_progress" }
    var national: [NationalFigures?] = [nil, nil, nil]
    for r in nat.rows.indices {
        guard let y = try number(nat, r, nc[0], "year"), Int(y) == year else { continue }
        let subj = nat.rows[r][nc[1]].trimmingCharacters(in: .whitespaces).lowercased()
        guard let s = Subject.allCases.first(where: { $0.name == subj }) else { continue }
        national[s.rawValue] = NationalFigures(
            subject: s, pupils: Int(try number(nat, r, nc[2], "pupils") ?? 0), sd: try number(nat, r, nc[3], "sd"),
            capZ: try number(nat, r, nc[4], "cap_z"), p10: try number(nat, r, nc[5], "p10"),
            p90: try number(nat, r, nc[6], "p90"),
            otherProgress: try otherColumn.flatMap { try number(nat, r, $0, "other_progress") })
    }
    let complete = try national.enumerated().map { (k, v) -> NationalFigures in
        guard let v else {
            throw PipelineError.invalid("\(nationalPath): no \(Subject(rawValue: k)!.name) row for \(year)")
        }
        return v
    }
    return EstimateTable(
        year: year, pags: pags, national: complete, englandAttainment: try readEnglandAttainment(nat, year: year))
}
