import KS2Core

/// Trends, three-year progress and disadvantaged gaps (methodology.md §10) from the results rows of
/// every year of a run — computed from pupils or read from DfE tables alike. The pupil-level work is
/// already done by the aggregation: a pooled mean of pupils' adjusted progress over years is
/// Σ n_y·p_y / Σ n_y of the yearly rows, so nothing here walks pupils again.

/// The rows of one (level, id), oldest year first.
private struct SeriesKey: Hashable, Comparable {
    var level: ResultLevel
    var id: String
    static func < (a: SeriesKey, b: SeriesKey) -> Bool { (a.level, a.id) < (b.level, b.id) }
}

/// Each (level, id)'s rows oldest first, the ids in output order (level, then id).
/// (Positions sorted by key, year and position, then cut into runs: a dictionary of 17,000 keys a
/// year, each with its own growing array, took most of the across-years stage.)
private func series(_ rows: [SchoolResult]) -> [(key: SeriesKey, rows: [SchoolResult])] {
    let keys = rows.map { SeriesKey(level: $0.level, id: $0.id) }
    let order = rows.indices.sorted { a, b in
        if keys[a] != keys[b] { return keys[a] < keys[b] }
        if rows[a].year != rows[b].year { return rows[a].year < rows[b].year }
        return a < b
    }
    var out: [(key: SeriesKey, rows: [SchoolResult])] = []
    var k = 0
    while k < order.count {
        let key = keys[order[k]]
        var run: [SchoolResult] = []
        while k < order.count && keys[order[k]] == key {
            run.append(rows[order[k]])
            k += 1
        }
        out.append((key, run))
    }
    return out
}

/// trends.csv: for every school, LA and England, each year's figures per subject with the change
/// from the previous year that has a progress figure (only when both years are `ok`) and the
/// changes that pair of years crosses. Names and LA codes are the latest year's.
public func trendRows(_ rows: [SchoolResult]) -> [TrendRow] {
    var out: [TrendRow] = []
    for (key, years) in series(rows) {
        let latest = years[years.count - 1]
        for subject in Subject.allCases {
            var previous: (year: Int, figures: SubjectResult)? = nil
            for r in years {
                let figures = r[subject]
                var row = TrendRow(
                    level: key.level, id: key.id, name: latest.name, la: latest.la,
                    subject: subject, year: r.year, figures: figures)
                if let previous {
                    row.previousYear = previous.year
                    row.comparability = comparabilityChanges(from: previous.year, to: r.year)
                    if previous.figures.status == .ok, figures.status == .ok,
                        let before = previous.figures.progress, let now = figures.progress
                    {
                        row.change = now - before
                    }
                }
                out.append(row)
                if figures.progress != nil { previous = (r.year, figures) }
            }
        }
    }
    return out
}

/// The last three years of `rows` in which any row has a progress figure, oldest first.
public func threeYearWindow(_ rows: [SchoolResult]) -> [Int] {
    var years = Set<Int>()
    for r in rows where r.subjects.first(where: { $0.progress != nil }) != nil { years.insert(r.year) }
    return Array(years.sorted().suffix(3))
}

/// three_year.csv: per (level, id, subject), the pupils of the window's years pooled — progress3 =
/// Σ n_y·p_y / N, interval ± 1.96·√(Σ n_y·σ_y²) / N, status by §7 on N and the pooled coverage
/// denominator, significance, the changes crossed. A year adds its pupils when it has a progress
/// figure and a pupil count; a row needs one such year with status `ok` or `supp`.
/// `sigma` gives a year's national σ; a year without one leaves the interval empty (a warning says so).
public func threeYearRows(
    _ rows: [SchoolResult],
    sigma: (Int, Subject) -> Double?
) -> (rows: [ThreeYearRow], warnings: [String]) {
    let window = threeYearWindow(rows)
    let inWindow = Set(window)
    var out: [ThreeYearRow] = []
    var withoutSigma = Set<String>()
    var withoutN = 0
    var yearsWithoutN = Set<Int>()
    for (key, years) in series(rows) {
        let used = years.filter { inWindow.contains($0.year) }
        guard let latest = used.last else { continue }
        for subject in Subject.allCases {
            var pooledYears: [Int] = []
            var n = 0
            var weighted = 0.0
            var variance: Double? = 0
            var denominator: Int? = 0
            var publishable = false
            for r in used {
                let f = r[subject]
                guard let p = f.progress, f.status != .none else { continue }
                guard let ny = f.n, ny > 0 else {
                    withoutN += 1
                    yearsWithoutN.insert(r.year)
                    continue
                }
                pooledYears.append(r.year)
                n += ny
                weighted += Double(ny) * p
                if let s = sigma(r.year, subject) {
                    variance = variance.map { $0 + Double(ny) * s * s }
                } else {
                    variance = nil
                    withoutSigma.insert("\(r.year) \(subject.name)")
                }
                if let cov = f.coverage, cov > 0 {
                    denominator = denominator.map { $0 + Int((Double(ny) * 100 / cov).rounded()) }
                } else {
                    denominator = nil
                }
                if f.status == .ok || f.status == .supp { publishable = true }
            }
            guard publishable, n > 0 else { continue }
            let progress = weighted / Double(n)
            // ±1.96·√(Σ n_y·σ_y²)/N is §7's interval with σ = √(Σ n_y·σ_y² / N)
            let interval = variance.map {
                confidenceInterval(progress: progress, sigma: ($0 / Double(n)).squareRoot(), n: n)
            }
            out.append(
                ThreeYearRow(
                    level: key.level, id: key.id, name: latest.name, la: latest.la,
                    subject: subject, years: pooledYears, n: n, progress: progress,
                    lower: interval?.lower, upper: interval?.upper,
                    status: ResultStatus(MeasureStatus(n: n, denominator: denominator ?? 0))))
        }
    }
    var warnings: [String] = []
    if !withoutSigma.isEmpty {
        warnings.append(
            "warning: three_year.csv: no national σ for \(withoutSigma.sorted().joined(separator: ", ")) "
                + "(no national run or methodology file gives it): those rows have no interval")
    }
    if withoutN > 0 {
        let years = yearsWithoutN.sorted().map(String.init).joined(separator: ", ")
        warnings.append(
            "warning: three_year.csv: \(withoutN) subject figures of \(years) have progress but no pupil "
                + "count (no TELIG or coverage: a later table's prior-year columns carry neither); "
                + "they are left out of the pooled figures")
    }
    return (out, warnings)
}

