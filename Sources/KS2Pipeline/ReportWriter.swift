import Foundation
import KS2Analysis
import KS2Core
import KS2Ingest
import KS2Reports

/// Everything a run may emit, gathered from any mix of computed years and published tables, and
/// written by one function so that every command's outputs have the same shape.
struct RunResults {
    var progress: [ProgressJob.Outcome] = []
    /// Supplied-mode years do not write estimates (they were given).
    var nationalYears: Set<Int> = []
    var published: [SchoolResult] = []
    /// Published-table rows not used (duplicates, long-format lines that are no results row).
    var publishedRejects: [Reject] = []
    /// The published tables' group breakdowns (own year of each file), for the disadvantaged gaps.
    var publishedGroups: [GroupResult] = []
    /// The England all-schools rows' (RECTYPE 4) groups: England's other pupils for the gaps.
    var publishedEnglandGroups: [GroupResult] = []
    var cohorts: [ProjectCohort] = []
    var focusThreshold: Double = 0
    /// Trends, three-year figures and gaps (methodology.md §10), once `buildAcrossYears` ran: what
    /// trends.csv, three_year.csv and gaps.csv hold, and what a school's workbook can show.
    var acrossYears: AcrossYearsResults?
    /// schools.csv was written with the year's pupils.csv and groups.csv (`YearByYearTables`).
    var schoolsWritten = false

    /// Takes in a set of published tables: their rows and the group rows the gaps need.
    mutating func addPublished(_ tables: PublishedTables) {
        published = tables.results
        publishedGroups = tables.groups
        publishedEnglandGroups = tables.englandAllSchoolsGroups
        publishedRejects = tables.rejects
    }

    /// Whether the run writes trends, three-year figures and gaps: a run over several years of
    /// pupil files, or any run on published tables (methodology.md §10, formats.md).
    var writesAcrossYears: Bool { progress.count > 1 || !published.isEmpty }

    /// Builds trends, three-year figures and gaps from every year's rows. England's other pupils
    /// come from a national run's own pupils, a supplied run's national.csv (`other_progress`), or
    /// the England all-schools row of a published table, in that order.
    mutating func buildAcrossYears(_ settings: RunSettings, clock: inout StageClock) throws {
        guard writesAcrossYears else { return }
        clock.begin("across years")
        let rows = allRows
        let sigma = try sigmaByYear(settings)
        var nationalOther: [Int: PerSubject<Double?>] = [:]
        var supplied = Set<Int>()
        for o in progress {
            let year = o.cohort.year
            if nationalYears.contains(year) {
                nationalOther[year] = o.aggregation.englandOtherProgress
            } else {
                supplied.insert(year)
                let other = o.computation.estimates.national.map(\.otherProgress)
                if other.first(where: { $0 != nil }) != nil { nationalOther[year] = other }
            }
        }
        for (year, other) in nationalOtherProgress(publishedEnglandGroups) where nationalOther[year] == nil {
            nationalOther[year] = other
        }
        // the gaps side by side with trends and three-year figures (independent of each other);
        // computed groups first (a computed row wins), England's all-schools row before the state-funded one
        let years = progress
        let tableGroups = publishedEnglandGroups + publishedGroups
        let englandOther = nationalOther
        let computeGaps: @Sendable () -> (rows: [GapRow], yearsWithoutNational: [Int]) = {
            // each year's rows where they are (gapRows takes the disadvantaged ones)
            gapRows(rows, groupSets: years.map(\.aggregation.groups) + [tableGroups], nationalOther: englandOther)
        }
        let computeTrends: () -> ([TrendRow], [ThreeYearRow], [String]) = {
            let threeYear = threeYearRows(rows) { year, subject in sigma[year]?[subject] ?? nil }
            return (trendRows(rows), threeYear.rows, threeYear.warnings)
        }
        let (perYear, gapResult) = try sideBySide(parallel: settings.threads > 1, computeTrends, computeGaps)
        let (trends, threeYear, threeYearWarnings) = perYear
        let (gaps, yearsWithout) = (gapResult.rows, gapResult.yearsWithoutNational)
        var warnings = threeYearWarnings
        for year in yearsWithout {
            let why =
                supplied.contains(year)
                ? "its estimates' national.csv has no other_progress column "
                    + "(written by national runs of this version on)"
                : "no national run or England row (RECTYPE 4) with disadvantaged figures gives it"
            warnings.append(
                "warning: gaps.csv: no progress of England's other pupils for \(year): \(why); "
                    + "gap, gap_lower and gap_upper are empty for \(year)")
        }
        acrossYears = AcrossYearsResults(trends: trends, threeYear: threeYear, gaps: gaps, warnings: warnings)
    }

