import CXLSXWriter
import Foundation

/// A libxlsxwriter failure as a Swift error: what was being done and libxlsxwriter's own text.
public struct XLSXError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The `lxw_error` number (0 when the failure was not libxlsxwriter's own).
    public var code: Int
    public var message: String
    public var context: String
    public var description: String { "\(context): \(message)" }
}

@inline(__always)
private func check(_ result: lxw_error, _ context: @autoclosure () -> String) throws {
    if result != LXW_NO_ERROR {
        throw XLSXError(
            code: Int(result.rawValue), message: String(cString: lxw_strerror(result)),
            context: context())
    }
}

/// libxlsxwriter prints "[ERROR]…" lines on C's stderr for failures it also returns (and that are
/// thrown here with the file and its own text): the command line silences those prints once, at
/// start. Only C stdio's stderr is redirected; Swift writes its messages to descriptor 2 directly.
public func silenceLibraryMessages() {
    ks2_silence_c_stderr()
}

/// A colour as 0xRRGGBB.
typealias RGB = UInt32

/// How a cell looks; each distinct style becomes one libxlsxwriter format, created once per workbook.
struct CellStyle: Hashable {
    var bold = false
    var italic = false
    var wrap = false
    var numberFormat: String? = nil
    var fill: RGB? = nil
    var fontColor: RGB? = nil
    var fontSize: Double? = nil
    var borderBottom = false
    var alignCentre = false
    var verticalTop = false
    /// One level of indent (text that follows a right-aligned number reads apart from it).
    var indent = false

    /// Hashes the packed flags, colours and size and only the length of the number format: a
    /// workbook looks a style up for every cell it writes, and hashing the format text (non-ASCII in
    /// the signed formats) byte by byte was most of that. Equal styles still hash equally; styles
    /// that differ only in format text are told apart by `==`.
    func hash(into hasher: inout Hasher) {
        let flags =
            (bold ? 1 : 0) | (italic ? 2 : 0) | (wrap ? 4 : 0) | (borderBottom ? 8 : 0) | (alignCentre ? 16 : 0)
            | (verticalTop ? 32 : 0) | (indent ? 64 : 0) | (fill == nil ? 0 : 128) | (fontColor == nil ? 0 : 256)
        hasher.combine(UInt64(flags) | UInt64(fill ?? 0) << 16 | UInt64(fontColor ?? 0) << 40)
        hasher.combine(fontSize ?? -1)
        hasher.combine(numberFormat?.utf8.count ?? -1)
    }

    static let plain = CellStyle()
    /// Centred: a left-aligned title over right-aligned numbers reads as the next column's.
    static let header = CellStyle(
        bold: true, wrap: true, fill: 0xDDEBF7, borderBottom: true, alignCentre: true, verticalTop: true)
    static let title = CellStyle(bold: true, fontSize: 14)
    static let sentence = CellStyle(wrap: true, verticalTop: true)
    static let note = CellStyle(italic: true, fontColor: 0x595959)
    static let dp1 = CellStyle(numberFormat: "0.0")
    static let dp2 = CellStyle(numberFormat: "0.00")
    static let signed2 = CellStyle(numberFormat: "+0.00;\u{2212}0.00;0.00")
    static let percent = CellStyle(numberFormat: "0%")
    static let integer = CellStyle(numberFormat: "0")
    /// A suppressed figure's `SUPP`: greyed, indented apart from a number to its left.
    static let suppressed = CellStyle(indent: true).greyed

    /// The same style with text wrapping.
    var wrapped: CellStyle {
        var s = self
        s.wrap = true
        return s
    }

    /// The same style greyed (a suppressed or missing figure).
    var greyed: CellStyle {
        var s = self
        s.fontColor = 0x808080
        s.fill = 0xEDEDED
        return s
    }
}

