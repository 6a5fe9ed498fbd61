import Foundation
import KS2Core

/// Writes one what-if workbook per school touched by the removals (`rows` of any schools, grouped
/// here) into `directory`: a school's what-if reveals its removed pupils' scores (before × n −
/// after × (n − 1)), so each school's figures go only into its own workbook. Returns the file names.
@discardableResult
public func writeWhatIfWorkbooks(
    _ rows: [WhatIfRow], year: Int, directory: String, threads: Int, context: ReportContext = ReportContext(),
    progress: WorkProgress? = nil
) throws -> [String] {
    var bySchool: [String: [WhatIfRow]] = [:]
    for r in rows { bySchool[r.urn, default: []].append(r) }
    let schools = bySchool.keys.sorted().map { bySchool[$0] ?? [] }
    let names = schools.map { rows in
        schoolWorkbookFileName(urn: rows[0].urn, name: rows[0].name + " what-if")
    }
    try writeWorkbooksInParallel(schools.count, threads: threads, progress: progress) { i in
        try writeWhatIfWorkbook(schools[i], year: year, to: directory + "/" + names[i], context: context)
    }
    return names
}

/// One school's what-if workbook: the "What-if" sheet (each subject before and after, labelled
/// "what-if, not an official figure" in its title, its first lines and its page header) and Notes.
public func writeWhatIfWorkbook(
    _ rows: [WhatIfRow], year: Int, to path: String, context: ReportContext = ReportContext()
) throws {
    let urn = rows.first?.urn ?? ""
    let name = rows.first?.name ?? ""
    let title = "\(urn) \(name)".trimmingCharacters(in: .whitespaces)
    let book = try Workbook(
        path: path, created: context.created, title: "KS2 progress \(year) \(whatIfLabel): \(title)")
    let sheet = try book.addWorksheet("What-if")
    let notes = try book.addWorksheet("Notes")
    try writeWhatIfSheet(sheet, rows, title: title)
    try writeNotesSheet(
        notes, kind: .whatIf, title: "\(title) (\(whatIfLabel))", years: "KS2 \(year)",
        context: context)
    try sheet.pageHeaderFooter(left: "\(title) · KS2 \(year) · \(whatIfLabel)", date: context.dateText)
    try book.close()
}

/// The what-if table: per subject the pupils removed, the figures before and after (SUPP where a
/// figure may not be shown) and the change when both are published.
private func writeWhatIfSheet(_ sheet: Worksheet, _ rows: [WhatIfRow], title: String) throws {
    try sheet.write(0, 0, title, .title)
    let label = CellStyle(bold: true, fontColor: 0xC00000, fontSize: 14)
    try sheet.write(1, 0, whatIfLabel.capitalizedFirst, label)
    try sheet.rowHeight(2, 30)
    try sheet.merge(
        2, 0, 2, 12,
        "The school's progress recomputed with chosen pupils removed, against the same national estimates, "
            + "σ and band thresholds. The figures before are the school's results; the figures after are not.",
        .sentence)
    try sheet.rowHeight(4, 44)  // three lines: the after column's header carries the label
    try sheet.header(
        4,
        [
            "Subject", "Pupils removed", "Pupils before", "Progress before", "95% CI lower", "95% CI upper",
            "Band before", "Pupils after", "Progress after (\(whatIfLabel))", "95% CI lower", "95% CI upper",
            "Band after", "Change",
        ])
    var row = 5
    for r in rows {
        try sheet.write(row, 0, Wording.subjectTitle(r.subject), CellStyle(bold: true))
        try sheet.write(row, 1, r.removed)
        try sheet.write(row, 2, r.before.n)
        try sheet.writeProgress(row, 3, r.before)
        try sheet.write(row, 7, r.after.n)
        try sheet.writeProgress(row, 8, r.after)
        if r.before.status == .ok, r.after.status == .ok, let before = r.before.progress,
            let after = r.after.progress
        {
            try sheet.write(row, 12, after - before, .signed2)
        } else {
            try sheet.write(row, 12, "n/a", CellStyle.plain.greyed)
        }
        row += 1
    }
    try sheet.write(
        row + 1, 0,
        "SUPP: 5 or fewer pupils in the measure; the DfE does not publish such figures. Change: after minus before, "
            + "when both are published.", .note)
    try sheet.columnWidth(0, 0, 12)
    try sheet.columnWidth(1, 2, 9)
    try sheet.columnWidth(3, 5, 9)
    try sheet.columnWidth(6, 6, 19)
    try sheet.columnWidth(7, 7, 9)
    try sheet.columnWidth(8, 8, 16)
    try sheet.columnWidth(9, 10, 9)
    try sheet.columnWidth(11, 11, 19)
    try sheet.columnWidth(12, 12, 9)
    try sheet.printArea(rows: 0...(row + 1), lastCol: 12)
    try sheet.printSetup(landscape: true, onePage: true)
}
