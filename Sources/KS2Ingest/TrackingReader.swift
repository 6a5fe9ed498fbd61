import KS2Core

/// A prediction cell that cannot be used: the reject reason and its detail.
public struct RowFault: Error, Sendable, Hashable {
    public var reason: RejectReason
    public var detail: String
}

/// A reading or maths prediction cell (formats.md "Current cohort for targets"): blank (nil), a
/// scaled score 80–120, or an outcome code (text only, no score); `bad_score` otherwise, and
/// `score_out_of_range` for an integer outside 80–120.
func testPrediction(_ cell: String, column: String) -> Result<(text: String, score: Double?)?, RowFault> {
    if cell.isEmpty { return .success(nil) }
    if let v = Int(cell) {
        guard (80...120).contains(v) else {
            return .failure(
                RowFault(
                    reason: .scoreOutOfRange,
                    detail: "\(column) \"\(cell)\": expected a scaled score 80-120"))
        }
        return .success((String(v), Double(v)))
    }
    if let code = Code(cell), code.isOutcome { return .success((code.name, nil)) }
    return .failure(
        RowFault(
            reason: .badScore,
            detail: "\(column) \"\(cell)\": expected a scaled score 80-120, "
                + "an outcome code or blank"))
}

/// A writing prediction cell: blank (nil) or a TA outcome; `unknown_code` otherwise.
func writingPrediction(_ cell: String, column: String) -> Result<Code?, RowFault> {
    if cell.isEmpty { return .success(nil) }
    guard let code = Code(cell), code.isTeacherAssessment else {
        return .failure(
            RowFault(
                reason: .unknownCode,
                detail: "\(column) \"\(cell)\": expected a writing TA outcome "
                    + "(GDS, EXS, WTS, PK1-PK6, BLW, P-scale, EM) or a code"))
    }
    return .success(code)
}

/// The predictions of one row, per subject (read, writ, mat): the text written to the outputs and
/// the score for progress (`writingScore` gives a writing TA's). A `bad_score` in any test cell comes
/// before a `score_out_of_range` in any (formats.md's order); a writing cell no TA table knows is
/// `writingFault`, left to the caller, whose other `unknown_code` checks may come first.
public struct PredictionCells: Sendable {
    public var text: PerSubject<String>
    public var score: PerSubject<Double?>
    public var writingFault: RowFault?
}

/// Reads the cells of `read_predicted`, `writ_predicted`, `mat_predicted` (nil = no such column).
public func predictionCells(_ cells: PerSubject<String?>, writingScore: (Code) -> Double?) -> Result<
    PredictionCells, RowFault
> {
    var out = PredictionCells(text: PerSubject(repeating: ""), score: PerSubject(repeating: nil), writingFault: nil)
    var outOfRange: RowFault? = nil
    for s in [Subject.read, .mat] {
        guard let cell = cells[s] else { continue }
        switch testPrediction(cell, column: s.name + "_predicted") {
        case .success(let p):
            out.text[s] = p?.text ?? ""
            out.score[s] = p?.score
        case .failure(let f) where f.reason == .scoreOutOfRange:
            if outOfRange == nil { outOfRange = f }
        case .failure(let f): return .failure(f)
        }
    }
    if let outOfRange { return .failure(outOfRange) }
    if let cell = cells.writ {
        switch writingPrediction(cell, column: "writ_predicted") {
        case .success(let code):
            if let code {
                out.text.writ = code.name
                out.score.writ = writingScore(code)
            }
        case .failure(let f): out.writingFault = f
        }
    }
    return .success(out)
}

/// The first checks of every pupil row (formats.md's order): `wrong_field_count`, `bad_text`
/// (`badText` the detail of a row holding a control character), then `invalid_upn`; the UPN when
/// all pass. `upnText` is the UPN cell trimmed and upper-cased.
public func checkedUPN(
    fieldCount: Int, headerCount: Int, badText: String? = nil,
    upnText: String
) -> Result<UPN, RowFault> {
    guard fieldCount == headerCount else {
        return .failure(
            RowFault(
                reason: .wrongFieldCount,
                detail: "expected \(headerCount) fields, found \(fieldCount)"))
    }
    if let badText { return .failure(RowFault(reason: .badText, detail: badText)) }
    guard let upn = UPN(upnText) else {
        return .failure(
            RowFault(
                reason: .invalidUPN,
                detail: upnText.isEmpty
                    ? "UPN blank: expected a check letter and 12 characters"
                    : "UPN \"\(upnText)\": expected a check letter and 12 characters "
                        + "with a right check letter"))
    }
    return .success(upn)
}

