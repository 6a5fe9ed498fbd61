import KS2Core

/// trends.csv's header, exactly as formats.md lists it.
public let trendsCSVHeader: [String] = [
    "level", "id", "name", "la", "subject", "year", "n", "progress", "lower", "upper", "status", "band",
    "prev_year", "change", "comparability",
]

/// three_year.csv's header, exactly as formats.md lists it.
public let threeYearCSVHeader: [String] = [
    "level", "id", "name", "la", "subject", "years", "n", "progress", "lower", "upper", "status",
    "significance", "comparability",
]

/// gaps.csv's header, exactly as formats.md lists it.
public let gapsCSVHeader: [String] = [
    "year", "level", "id", "name", "la", "subject", "dis_n", "dis_progress", "dis_lower", "dis_upper",
    "dis_status", "other_n", "other_progress", "national_other_progress", "gap", "gap_lower", "gap_upper",
    "within_school_gap",
]

/// whatif.csv's header, exactly as formats.md lists it.
public let whatIfCSVHeader: [String] = [
    "urn", "name", "subject", "removed", "n_before", "progress_before", "lower_before", "upper_before",
    "status_before", "band_before", "n_after", "progress_after", "lower_after", "upper_after", "status_after",
    "band_after",
]

extension RowBytes {
    /// The identity of a trends or three-year row: level, id, name, la, subject.
    mutating func appendSeries(level: ResultLevel, id: String, name: String, la: String, subject: Subject) {
        appendText(level.name)
        appendText(id)
        appendText(name)
        appendText(la)
        appendText(subject.name)
    }

    /// A measure's n, progress, interval and status.
    mutating func appendFigures(n: Int?, progress: Double?, lower: Double?, upper: Double?, status: ResultStatus) {
        appendInt(n)
        appendDouble(progress)
        appendDouble(lower)
        appendDouble(upper)
        appendText(status.description)
    }
}

/// trends.csv from rows in output order (level, id, subject, year).
public func trendsCSV(_ rows: [TrendRow]) -> [UInt8] { trendsCSV(rows[...]) }

/// The same from a slice of rows (parallel writers format parts without copying rows; all but the
/// first part without the header).
public func trendsCSV(_ rows: ArraySlice<TrendRow>, header: Bool = true) -> [UInt8] {
    RowBytes.collect(capacity: 120 * (rows.count + 1)) { w in
        if header { w.appendHeader(trendsCSVHeader) }
        for i in rows.indices {
            let r = rows[i]
            w.appendSeries(level: r.level, id: r.id, name: r.name, la: r.la, subject: r.subject)
            w.appendInt(r.year)
            w.appendFigures(n: r.n, progress: r.progress, lower: r.lower, upper: r.upper, status: r.status)
            w.appendInt(r.band)
            w.appendInt(r.previousYear)
            w.appendDouble(r.change)
            w.appendText(comparabilityText(r.comparability))
            w.endRow()
        }
    }
}

/// three_year.csv from rows in output order (level, id, subject).
public func threeYearCSV(_ rows: [ThreeYearRow]) -> [UInt8] { threeYearCSV(rows[...]) }

/// The same from a slice of rows (parallel writers format parts without copying rows; all but the
/// first part without the header).
public func threeYearCSV(_ rows: ArraySlice<ThreeYearRow>, header: Bool = true) -> [UInt8] {
    RowBytes.collect(capacity: 120 * (rows.count + 1)) { w in
        if header { w.appendHeader(threeYearCSVHeader) }
        for i in rows.indices {
            let r = rows[i]
            w.appendSeries(level: r.level, id: r.id, name: r.name, la: r.la, subject: r.subject)
            w.appendText(r.years.map(String.init).joined(separator: ";"))
            w.appendFigures(n: r.n, progress: r.progress, lower: r.lower, upper: r.upper, status: r.status)
            w.appendText(significanceText(r.significance))
            w.appendText(comparabilityText(r.comparability))
            w.endRow()
        }
    }
}

/// gaps.csv from rows in output order (year, level, id, subject).
public func gapsCSV(_ rows: [GapRow]) -> [UInt8] { gapsCSV(rows[...]) }

/// The same from a slice of rows (parallel writers format parts without copying rows; all but the
/// first part without the header).
public func gapsCSV(_ rows: ArraySlice<GapRow>, header: Bool = true) -> [UInt8] {
    RowBytes.collect(capacity: 160 * (rows.count + 1)) { w in
        if header { w.appendHeader(gapsCSVHeader) }
        for i in rows.indices {
            let r = rows[i]
            w.appendArea(year: r.year, level: r.level, id: r.id, name: r.name, la: r.la)
            w.appendText(r.subject.name)
            let d = r.disadvantaged
            w.appendFigures(n: d.n, progress: d.progress, lower: d.lower, upper: d.upper, status: d.status)
            w.appendInt(r.other.n)
            w.appendDouble(r.other.progress)
            w.appendDouble(r.nationalOtherProgress)
            w.appendDouble(r.gap)
            w.appendDouble(r.gapLower)
            w.appendDouble(r.gapUpper)
            w.appendDouble(r.withinSchoolGap)
            w.endRow()
        }
    }
}

/// whatif.csv: one row per (school, subject) touched by the removals, before and after.
public func whatIfCSV(_ rows: [WhatIfRow]) -> [UInt8] {
    RowBytes.collect(capacity: 200 * (rows.count + 1)) { w in
        w.appendHeader(whatIfCSVHeader)
        for r in rows {
            w.appendText(r.urn)
            w.appendText(r.name)
            w.appendText(r.subject.name)
            w.appendInt(r.removed)
            for f in [r.before, r.after] {
                w.appendFigures(n: f.n, progress: f.progress, lower: f.lower, upper: f.upper, status: f.status)
                w.appendInt(f.band)
            }
            w.endRow()
        }
    }
}

/// three_year.csv's `significance`: `above`, `below`, or empty (not significant or no interval).
func significanceText(_ s: Significance?) -> String {
    switch s {
    case .above: "above"
    case .below: "below"
    case .notSignificant, nil: ""
    }
}
