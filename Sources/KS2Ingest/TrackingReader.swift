import KS2Core

/// A prediction cell that cannot be used: the reject reason and its detail.
public struct PredictionFault: Error, Sendable, Hashable {
    public var reason: RejectReason
    public var detail: String
}

/// A reading or maths prediction cell (formats.md "Current cohort for targets"): blank (nil), a
/// scaled score 80–120, or an outcome code (text only, no score); `bad_score` otherwise, and
/// `score_out_of_range` for an integer outside 80–120.
public func testPrediction(_ cell: String, column: String) -> Result<(text: String, score: Double?)?, PredictionFault> {
    if cell.isEmpty { return .success(nil) }
    if let v = Int(cell) {
        guard (80...120).contains(v) else {
            return .failure(PredictionFault(reason: .scoreOutOfRange,
                                            detail: "\(column) \"\(cell)\": expected a scaled score 80-120"))
        }
        return .success((String(v), Double(v)))
    }
    if let code = Code(cell), code.isOutcome { return .success((code.name, nil)) }
    return .failure(PredictionFault(reason: .badScore,
                                    detail: "\(column) \"\(cell)\": expected a scaled score 80-120, an outcome code or blank"))
}

/// A writing prediction cell: blank (nil) or a TA outcome; `unknown_code` otherwise.
public func writingPrediction(_ cell: String, column: String) -> Result<Code?, PredictionFault> {
    if cell.isEmpty { return .success(nil) }
    guard let code = Code(cell), code.isTeacherAssessment else {
        return .failure(PredictionFault(reason: .unknownCode,
                                        detail: "\(column) \"\(cell)\": expected a writing TA outcome (GDS, EXS, WTS, PK1-PK6, BLW, P-scale, EM) or a code"))
    }
    return .success(code)
}

/// Reading and maths predictions of one row, checked in formats.md's order: a `bad_score` in any
/// cell before a `score_out_of_range` in any.
public func testPredictions(_ cells: [String?]) -> Result<[(text: String, score: Double?)?], PredictionFault> {
    var out: [(text: String, score: Double?)?] = []
    var outOfRange: PredictionFault? = nil
    for (k, cell) in cells.enumerated() {
        guard let cell else { out.append(nil); continue }
        switch testPrediction(cell, column: ["read", "mat"][k] + "_predicted") {
        case .success(let p): out.append(p)
        case .failure(let f) where f.reason == .scoreOutOfRange:
            if outOfRange == nil { outOfRange = f }
            out.append(nil)
        case .failure(let f): return .failure(f)
        }
    }
    if let outOfRange { return .failure(outOfRange) }
    return .success(out)
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
}

