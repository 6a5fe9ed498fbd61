import KS2Core

/// The per-subject measure columns of schools.csv and groups.csv, in order (formats.md).
let subjectMeasureColumns = ["n", "cov", "progress", "lower", "upper", "progress_unadj", "status", "band"]

/// The measure columns shared by schools.csv and groups.csv: subjects, then attainment.
let resultMeasureHeader: [String] =
    Subject.allCases.flatMap { s in subjectMeasureColumns.map { "\(s.name)_\($0)" } }
    + AttainmentMeasure.allCases.map(\.column)

/// schools.csv's header, exactly as formats.md lists it.
public let schoolsCSVHeader: [String] =
    ["year", "level", "id", "name", "la", "eligible", "ks1_aps"] + resultMeasureHeader

/// groups.csv's header: the schools.csv identity, the group and its value, then the same measures.
public let groupsCSVHeader: [String] =
    ["year", "level", "id", "name", "la", "group", "value", "eligible", "ks1_aps"] + resultMeasureHeader

/// cohorts.csv's header, exactly as formats.md lists it.
public let cohortsCSVHeader: [String] = [
    "cohort", "subject", "baseline_year", "outcome_year", "schools", "schools_missing", "baseline_mean",
    "outcome_mean", "change", "change_lower", "change_upper", "baseline_pooled", "outcome_pooled",
    "baseline_pct_exp", "outcome_pct_exp", "comparison_schools", "comparison_change", "comparison_lower",
    "comparison_upper", "did", "did_lower", "did_upper",
]

/// cohort_schools.csv's header: identity, per subject baseline/outcome progress and change, the reason.
public let cohortSchoolsCSVHeader: [String] =
    ["cohort", "urn", "name", "la"]
    + Subject.allCases.flatMap { ["\($0.name)_baseline", "\($0.name)_outcome", "\($0.name)_change"] }
    + ["missing_reason", "comparability"]

/// rejects.csv's header (formats.md).
public let rejectsCSVHeader: [String] = ["file", "line", "upn", "reason", "detail"]

extension RowBytes {
    /// One subject's eight measure fields.
    @inline(__always)
    mutating func appendSubject(_ s: SubjectResult) {
        appendInt(s.n)
        appendDouble(s.coverage)
        appendDouble(s.progress)
        appendDouble(s.lower)
        appendDouble(s.upper)
        appendDouble(s.progressUnadjusted)
        appendText(s.status.description)
        appendInt(s.band)
    }

    /// A row's first five fields in schools.csv, groups.csv and gaps.csv: year, level, id, name, la.
    mutating func appendArea(year: Int, level: ResultLevel, id: String, name: String, la: String) {
        appendInt(year)
        appendText(level.name)
        appendText(id)
        appendText(name)
        appendText(la)
    }

    /// The same for a results row.
    mutating func appendArea(_ r: SchoolResult) {
        appendArea(year: r.year, level: r.level, id: r.id, name: r.name, la: r.la)
    }

    /// eligible, ks1_aps, the three subjects and the 13 attainment measures of a row.
    mutating func appendMeasures(_ r: SchoolResult) {
        appendInt(r.eligible)
        appendDouble(r.ks1APS)
        for subject in Subject.allCases {
            appendSubject(r.subjects[subject])
        }
        for measure in AttainmentMeasure.allCases {
            appendDouble(r.attainment[measure])
        }
    }
}

/// schools.csv from rows the caller has sorted (year, level, id).
public func schoolsCSV(_ rows: [SchoolResult]) -> [UInt8] { schoolsCSV(rows[...]) }

/// schools.csv from a slice of rows (parallel writers format parts without copying rows; all but the
/// first part without the header).
public func schoolsCSV(_ rows: ArraySlice<SchoolResult>, header: Bool = true) -> [UInt8] {
    // rows are read in place (a `for r in rows` copy retains every string of the row)
    return rows.withUnsafeBufferPointer { rows in
        // national rows average ~570 bytes, ~670 at most: room enough that no part outgrows the array
        RowBytes.collect(capacity: 800 * (rows.count + 1), cachingNumbers: true) { w in
            if header { w.appendHeader(schoolsCSVHeader) }
            for i in rows.indices {
                w.appendArea(rows[i])
                w.appendMeasures(rows[i])
                w.endRow()
            }
        }
    }
}

/// groups.csv from rows the caller has sorted.
public func groupsCSV(_ rows: [GroupResult]) -> [UInt8] { groupsCSV(rows[...]) }

/// groups.csv from a slice of rows (parallel writers format parts without copying rows; all but the
/// first part without the header).
public func groupsCSV(_ rows: ArraySlice<GroupResult>, header: Bool = true) -> [UInt8] {
    // rows are read in place through the buffer (an array slice's element read copies the row)
    return rows.withUnsafeBufferPointer { rows in
        // national rows average ~370 bytes, up to ~530 over a part, ~690 at most: room enough that no
        // part outgrows the array
        RowBytes.collect(capacity: 750 * (rows.count + 1), cachingNumbers: true) { w in
            if header { w.appendHeader(groupsCSVHeader) }
            // a school's dozen group rows start alike (year, level, id, name, LA): written once
            var prefix = (start: 0, count: 0)
            for i in rows.indices {
                if i > 0 && sameArea(rows, i, i - 1) {
                    w.appendWritten(from: prefix.start, count: prefix.count)
                } else {
                    let start = w.written
                    w.appendArea(rows[i].result)
                    prefix = (start, w.written - start)
                }
                w.appendText(rows[i].group)
                w.appendText(rows[i].value)
                w.appendMeasures(rows[i].result)
                w.endRow()
            }
        }
    }
}

