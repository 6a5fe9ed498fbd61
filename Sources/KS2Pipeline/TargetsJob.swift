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

    /// The largest stretch accepted: more than 40 scaled-score points would put every target at 120.
    public static let maximumStretch = 40

    public init(cohort: String, estimates: String, stretch: Int = 0) {
        self.cohort = cohort
        self.estimates = estimates
        self.stretch = stretch
    }

    @discardableResult
    public func run(_ settings: RunSettings) throws -> String {
        var job = try JobFrame(
            command: "targets", settings: settings,
            inputs: [cohort, estimates] + [settings.methodologyDirectory].compactMap { $0 })
        let computed = try compute(settings, clock: &job.clock)
        let written = try write(computed, to: job.out, settings: settings, clock: &job.clock)
        record(computed, in: &job.manifest)
        return try job.finish(summary: summary(computed), written: written, settings: settings)
    }

    /// Reads the estimates (the latest year in the folder) and the cohort file, and computes every
    /// pupil's targets.
    public func compute(_ settings: RunSettings, clock: inout StageClock) throws -> CurrentCohortTargets {
        guard (0...TargetsJob.maximumStretch).contains(stretch) else {
            throw PipelineError.invalid(
                "stretch \(stretch): expected a whole number of scaled-score points from 0 to \(TargetsJob.maximumStretch)"
            )
        }
        clock.begin("read estimates")
        let year = try latestEstimatesYear(estimates)
        let table = try readEstimateTables(estimates, year: year)
        let methodology = try wrapInput {
            try loadMethodology(year: year, directory: try ProjectData.methodologyDirectory(settings))
        }
        clock.begin("targets")
        let text = try wrapInput { try DelimitedText.readText(path: cohort, allowBadText: true) }
        let computed = try wrapInput {
            try computeTargets(text, table: table, methodology: methodology, stretch: stretch)
        }
        if computed.targets.isEmpty {
            throw PipelineError.invalid(
                nothingAccepted(
                    path: cohort, read: computed.account.read, rows: "pupil rows", rejects: computed.rejects,
                    listing: nil))
        }
        return computed
    }

    /// Writes targets.csv, the cohort file's rejects (`rejectsFile`, with `otherRejects` of the
    /// same run first) and, when workbooks are on, one targets workbook per school.
    func write(
        _ computed: CurrentCohortTargets, to out: OutputFolder, settings: RunSettings,
        clock: inout StageClock, rejectsFile: String = "rejects.csv",
        otherRejects: [Reject] = []
    ) throws -> [String] {
        clock.begin("write targets")
        try out.write("targets.csv", targetsCSV(computed.targets), mode: OutputFolder.pupilFileMode)
        try out.write(rejectsFile, rejectsCSV(otherRejects + computed.rejects), mode: OutputFolder.pupilFileMode)
        var written = ["targets.csv", rejectsFile]
        if settings.writeWorkbooks {
            let books = targetWorkbookData(computed, stretch: stretch)
            let progress = clock.begin("targets workbooks", items: books.count)
            let dir = out.path("targets")
            try out.makeDirectory("targets")
            let context = ReportContext(
                runDate: settings.runDate,
                sources: [
                    "Current cohort: KS1 results and predictions of the pupils in Year 6 now.",
                    "National estimates of KS2 \(books.first?.estimatesYear ?? 0) (estimates.csv).",
                ])
            try writeTargetsWorkbooks(
                books, directory: dir, threads: settings.threads, context: context,
                progress: progress)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
                chmod(dir + "/" + name, OutputFolder.pupilFileMode)
            }
            written.append("targets/ (\(books.count) workbooks)")
        }
        return written
    }

    /// The targets part of run.json: the cohort file, its row accounting, the estimates and their year.
    func record(_ computed: CurrentCohortTargets, in manifest: inout RunManifest) {
        manifest.inputs.append(("targets_cohort", cohort))
        let folder = isDirectory(estimates) ? estimates : (estimates as NSString).deletingLastPathComponent
        manifest.inputs.append(("targets_estimates", isDirectory(estimates) ? estimates + "/estimates.csv" : estimates))
        manifest.inputs.append(("targets_national", folder + "/national.csv"))
        manifest.accounts.append(("targets_cohort", computed.account))
        manifest.parameters["estimates"] = estimates
        manifest.parameters["estimates_year"] = computed.estimatesYear
        manifest.parameters["stretch"] = stretch
        var focus: [String: Int] = [:]
        var estimated: [String: Int] = [:]
        for s in Subject.allCases {
            focus[s.name] = computed.targets.reduce(0) { $0 + ($1.focus[s] == "Y" ? 1 : 0) }
            estimated[s.name] = computed.targets.reduce(0) { $0 + ($1.estimate[s] == nil ? 0 : 1) }
        }
        var targets: [String: Any] = [
            "estimates_year": computed.estimatesYear, "pupils": computed.targets.count,
            "schools": Set(computed.targets.map(\.urn)).count, "with_estimate": estimated, "focus": focus,
            "no_ks1": computed.targets.filter { $0.excluded == "no_ks1" }.count,
            "ks1_incomplete": computed.targets.filter { $0.excluded == "ks1_incomplete" }.count,
        ]
        if computed.frameworkMismatches > 0 { targets["framework_warning"] = frameworkWarning(computed) }
        manifest.extra["targets"] = targets
        recordColumns([("cohort", computed.columns)], in: &manifest)
    }

    /// Lines for the terminal: the estimates year, pupils, focus pupils per subject, warnings.
    func summary(_ c: CurrentCohortTargets) -> [String] {
        var lines = c.columns.lines
        lines += [
            "targets: \(c.targets.count) pupils in \(Set(c.targets.map(\.urn)).count) schools, estimates of KS2 \(c.estimatesYear) (\(estimates))"
        ]
        let noKS1 = c.targets.filter { $0.excluded == "no_ks1" }.count
        let incomplete = c.targets.filter { $0.excluded == "ks1_incomplete" }.count
        lines.append(
            "  without an estimate: \(noKS1) no_ks1, \(incomplete) ks1_incomplete; \(c.rejects.count) rows rejected")
        for s in Subject.allCases {
            let predicted = c.targets.filter { !$0.focus[s].isEmpty }.count
            let focus = c.targets.filter { $0.focus[s] == "Y" }.count
            lines.append("  \(s.name): \(focus) focus pupils of \(predicted) with a prediction")
        }
        if c.frameworkMismatches > 0 { lines.append("warning: " + frameworkWarning(c)) }
        return lines
    }

    func frameworkWarning(_ c: CurrentCohortTargets) -> String {
        "\(c.frameworkMismatches) pupils have KS1 outcomes of another framework than the \(c.estimatesFramework.name) framework of the KS2 \(c.estimatesYear) estimates: their PAGs and estimates come from tables made for the other framework (use estimates of a year whose pupils had the same KS1 framework)"
    }
}

