import Foundation

/// A failure to write an output file, naming the path and the system's reason.
public struct ReportWriteError: Error, Sendable, CustomStringConvertible, Equatable {
    public var path: String
    public var message: String
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "\(path): \(message)" }
}

/// Builds a CSV file as UTF-8 bytes (comma, LF, RFC 4180 quoting) without a `String` per field,
/// because the emit stage writes hundreds of thousands of pupil rows.
///
/// Text that a spreadsheet would run as a formula (starting `=`, `+`, `-` or `@`) is neutralised
/// with a leading `'`, unless the whole text is a number such as `-0.37`.
/// Numbers are written unrounded in the shortest form that reads back to the same double, in plain
/// decimal notation (never `1e-05`), with `.0` on whole numbers (`100.0`), as polars writes floats.
public struct CSVWriter: Sendable {
    /// The file so far.
    public private(set) var bytes: [UInt8]
    private var atRowStart = true

    /// Starts an empty file with room for `capacity` bytes.
    public init(capacity: Int = 1 << 16) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Starts a file with its header row written.
    public init(header: [String], capacity: Int = 1 << 16) {
        self.init(capacity: capacity)
        for name in header { appendText(name) }
        endRow()
    }

    @inline(__always)
    private mutating func separate() {
        if atRowStart { atRowStart = false } else { bytes.append(UInt8(ascii: ",")) }
    }

    /// Ends the current row with LF.
    public mutating func endRow() {
        bytes.append(0x0A)
        atRowStart = true
    }

    /// An empty field (an absent value).
    public mutating func appendEmpty() { separate() }

    /// A text field, quoted when it holds a comma, quote or line break, neutralised when a
    /// spreadsheet would read it as a formula.
    public mutating func appendText(_ text: String) {
        separate()
        if let done: Void = text.utf8.withContiguousStorageIfAvailable({ appendTextBytes($0) }) {
            return done
        }
        let copy = Array(text.utf8)
        copy.withUnsafeBufferPointer { appendTextBytes($0) }
    }

    /// A field already formatted by this writer (e.g. a cached number), written as it is.
    @inline(__always)
    mutating func appendFormatted(_ field: UnsafeBufferPointer<UInt8>) {
        separate()
        bytes.append(contentsOf: field)
    }

    /// The text `appendDouble` writes for `value`, for callers that cache repeated numbers.
    static func formatted(_ value: Double) -> [UInt8] {
        var w = CSVWriter(capacity: 32)
        w.appendDouble(value)
        return w.bytes
    }

    /// The bytes `appendText` writes for `text` (no separator), for formatters that cache fields.
    static func field(_ text: [UInt8]) -> [UInt8] {
        var w = CSVWriter(capacity: text.count + 4)
        text.withUnsafeBufferPointer { w.appendText(utf8: $0) }
        return w.bytes
    }

    /// A text field given as UTF-8 bytes (for callers holding raw input bytes).
    public mutating func appendText(utf8 field: UnsafeBufferPointer<UInt8>) {
        separate()
        appendTextBytes(field)
    }

    private mutating func appendTextBytes(_ field: UnsafeBufferPointer<UInt8>) {
        var needsQuotes = false
        for b in field where b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D {
            needsQuotes = true
            break
        }
        let neutralise = CSVWriter.needsNeutralising(field)
        if !needsQuotes {
            if neutralise { bytes.append(UInt8(ascii: "'")) }
            bytes.append(contentsOf: field)
            return
        }
        bytes.append(0x22)
        if neutralise { bytes.append(UInt8(ascii: "'")) }
        for b in field {
            if b == 0x22 { bytes.append(0x22) }
            bytes.append(b)
        }
        bytes.append(0x22)
    }

    /// Whether `appendTextBytes` would write `field` as it is (no quotes, no neutralising).
    static func isPlainField(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in field where b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D { return false }
        return !needsNeutralising(field)
    }

