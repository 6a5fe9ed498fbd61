import Foundation
import KS2Core
import KS2Ingest
import KS2Reports

/// `ks2progress targets`: for the pupils in school now, the KS2 score that would mean average
/// progress from their KS1 results (the estimate), a target, and focus pupils whose prediction
/// falls short (methodology.md §9, formats.md targets.csv).
public struct TargetsJob: Sendable {
    public var cohort: String
    public var estimates: String
    public var stretch: Int

    public init(cohort: String, estimates: String, stretch: Int = 0) {
        self.cohort = cohort; self.estimates = estimates; self.stretch = stretch
    }

    @discardableResult
    public func run(_ settings: RunSettings) throws -> String {
        var clock = StageClock(progress: settings.showProgress)
        let out = try OutputFolder(settings.outputDirectory)
        let written = try write(to: out, settings: settings, clock: &clock)
        var manifest = RunManifest(command: "targets")
        manifest.inputs = [("cohort", cohort)]
        manifest.parameters = ["estimates": estimates, "stretch": stretch]
        clock.end()
        try out.write("run.json", try manifest.json(stages: clock.stages))
        try out.commit()
        return "targets: wrote \(written.joined(separator: ", ")) in \(settings.outputDirectory)"
    }

    /// Computes and writes targets.csv (and rejects of the cohort file) into `out`.
    func write(to out: OutputFolder, settings: RunSettings, clock: inout StageClock) throws -> [String] {
        clock.begin("targets")
        let year = try latestEstimatesYear(estimates)
        let table = try readEstimateTables(estimates, year: year)
        let methodology = try loadMethodology(year: year, directory: try ProjectData.methodologyDirectory(settings))
        let text = try wrapInput { try DelimitedText.readText(path: cohort) }
        let rows = try computeTargets(text, table: table, methodology: methodology, stretch: stretch)
        try out.write("targets.csv", targetsCSV(rows.targets), mode: OutputFolder.pupilFileMode)
        var written = ["targets.csv"]
        if !rows.rejects.isEmpty {
            try out.write("targets_rejects.csv", rejectsCSV(rows.rejects), mode: OutputFolder.pupilFileMode)
            written.append("targets_rejects.csv")
        }
        return written
    }
}

/// The latest year an estimates.csv holds (targets use the newest national tables).
func latestEstimatesYear(_ path: String) throws -> Int {
    var isDir: ObjCBool = false
    _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
    let file = isDir.boolValue ? path + "/estimates.csv" : path
    let t = try wrapInput { try DelimitedText.readText(path: file) }
    guard let yc = t.header.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).lowercased() == "year" }) else {
        throw PipelineError.input(InputError(file: t.file, line: 1, column: 1, message: "missing column year"))
    }
    guard let y = t.rows.compactMap({ Int($0[yc].trimmingCharacters(in: .whitespaces)) }).max() else {
        throw PipelineError.invalid("\(file): no estimates rows")
    }
    return y
}

