import KS2Analysis
import KS2Core

/// Every school's workbook data but its pupils, and where each school's pupils are: a school's
/// pupil rows are built only when its workbook is written (by `withPupils`), so the national run
/// never holds all 650,000 pupils' report rows at once, and the workers build them in parallel.
struct SchoolWorkbookPlan: Sendable {
    /// One per workbook, in school-id order, with no pupils yet.
    var books: [SchoolWorkbookData]
    /// Per workbook, its pupils' indices into the cohort (in the aggregation's pupil order).
    let pupilIndices: [[Int32]]
    let cohort: KS2Cohort
    let table: PupilProgressTable

    /// Book `k` with its own pupils (only those: the data-protection boundary is drawn here, once).
    func withPupils(_ k: Int) -> SchoolWorkbookData {
        var book = books[k]
        book.pupils = pupilIndices[k].map { pupilReportRow(Int($0)) }
        return book
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

/// One workbook's plan per school: the school, its LA, England, its trend, its measures across
/// years, its groups and where its own pupils are. Without `acrossYears` (a one-year run) the Trend
/// sheet's rows are built from `trend` alone.
func schoolWorkbookPlan(
    cohort: KS2Cohort, table t: PupilProgressTable, aggregation: Aggregation,
    trend: [SchoolResult], acrossYears: AcrossYearsResults? = nil
) -> SchoolWorkbookPlan {
    let seriesBySchool = acrossYears?.byID(level: .school) ?? [:]
    var laRows: [String: SchoolResult] = [:]
    var national: SchoolResult? = nil
    var schoolRows: [String: SchoolResult] = [:]
    for r in aggregation.rows {
        switch r.level {
        case .school: schoolRows[r.id] = r
        case .la: laRows[r.id] = r
        case .national: national = r
        }
    }
    var groupsBySchool: [String: [GroupResult]] = [:]
    for g in aggregation.groups where g.result.level == .school { groupsBySchool[g.result.id, default: []].append(g) }
    var trendBySchool: [String: [SchoolResult]] = [:]
    for r in trend where r.level == .school { trendBySchool[r.id, default: []].append(r) }

    var pupilsBySchool = [[Int32]](repeating: [], count: cohort.schools.count)
    for i in aggregation.pupilOrder {
        let school = Int(cohort.pupils[Int(i)].school)
        if pupilsBySchool.indices.contains(school) { pupilsBySchool[school].append(i) }
    }
    var books: [(data: SchoolWorkbookData, pupils: [Int32])] = []
    for (k, info) in cohort.schools.enumerated() {
        guard let row = schoolRows[info.id] else { continue }
        var years = trendBySchool[info.id] ?? []
        if !years.contains(where: { $0.year == row.year }) { years.append(row) }
        years.sort { $0.year < $1.year }
        var data = SchoolWorkbookData(
            school: row, localAuthority: laRows[row.la], national: national,
            trend: years, groups: groupsBySchool[info.id] ?? [])
        if let series = seriesBySchool[info.id] {
            data.acrossYears = series
        } else {
            data.acrossYears.trends = trendRows(years)
        }
        books.append((data, pupilsBySchool[k]))
    }
    books.sort { $0.data.school.id < $1.data.school.id }
    return SchoolWorkbookPlan(books: books.map(\.data), pupilIndices: books.map(\.pupils), cohort: cohort, table: t)
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