/// `checkedUPN` for row `r` of a small pupil file (current cohort, tracking): the UPN, or nil
/// after the row's reject was given to `reject`.
public func checkedUPN(
    _ text: DelimitedText, row r: Int, upnText: String, reject: (RejectReason, String) -> Void
) -> UPN? {
    switch checkedUPN(
        fieldCount: text.rows[r].count, headerCount: text.header.count, badText: text.badText[r], upnText: upnText)
    {
    case .success(let upn): return upn
    case .failure(let f):
        reject(f.reason, f.detail)
        return nil
    }
}

/// Rows sharing a key (formats.md's duplicates): when every row of a key has the same fields, the
/// first is kept and the rest are `duplicate_row`; when any differ, every row of the key is
/// `differing` with `detail(lines)`. Returns the indices dropped and their rejects.
public func duplicateRejects(
    keys: [String], fields: [[String]], lines: [Int], upns: [String], file: String,
    differing: RejectReason,
    detail: (String) -> String
) -> (dropped: Set<Int>, rejects: [Reject]) {
    var byKey: [String: [Int]] = [:]
    for (k, key) in keys.enumerated() { byKey[key, default: []].append(k) }
    var dropped = Set<Int>()
    var rejects: [Reject] = []
    for (_, ks) in byKey where ks.count > 1 {
        let identical = ks.allSatisfy { fields[$0] == fields[ks[0]] }
        let together = ks.map { String(lines[$0]) }.joined(separator: ", ")
        for (n, k) in ks.enumerated() where !identical || n > 0 {
            dropped.insert(k)
            rejects.append(
                Reject(
                    file: file, line: lines[k], upn: upns[k],
                    reason: identical ? .duplicateRow : differing,
                    detail: identical ? "copy of line \(lines[ks[0]])" : detail(together)))
        }
    }
    return (dropped, rejects)
}

/// The usable rows of a tracking file, its rejects, row accounting and warnings.
public struct TrackingFile: Sendable {
    public var records: [TrackingRecord]
    /// By line.
    public var rejects: [Reject]
    /// Rows read = accepted + rejected.
    public var account: FileAccount
    /// Columns missing and what that means (nothing silent).
    public var warnings: [String]
    /// The header's columns not read.
    public var columns: ColumnReport
}

/// Reads a tracking file (formats.md "In-year tracking"): `urn,upn,window,read_predicted,
/// writ_predicted,mat_predicted`, one row per pupil per window. `pupils` maps each accepted
/// current-cohort UPN to its URN; `windows` are the run's windows (matched case-insensitively);
/// `writingScore` gives a writing TA's points. Each row is rejected with the first reason that
/// applies: `wrong_field_count`, `invalid_upn`, `missing_school`, `unknown_window`, `bad_score`,
/// `score_out_of_range`, `unknown_code`, `unknown_pupil`, `wrong_school`, then `duplicate_row`
/// (an identical copy of an earlier row of the same pupil and window: the first is kept) or
/// `repeated_window` (rows of one pupil and window that differ: every copy is rejected).
public func readTracking(
    _ text: DelimitedText, windows: [String], pupils: [String: String],
    writingScore: (Code) -> Double?
) throws(InputError) -> TrackingFile {
    let fileName = text.file.split(separator: "/").last.map(String.init) ?? text.file
    let columns = try TrackingColumns(text, fileName: fileName)
    if text.rows.isEmpty {
        throw InputError(
            file: text.file, line: 1, column: 1,
            message: "header only: expected at least one row after the header, found none")
    }
    let windowIndex = Dictionary(
        uniqueKeysWithValues: windows.enumerated().map {
            ($0.element.lowercased(), $0.offset)
        })
    var rejects: [Reject] = []
    var accepted: [(record: TrackingRecord, fields: [String])] = []
    for (r, fields) in text.rows.enumerated() {
        let line = text.lines[r]
        let upnText = columns.upn < fields.count ? fields[columns.upn].uppercased() : ""
        let record = checkedTrackingRow(
            text, row: r, upnText: upnText, columns: columns, windows: windows, windowIndex: windowIndex,
            pupils: pupils, writingScore: writingScore
        ) { reason, detail in
            rejects.append(Reject(file: fileName, line: line, upn: upnText, reason: reason, detail: detail))
        }
        if let record { accepted.append((record, fields)) }
    }
    let duplicates = duplicateRejects(
        keys: accepted.map { "\($0.record.upn)|\($0.record.window)" },
        fields: accepted.map(\.fields), lines: accepted.map(\.record.line),
        upns: accepted.map(\.record.upn), file: fileName, differing: .repeatedWindow
    ) {
        "the same window on lines \($0) with different values"
    }
    rejects += duplicates.rejects
    let dropped = duplicates.dropped
    let records = accepted.enumerated().filter { !dropped.contains($0.offset) }.map(\.element.record)
    rejects.sort { $0.line < $1.line }
    var account = FileAccount(file: fileName, read: text.rows.count, accepted: records.count, rejected: rejects.count)
    for r in rejects { account.rejectedByReason[r.reason, default: 0] += 1 }
    let read = [columns.upn, columns.urn, columns.window] + Subject.allCases.map { columns.predicted[$0] }
    return TrackingFile(
        records: records, rejects: rejects, account: account, warnings: columns.warnings,
        columns: ColumnReport(file: fileName, header: text.header, read: read))
}

