import KS2Core

/// CSV bytes written straight into [UInt8] buffers, one chunk per school, with the few edited
/// rows of edge mode re-split and re-joined.

let ks2Header = Array(
    """
    upn,urn,laestab,la,school_name,special,year,surname,forename,gender,dob,disadvantaged,eal,sen,\
    read_score,read_code,read_ta,writ_ta,mat_score,mat_code,mat_ta,gps_score,gps_code
    """.utf8)
let ks1Header = Array("upn,ks1_read,ks1_writ,ks1_mat,ks1_year".utf8)

/// KS2 column positions used by edge edits.
enum KS2Field {
    static let upn = 0, urn = 1, laestab = 2, year = 6
    static let readScore = 14, readCode = 15, readTA = 16, writTA = 17
    static let matScore = 18, matCode = 19, matTA = 20, gpsScore = 21, gpsCode = 22
}

/// KS1 column positions used by edge edits.
enum KS1Field {
    static let upn = 0, read = 1, writ = 2, mat = 3
}

extension Array where Element == UInt8 {
    /// Appends a non-negative integer, zero-padded to `width` digits (at least).
    @inline(__always)
    mutating func appendNumber(_ value: Int, width: Int = 1) {
        var n = value
        var digits = 1
        var power = 10
        while power <= n {
            digits += 1
            power *= 10
        }
        let count = Swift.max(digits, width)
        let start = self.count
        append(contentsOf: repeatElement(0x30, count: count))
        var i = start + count - 1
        repeat {
            self[i] = UInt8(n % 10) + 0x30
            n /= 10
            i -= 1
        } while n > 0
    }
}

/// Value of a UPN character for the check-letter sum (digit d → d; letter → its alphabet index).
@inline(__always)
func upnCharValue(_ c: UInt8) -> Int {
    if c >= 0x30 && c <= 0x39 { return Int(c - 0x30) }
    var v = Int(c) - 0x41
    if c > 0x49 { v -= 1 }
    if c > 0x4F { v -= 1 }
    if c > 0x53 { v -= 1 }
    return v
}

/// Appends a 13-character UPN: check letter + LA + establishment + year (2 digits) + serial.
@inline(__always)
func appendUPN(_ out: inout [UInt8], la: Int, estab: Int, yy: Int, serial: Int) {
    let start = out.count
    out.append(0)
    out.appendNumber(la, width: 3)
    out.appendNumber(estab, width: 4)
    out.appendNumber(yy, width: 2)
    out.appendNumber(serial, width: 3)
    var total = 0
    for i in 1...12 { total += upnCharValue(out[start + i]) * (i + 1) }
    out[start] = UPN.alphabet[total % 23]
}

/// The 13 bytes of a UPN.
func upnBytes(la: Int, estab: Int, yy: Int, serial: Int) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(13)
    appendUPN(&out, la: la, estab: estab, yy: yy, serial: serial)
    return out
}

/// Splits one rendered line (no line end) into fields; quotes never hold a doubled quote here.
func splitFields(_ line: ArraySlice<UInt8>) -> [[UInt8]] {
    var fields: [[UInt8]] = []
    var current: [UInt8] = []
    var quoted = false
    for c in line {
        if c == 0x22 { quoted.toggle() }
        if c == 0x2C && !quoted {
            fields.append(current)
            current = []
        } else {
            current.append(c)
        }
    }
    fields.append(current)
    return fields
}

/// One row's edge-mode change: replaced cells, a field too few or too many, an exact copy after
/// it, a changed copy after it, blank lines after it, and the reject the row should earn.
struct RowEdit {
    var replace: [(field: Int, value: [UInt8])] = []
    var fieldDelta = 0
    var reason: RejectReason?
    var twice = false
    var conflict: [(field: Int, value: [UInt8])]?
    var blankLines: [[UInt8]] = []
}

/// One school's bytes, how many lines they take, and the rejects expected on them (local lines, 0-based).
struct Chunk {
    var bytes: [UInt8] = []
    var lines = 0
    var rejects: [(line: Int, upn: String, reason: RejectReason)] = []