    /// σ per year and subject: a computed year's national σ, else the year's methodology file's
    /// published σ (methodology.md §7); absent when neither is known.
    func sigmaByYear(_ settings: RunSettings) throws -> [Int: PerSubject<Double?>] {
        var sigma: [Int: PerSubject<Double?>] = [:]
        for o in progress { sigma[o.cohort.year] = o.sigma }
        let directory = try ProjectData.methodologyDirectory(settings)
        for y in Set(published.map(\.year)) where sigma[y] == nil {
            if let m = try? loadMethodology(year: y, directory: directory), let s = m.publishedSigma {
                sigma[y] = PerSubject { s[$0] }
            }
        }
        return sigma
    }

    /// Every rejected row of the run: the pupil files' and the published tables'.
    var rejects: [Reject] { progress.flatMap(\.rejects) + publishedRejects }

    /// What the workbooks' Notes sheets name as the run's sources.
    var sourceLines: [String] {
        var lines: [String] = []
        for o in progress.sorted(by: { $0.cohort.year < $1.cohort.year }) {
            let estimates =
                nationalYears.contains(o.cohort.year)
                ? "estimates computed from this national cohort" : "national estimates supplied (national.csv)"
            lines.append("KS2 \(o.cohort.year): pupil-level KS2 results joined to KS1 prior attainment; \(estimates).")
        }
        let publishedYears = Set(published.map(\.year)).sorted()
        if !publishedYears.isEmpty {
            let years = publishedYears.map(String.init).joined(separator: ", ")
            lines.append("DfE published KS2 school tables: \(years).")
        }
        if !cohorts.isEmpty { lines.append("Project cohorts: \(cohorts.map(\.name).joined(separator: ", ")).") }
        return lines
    }

    /// Warnings to print: cohort years that no input holds, cohort URNs in no input, cohorts whose
    /// baseline→outcome crosses a methodology change (methodology.md §10).
    var warnings: [String] {
        let acrossYearsWarnings = englandAttainmentWarnings + (acrossYears?.warnings ?? [])
        if cohorts.isEmpty { return acrossYearsWarnings }
        let rows = allRows
        let years = Set(rows.map(\.year))
        let schools = Set(rows.filter { $0.level == .school }.map(\.id))
        var out: [String] = []
        for c in cohorts {
            for y in [c.baselineYear, c.outcomeYear] where !years.contains(y) {
                out.append(
                    "warning: cohort \(c.name) asks for \(y), which no input holds (inputs hold \(years.sorted().map(String.init).joined(separator: ", ")))"
                )
            }
            let missing = c.urns.filter { !schools.contains($0) }
            if !missing.isEmpty {
                out.append(
                    "warning: cohort \(c.name): URN \(missing.joined(separator: ", ")) in no input; listed in cohort_schools.csv"
                )
            }
            let crossed = comparabilityChanges(from: c.baselineYear, to: c.outcomeYear)
            if !crossed.isEmpty {
                out.append(
                    "warning: cohort \(c.name) \(c.baselineYear)→\(c.outcomeYear) crosses "
                        + crossed.map { "\($0.name) (\($0.explanation))" }.joined(separator: ", ")
                        + ": its changes are not like for like")
            }
        }
        return out + acrossYearsWarnings
    }

    /// A supplied latest year (whose school workbooks are written) without England's attainment: its
    /// national.csv predates the attainment columns, so the Overviews show England attainment as n/a.
    var englandAttainmentWarnings: [String] {
        guard let latest = progress.max(by: { $0.cohort.year < $1.cohort.year }) else { return [] }
        let year = latest.cohort.year
        guard !nationalYears.contains(year), latest.computation.estimates.englandAttainment == nil else { return [] }
        return [
            "warning: the estimates' national.csv for \(year) has no England attainment columns "
                + "(written by national runs of this version on): the school workbooks show England attainment as n/a"
        ]
    }