func isDirectory(_ path: String) -> Bool {
    var isDir: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
}

/// The latest year an estimates.csv holds (targets use the newest national tables).
func latestEstimatesYear(_ path: String) throws -> Int {
    guard FileManager.default.fileExists(atPath: path) else {
        throw PipelineError.invalid("\(path): no such estimates folder or file")
    }
    let file = isDirectory(path) ? path + "/estimates.csv" : path
    let t = try wrapInput { try DelimitedText.readText(path: file) }
    guard let yc = t.column("year") else {
        throw PipelineError.input(
            InputError(
                file: t.file, line: 1, column: 1,
                message: "missing column year: expected year,subject,pag,lower,upper,pupils,estimate,sd,cap"))
    }
    guard let y = t.rows.compactMap({ yc < $0.count ? Int($0[yc]) : nil }).max() else {
        throw PipelineError.invalid("\(file): no estimates rows")
    }
    return y
}

/// Every pupil of a current-cohort file with their targets, plus what the workbooks need.
public struct CurrentCohortTargets: Sendable {
    /// One row per accepted pupil, sorted by `urn`, then `upn`.
    public var targets: [TargetRow]
    /// Rejected rows of the cohort file, by line.
    public var rejects: [Reject]
    /// Rows read = accepted + rejected.
    public var account: FileAccount
    public var estimatesYear: Int
    /// The KS1 framework the estimates year's pupils had (methodology file of that year).
    public var estimatesFramework: KS1Framework
    /// URN → `school_name` of its first row that gives one.
    public var schoolNames: [String: String]
    /// UPN → name, when the file has `forename`/`surname`.
    public var names: [String: PupilName]
    /// Pupils with an estimate whose KS1 outcomes are of the other framework than the estimates'.
    public var frameworkMismatches: Int
    /// The national figures of the estimates year (σ per subject, for in-year tracking).
    public var national: PerSubject<NationalFigures>
    /// The estimates year's methodology (writing TA points, for in-year tracking).
    public var methodology: MethodologyYear
    /// Accepted pupils with any prediction in the cohort file.
    public var pupilsWithPredictions: Int
    /// The cohort file's columns not read.
    public var columns: ColumnReport
}

