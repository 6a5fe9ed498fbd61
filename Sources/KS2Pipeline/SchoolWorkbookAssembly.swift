import KS2Analysis
import KS2Core

/// Where every school's workbook data is, not the data: each workbook's rows (its school's, its LA's,
/// England's, its trend years, its groups, its pupils) are gathered only when the workbook is written
/// (by `book`), on the worker writing it, so a national run never holds 16,800 copies of them at once.
struct SchoolWorkbookPlan: Sendable {
    /// One workbook's rows, as positions into the run's tables.
    struct Book: Sendable {
        /// Into `aggregation.rows`.
        let school: Int
        let localAuthority: Int?
        /// Into `aggregation.groups`: the school's group rows, contiguous.
        let groups: Range<Int>
        /// Into `trend`, the school's rows of other years (unsorted).
        let trend: [Int32]
        /// Into the cohort, in the aggregation's pupil order.
        let pupils: [Int32]
    }

    /// In school-id order.
    let books: [Book]
    let aggregation: Aggregation
    let trend: [SchoolResult]
    /// Per school id, its trends, three-year figures and gaps (a run across years); nil otherwise.
    let series: [String: SeriesAcrossYears]?
    let national: SchoolResult?
    let cohort: KS2Cohort
    let table: PupilProgressTable
    /// Set by the run for every book.
    var focusThreshold: Double = 0
    var projectCohorts: [String: [SchoolProjectCohort]] = [:]

    var count: Int { books.count }

    /// Workbook `k`'s data with its own pupils (only those: the data-protection boundary is drawn
    /// here, once).
    func book(_ k: Int) -> SchoolWorkbookData {
        let b = books[k]
        let row = aggregation.rows[b.school]
        var years = b.trend.map { trend[Int($0)] }
        if !years.contains(where: { $0.year == row.year }) { years.append(row) }
        years.sort { $0.year < $1.year }
        var data = SchoolWorkbookData(
            school: row, localAuthority: b.localAuthority.map { aggregation.rows[$0] }, national: national,
            trend: years, groups: Array(aggregation.groups[b.groups]), focusThreshold: focusThreshold)
        if let series = series?[row.id] {
            data.acrossYears = series
        } else {
            data.acrossYears.trends = trendRows(years)
        }
        data.projectCohorts = projectCohorts[row.id] ?? []
        data.pupils = b.pupils.map { pupilReportRow(Int($0)) }
        return data
    }

    private func pupilReportRow(_ i: Int) -> PupilReportRow {
        let t = table
        let p = cohort.pupils[i]
        let name = p.name >= 0 ? cohort.names[Int(p.name)] : PupilName(forename: "", surname: "")
        func opt(_ x: Double) -> Double? { x.isNaN ? nil : x }
        var row = PupilReportRow(
            upn: p.upn.description, forename: name.forename, surname: name.surname,
            ks1APS: opt(t.ks1APS[i]), pag: t.pag[i] > 0 ? Int(t.pag[i]) : nil,
            gender: p.gender.name, disadvantaged: p.disadvantaged.name, eal: p.eal.name,
            sen: p.sen.name)
        for subject in Subject.allCases {
            let s = subject.rawValue
            row.score[subject] = opt(t.score[t.at(s, i)])
            row.source[subject] = t.source[t.at(s, i)].name
            row.estimate[subject] = opt(t.estimate[t.at(s, i)])
            row.progress[subject] = opt(t.progress[t.at(s, i)])
            row.capped[subject] = t.progress[t.at(s, i)].isNaN ? nil : t.capped[t.at(s, i)]
            row.excluded[subject] = t.excluded[t.at(s, i)]?.name ?? ""
        }
        return row
    }
}

/// The plan of every school's workbook: the school's position among the aggregation's rows, its
/// LA's, its group rows, its other years and its pupils. `england` stands in for the national row
/// when the aggregation has none (a supplied run). Without `acrossYears` (a one-year run) the Trend
/// sheet's rows are built from `trend` alone.
func schoolWorkbookPlan(
    cohort: KS2Cohort, table t: PupilProgressTable, aggregation: Aggregation,
    trend: [SchoolResult], acrossYears: AcrossYearsResults? = nil, england: SchoolResult? = nil
) -> SchoolWorkbookPlan {
    var schoolRow: [String: Int] = [:]
    var laRow: [String: Int] = [:]
    var national: SchoolResult? = nil
    for (k, r) in aggregation.rows.enumerated() {
        switch r.level {
        case .school: schoolRow[r.id] = k
        case .la: laRow[r.id] = k
        case .national: national = r
        }
    }
    let groups = schoolGroupRanges(aggregation.groups)
    var trendBySchool: [String: [Int32]] = [:]
    for (k, r) in trend.enumerated() where r.level == .school { trendBySchool[r.id, default: []].append(Int32(k)) }

    var pupilsBySchool = [[Int32]](repeating: [], count: cohort.schools.count)
    for i in aggregation.pupilOrder {
        let school = Int(cohort.pupils[Int(i)].school)
        if pupilsBySchool.indices.contains(school) { pupilsBySchool[school].append(i) }
    }
    var books: [SchoolWorkbookPlan.Book] = []
    for (k, info) in cohort.schools.enumerated() {
        guard let row = schoolRow[info.id] else { continue }
        books.append(
            SchoolWorkbookPlan.Book(
                school: row, localAuthority: laRow[aggregation.rows[row].la], groups: groups[info.id] ?? 0..<0,
                trend: trendBySchool[info.id] ?? [], pupils: pupilsBySchool[k]))
    }
    books.sort { aggregation.rows[$0.school].id < aggregation.rows[$1.school].id }
    return SchoolWorkbookPlan(
        books: books, aggregation: aggregation, trend: trend, series: acrossYears?.byID(level: .school),
        national: national ?? england, cohort: cohort, table: t)
}

/// Each school's group rows: the aggregation writes a school's group rows side by side.
private func schoolGroupRanges(_ groups: [GroupResult]) -> [String: Range<Int>] {
    var ranges: [String: Range<Int>] = [:]
    var start = 0
    while start < groups.count {
        var end = start + 1
        let id = groups[start].result.id
        let level = groups[start].result.level
        while end < groups.count && groups[end].result.level == level && groups[end].result.id == id { end += 1 }
        if level == .school {
            precondition(ranges[id] == nil, "a school's group rows are not side by side")
            ranges[id] = start..<end
        }
        start = end
    }
    return ranges
}

/// England's row for a supplied run's school workbooks (the run computes no national row): its
/// attainment from the estimates' national.csv, its progress 0 by definition; nil when not known.
func suppliedEnglandRow(_ outcome: ProgressJob.Outcome) -> SchoolResult? {
    guard let attainment = outcome.computation.estimates.englandAttainment else { return nil }
    return SchoolResult(
        year: outcome.cohort.year, level: .national, id: "E92000001", name: "England", attainment: attainment)
}

/// Per school URN, the project cohorts it is in: the cohort's results and the school's own row.
func schoolProjectCohorts(_ impacts: [CohortImpact], _ schools: [CohortSchool]) -> [String: [SchoolProjectCohort]] {
    var byCohort: [String: [CohortImpact]] = [:]
    for i in impacts { byCohort[i.cohort, default: []].append(i) }
    var out: [String: [SchoolProjectCohort]] = [:]
    for s in schools {
        out[s.urn, default: []].append(SchoolProjectCohort(impacts: byCohort[s.cohort] ?? [], school: s))
    }
    return out
}