/// An open .xlsx being written; owns the `lxw_workbook` and closes it exactly once.
///
/// Not Sendable: a workbook is built on one thread (several workbooks may be built in parallel,
/// each created inside its own task).
final class Workbook {
    private var handle: UnsafeMutablePointer<lxw_workbook>?
    private var formats: [CellStyle: UnsafeMutablePointer<lxw_format>] = [:]
    /// The style looked up last and its format: a column or a row of cells mostly repeats its style,
    /// and comparing one style is cheaper than hashing it.
    private var lastStyle = CellStyle.plain
    private var lastFormat: UnsafeMutablePointer<lxw_format>? = nil
    let path: String

    /// Starts a workbook at `path`; `constantMemory` streams rows to disk (rows must then be
    /// written in order, and strings are stored inline rather than shared). `created` is the run's
    /// date (taken once per run, so every workbook of a run carries the same one) and `title` the
    /// document title shown in the file's properties. libxlsxwriter writes every part of the file
    /// to a temporary file in `temporaryDirectory` first (the system's when nil).
    init(
        path: String, constantMemory: Bool = false, created: time_t = Workbook.fixedCreationTime,
        title: String = "", temporaryDirectory: String? = Workbook.memoryTemporaryDirectory
    ) throws {
        self.path = path
        let made = { (tmpdir: UnsafeMutablePointer<CChar>?) in
            var options = lxw_workbook_options(constant_memory: constantMemory ? 1 : 0, tmpdir: tmpdir, use_zip64: 1)
            return workbook_new_opt(path, &options)
        }
        let workbook =
            if let temporaryDirectory {
                temporaryDirectory.withCString { made(UnsafeMutablePointer(mutating: $0)) }
            } else {
                made(nil)
            }
        guard let wb = workbook else {
            throw XLSXError(code: 0, message: "could not create the workbook", context: path)
        }
        handle = wb
        // the date given, never the clock: the same inputs and run date give byte-identical workbooks
        var properties = lxw_doc_properties()
        properties.created = created
        let setProperties = { (title: UnsafeMutablePointer<CChar>?) in
            properties.title = title
            properties.author = nil
            _ = workbook_set_properties(wb, &properties)
        }
        if title.isEmpty {
            setProperties(nil)
        } else {
            title.withCString { setProperties(UnsafeMutablePointer(mutating: $0)) }
        }
    }

    /// A school workbook's ~20 temporary files (one per part, deleted at once) are created faster
    /// in memory than on a disk's file system: /dev/shm when it is a writable directory, else nil
    /// (the system's temporary directory). On Linux libxlsxwriter's parts are kept in memory
    /// (CXLSXPackaging) and the directory is not used; it is for systems where that does not apply.
    static let memoryTemporaryDirectory: String? = {
        let shm = "/dev/shm"
        var info = stat()
        guard stat(shm, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, access(shm, W_OK | X_OK) == 0 else { return nil }
        return shm
    }()

    /// 2000-01-01T00:00:00Z, the document date when no run date is given (unit tests).
    static let fixedCreationTime: time_t = 946_684_800

    /// A workbook dropped without `close()` was abandoned by an error: free it and leave no
    /// half-built file behind.
    deinit {
        if let handle {
            _ = workbook_close(handle)
            unlink(path)
        }
    }

    private var open: UnsafeMutablePointer<lxw_workbook> {
        get throws {
            guard let handle else { throw XLSXError(code: 0, message: "workbook already closed", context: path) }
            return handle
        }
    }

    /// Adds a sheet (name ≤ 31 characters, no `[]:*?/\`).
    func addWorksheet(_ name: String) throws -> Worksheet {
        let wb = try open
        try check(workbook_validate_sheet_name(wb, name), "\(path): sheet \"\(name)\"")
        guard let ws = workbook_add_worksheet(wb, name) else {
            throw XLSXError(code: 0, message: "could not add sheet", context: "\(path): sheet \"\(name)\"")
        }
        return Worksheet(handle: ws, workbook: self, name: name)
    }

    /// The format for a style, created on first use.
    func format(_ style: CellStyle) -> UnsafeMutablePointer<lxw_format>? {
        if style == lastStyle { return lastFormat }
        let f = createdFormat(style)
        lastStyle = style
        lastFormat = f
        return f
    }

    private func createdFormat(_ style: CellStyle) -> UnsafeMutablePointer<lxw_format>? {
        if style == .plain { return nil }
        if let f = formats[style] { return f }
        guard let wb = handle, let f = workbook_add_format(wb) else { return nil }
        if style.bold { format_set_bold(f) }
        if style.italic { format_set_italic(f) }
        if style.wrap { format_set_text_wrap(f) }
        if let nf = style.numberFormat { format_set_num_format(f, nf) }
        if let fill = style.fill {
            format_set_pattern(f, UInt8(LXW_PATTERN_SOLID.rawValue))
            format_set_bg_color(f, fill)
        }
        if let c = style.fontColor { format_set_font_color(f, c) }
        if let size = style.fontSize { format_set_font_size(f, size) }
        if style.borderBottom { format_set_bottom(f, UInt8(LXW_BORDER_THIN.rawValue)) }
        if style.alignCentre { format_set_align(f, UInt8(LXW_ALIGN_CENTER.rawValue)) }
        if style.verticalTop { format_set_align(f, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue)) }
        if style.indent { format_set_indent(f, 1) }
        formats[style] = f
        return f
    }