/// A tracking file's columns (found by any of their usual names) and the warnings for the subjects
/// it has no prediction column for; no UPN, URN or window column, or no prediction at all, is an error.
private struct TrackingColumns {
    let upn: Int
    let urn: Int
    let window: Int
    /// Each subject's prediction column; nil when the file has none.
    let predicted: PerSubject<Int?>
    var warnings: [String] = []

    init(_ text: DelimitedText, fileName: String) throws(InputError) {
        func column(_ aliases: [String]) -> Int? { text.column(anyOf: aliases) }
        func required(_ aliases: [String]) throws(InputError) -> Int {
            guard let i = column(aliases) else {
                throw InputError(
                    file: text.file, line: 1, column: 1,
                    message: "missing required column \"\(aliases[0])\": expected "
                        + "urn,upn,window,read_predicted,writ_predicted,mat_predicted")
            }
            return i
        }
        upn = try required(["upn", "unique pupil number", "pupil upn"])
        urn = try required(["urn", "school urn", "unique reference number"])
        window = try required(["window", "visit", "tracking window"])
        predicted = PerSubject { column(["\($0.name)_predicted"]) }
        if predicted.first(where: { $0 != nil }) == nil {
            throw InputError(
                file: text.file, line: 1, column: 1,
                message: "no prediction column: expected read_predicted, writ_predicted and mat_predicted")
        }
        for s in Subject.allCases where predicted[s] == nil {
            warnings.append("\(fileName) has no \(s.name)_predicted column: no \(s.name) predictions are tracked")
        }
    }
}

/// One tracking row's checks in formats.md's order (UPN, school, window, predictions, pupil, school
/// of the pupil); the record when all pass, else `reject` is told the first failure.
private func checkedTrackingRow(
    _ text: DelimitedText, row r: Int, upnText: String, columns: TrackingColumns, windows: [String],
    windowIndex: [String: Int], pupils: [String: String], writingScore: (Code) -> Double?,
    reject: (RejectReason, String) -> Void
) -> TrackingRecord? {
    let fields = text.rows[r]
    guard let upn = checkedUPN(text, row: r, upnText: upnText, reject: reject) else { return nil }
    let urn = fields[columns.urn]
    guard !urn.isEmpty else {
        reject(.missingSchool, "no urn: expected the school's URN")
        return nil
    }
    guard let window = windowIndex[fields[columns.window].lowercased()] else {
        reject(
            .unknownWindow,
            "window \"\(fields[columns.window])\": expected one of \(windows.joined(separator: ", "))")
        return nil
    }
    let cells: PredictionCells
    switch predictionCells(columns.predicted.map { $0.map { fields[$0] } }, writingScore: writingScore) {
    case .success(let c): cells = c
    case .failure(let f):
        reject(f.reason, f.detail)
        return nil
    }
    if let f = cells.writingFault {
        reject(f.reason, f.detail)
        return nil
    }
    let id = upn.description
    guard let cohortURN = pupils[id] else {
        reject(.unknownPupil, "UPN \(id) is no pupil of the current cohort file")
        return nil
    }
    guard cohortURN == urn else {
        reject(.wrongSchool, "urn \(urn): the current cohort file has this pupil at \(cohortURN)")
        return nil
    }
    return TrackingRecord(
        line: text.lines[r], urn: urn, upn: id, window: window, predicted: cells.text, score: cells.score)
}