/// Header spellings of the current-cohort columns (formats.md: the KS1 file's, plus `urn`,
/// predictions and the optional school and pupil names), matched after normalisation.
enum CurrentCohortColumns {
    static let upn = ["upn", "unique pupil number", "pupil upn", "upn number", "pupil number upn"]
    static let urn = ["urn", "school urn", "unique reference number", "school unique reference number", "urn number"]
    static let laestab = ["laestab", "dfe number", "dfe", "dfe no", "la estab", "la establishment number"]
    static let schoolName = ["school_name", "school", "school name", "schname", "establishment name"]
    static let forename = ["forename", "legal forename", "first name", "given name", "preferred forename"]
    static let surname = ["surname", "legal surname", "last name", "family name", "preferred surname"]
    static let ks1 = [
        [
            "ks1_read", "ks1 reading", "ks1 reading ta", "ks1 reading outcome", "reading ks1", "ks1 read ta",
            "ks1 reading level",
        ],
        [
            "ks1_writ", "ks1 writing", "ks1 writing ta", "ks1 writing outcome", "writing ks1", "ks1 writ ta",
            "ks1 writing level",
        ],
        [
            "ks1_mat", "ks1 maths", "ks1 mathematics", "ks1 math", "ks1 maths ta", "ks1 maths outcome", "maths ks1",
            "ks1 mat ta", "ks1 maths level",
        ],
    ]
    static let predicted = [
        ["read_predicted", "reading predicted", "predicted reading", "reading prediction", "predicted reading score"],
        ["writ_predicted", "writing predicted", "predicted writing", "writing prediction", "predicted writing ta"],
        ["mat_predicted", "maths predicted", "predicted maths", "maths prediction", "predicted maths score"],
    ]
}

/// One accepted cohort row before targets: the cells the checks passed.
private struct CohortPupil {
    var line: Int
    var upn: String
    var urn: String
    var ks1: [Code]
    /// The prediction as written in targets.csv (a score, or a canonical code).
    var predictedText: PerSubject<String>
    /// The score of the prediction, when it has one.
    var predictedScore: PerSubject<Double?>
    var fields: [String]
}