    /// Adds a chart, to be given series and then inserted into a sheet.
    func addChart(_ type: lxw_chart_type) throws -> Chart {
        let wb = try open
        guard let c = workbook_add_chart(wb, UInt8(type.rawValue)) else {
            throw XLSXError(code: 0, message: "could not add chart", context: path)
        }
        return Chart(handle: c)
    }

    /// Writes the file; every failure (e.g. a missing directory) is thrown.
    func close() throws {
        guard let wb = handle else { return }
        handle = nil
        errno = 0
        let result = workbook_close(wb)
        let cause = errno
        if result != LXW_NO_ERROR {
            // the zip and file errors come from the system: say which (e.g. no space left on device)
            let reason = cause != 0 ? "; \(String(cString: strerror(cause)).lowercased())" : ""
            throw XLSXError(
                code: Int(result.rawValue), message: String(cString: lxw_strerror(result)) + reason,
                context: "cannot write \(path)")
        }
    }
}

/// One sheet of a `Workbook`; keeps its workbook alive.
struct Worksheet {
    let handle: UnsafeMutablePointer<lxw_worksheet>
    let workbook: Workbook
    let name: String

    /// A text cell (always a string, never a formula, whatever it starts with); table text is indented
    /// one level, so that a code after a right-aligned number (`93.52 EXS`, `-9.38 Y`) reads apart from
    /// it (not in the first column, nor titles, notes, centred or wrapped text).
    func write(_ row: Int, _ col: Int, _ text: String, _ style: CellStyle = .plain) throws {
        if text.isEmpty { return try blank(row, col, style) }
        var used = style
        let tableText = !style.alignCentre && !style.wrap && !style.italic && style.fontSize == nil
        if col > 0 && tableText { used.indent = true }
        try check(
            worksheet_write_string(handle, lxw_row_t(row), lxw_col_t(col), text, workbook.format(used)),
            "\(workbook.path): \(name)!R\(row + 1)C\(col + 1)")
    }

    /// A number cell, blank (keeping the style) when absent or not finite.
    func write(_ row: Int, _ col: Int, _ number: Double?, _ style: CellStyle = .plain) throws {
        guard let number, number.isFinite else { return try blank(row, col, style) }
        try check(
            worksheet_write_number(handle, lxw_row_t(row), lxw_col_t(col), number, workbook.format(style)),
            "\(workbook.path): \(name)!R\(row + 1)C\(col + 1)")
    }

    /// An integer cell, blank when absent.
    func write(_ row: Int, _ col: Int, _ number: Int?, _ style: CellStyle = .plain) throws {
        try write(row, col, number.map(Double.init), style)
    }