    /// The UPN cell as a reject reports it: trimmed and upper-cased.
    static func upnText(_ cell: [UInt8]) -> String {
        String(decoding: cell.filter { $0 != 0x20 }.map { ($0 >= 0x61 && $0 <= 0x7A) ? $0 - 0x20 : $0 }, as: UTF8.self)
    }

    /// Ends the row that started at `start`: applies the edit (if any) and counts its lines.
    mutating func finishRow(from start: Int, edit: RowEdit?) {
        guard let edit else {
            bytes.append(0x0A)
            lines += 1
            return
        }
        var fields = splitFields(bytes[start...])
        bytes.removeSubrange(start...)
        for r in edit.replace { fields[r.field] = r.value }
        if edit.fieldDelta < 0 { fields.removeLast() } else if edit.fieldDelta > 0 { fields.append([0x58]) }
        let upn = Chunk.upnText(fields[0])
        appendJoined(fields)
        if let reason = edit.reason { rejects.append((lines, upn, reason)) }
        lines += 1
        if edit.twice {
            appendJoined(fields)
            rejects.append((lines, upn, .duplicateRow))
            lines += 1
        }
        if let conflict = edit.conflict {
            var copy = fields
            for r in conflict { copy[r.field] = r.value }
            appendJoined(copy)
            rejects.append((lines, upn, .duplicateUPN))
            lines += 1
        }
        for blank in edit.blankLines {
            bytes += blank
            bytes.append(0x0A)
            lines += 1
        }
    }

    private mutating func appendJoined(_ fields: [[UInt8]]) {
        for (i, f) in fields.enumerated() {
            if i > 0 { bytes.append(0x2C) }
            bytes += f
        }
        bytes.append(0x0A)
    }
}

/// Writes schools' cohorts as KS2 and KS1 CSV chunks for one year.
struct Renderer {
    let year: Int
    let model: CohortModel
    /// `YYYY-MM-DD` for each day from 1 September of year − 12.
    let birthDates: [[UInt8]]

    init(model: CohortModel) {
        self.model = model
        year = model.year
        let y0 = model.year - 12
        let months = [30, 31, 30, 31, 31, model.daysInBirthYear == 366 ? 29 : 28, 31, 30, 31, 30, 31, 31]
        var dates: [[UInt8]] = []
        var month = 9
        var y = y0
        for m in 0..<12 {
            for day in 1...months[m] {
                var d: [UInt8] = []
                d.appendNumber(y, width: 4)
                d.append(0x2D)
                d.appendNumber(month, width: 2)
                d.append(0x2D)
                d.appendNumber(day, width: 2)
                dates.append(d)
            }
            month += 1
            if month == 13 {
                month = 1
                y += 1
            }
        }
        birthDates = dates
    }

    /// The 2-digit year in the UPN of this year's pupils (issued at reception entry).
    var upnYear: Int { (year - 7 + 100) % 100 }

    /// The UPN of a KS2 pupil, or of a leaver (pupil < 0) in the KS1 file.
    func upn(school: SynthSchool, cohort: SchoolCohort, pupil: Int32) -> [UInt8] {
        if pupil >= 0 {
            return upnBytes(
                la: school.la, estab: school.estab, yy: upnYear, serial: Int(cohort.pupils[Int(pupil)].serial))
        }
        return upnBytes(la: school.la, estab: school.estab, yy: (upnYear + 99) % 100, serial: Int(-1 - pupil))
    }

