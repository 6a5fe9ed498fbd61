import KS2Analysis
import KS2Core

/// One workbook's data per school: the school, its LA, England, its trend, its measures across
/// years, its groups and only its own pupils (the data-protection boundary is drawn here, once).
/// Without `acrossYears` (a one-year run) the Trend sheet's rows are built from `trend` alone.
func schoolWorkbookData(
    cohort: KS2Cohort, table t: PupilProgressTable, aggregation: Aggregation,
    trend: [SchoolResult], acrossYears: AcrossYearsResults? = nil
) -> [SchoolWorkbookData] {
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

    var pupilsBySchool: [Int32: [PupilReportRow]] = [:]
    for i32 in aggregation.pupilOrder {
        let i = Int(i32)
        let p = cohort.pupils[i]
        let name = p.name >= 0 ? cohort.names[Int(p.name)] : PupilName(forename: "", surname: "")
        func opt(_ x: Double) -> Double? { x.isNaN ? nil : x }
        var row = PupilReportRow(
            upn: p.upn.description, forename: name.forename, surname: name.surname,
            ks1APS: opt(t.ks1APS[i]), pag: t.pag[i] > 0 ? Int(t.pag[i]) : nil,
            gender: p.gender.name, disadvantaged: p.disadvantaged.name, eal: p.eal.name,
            sen: p.sen.name)
        for s in 0..<3 {
            row.score[s] = opt(t.score[t.at(s, i)])
            row.source[s] = t.source[t.at(s, i)].name
            row.estimate[s] = opt(t.estimate[t.at(s, i)])
            row.progress[s] = opt(t.progress[t.at(s, i)])
            row.capped[s] = t.progress[t.at(s, i)].isNaN ? nil : t.capped[t.at(s, i)]
            row.excluded[s] = t.excluded[t.at(s, i)]?.name ?? ""
        }
        pupilsBySchool[p.school, default: []].append(row)
    }
    var books: [SchoolWorkbookData] = []
    for (k, info) in cohort.schools.enumerated() {
        guard let row = schoolRows[info.id] else { continue }
        var years = trendBySchool[info.id] ?? []
        if !years.contains(where: { $0.year == row.year }) { years.append(row) }
        years.sort { $0.year < $1.year }
        var book = SchoolWorkbookData(
            school: row, localAuthority: laRows[row.la], national: national,
            trend: years, groups: groupsBySchool[info.id] ?? [],
            pupils: pupilsBySchool[Int32(k)] ?? [])
        if let series = seriesBySchool[info.id] {
            book.acrossYears = series
        } else {
            book.acrossYears.trends = trendRows(years)
        }
        books.append(book)
    }
    books.sort { $0.school.id < $1.school.id }
    return books
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