    /// A blank cell (written only when styled: an unstyled blank is no cell at all).
    func blank(_ row: Int, _ col: Int, _ style: CellStyle = .plain) throws {
        guard style != .plain else { return }
        try check(
            worksheet_write_blank(handle, lxw_row_t(row), lxw_col_t(col), workbook.format(style)),
            "\(workbook.path): \(name)!R\(row + 1)C\(col + 1)")
    }

    /// A header row of bold, wrapped, filled cells.
    func header(_ row: Int, _ titles: [String], from col: Int = 0) throws {
        for (i, t) in titles.enumerated() { try write(row, col + i, t, .header) }
    }

    /// Column `k`'s width to `widths[k]`, for each column of a table.
    func columnWidths(_ widths: [Double]) throws {
        for (k, w) in widths.enumerated() { try columnWidth(k, k, w) }
    }

    func columnWidth(_ first: Int, _ last: Int, _ width: Double) throws {
        try check(
            worksheet_set_column(handle, lxw_col_t(first), lxw_col_t(last), width, nil),
            "\(workbook.path): \(name) column width")
    }

    func rowHeight(_ row: Int, _ height: Double) throws {
        try check(worksheet_set_row(handle, lxw_row_t(row), height, nil), "\(workbook.path): \(name) row height")
    }

    func merge(
        _ firstRow: Int, _ firstCol: Int, _ lastRow: Int, _ lastCol: Int, _ text: String,
        _ style: CellStyle
    ) throws {
        try check(
            worksheet_merge_range(
                handle, lxw_row_t(firstRow), lxw_col_t(firstCol), lxw_row_t(lastRow),
                lxw_col_t(lastCol), text, workbook.format(style)),
            "\(workbook.path): \(name) merge")
    }

    func freezePanes(rows: Int, cols: Int = 0) {
        worksheet_freeze_panes(handle, lxw_row_t(rows), lxw_col_t(cols))
    }

    func autofilter(_ firstRow: Int, _ firstCol: Int, _ lastRow: Int, _ lastCol: Int) throws {
        try check(
            worksheet_autofilter(
                handle, lxw_row_t(firstRow), lxw_col_t(firstCol), lxw_row_t(lastRow),
                lxw_col_t(lastCol)), "\(workbook.path): \(name) autofilter")
    }

    /// Landscape, one page wide (or one page in all with `onePage`; or at the scale set apart from
    /// this without `fitWidth`), the given header rows repeated on every printed page.
    func printSetup(
        repeatRows: ClosedRange<Int>? = nil, landscape: Bool = true, onePage: Bool = false, fitWidth: Bool = true
    ) throws {
        if landscape { worksheet_set_landscape(handle) }
        worksheet_set_paper(handle, 9)  // A4
        if fitWidth || onePage { worksheet_fit_to_pages(handle, 1, onePage ? 1 : 0) }
        worksheet_set_margins(handle, 0.4, 0.4, 0.6, 0.6)
        if let r = repeatRows {
            try check(
                worksheet_repeat_rows(handle, lxw_row_t(r.lowerBound), lxw_row_t(r.upperBound)),
                "\(workbook.path): \(name) repeat rows")
        }
    }

    /// Prints a table legibly: landscape, one page wide when that keeps its 11 pt text at 8 pt or more;
    /// else at that 8 pt scale across pages, with `repeatColumns` (what names a row) on every page.
    func printTable(columnWidths: [Double], repeatRows: ClosedRange<Int>, repeatColumns: ClosedRange<Int>) throws {
        let fits = onePageWideScale(columnWidths) >= minimumLegibleScale
        try printSetup(repeatRows: repeatRows, fitWidth: fits)
        guard !fits else { return }
        worksheet_set_print_scale(handle, UInt16((minimumLegibleScale * 100).rounded(.up)))
        try check(
            worksheet_repeat_columns(handle, lxw_col_t(repeatColumns.lowerBound), lxw_col_t(repeatColumns.upperBound)),
            "\(workbook.path): \(name) repeat columns")
    }