/// England's other (not disadvantaged) pupils' progress per year and subject, from the national
/// rows' `disadvantaged` = `N` group.
public func nationalOtherProgress(_ groups: [GroupResult]) -> [Int: PerSubject<Double?>] {
    var out: [Int: PerSubject<Double?>] = [:]
    // by index, so that only the few matching rows are read whole (`for g in groups` copies every row)
    for k in groups.indices where groups[k].result.level == .national {
        guard groups[k].group == "disadvantaged" && groups[k].value == "N" else { continue }
        let r = groups[k].result
        if out[r.year] == nil { out[r.year] = PerSubject { r.subjects[$0].progress } }
    }
    return out
}

/// gaps.csv: for every results row (school, LA, England) with a disadvantaged breakdown, per subject,
/// the disadvantaged group's figures, the same row's other pupils, England's other pupils that year
/// (`nationalOther`) and the gaps. England's own row is measured against its own other pupils.
/// Returns the years that have gap rows but no national figure, so the caller can say why.
public func gapRows(
    _ rows: [SchoolResult], groups: [GroupResult],
    nationalOther: [Int: PerSubject<Double?>]
) -> (rows: [GapRow], yearsWithoutNational: [Int]) {
    gapRows(rows, groupSets: [groups], nationalOther: nationalOther)
}

/// The same from several sets of group rows, earlier sets first (a row of an earlier set wins), so
/// a caller never joins them into one copy: three national years' group rows are 100 MB, and in a
/// fresh allocation that large every page is a fault.
public func gapRows(
    _ rows: [SchoolResult], groupSets: [[GroupResult]],
    nationalOther: [Int: PerSubject<Double?>]
) -> (rows: [GapRow], yearsWithoutNational: [Int]) {
    struct ResultRowKey: Hashable {
        var year: Int
        var level: ResultLevel
        var id: String
    }
    /// Set and position of a group row (not a copy of the row).
    struct Position {
        var set: Int
        var index: Int
    }
    var disadvantaged: [ResultRowKey: Position] = [:]
    var others: [ResultRowKey: Position] = [:]
    disadvantaged.reserveCapacity(rows.count)
    others.reserveCapacity(rows.count)
    for (set, groups) in groupSets.enumerated() {
        for k in groups.indices where groups[k].group == "disadvantaged" {
            let g = groups[k].result
            let key = ResultRowKey(year: g.year, level: g.level, id: g.id)
            let value = groups[k].value
            if value == "Y" && disadvantaged[key] == nil { disadvantaged[key] = Position(set: set, index: k) }
            if value == "N" && others[key] == nil { others[key] = Position(set: set, index: k) }
        }
    }
    var out: [GapRow] = []
    out.reserveCapacity(3 * max(disadvantaged.count, others.count))
    var missing = Set<Int>()
    for r in rows {
        let key = ResultRowKey(year: r.year, level: r.level, id: r.id)
        let dis = disadvantaged[key].map { groupSets[$0.set][$0.index].result }
        let other = others[key].map { groupSets[$0.set][$0.index].result }
        if dis == nil && other == nil { continue }
        for subject in Subject.allCases {
            let disFigures = dis?[subject] ?? SubjectResult()
            let otherFigures = other?[subject] ?? SubjectResult()
            let england = nationalOther[r.year]?[subject] ?? nil
            let national = r.level == .national ? otherFigures.progress : england
            if national == nil && r.level != .national { missing.insert(r.year) }
            out.append(
                GapRow(
                    year: r.year, level: r.level, id: r.id, name: r.name, la: r.la, subject: subject,
                    disadvantaged: disFigures, other: otherFigures, nationalOtherProgress: national))
        }
    }
    return (out, missing.sorted())
}