/// Reads a tracking file (formats.md "In-year tracking"): `urn,upn,window,read_predicted,
/// writ_predicted,mat_predicted`, one row per pupil per window. `pupils` maps each accepted
/// current-cohort UPN to its URN; `windows` are the run's windows (matched case-insensitively);
/// `writingScore` gives a writing TA's points. Each row is rejected with the first reason that
/// applies: `wrong_field_count`, `invalid_upn`, `missing_school`, `unknown_window`, `bad_score`,
/// `score_out_of_range`, `unknown_code`, `unknown_pupil`, `wrong_school`, then `duplicate_row`
/// (an identical copy of an earlier row of the same pupil and window: the first is kept) or
/// `repeated_window` (rows of one pupil and window that differ: every copy is rejected).
public func readTracking(_ text: DelimitedText, windows: [String], pupils: [String: String],
                         writingScore: (Code) -> Double?) throws(InputError) -> TrackingFile {
    let fileName = text.file.split(separator: "/").last.map(String.init) ?? text.file
    func column(_ aliases: [String]) -> Int? {
        for a in aliases { if let i = text.column(a) { return i } }
        return nil
    }
    func required(_ aliases: [String]) throws(InputError) -> Int {
        guard let i = column(aliases) else {
            throw InputError(file: text.file, line: 1, column: 1,
                             message: "missing required column \"\(aliases[0])\": expected urn,upn,window,read_predicted,writ_predicted,mat_predicted")
        }
        return i
    }
    let upnC = try required(["upn", "unique pupil number", "pupil upn"])
    let urnC = try required(["urn", "school urn", "unique reference number"])
    let windowC = try required(["window", "visit", "tracking window"])
    let subjects = ["read", "writ", "mat"]
    let predC = subjects.map { column(["\($0)_predicted"]) }
    if predC.allSatisfy({ $0 == nil }) {
        throw InputError(file: text.file, line: 1, column: 1,
                         message: "no prediction column: expected read_predicted, writ_predicted and mat_predicted")
    }
    var warnings: [String] = []
    for (s, c) in predC.enumerated() where c == nil {
        warnings.append("\(fileName) has no \(subjects[s])_predicted column: no \(subjects[s]) predictions are tracked")
    }
    if text.rows.isEmpty {
        throw InputError(file: text.file, line: 1, column: 1,
                         message: "header only: expected at least one row after the header, found none")
    }
    let windowIndex = Dictionary(uniqueKeysWithValues: windows.enumerated().map { ($0.element.lowercased(), $0.offset) })

    var rejects: [Reject] = []
    var accepted: [(record: TrackingRecord, fields: [String])] = []
    for (r, fields) in text.rows.enumerated() {
        let line = text.lines[r]
        let upnText = upnC < fields.count ? fields[upnC].uppercased() : ""
        func reject(_ reason: RejectReason, _ detail: String) {
            rejects.append(Reject(file: fileName, line: line, upn: upnText, reason: reason, detail: detail))
        }
        guard fields.count == text.header.count else {
            reject(.wrongFieldCount, "expected \(text.header.count) fields, found \(fields.count)")
            continue
        }
        guard let upn = UPN(upnText) else {
            reject(.invalidUPN, "UPN \"\(upnText)\": expected a check letter and 12 characters with a right check letter")
            continue
        }
        let urn = fields[urnC]
        guard !urn.isEmpty else {
            reject(.missingSchool, "no urn: expected the school's URN")
            continue
        }
        guard let window = windowIndex[fields[windowC].lowercased()] else {
            reject(.unknownWindow, "window \"\(fields[windowC])\": expected one of \(windows.joined(separator: ", "))")
            continue
        }
        let tests: [(text: String, score: Double?)?]
        switch testPredictions([predC[0].map { fields[$0] }, predC[2].map { fields[$0] }]) {
        case .success(let p): tests = p
        case .failure(let f):
            reject(f.reason, f.detail)
            continue
        }
        var predicted = [tests[0]?.text ?? "", "", tests[1]?.text ?? ""]
        var score: [Double?] = [tests[0]?.score, nil, tests[1]?.score]
        if let c = predC[1] {
            switch writingPrediction(fields[c], column: "writ_predicted") {
            case .success(let code):
                if let code {
                    predicted[1] = code.name
                    score[1] = writingScore(code)
                }
            case .failure(let f):
                reject(f.reason, f.detail)
                continue
            }
        }
        let id = upn.description
        guard let cohortURN = pupils[id] else {
            reject(.unknownPupil, "UPN \(id) is no pupil of the current cohort file")
            continue
        }
        guard cohortURN == urn else {
            reject(.wrongSchool, "urn \(urn): the current cohort file has this pupil at \(cohortURN)")
            continue
        }
        accepted.append((TrackingRecord(line: line, urn: urn, upn: id, window: window, predicted: predicted,
                                        score: score), fields))
    }

    var byKey: [String: [Int]] = [:]
    for (k, a) in accepted.enumerated() { byKey["\(a.record.upn)|\(a.record.window)", default: []].append(k) }
    var dropped = Set<Int>()
    for (_, ks) in byKey where ks.count > 1 {
        let first = accepted[ks[0]].fields
        let identical = ks.allSatisfy { accepted[$0].fields == first }
        let lines = ks.map { String(accepted[$0].record.line) }.joined(separator: ", ")
        for (n, k) in ks.enumerated() where !identical || n > 0 {
            dropped.insert(k)
            let rec = accepted[k].record
            let detail = identical ? "copy of line \(accepted[ks[0]].record.line)"
                : "window \(windows[rec.window]) on lines \(lines) with different values"
            rejects.append(Reject(file: fileName, line: rec.line, upn: rec.upn,
                                  reason: identical ? .duplicateRow : .repeatedWindow, detail: detail))
        }
    }
    let records = accepted.enumerated().filter { !dropped.contains($0.offset) }.map(\.element.record)
    rejects.sort { $0.line < $1.line }
    var account = FileAccount(file: fileName, read: text.rows.count, accepted: records.count, rejected: rejects.count)
    for r in rejects { account.rejectedByReason[r.reason, default: 0] += 1 }
    return TrackingFile(records: records, rejects: rejects, account: account, warnings: warnings)
}