    /// Prints only rows `rows` of columns `0...lastCol`.
    func printArea(rows: ClosedRange<Int>, lastCol: Int) throws {
        try check(
            worksheet_print_area(
                handle, lxw_row_t(rows.lowerBound), 0, lxw_row_t(rows.upperBound),
                lxw_col_t(lastCol)), "\(workbook.path): \(name) print area")
    }

    /// A printed page's header (`left` and the run date on the right) and footer ("Page x of y"), so a
    /// printed page can be traced to its school or report.
    func pageHeaderFooter(left: String, date: String) throws {
        // `&` starts a header code: a literal one is doubled; Excel allows 255 characters
        let escaped = String(left.replacingOccurrences(of: "&", with: "&&").prefix(180))
        try check(worksheet_set_header(handle, "&L\(escaped)&R\(date)"), "\(workbook.path): \(name) header")
        try check(worksheet_set_footer(handle, "&L\(name)&CPage &P of &N"), "\(workbook.path): \(name) footer")
    }

    /// Hides the sheet (chart data a reader does not need to see or print).
    func hide() { worksheet_hide(handle) }

    /// Makes the sheet the one the workbook opens on.
    func activate() { worksheet_activate(handle) }

    func insert(_ chart: Chart, row: Int, col: Int, xScale: Double = 1, yScale: Double = 1) throws {
        var options = lxw_chart_options()
        options.x_scale = xScale
        options.y_scale = yScale
        try check(
            worksheet_insert_chart_opt(handle, lxw_row_t(row), lxw_col_t(col), chart.handle, &options),
            "\(workbook.path): \(name) chart")
    }

    /// `'Sheet name'!$A$2:$A$9` for chart series (0-based rows and columns, inclusive).
    func range(_ firstRow: Int, _ firstCol: Int, _ lastRow: Int, _ lastCol: Int) -> String {
        "='\(name.replacingOccurrences(of: "'", with: "''"))'!"
            + "$\(columnLetters(firstCol))$\(firstRow + 1):$\(columnLetters(lastCol))$\(lastRow + 1)"
    }
}

/// `A`, `B`, … `Z`, `AA`, … for a 0-based column.
func columnLetters(_ col: Int) -> String {
    var n = col + 1
    var letters: [Character] = []
    while n > 0 {
        let r = (n - 1) % 26
        letters.append(Character(Unicode.Scalar(UInt8(65 + r))))
        n = (n - 1) / 26
    }
    return String(letters.reversed())
}

/// A chart being built (owned by its workbook).
struct Chart {
    let handle: UnsafeMutablePointer<lxw_chart>

    /// Adds a series from two ranges (categories or x values, and values).
    @discardableResult
    func addSeries(name: String, categories: String?, values: String) throws -> ChartSeries {
        guard let s = chart_add_series(handle, categories, values) else {
            throw XLSXError(code: 0, message: "could not add series", context: "chart series \(name)")
        }
        chart_series_set_name(s, name)
        return ChartSeries(handle: s)
    }