    /// Computed rows first; a published row fills only a (year, level, id) no computed row gives.
    /// (One computed year alone is already in order: it is shared, not copied or sorted again.)
    var allRows: [SchoolResult] {
        var rows = progress.count == 1 ? progress[0].aggregation.rows : progress.flatMap(\.aggregation.rows)
        if !published.isEmpty {
            var seen = Set(rows.map { "\($0.year)|\($0.level.rawValue)|\($0.id)" })
            for r in published where seen.insert("\(r.year)|\(r.level.rawValue)|\(r.id)").inserted { rows.append(r) }
        }
        func before(_ a: SchoolResult, _ b: SchoolResult) -> Bool {
            (a.year, a.level.rawValue, a.id) < (b.year, b.level.rawValue, b.id)
        }
        if rows.indices.dropFirst().contains(where: { before(rows[$0], rows[$0 - 1]) }) { rows.sort(by: before) }
        return rows
    }
}

/// A year's pupils.csv rows (no header) in parts that workers format side by side.
private func pupilRowParts(_ o: ProgressJob.Outcome) -> [@Sendable () -> [UInt8]] {
    let format = PupilRowFormatter(
        cohort: o.cohort, table: o.computation.table, estimates: o.computation.estimates,
        order: o.aggregation.pupilOrder)
    let chunks = ParallelChunks(count: format.count, chunkSize: PupilRowFormatter.chunkSize, threads: 1)
    return (0..<chunks.chunkCount).map { c in { format.rows(chunks.range(c)) } }
}

/// pupils.csv and groups.csv of a run, written year by year as each year is computed,
/// so that a year's pupil-level data can be let go before the next year is read (three national
/// years held together took 1.5 GB, and the page faults of fresh memory cost more than the work).
/// A run without published tables adds schools.csv to the same stream with its last year: every
/// row is final once that year is aggregated, and written beside the others it no longer waits for
/// them (20 ms of a national run).
final class YearByYearTables {
    private let stream: PartStream
    private var first = true
    private let withSchools: Bool

    init(_ out: OutputFolder, withSchools: Bool = false) throws {
        var files = [("pupils.csv", OutputFolder.pupilFileMode), ("groups.csv", OutputFolder.summaryFileMode)]
        if withSchools { files.append(("schools.csv", OutputFolder.summaryFileMode)) }
        stream = try PartStream(out, files: files)
        self.withSchools = withSchools
    }

    /// Appends a year's rows (years come in order); the header goes with the first. `schoolRows`,
    /// given with the last year when the stream was made `withSchools`, are all of schools.csv.
    func append(
        _ o: ProgressJob.Outcome, schoolRows: [SchoolResult]? = nil, settings: RunSettings, clock: inout StageClock
    ) throws {
        clock.begin("write csv")
        var parts: [StreamPart] = first ? [StreamPart(file: 0) { CSVWriter(header: pupilsCSVHeader).bytes }] : []
        parts += pupilRowParts(o).map { StreamPart(file: 0, format: $0) }
        let groupParts = csvParts(o.aggregation.groups, header: first) { groupsCSV($0, header: $1) }
        parts += groupParts.map { StreamPart(file: 1, format: $0) }
        if withSchools, let schoolRows {
            parts += csvParts(schoolRows) { schoolsCSV($0, header: $1) }.map { StreamPart(file: 2, format: $0) }
        }
        first = false
        try stream.write(parts, threads: settings.threads)
    }

    func close() throws { try stream.close() }
}

/// Writes every output of `results` into `out` (still the hidden working folder): the tables,
/// the impact outputs, then the workbooks. Returns what was written, for the summary.
func writeResults(
    _ results: RunResults, to out: OutputFolder, settings: RunSettings,
    clock: inout StageClock
) throws -> [String] {
    let rows = results.allRows
    let progress = results.progress.sorted { $0.cohort.year < $1.cohort.year }
    var written = try writeTables(results, rows: rows, progress: progress, to: out, settings: settings, clock: &clock)
    var impact = try writeImpactOutputs(
        results, rows: rows, to: out, settings: settings, clock: &clock, written: &written)
    if settings.writeWorkbooks {
        written += try writeWorkbooks(
            results, rows: rows, latest: progress.last, impact: &impact, to: out, settings: settings, clock: &clock)
    }
    return written
}

/// national.csv's rows of a national run: pupils, σ and cap z from the pupils' computation; the band
/// thresholds and England's other pupils' progress from the aggregation, which computed them.
private func nationalRunFigures(_ o: ProgressJob.Outcome) -> PerSubject<NationalFigures> {
    o.computation.estimates.national.map { n in
        NationalFigures(
            subject: n.subject, pupils: n.pupils, sd: n.sd, capZ: n.capZ,
            p10: o.aggregation.thresholds.p10[n.subject], p90: o.aggregation.thresholds.p90[n.subject],
            otherProgress: o.aggregation.englandOtherProgress?[n.subject] ?? nil)
    }
}

