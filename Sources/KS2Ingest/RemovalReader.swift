import KS2Core

/// Reads a what-if removal file (formats.md: `upn[,subject]`, a header naming the columns): each
/// row a pupil and the subject to take them out of (`read`, `writ`, `mat`; empty or `all` = every
/// subject). Rows that cannot be used are rejects with their line, never skipped.
public func readRemovals(path: String) throws -> (removals: [PupilRemoval], rejects: [Reject], columns: ColumnReport) {
    let opened = try DelimitedFile(path: path)
    let text = try DelimitedText.read(opened)
    guard let upnColumn = text.column("upn") ?? text.column("unique pupil number") else {
        throw InputError(
            file: text.file, line: 1, column: 1,
            message: "missing required column upn: expected upn and optionally subject")
    }
    if text.rows.isEmpty {
        throw InputError(
            file: text.file, line: 1, column: 1,
            message: "header only: expected at least one pupil to remove after the header, found none")
    }
    let subjectColumn = text.column("subject")
    let file = opened.name
    var removals: [PupilRemoval] = []
    var rejects: [Reject] = []
    for (r, row) in text.rows.enumerated() {
        let line = text.lines[r]
        let raw = upnColumn < row.count ? row[upnColumn].uppercased() : ""
        if row.count != text.header.count {
            rejects.append(
                Reject(
                    file: file, line: line, upn: raw, reason: .wrongFieldCount,
                    detail: "\(row.count) fields: expected \(text.header.count)"))
            continue
        }
        if let detail = text.badText[r] {
            rejects.append(Reject(file: file, line: line, upn: raw, reason: .badText, detail: detail))
            continue
        }
        guard let upn = UPN(raw) else {
            rejects.append(
                Reject(
                    file: file, line: line, upn: raw, reason: .invalidUPN,
                    detail: "upn \"\(raw)\": expected a 13-character UPN with a valid check letter"))
            continue
        }
        let subjectText = subjectColumn.map { row[$0].lowercased() } ?? ""
        let subjects: [Subject]
        switch subjectText {
        case "", "all": subjects = Subject.allCases
        case "read", "reading": subjects = [.read]
        case "writ", "writing": subjects = [.writ]
        case "mat", "maths", "mathematics": subjects = [.mat]
        default:
            rejects.append(
                Reject(
                    file: file, line: line, upn: raw, reason: .unknownCode,
                    detail: "subject \"\(subjectText)\": expected read, writ, mat, all or empty"))
            continue
        }
        removals.append(PupilRemoval(upn: upn, subjects: subjects, line: line))
    }
    return (removals, rejects, ColumnReport(file: file, header: text.header, read: [upnColumn, subjectColumn]))
}