    /// The chart title, in 12-point bold (the default 14 crowds a small chart).
    func title(_ text: String) {
        chart_title_set_name(handle, text)
        var font = lxw_chart_font()
        font.size = 12
        font.bold = 1
        chart_title_set_name_font(handle, &font)
    }
    func xAxisName(_ text: String) { chart_axis_set_name(handle.pointee.x_axis, text) }
    func yAxisName(_ text: String) { chart_axis_set_name(handle.pointee.y_axis, text) }
    func yNumberFormat(_ format: String) { chart_axis_set_num_format(handle.pointee.y_axis, format) }
    func xNumberFormat(_ format: String) { chart_axis_set_num_format(handle.pointee.x_axis, format) }
    /// Puts the category labels at the bottom of the plot even when values are negative.
    func xLabelsLow() {
        chart_axis_set_label_position(handle.pointee.x_axis, UInt8(LXW_CHART_AXIS_LABEL_POSITION_LOW.rawValue))
    }
    /// Puts the y axis's labels at the left of the plot (a bar chart's names, whatever the values).
    func yLabelsLow() {
        chart_axis_set_label_position(handle.pointee.y_axis, UInt8(LXW_CHART_AXIS_LABEL_POSITION_LOW.rawValue))
    }
    func legendBottom() { chart_legend_set_position(handle, UInt8(LXW_CHART_LEGEND_BOTTOM.rawValue)) }
    func legendOff() { chart_legend_set_position(handle, UInt8(LXW_CHART_LEGEND_NONE.rawValue)) }
    func blanksAsGaps() { chart_show_blanks_as(handle, UInt8(LXW_CHART_BLANKS_AS_GAP.rawValue)) }
    /// Fixes an axis's range (so a zero line or a funnel's limits span the whole plot).
    func xRange(_ min: Double, _ max: Double) {
        chart_axis_set_min(handle.pointee.x_axis, min)
        chart_axis_set_max(handle.pointee.x_axis, max)
    }
    /// The x axis's bounds and the step between its ticks.
    func xAxis(_ axis: RoundAxis) {
        xRange(axis.min, axis.max)
        chart_axis_set_major_unit(handle.pointee.x_axis, axis.unit)
    }
    func yRange(_ min: Double, _ max: Double) {
        chart_axis_set_min(handle.pointee.y_axis, min)
        chart_axis_set_max(handle.pointee.y_axis, max)
    }
    /// Hides the y axis's numbers (row positions that stand for categories are labelled on the points).
    func yAxisNumbersOff() {
        chart_axis_set_label_position(handle.pointee.y_axis, UInt8(LXW_CHART_AXIS_LABEL_POSITION_NONE.rawValue))
        chart_axis_set_major_tick_mark(handle.pointee.y_axis, UInt8(LXW_CHART_AXIS_TICK_MARK_NONE.rawValue))
        chart_axis_major_gridlines_set_visible(handle.pointee.y_axis, 0)
    }
    /// Bars of the series drawn over each other (100) and the gap between categories (% of a bar).
    func seriesOverlap(_ overlap: Int8) { chart_set_series_overlap(handle, overlap) }
    func seriesGap(_ gap: UInt16) { chart_set_series_gap(handle, gap) }
    /// No gridlines across the value axis (white bars drawn over them would cut them).
    func valueGridlinesOff() {
        chart_axis_major_gridlines_set_visible(handle.pointee.y_axis, 0)
        chart_axis_major_gridlines_set_visible(handle.pointee.x_axis, 0)
    }
    func deleteLegendEntries(_ indices: [Int16]) {
        var list = indices + [-1]
        _ = chart_legend_delete_series(handle, &list)
    }
    /// Vertical lines from the lowest to the highest series value at each category (the whiskers).
    func highLowLines(colour: RGB, width: Float = 1.5) {
        var line = lxw_chart_line(color: colour, none: 0, width: width, dash_type: 0, transparency: 0)
        chart_set_high_low_lines(handle, &line)
    }
}

/// One series of a chart.
struct ChartSeries {
    let handle: UnsafeMutablePointer<lxw_chart_series>

    func noLine() {
        var line = lxw_chart_line(color: 0, none: 1, width: 0, dash_type: 0, transparency: 0)
        chart_series_set_line(handle, &line)
    }
    func line(colour: RGB, width: Float = 2) {
        var line = lxw_chart_line(color: colour, none: 0, width: width, dash_type: 0, transparency: 0)
        chart_series_set_line(handle, &line)
    }
    func fill(colour: RGB) {
        var fill = lxw_chart_fill(color: colour, none: 0, transparency: 0)
        chart_series_set_fill(handle, &fill)
    }
    /// A dashed line (limits and reference lines).
    func dashedLine(colour: RGB, width: Float = 1.25) {
        var line = lxw_chart_line(
            color: colour, none: 0, width: width,
            dash_type: UInt8(LXW_CHART_LINE_DASH_DASH.rawValue), transparency: 0)
        chart_series_set_line(handle, &line)
    }

