import Foundation
import KS2Core
import KS2Ingest

/// England's attainment of `year` from national.csv's attainment columns (schools.csv's names, added
/// after `other_progress`, the same figures on every row of the year), so that a supplied run's school
/// workbooks show England beside the school and LA. Nil when the file has none of the columns (a
/// national.csv written before them: the run warns); some but not all of them is an error.
func readEnglandAttainment(_ nat: DelimitedText, year: Int) throws -> AttainmentFigures<Double>? {
    let header = nat.header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    let found = AttainmentMeasure.allCases.map { header.firstIndex(of: $0.column) }
    if found.allSatisfy({ $0 == nil }) { return nil }
    let names = AttainmentMeasure.allCases.map(\.column)
    if let missing = found.firstIndex(where: { $0 == nil }) {
        throw PipelineError.input(
            InputError(
                file: nat.file, line: 1, column: 1,
                message: "missing column \(names[missing]): England's attainment columns come together "
                    + "(\(names.first ?? "") … \(names.last ?? ""))"))
    }
    let columns = found.compactMap { $0 }
    guard let yearColumn = header.firstIndex(of: "year") else { return nil }
    var figures: [Double?]? = nil
    for r in nat.rows.indices {
        let row = nat.rows[r]
        guard yearColumn < row.count, let y = Double(row[yearColumn]), Int(y) == year else { continue }
        var values: [Double?] = []
        for (k, c) in columns.enumerated() {
            let text = c < row.count ? row[c].trimmingCharacters(in: .whitespaces) : ""
            let value = Double(text)
            guard text.isEmpty || value != nil else {
                throw PipelineError.input(
                    InputError(
                        file: nat.file, line: nat.lines[r], column: c + 1,
                        message: "\(names[k]) \"\(text)\": expected a number or nothing"))
            }
            values.append(value)
        }
        if let first = figures, first != values {
            throw PipelineError.input(
                InputError(
                    file: nat.file, line: nat.lines[r], column: columns[0] + 1,
                    message: "England's attainment for \(year) differs from the year's first row: "
                        + "expected the same figures on every row"))
        }
        figures = values
    }
    return figures.map { AttainmentFigures($0) }
}