/// Targets for every pupil of a current-cohort file (formats.md "Current cohort for targets",
/// targets.csv). Rows are checked as the other readers check theirs and rejected with the first
/// reason of formats.md's order: `wrong_field_count`, `invalid_upn`, `missing_school` (no `urn` or
/// `laestab` value), `bad_score` / `score_out_of_range` (a reading or maths prediction that is not
/// a scaled score 80–120 nor an outcome code), `unknown_code` (a KS1 cell or a writing prediction
/// no table knows), `duplicate_row` / `duplicate_upn`. A pupil whose three KS1 cells are blank has
/// no KS1 record (`no_ks1`); one with a KS1 subject without points is `ks1_incomplete`.
public func computeTargets(
    _ text: DelimitedText, table: EstimateTable, methodology: MethodologyYear,
    stretch: Int
) throws(InputError) -> CurrentCohortTargets {
    let fileName = (text.file as NSString).lastPathComponent
    func column(_ aliases: [String]) -> Int? { text.column(anyOf: aliases) }
    func required(_ aliases: [String]) throws(InputError) -> Int {
        guard let i = column(aliases) else {
            throw InputError(
                file: text.file, line: 1, column: 1,
                message:
                    "missing required column \"\(aliases[0])\"; header found: \(text.header.map { "\"\($0)\"" }.joined(separator: ", "))"
            )
        }
        return i
    }
    let upnC = try required(CurrentCohortColumns.upn)
    let urnC = column(CurrentCohortColumns.urn)
    let laestabC = column(CurrentCohortColumns.laestab)
    if urnC == nil && laestabC == nil { _ = try required(CurrentCohortColumns.urn) }
    var ks1C: [Int] = []
    for aliases in CurrentCohortColumns.ks1 { ks1C.append(try required(aliases)) }
    let predC = PerSubject { column(CurrentCohortColumns.predicted[$0.rawValue]) }
    let nameC = column(CurrentCohortColumns.schoolName)
    let forenameC = column(CurrentCohortColumns.forename)
    let surnameC = column(CurrentCohortColumns.surname)
    if text.rows.isEmpty {
        throw InputError(
            file: text.file, line: 1, column: 1,
            message: "header only: expected at least one row after the header, found none")
    }

    var rejects: [Reject] = []
    var accepted: [CohortPupil] = []
    var schoolNames: [String: String] = [:]
    var names: [String: PupilName] = [:]
    let subjectNames = ["read", "writ", "mat"]
    rows: for (r, fields) in text.rows.enumerated() {
        let line = text.lines[r]
        let upnText = upnC < fields.count ? fields[upnC].uppercased() : ""
        func reject(_ reason: RejectReason, _ detail: String) {
            rejects.append(Reject(file: fileName, line: line, upn: upnText, reason: reason, detail: detail))
        }
        guard let upn = checkedUPN(text, row: r, upnText: upnText, reject: reject) else { continue }
        let urn =
            urnC.map { fields[$0] }.flatMap { $0.isEmpty ? nil : $0 }
            ?? laestabC.map { fields[$0].filter { $0 != "-" } }.flatMap { $0.isEmpty ? nil : $0 }
        guard let urn else {
            reject(.missingSchool, "no urn and no laestab: expected the school's URN")
            continue
        }
        // predictions: reading and maths a scaled score (or an outcome code, which has no score)
        let cells: PredictionCells
        switch predictionCells(
            predC.map { $0.map { fields[$0] } },
            writingScore: { methodology.writingScoreForProgress($0).score })
        {
        case .success(let c): cells = c
        case .failure(let f):
            reject(f.reason, f.detail)
            continue
        }
        var ks1: [Code] = []
        for s in 0..<3 {
            let cell = fields[ks1C[s]]
            guard let code = Code(cell), code == .none || code.isKS1 else {
                reject(
                    .unknownCode,
                    "ks1_\(subjectNames[s]) \"\(cell)\": expected a KS1 outcome (W, 1, 2C, 2B, 2A, 3, 4, 4+, GDS, EXS, WTS, PKF, PK1-PK4, BLW, P1i-P8) or A, D, M, L, X"
                )
                continue rows
            }
            ks1.append(code)
        }
        if let f = cells.writingFault {
            reject(f.reason, f.detail)
            continue
        }
        accepted.append(
            CohortPupil(
                line: line, upn: upn.description, urn: urn, ks1: ks1,
                predictedText: cells.text, predictedScore: cells.score, fields: fields))
    }

    // duplicates (formats.md): identical copies after the first are duplicate_row; rows of one UPN
    // that differ are all duplicate_upn
    let duplicates = duplicateRejects(
        keys: accepted.map(\.upn), fields: accepted.map(\.fields),
        lines: accepted.map(\.line), upns: accepted.map(\.upn), file: fileName,
        differing: .duplicateUPN
    ) { "UPN on lines \($0) with different values" }
    rejects += duplicates.rejects
    let dropped = duplicates.dropped

    let bounds = table.lowerBounds
    var targets: [TargetRow] = []
    var mismatches = 0
    for (k, p) in accepted.enumerated() where !dropped.contains(k) {
        if let c = nameC, schoolNames[p.urn] == nil, !p.fields[c].isEmpty { schoolNames[p.urn] = p.fields[c] }
        if forenameC != nil || surnameC != nil {
            names[p.upn] = PupilName(
                forename: forenameC.map { p.fields[$0] } ?? "", surname: surnameC.map { p.fields[$0] } ?? "")
        }
        var row = TargetRow(urn: p.urn, upn: p.upn, estimatesYear: table.year)
        row.predicted = p.predictedText
        let prior =
            p.ks1.allSatisfy { $0 == .none }
            ? PriorAttainment(aps: nil, reason: .noKS1)
            : PriorAttainment(read: p.ks1[0], writ: p.ks1[1], mat: p.ks1[2])
        guard let aps = prior.aps else {
            row.excluded = prior.reason?.name ?? "ks1_incomplete"
            targets.append(row)
            continue
        }
        row.ks1APS = aps
        let pag = priorAttainmentGroup(aps: aps, bounds: bounds)
        row.pag = pag
        if let framework = ks1Framework(p.ks1), framework != methodology.framework { mismatches += 1 }
        for s in Subject.allCases {
            let pags = table.pags[s]
            guard pag - 1 < pags.count, let e = pags[pag - 1].estimate else { continue }
            row.estimate[s] = e
            row.target[s] =
                s == .writ
                ? writingTarget(estimate: e, points: methodology.writingTAPoints).name
                : String(testTarget(estimate: e, stretch: stretch))
            if let predicted = p.predictedScore[s] {
                row.predictedProgress[s] = predicted - e
                row.focus[s] = predicted < e ? "Y" : "N"
            }
        }
        targets.append(row)
    }
    targets.sort { ($0.urn, $0.upn) < ($1.urn, $1.upn) }
    rejects.sort { $0.line < $1.line }
    var account = FileAccount(file: fileName, read: text.rows.count, accepted: targets.count, rejected: rejects.count)
    for r in rejects { account.rejectedByReason[r.reason, default: 0] += 1 }
    return CurrentCohortTargets(
        targets: targets, rejects: rejects, account: account, estimatesYear: table.year,
        estimatesFramework: methodology.framework, schoolNames: schoolNames, names: names,
        frameworkMismatches: mismatches, national: table.national, methodology: methodology,
        pupilsWithPredictions: targets.filter { $0.predicted.first { !$0.isEmpty } != nil }.count,
        columns: ColumnReport(
            file: fileName, header: text.header,
            read: [upnC, urnC, laestabC, nameC, forenameC, surnameC] + ks1C.map { $0 }
                + Subject.allCases.map { predC[$0] }))
}