/// Whether rows `i` and `j` have the same year, level, id, name and LA (a group row's first five
/// fields), read in place.
@inline(__always)
private func sameArea(_ rows: UnsafeBufferPointer<GroupResult>, _ i: Int, _ j: Int) -> Bool {
    rows[i].result.year == rows[j].result.year && rows[i].result.level == rows[j].result.level
        && rows[i].result.id == rows[j].result.id && rows[i].result.name == rows[j].result.name
        && rows[i].result.la == rows[j].result.la
}

/// cohorts.csv (methodology.md §9), one row per cohort and subject, in the caller's order.
public func cohortsCSV(_ rows: [CohortImpact]) -> [UInt8] {
    var w = CSVWriter(header: cohortsCSVHeader, capacity: 300 * (rows.count + 1))
    for c in rows {
        w.appendText(c.cohort)
        w.appendText(c.subject)
        w.appendInt(c.baselineYear)
        w.appendInt(c.outcomeYear)
        w.appendInt(c.schools)
        w.appendInt(c.schoolsMissing)
        w.appendDouble(c.baselineMean)
        w.appendDouble(c.outcomeMean)
        w.appendDouble(c.change)
        w.appendDouble(c.changeLower)
        w.appendDouble(c.changeUpper)
        w.appendDouble(c.baselinePooled)
        w.appendDouble(c.outcomePooled)
        w.appendDouble(c.baselinePctExp)
        w.appendDouble(c.outcomePctExp)
        w.appendInt(c.comparisonSchools)
        w.appendDouble(c.comparisonChange)
        w.appendDouble(c.comparisonLower)
        w.appendDouble(c.comparisonUpper)
        w.appendDouble(c.did)
        w.appendDouble(c.didLower)
        w.appendDouble(c.didUpper)
        w.endRow()
    }
    return w.bytes
}

/// cohort_schools.csv: each cohort school with both years' progress and the change, or why it is missing.
public func cohortSchoolsCSV(_ rows: [CohortSchool]) -> [UInt8] {
    var w = CSVWriter(header: cohortSchoolsCSVHeader, capacity: 200 * (rows.count + 1))
    for c in rows {
        w.appendText(c.cohort)
        w.appendText(c.urn)
        w.appendText(c.name)
        w.appendText(c.la)
        for subject in Subject.allCases {
            let before = c.baseline[subject]
            let after = c.outcome[subject]
            w.appendDouble(before)
            w.appendDouble(after)
            if let before, let after { w.appendDouble(after - before) } else { w.appendEmpty() }
        }
        w.appendText(c.missingReason)
        w.appendText(c.comparability)
        w.endRow()
    }
    return w.bytes
}

/// rejects.csv in the caller's order.
public func rejectsCSV(_ rows: [Reject]) -> [UInt8] {
    var w = CSVWriter(header: rejectsCSVHeader, capacity: 80 * (rows.count + 1))
    for r in rows {
        w.appendText(r.file)
        w.appendInt(r.line)
        w.appendText(r.upn)
        w.appendText(r.reason.rawValue)
        w.appendText(r.detail)
        w.endRow()
    }
    return w.bytes
}

/// comparison.csv's header: per LA, subject and year, the published LA figure beside the figure
/// pooled from its schools, England, and whether they differ by more than rounding.
public let comparisonCSVHeader: [String] = [
    "year", "la", "la_name", "subject", "published_progress", "published_lower", "published_upper",
    "published_status", "pooled_schools", "schools_without_n", "pooled_pupils", "pooled_progress", "pooled_lower",
    "pooled_upper", "england_progress", "difference", "differs",
]

/// comparison.csv (county comparison): rows in the order given.
public func comparisonCSV(_ rows: [ComparisonRow]) -> [UInt8] {
    var w = CSVWriter(header: comparisonCSVHeader)
    for r in rows {
        w.appendInt(r.year)
        w.appendText(r.la)
        w.appendText(r.laName)
        w.appendText(r.subject.name)
        w.appendDouble(r.published?.progress)
        w.appendDouble(r.published?.lower)
        w.appendDouble(r.published?.upper)
        w.appendText(r.published.map { $0.status.description } ?? "")
        w.appendInt(r.pooledSchools)
        w.appendInt(r.schoolsWithoutN)
        w.appendInt(r.pooledPupils)
        w.appendDouble(r.pooledProgress)
        w.appendDouble(r.pooledLower)
        w.appendDouble(r.pooledUpper)
        w.appendDouble(r.england?.progress)
        w.appendDouble(r.difference)
        w.appendYesNo(r.differs)
        w.endRow()
    }
    return w.bytes
}