    /// One colour per point (marker fill and border), e.g. by band.
    func pointColours(_ colours: [RGB]) throws {
        var fills = colours.map { lxw_chart_fill(color: $0, none: 0, transparency: 0) }
        var lines = colours.map { lxw_chart_line(color: $0, none: 0, width: 0.75, dash_type: 0, transparency: 0) }
        try fills.withUnsafeMutableBufferPointer { f in
            try lines.withUnsafeMutableBufferPointer { l in
                var points = (0..<colours.count).map {
                    lxw_chart_point(
                        line: l.baseAddress! + $0,
                        fill: f.baseAddress! + $0, pattern: nil)
                }
                try points.withUnsafeMutableBufferPointer { p in
                    var list: [UnsafeMutablePointer<lxw_chart_point>?] = (0..<colours.count).map { p.baseAddress! + $0 }
                    list.append(nil)
                    try check(chart_series_set_points(handle, &list), "chart point colours")
                }
            }
        }
    }

    /// A text label beside each point (e.g. "Maths +0.60"), above it by default.
    func labels(
        _ texts: [String], position: lxw_chart_label_position = LXW_CHART_LABEL_POSITION_RIGHT,
        fontSize: Double = 9
    ) throws {
        let cStrings = texts.map { strdup($0) }
        defer { for c in cStrings { free(c) } }
        var font = lxw_chart_font()
        font.size = fontSize
        try withUnsafeMutablePointer(to: &font) { fontPointer in
            var labels = cStrings.indices.map { i in
                var l = lxw_chart_data_label()
                l.value = cStrings[i]
                l.font = fontPointer
                return l
            }
            try labels.withUnsafeMutableBufferPointer { b in
                var list: [UnsafeMutablePointer<lxw_chart_data_label>?] = (0..<texts.count).map { b.baseAddress! + $0 }
                list.append(nil)
                try check(chart_series_set_labels_custom(handle, &list), "chart labels")
            }
        }
        chart_series_set_labels_position(handle, UInt8(position.rawValue))
    }

    func marker(_ type: lxw_chart_marker_type, size: UInt8 = 6, colour: RGB? = nil) {
        chart_series_set_marker_type(handle, UInt8(type.rawValue))
        if type != LXW_CHART_MARKER_NONE { chart_series_set_marker_size(handle, size) }
        if let colour {
            var fill = lxw_chart_fill(color: colour, none: 0, transparency: 0)
            chart_series_set_marker_fill(handle, &fill)
            var line = lxw_chart_line(color: colour, none: 0, width: 0.75, dash_type: 0, transparency: 0)
            chart_series_set_marker_line(handle, &line)
        }
    }
}

/// The smallest print scale that keeps 11 pt text legible: 8 pt.
let minimumLegibleScale = 8.0 / 11.0

/// How much wider LibreOffice draws the same columns than Excel: measured on the impact workbook's
/// tables printed one page wide (with Carlito, the metric twin of Calibri), 1.11.
let libreOfficeColumnFactor = 1.11

/// The print scale at which columns of these widths (Excel's character units) fill the width of a
/// landscape A4 page inside `printSetup`'s 0.4-inch side margins, in the wider of Excel and
/// LibreOffice: Excel draws a column of width w as w × 7 + 5 pixels of 0.75 pt with its 11 pt font.
func onePageWideScale(_ columnWidths: [Double]) -> Double {
    let pixels = columnWidths.reduce(0.0) { $0 + ($1 * 7 + 5).rounded(.down) }
    let printable = (11.69 - 2 * 0.4) * 72
    return pixels > 0 ? printable / (pixels * 0.75 * libreOfficeColumnFactor) : 1
}