    /// The school's KS2 rows.
    func ks2(school: SynthSchool, cohort: SchoolCohort, edits: [Int: RowEdit]) -> Chunk {
        var prefix: [UInt8] = [0x2C]
        prefix.appendNumber(school.urn, width: 6)
        prefix.append(0x2C)
        prefix.appendNumber(school.la, width: 3)
        prefix.appendNumber(school.estab, width: 4)
        prefix.append(0x2C)
        prefix.appendNumber(school.la, width: 3)
        prefix.append(0x2C)
        prefix += school.nameCell
        prefix.append(0x2C)
        prefix.append(school.special ? 0x59 : 0x4E)
        prefix.append(0x2C)
        prefix.appendNumber(year, width: 4)
        prefix.append(0x2C)
        var chunk = Chunk()
        chunk.bytes.reserveCapacity(cohort.pupils.count * 130)
        let yy = upnYear
        for (p, pupil) in cohort.pupils.enumerated() {
            let start = chunk.bytes.count
            appendUPN(&chunk.bytes, la: school.la, estab: school.estab, yy: yy, serial: Int(pupil.serial))
            chunk.bytes += prefix
            appendName(&chunk.bytes, surnames, pupil.surname, pupil.surname2)
            appendName(&chunk.bytes, forenames, pupil.forename, pupil.forename2)
            chunk.bytes.append(pupil.female ? 0x46 : 0x4D)
            chunk.bytes.append(0x2C)
            chunk.bytes += birthDates[Int(pupil.dobDay)]
            chunk.bytes.append(0x2C)
            chunk.bytes.append(pupil.disadvantaged ? 0x59 : 0x4E)
            chunk.bytes.append(0x2C)
            chunk.bytes.append(pupil.eal ? 0x59 : 0x4E)
            chunk.bytes.append(0x2C)
            chunk.bytes.append(pupil.sen)
            chunk.bytes.append(0x2C)
            appendScore(&chunk.bytes, pupil.readScore)
            chunk.bytes += pupil.readCode.bytes
            chunk.bytes.append(0x2C)
            chunk.bytes += pupil.readTA.bytes
            chunk.bytes.append(0x2C)
            chunk.bytes += pupil.writTA.bytes
            chunk.bytes.append(0x2C)
            appendScore(&chunk.bytes, pupil.matScore)
            chunk.bytes += pupil.matCode.bytes
            chunk.bytes.append(0x2C)
            chunk.bytes += pupil.matTA.bytes
            chunk.bytes.append(0x2C)
            appendScore(&chunk.bytes, pupil.gpsScore)
            chunk.bytes += pupil.gpsCode.bytes
            chunk.finishRow(from: start, edit: edits.isEmpty ? nil : edits[p])
        }
        return chunk
    }

    /// The school's KS1 rows (its pupils with a KS1 record and its leavers, shuffled).
    func ks1(school: SynthSchool, cohort: SchoolCohort, edits: [Int: RowEdit]) -> Chunk {
        var chunk = Chunk()
        chunk.bytes.reserveCapacity(cohort.ks1.count * 32)
        let yy = upnYear
        for (k, entry) in cohort.ks1.enumerated() {
            let start = chunk.bytes.count
            if entry.pupil >= 0 {
                appendUPN(
                    &chunk.bytes, la: school.la, estab: school.estab, yy: yy,
                    serial: Int(cohort.pupils[Int(entry.pupil)].serial))
            } else {
                appendUPN(
                    &chunk.bytes, la: school.la, estab: school.estab, yy: (yy + 99) % 100,
                    serial: Int(-1 - entry.pupil))
            }
            chunk.bytes.append(0x2C)
            chunk.bytes += entry.read.bytes
            chunk.bytes.append(0x2C)
            chunk.bytes += entry.writ.bytes
            chunk.bytes.append(0x2C)
            chunk.bytes += entry.mat.bytes
            chunk.bytes.append(0x2C)
            chunk.bytes.appendNumber(year - 4, width: 4)
            chunk.finishRow(from: start, edit: edits.isEmpty ? nil : edits[k])
        }
        return chunk
    }

    @inline(__always)
    private func appendName(_ out: inout [UInt8], _ list: [[UInt8]], _ first: UInt8, _ second: UInt8) {
        if second == .max {
            out += list[Int(first)]
        } else {  // "Smith, Jones": a comma inside a name, so the cell is quoted
            out.append(0x22)
            out += list[Int(first)]
            out.append(0x2C)
            out.append(0x20)
            out += list[Int(second)]
            out.append(0x22)
        }
        out.append(0x2C)
    }

    @inline(__always)
    private func appendScore(_ out: inout [UInt8], _ score: UInt8) {
        if score != 0 { out.appendNumber(Int(score)) }
        out.append(0x2C)
    }
}
