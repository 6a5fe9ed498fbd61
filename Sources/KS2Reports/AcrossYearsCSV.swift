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

/// trends.csv from rows in output order (level, id, subject, year).
public func trendsCSV(_ rows: [TrendRow]) -> [UInt8] {
    var w = CSVWriter(header: trendsCSVHeader, capacity: 120 * (rows.count + 1))
    for r in rows {
        w.appendText(r.level.name)
        w.appendText(r.id)
        w.appendText(r.name)
        w.appendText(r.la)
        w.appendText(r.subject.name)
        w.appendInt(r.year)
        w.appendInt(r.n)
        w.appendDouble(r.progress)
        w.appendDouble(r.lower)
        w.appendDouble(r.upper)
        w.appendText(r.status.description)
        w.appendInt(r.band)
        w.appendInt(r.previousYear)
        w.appendDouble(r.change)
        w.appendText(comparabilityText(r.comparability))
        w.endRow()
    }
    return w.bytes
}

/// three_year.csv from rows in output order (level, id, subject).
public func threeYearCSV(_ rows: [ThreeYearRow]) -> [UInt8] {
    var w = CSVWriter(header: threeYearCSVHeader, capacity: 120 * (rows.count + 1))
    for r in rows {
        w.appendText(r.level.name)
        w.appendText(r.id)
        w.appendText(r.name)
        w.appendText(r.la)
        w.appendText(r.subject.name)
        w.appendText(r.years.map(String.init).joined(separator: ";"))
        w.appendInt(r.n)
        w.appendDouble(r.progress)
        w.appendDouble(r.lower)
        w.appendDouble(r.upper)
        w.appendText(r.status.description)
        w.appendText(significanceText(r.significance))
        w.appendText(comparabilityText(r.comparability))
        w.endRow()
    }
    return w.bytes
}

/// gaps.csv from rows in output order (year, level, id, subject).
public func gapsCSV(_ rows: [GapRow]) -> [UInt8] {
    var w = CSVWriter(header: gapsCSVHeader, capacity: 160 * (rows.count + 1))
    for r in rows {
        w.appendInt(r.year)
        w.appendText(r.level.name)
        w.appendText(r.id)
        w.appendText(r.name)
        w.appendText(r.la)
        w.appendText(r.subject.name)
        w.appendInt(r.disadvantaged.n)
        w.appendDouble(r.disadvantaged.progress)
        w.appendDouble(r.disadvantaged.lower)
        w.appendDouble(r.disadvantaged.upper)
        w.appendText(r.disadvantaged.status.description)
        w.appendInt(r.other.n)
        w.appendDouble(r.other.progress)
        w.appendDouble(r.nationalOtherProgress)
        w.appendDouble(r.gap)
        w.appendDouble(r.gapLower)
        w.appendDouble(r.gapUpper)
        w.appendDouble(r.withinSchoolGap)
        w.endRow()
    }
    return w.bytes
}

/// whatif.csv: one row per (school, subject) touched by the removals, before and after.
public func whatIfCSV(_ rows: [WhatIfRow]) -> [UInt8] {
    var w = CSVWriter(header: whatIfCSVHeader)
    for r in rows {
        w.appendText(r.urn)
        w.appendText(r.name)
        w.appendText(r.subject.name)
        w.appendInt(r.removed)
        for figures in [r.before, r.after] {
            w.appendInt(figures.n)
            w.appendDouble(figures.progress)
            w.appendDouble(figures.lower)
            w.appendDouble(figures.upper)
            w.appendText(figures.status.description)
            w.appendInt(figures.band)
        }
        w.endRow()
    }
    return w.bytes
}

/// three_year.csv's `significance`: `above`, `below`, or empty (not significant or no interval).
func significanceText(_ s: Significance?) -> String {
    switch s {
    case .above: "above"
    case .below: "below"
    case .notSignificant, nil: ""
    }
}