/// Targets for every pupil of a current-cohort file; rows with an invalid UPN or an unknown KS1
/// value are rejected with their line, as in the other readers.
func computeTargets(_ text: DelimitedText, table: EstimateTable, methodology: MethodologyYear,
                    stretch: Int) throws -> (targets: [TargetRow], rejects: [Reject]) {
    let header = text.header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    func column(_ names: [String], required: Bool) throws -> Int? {
        if let i = header.firstIndex(where: { names.contains($0) }) { return i }
        if required {
            throw PipelineError.input(InputError(file: text.file, line: 1, column: 1,
                message: "missing column \(names[0]): expected \(names[0]) in the header (found \(text.header.joined(separator: ",")))"))
        }
        return nil
    }
    let upnC = try column(["upn", "unique pupil number"], required: true)!
    let urnC = try column(["urn", "school urn", "laestab"], required: true)!
    let ks1C = [try column(["ks1_read", "ks1 reading"], required: true)!,
                try column(["ks1_writ", "ks1 writing"], required: true)!,
                try column(["ks1_mat", "ks1 maths", "ks1 mathematics"], required: true)!]
    let predC = [try column(["read_predicted"], required: false), try column(["writ_predicted"], required: false),
                 try column(["mat_predicted"], required: false)]
    let bounds = table.lowerBounds
    var rows: [TargetRow] = []
    var rejects: [Reject] = []
    for (r, fields) in text.rows.enumerated() {
        let line = text.lines[r]
        let upnText = fields[upnC].trimmingCharacters(in: .whitespaces).uppercased()
        guard fields.count == text.header.count else {
            rejects.append(Reject(file: text.file, line: line, upn: upnText, reason: .wrongFieldCount,
                                  detail: "expected \(text.header.count) fields, found \(fields.count)"))
            continue
        }
        guard UPN(upnText) != nil else {
            rejects.append(Reject(file: text.file, line: line, upn: upnText, reason: .invalidUPN,
                                  detail: "UPN \"\(upnText)\": expected a check letter and 12 characters"))
            continue
        }
        var codes: [Code] = []
        var unknown: String? = nil
        for (s, c) in ks1C.enumerated() {
            let cell = fields[c]
            if let code = Code(cell), code == .none || code.isKS1 { codes.append(code) }
            else { unknown = "\(["ks1_read", "ks1_writ", "ks1_mat"][s]) \"\(cell)\": not a KS1 outcome"; break }
        }
        if let u = unknown {
            rejects.append(Reject(file: text.file, line: line, upn: upnText, reason: .unknownCode, detail: u))
            continue
        }
        var row = TargetRow(urn: fields[urnC].trimmingCharacters(in: .whitespaces), upn: upnText,
                            estimatesYear: table.year)
        let points = codes.map { KS1Points.points($0) }
        if codes.allSatisfy({ $0 == .none }) {
            row.excluded = "no_ks1"
        } else if let r = points[0], let w = points[1], let m = points[2] {
            let aps = (r + w + 2 * m) / 4
            row.ks1APS = aps
            let pag = priorAttainmentGroup(aps: aps, bounds: bounds)
            row.pag = pag
            for s in 0..<3 {
                guard let e = table.pags[s][pag - 1].estimate else { continue }
                row.estimate[s] = e
                if s == 1 {
                    let wt: [(Code, Double)] = [(.WTS, 91), (.EXS, 103), (.GDS, 113)]
                    row.target[s] = (wt.first { $0.1 >= e } ?? wt[2]).0.name
                } else {
                    row.target[s] = String(min(120, Int(e.rounded(.up)) + stretch))
                }
                guard let pc = predC[s] else { continue }
                let cell = fields[pc].trimmingCharacters(in: .whitespaces)
                if cell.isEmpty { continue }
                let predicted: Double?
                if s == 1 {
                    let c = Code(cell) ?? .none
                    predicted = methodology.writingTAPoints[c] ?? methodology.nominalScores[c]
                } else {
                    predicted = Int(cell).flatMap { (80...120).contains($0) ? Double($0) : nil }
                }
                guard let p = predicted else {
                    rejects.append(Reject(file: text.file, line: line, upn: upnText, reason: .badScore,
                                          detail: "\(Subject(rawValue: s)!.name)_predicted \"\(cell)\": expected \(s == 1 ? "a writing TA outcome" : "a scaled score 80-120")"))
                    continue
                }
                row.predicted[s] = s == 1 ? cell.uppercased() : String(Int(p))
                row.predictedProgress[s] = p - e
                row.focus[s] = p < e ? "Y" : "N"
            }
        } else {
            row.excluded = "ks1_incomplete"
        }
        rows.append(row)
    }
    rows.sort { ($0.urn, $0.upn) < ($1.urn, $1.upn) }
    return (rows, rejects)
}