/// The CSV tables after pupils.csv and groups.csv: schools and the across-years files in one stream
/// (every thread formats, one writer thread writes them in turn), then rejects and a national run's
/// estimates.
private func writeTables(
    _ results: RunResults, rows: [SchoolResult], progress: [ProgressJob.Outcome], to out: OutputFolder,
    settings: RunSettings, clock: inout StageClock
) throws -> [String] {
    var written: [String] = []
    // pupils.csv and groups.csv are the caller's (`YearByYearTables`, as each year is computed);
    // the rest in one stream: every thread formats, one writer thread writes the files in turn
    clock.begin("write csv")
    var files: [PartFile] = []
    if !results.schoolsWritten {
        files.append(PartFile(name: "schools.csv", parts: csvParts(rows) { schoolsCSV($0, header: $1) }))
    }
    if let across = results.acrossYears {
        files += [
            PartFile(name: "trends.csv", parts: csvParts(across.trends) { trendsCSV($0, header: $1) }),
            PartFile(name: "three_year.csv", parts: csvParts(across.threeYear) { threeYearCSV($0, header: $1) }),
            PartFile(name: "gaps.csv", parts: csvParts(across.gaps) { gapsCSV($0, header: $1) }),
        ]
    }
    if !files.isEmpty { try out.write(files, threads: settings.threads) }
    if !progress.isEmpty {
        try out.write("rejects.csv", rejectsCSV(results.rejects), mode: OutputFolder.pupilFileMode)
        written += ["pupils.csv", "groups.csv", "rejects.csv"]
        let national = progress.filter { results.nationalYears.contains($0.cohort.year) }
        if !national.isEmpty {
            var est: [UInt8] = []
            var nat: [UInt8] = []
            for (k, o) in national.enumerated() {
                let e = estimatesCSV(o.computation.estimates)
                // England's attainment from the aggregation's England row, as the figures above
                // (rows are sorted by level: England's is the last, so the search copies no school row)
                let england = o.aggregation.rows.last { $0.level == .national }?.attainment
                let n = nationalCSV(year: o.cohort.year, figures: nationalRunFigures(o), englandAttainment: england)
                if k == 0 {
                    est = e
                    nat = n
                } else {
                    if let nl = e.firstIndex(of: 0x0A) { est += e[(nl + 1)...] }
                    if let nl = n.firstIndex(of: 0x0A) { nat += n[(nl + 1)...] }
                }
            }
            try out.write("estimates.csv", est)
            try out.write("national.csv", nat)
            written += ["estimates.csv", "national.csv"]
        }
    }
    if progress.isEmpty && !results.published.isEmpty {
        try out.write("rejects.csv", rejectsCSV(results.rejects))
        written.append("rejects.csv")
    }
    written.append("schools.csv")
    if results.acrossYears != nil { written += ["trends.csv", "three_year.csv", "gaps.csv"] }
    return written
}