/// The KS1 framework a pupil's outcomes belong to: levels when any is a level, interim when any is
/// an interim-framework outcome, nil when only P-scales (or codes) tell nothing.
func ks1Framework(_ outcomes: [Code]) -> KS1Framework? {
    if outcomes.contains(where: \.isKS1Level) { return .levels }
    if outcomes.contains(where: { [.GDS, .EXS, .WTS, .PKF, .PK4, .PK3, .PK2, .PK1, .BLW].contains($0) }) {
        return .interim
    }
    return nil
}

/// One targets workbook per school: its own pupils only, with the school's name when the file gives one.
func targetWorkbookData(_ c: CurrentCohortTargets, stretch: Int) -> [TargetWorkbookData] {
    var bySchool: [String: [TargetWorkbookPupil]] = [:]
    for row in c.targets {
        let name = c.names[row.upn]
        bySchool[row.urn, default: []].append(
            TargetWorkbookPupil(
                row: row, forename: name?.forename ?? "",
                surname: name?.surname ?? ""))
    }
    return bySchool.keys.sorted().map { urn in
        TargetWorkbookData(
            urn: urn, schoolName: c.schoolNames[urn] ?? "", estimatesYear: c.estimatesYear,
            stretch: stretch, pupils: bySchool[urn] ?? [])
    }
}