    /// Whether text starts like a formula (`=`, `+`, `-`, `@`) and is not simply a number.
    static func needsNeutralising(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = field.first else { return false }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "@"): return true
        case UInt8(ascii: "+"), UInt8(ascii: "-"): return !isPlainNumber(field)
        default: return false
        }
    }

    /// `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`
    static func isPlainNumber(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = s.count
        if i < n && (s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-")) { i += 1 }
        var digits = 0
        while i < n && s[i] >= 0x30 && s[i] <= 0x39 {
            i += 1
            digits += 1
        }
        if i < n && s[i] == UInt8(ascii: ".") {
            i += 1
            while i < n && s[i] >= 0x30 && s[i] <= 0x39 {
                i += 1
                digits += 1
            }
        }
        if digits == 0 { return false }
        if i < n && (s[i] == UInt8(ascii: "e") || s[i] == UInt8(ascii: "E")) {
            i += 1
            if i < n && (s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-")) { i += 1 }
            var expDigits = 0
            while i < n && s[i] >= 0x30 && s[i] <= 0x39 {
                i += 1
                expDigits += 1
            }
            if expDigits == 0 { return false }
        }
        return i == n
    }

    /// An integer field.
    public mutating func appendInt(_ value: Int) {
        separate()
        appendIntDigits(value)
    }

    /// An integer field, empty when absent.
    public mutating func appendInt(_ value: Int?) {
        if let value { appendInt(value) } else { appendEmpty() }
    }

    private mutating func appendIntDigits(_ value: Int) {
        if value == 0 {
            bytes.append(0x30)
            return
        }
        var magnitude = value.magnitude
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes ≥ 20 digits
        withUnsafeMutableBytes(of: &scratch) { buf in
            var end = buf.count
            while magnitude > 0 {
                end -= 1
                buf[end] = UInt8(truncatingIfNeeded: magnitude % 10) + 0x30
                magnitude /= 10
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buf[end...]))
        }
    }

    /// A double field in shortest round-trip plain decimal form; NaN and infinities are written
    /// empty (they are never a valid figure).
    public mutating func appendDouble(_ value: Double) {
        guard value.isFinite else { return separate() }
        if atRowStart {
            atRowStart = false
            ShortestDouble.append(value, to: &bytes)
        } else {
            ShortestDouble.append(value, prefix: UInt8(ascii: ","), to: &bytes)
        }
    }

    /// A double field, empty when absent.
    public mutating func appendDouble(_ value: Double?) {
        if let value { appendDouble(value) } else { appendEmpty() }
    }

    /// A Y/N field, empty when absent.
    public mutating func appendYesNo(_ value: Bool?) {
        separate()
        if let value { bytes.append(value ? UInt8(ascii: "Y") : UInt8(ascii: "N")) }
    }

    /// Appends a whole row of text fields (headers, small tables).
    public mutating func appendRow(_ fields: [String]) {
        for f in fields { appendText(f) }
        endRow()
    }

    /// Writes the bytes to `path` with the given file mode (0o640 for pupil-level files).
    public func write(to path: String, mode: mode_t = 0o644) throws {
        try CSVWriter.write(bytes, to: path, mode: mode)
    }

    /// Writes bytes to `path` (created or truncated) with the given file mode.
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)
        if fd < 0 { throw ReportWriteError(path: path, message: String(cString: strerror(errno))) }
        func fail() -> ReportWriteError {
            let error = ReportWriteError(path: path, message: String(cString: strerror(errno)))
            close(fd)
            return error
        }
        // open() honours the umask; set the mode explicitly so pupil files are exactly as asked.
        if fchmod(fd, mode) != 0 { throw fail() }
        let failed = writeAllBytes(fd, bytes)
        if failed != 0 {
            errno = failed
            throw fail()
        }
        if close(fd) != 0 { throw ReportWriteError(path: path, message: String(cString: strerror(errno))) }
    }
}

/// Writes all of `bytes` to `fd`, retrying writes interrupted by a signal or cut short; returns 0,
/// or the errno of the failure. The one write loop of the project's file outputs.
public func writeAllBytes(_ fd: Int32, _ bytes: [UInt8]) -> Int32 {
    bytes.withUnsafeBytes { raw in
        var done = 0
        while done < raw.count {
            let wrote = Foundation.write(fd, raw.baseAddress! + done, raw.count - done)
            if wrote < 0 {
                if errno == EINTR { continue }
                return errno
            }
            done += wrote
        }
        return 0
    }
}

/// A small table as CSV bytes: a header row, then each row's fields as text.
public func writeCSV(header: [String], rows: [[String]]) -> [UInt8] {
    var w = CSVWriter(header: header, capacity: 64 * (rows.count + 1))
    for row in rows { w.appendRow(row) }
    return w.bytes
}