/// The county comparison, project impact and funnel outputs; returns the impact workbook's data.
private func writeImpactOutputs(
    _ results: RunResults, rows: [SchoolResult], to out: OutputFolder, settings: RunSettings,
    clock: inout StageClock, written: inout [String]
) throws -> ImpactWorkbookData {
    // the impact workbook's tables (copies of every row: only built when the workbook is written)
    var impact = ImpactWorkbookData(schools: [])
    if settings.writeWorkbooks {
        impact.schools = rows.filter { $0.level == .school }
        impact.comparison = rows.filter { $0.level != .school }
    }
    if !results.published.isEmpty {
        // County comparison: the published LA rows beside LA figures pooled from their schools.
        clock.begin("county comparison")
        let sigma = try results.sigmaByYear(settings)
        let comparison = countyComparison(rows, sigma: { y, s in sigma[y]?[s] ?? nil })
        try out.write("comparison.csv", comparisonCSV(comparison))
        written.append("comparison.csv")
        // pooledLAResults names its rows "<LA> (pooled from schools)": the label is not added again
        let pooled = pooledLAResults(rows, sigma: { y, s in sigma[y]?[s] ?? nil })
        impact.comparison = (impact.comparison + pooled).sorted {
            ($0.year, $0.level.rawValue, $0.id, $0.source == .published ? 0 : 1)
                < ($1.year, $1.level.rawValue, $1.id, $1.source == .published ? 0 : 1)
        }
    }
    if !results.cohorts.isEmpty {
        clock.begin("impact")
        var (impacts, schools) = projectImpact(cohorts: results.cohorts, results: rows)
        // each school's change names the methodology changes its cohort's years cross
        var crossed: [String: String] = [:]
        for c in results.cohorts {
            let changes = comparabilityChanges(from: c.baselineYear, to: c.outcomeYear)
            crossed[c.name] = comparabilityText(changes)
        }
        for k in schools.indices { schools[k].comparability = crossed[schools[k].cohort] ?? "" }
        impact.impacts = impacts
        impact.cohortSchools = schools
        try out.write("cohorts.csv", cohortsCSV(impacts))
        try out.write("cohort_schools.csv", cohortSchoolsCSV(schools))
        written += ["cohorts.csv", "cohort_schools.csv"]
    }
    if !results.cohorts.isEmpty || !results.published.isEmpty {
        // the funnel plot's points (methodology.md §10), written with the impact outputs
        let sigma = try results.sigmaByYear(settings)
        let funnel = funnelRows(rows, sigma: { y, s in sigma[y]?[s] ?? nil })
        try out.write("funnel.csv", funnelCSV(funnel))
        // a year without a national σ has no limits: said on the console, never dropped silently
        let schoolYears = Set(rows.filter { $0.level == .school }.map(\.year))
        let noSigma = schoolYears.filter { y in Subject.allCases.contains { sigma[y]?[$0] == nil } }.sorted()
        written.append(
            noSigma.isEmpty
                ? "funnel.csv"
                : "funnel.csv (warning: no national σ for "
                    + noSigma.map(String.init).joined(separator: ", ") + ", whose schools have no funnel limits)")
        if settings.writeWorkbooks { impact.funnel = funnel }
    }
    return impact
}

/// impact.xlsx and one workbook per school of the latest year, each school's pupil rows built by
/// the worker writing its workbook.
private func writeWorkbooks(
    _ results: RunResults, rows: [SchoolResult], latest: ProgressJob.Outcome?, impact: inout ImpactWorkbookData,
    to out: OutputFolder, settings: RunSettings, clock: inout StageClock
) throws -> [String] {
    var written: [String] = []
    clock.begin("workbooks")
    let context = ReportContext(runDate: settings.runDate, sources: results.sourceLines)
    try writeImpactWorkbook(impact, to: out.path("impact.xlsx"), context: context)
    written.append("impact.xlsx")
    if let latest {
        var plan = schoolWorkbookPlan(
            cohort: latest.cohort, table: latest.computation.table, aggregation: latest.aggregation,
            trend: rows, acrossYears: results.acrossYears, england: suppliedEnglandRow(latest))
        plan.focusThreshold = results.focusThreshold
        plan.projectCohorts = schoolProjectCohorts(impact.impacts, impact.cohortSchools)
        try out.makeDirectory("schools")
        let books = plan.count
        let progress = clock.begin("school workbooks", items: books)
        let finalPlan = plan
        try writeSchoolWorkbooks(
            count: books, directory: out.path("schools"), threads: settings.threads, context: context,
            progress: progress, data: finalPlan.book)
        for path in (try? FileManager.default.contentsOfDirectory(atPath: out.path("schools"))) ?? [] {
            chmod(out.path("schools/" + path), OutputFolder.pupilFileMode)
        }
        written.append("schools/ (\(books) workbooks)")
    }
    return written
}

/// Splits a table's rows into parts formatted by `format(rows, header)`, which writes the header
/// line only when asked (the first part; writing it and dropping it would move every byte of a part).
func csvParts<Row: Sendable>(
    _ rows: [Row], rowsPerPart: Int = 4_096, header: Bool = true,
    _ format: @escaping @Sendable (ArraySlice<Row>, _ header: Bool) -> [UInt8]
) -> [@Sendable () -> [UInt8]] {
    if rows.isEmpty { return header ? [{ format([], true) }] : [] }
    var parts: [@Sendable () -> [UInt8]] = []
    var start = 0
    while start < rows.count {
        let range = start..<min(rows.count, start + rowsPerPart)
        let withHeader = header && start == 0
        parts.append { format(rows[range], withHeader) }
        start += rowsPerPart
    }
    return parts
}
