import KS2Core

/// What reading one KS2 results file gives: the accepted cohort, every rejected row, the accounting.
public struct KS2ReadResult: Sendable {
    public var cohort: KS2Cohort
    public var rejects: [Reject]
    public var account: FileAccount
    /// The header's columns not read and optional columns absent.
    public var columns: ColumnReport
    /// Schools the file's rows describe two ways (name, LA, special), each resolved as before.
    public var schoolNotes: SchoolNotes
    public init(
        cohort: KS2Cohort, rejects: [Reject], account: FileAccount, columns: ColumnReport? = nil,
        schoolNotes: SchoolNotes? = nil
    ) {
        self.cohort = cohort
        self.rejects = rejects
        self.account = account
        self.columns = columns ?? ColumnReport(file: account.file)
        self.schoolNotes = schoolNotes ?? SchoolNotes(file: account.file)
    }
}

/// A cell's value range kept for later (school and pupil names), unescaped only when used.
struct CellRange {
    var lo: Int
    var hi: Int
    var quoted: Bool
    static let empty = CellRange(lo: 0, hi: 0, quoted: false)
    var isEmpty: Bool { hi <= lo }

    init(lo: Int, hi: Int, quoted: Bool) {
        self.lo = lo
        self.hi = hi
        self.quoted = quoted
    }

    @inline(__always)
    init(_ r: Record, _ k: Int) {
        if k < 0 {
            self = .empty
            return
        }
        let v = r.valueRange(k)
        self.init(lo: v.lo, hi: v.hi, quoted: v.quoted)
    }

    /// The text with doubled quotes collapsed when the cell was quoted.
    func string(_ base: UnsafePointer<UInt8>) -> String {
        if isEmpty { return "" }
        var out: [UInt8] = []
        out.reserveCapacity(hi - lo)
        var i = lo
        while i < hi {
            out.append(base[i])
            if quoted && base[i] == 0x22 && i + 1 < hi && base[i + 1] == 0x22 { i += 1 }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Field indices of the KS2 columns in one file (-1 when absent).
struct KS2Layout {
    var fieldCount = 0
    var upn = -1, urn = -1, laestab = -1, la = -1, schoolName = -1, special = -1, year = -1
    var surname = -1, forename = -1, gender = -1, disadvantaged = -1, eal = -1, sen = -1
    var score = PerTest(read: -1, mat: -1, gps: -1)
    var code = PerTest(read: -1, mat: -1, gps: -1)
    var ta = PerSubject(read: -1, writ: -1, mat: -1)

    init(_ index: [String: Int], fieldCount: Int) {
        func at(_ name: String) -> Int { index[name] ?? -1 }
        self.fieldCount = fieldCount
        upn = at("upn")
        urn = at("urn")
        laestab = at("laestab")
        la = at("la")
        schoolName = at("school_name")
        special = at("special")
        year = at("year")
        surname = at("surname")
        forename = at("forename")
        gender = at("gender")
        disadvantaged = at("disadvantaged")
        eal = at("eal")
        sen = at("sen")
        score = PerTest(read: at("read_score"), mat: at("mat_score"), gps: at("gps_score"))
        code = PerTest(read: at("read_code"), mat: at("mat_code"), gps: at("gps_code"))
        ta = PerSubject(read: at("read_ta"), writ: at("writ_ta"), mat: at("mat_ta"))
    }
}

/// A KS2 row that passed the row checks (duplicates not yet looked at); school and LA are
/// chunk-local indices until the merge.
struct KS2Row {
    var pupil: KS2Pupil
    /// Offset of the record (re-read for duplicates and the school name).
    var start: Int
    /// A fingerprint of the row's school name (0: none given), so that a school named two ways
    /// is found without keeping every row's name.
    var schoolNameKey: UInt64
    var special: Bool
    var hasSchoolName: Bool { schoolNameKey != 0 }
}

/// One scan chunk's results.
struct KS2Chunk {
    var rows: [KS2Row] = []
    /// (forename, surname) per row, only when names are kept.
    var names: [(CellRange, CellRange)] = []
    var rejects: [PendingReject] = []
    var read = 0
    var schools = ByteInterner()
    var las = ByteInterner()
    var digits: [UInt8] = []
    init(expected: Int) {
        rows.reserveCapacity(expected)
        digits.reserveCapacity(64)
    }
}

/// The row checks of formats.md for KS2, in order, and the cleaning of an accepted row.
struct KS2RowReader {
    let layout: KS2Layout
    /// The run's year; nil (validate without --year) skips the wrong_year check.
    let year: Int?
    let keepNames: Bool
    /// Header cells, for the `bad_text` detail.
    let header: [String]
    let codes = CodeTable.shared

    static let outcomeList = "AS, NS, N, B, A, T, U, H, Q, F, P, D, M, L, J, X"

    @inline(__always)
    func process(_ r: Record, _ c: inout KS2Chunk) {
        c.read += 1
        guard let upn = upnOfWellFormedRow(r, &c) else { return }
        guard let checked = checkedResults(r, upn: upn, &c) else { return }
        accept(r, upn: upn, checked, &c)
    }

    /// The cells of a row whose results passed every check: the school's URN cell (its LAESTAB
    /// digits are in the chunk's `digits`), scores, outcome codes and teacher assessments.
    struct CheckedResults {
        var urn: UnsafeRawBufferPointer
        var scores: PerTest<ScoreCell>
        var outcome: PerTest<Code?>
        var tas: PerSubject<Code?>
    }

    @inline(__always)
    func cell(_ r: Record, _ k: Int) -> UnsafeRawBufferPointer { k >= 0 ? r.value(k) : CellParser.empty }

    /// The first checks (formats.md's order): `wrong_field_count`, `bad_text`, `invalid_upn`.
    @inline(__always)
    func upnOfWellFormedRow(_ r: Record, _ c: inout KS2Chunk) -> UPN? {
        if r.count != layout.fieldCount {
            let upnText = layout.upn < r.count ? CellParser.printable(r.value(layout.upn), uppercased: true) : ""
            c.rejects.append(
                PendingReject(
                    line: r.line, upn: upnText, reason: .wrongFieldCount,
                    detail: "expected \(layout.fieldCount) fields, found \(r.count)"))
            return nil
        }
        if r.controlOffset >= 0 {
            c.rejects.append(
                PendingReject(
                    line: r.line, upn: CellParser.printable(r.value(layout.upn), uppercased: true),
                    reason: .badText, detail: r.badTextDetail(header: header)))
            return nil
        }
        let upnCell = r.value(layout.upn)
        guard let upn = UPN.parse(upnCell) else {
            let detail = UPNProblem.describe(CellParser.text(upnCell).uppercased())
            c.rejects.append(
                PendingReject(
                    line: r.line, upn: CellParser.printable(upnCell, uppercased: true),
                    reason: .invalidUPN, detail: detail))
            return nil
        }
        return upn
    }

    /// The school, year and result checks: `missing_school`, `wrong_year`, `bad_score`,
    /// `score_out_of_range`, `unknown_code`; the checked cells when all pass.
    @inline(__always)
    func checkedResults(_ r: Record, upn: UPN, _ c: inout KS2Chunk) -> CheckedResults? {
        @inline(__always) func reject(_ reason: RejectReason, _ detail: String) {
            c.rejects.append(PendingReject(line: r.line, upn: upn.description, reason: reason, detail: detail))
        }
        let layout = self.layout
        // school: the URN, else the LAESTAB digits
        let urn = cell(r, layout.urn)
        c.digits.removeAll(keepingCapacity: true)
        if layout.laestab >= 0 {
            for b in r.value(layout.laestab) where b &- 0x30 <= 9 { c.digits.append(b) }
        }
        if urn.isEmpty && c.digits.isEmpty {
            reject(.missingSchool, "urn and laestab blank: expected a school URN or LAESTAB")
            return nil
        }
        if layout.year >= 0, let year {
            let y = r.value(layout.year)
            if !y.isEmpty && CellParser.unsigned(y) != year {
                reject(.wrongYear, "year \"\(CellParser.printable(y))\": expected \(year)")
                return nil
            }
        }
        let scoreCells = layout.score.map { cell(r, $0) }
        let scores = scoreCells.map { CellParser.score($0, codes) }
        if let test = scores.first(where: { $0 == .bad }) {
            let text = CellParser.printable(scoreCells[test])
            reject(.badScore, "\(test.name)_score \"\(text)\": expected an integer 80-120, an outcome code or blank")
            return nil
        }
        if let test = scores.first(where: KS2RowReader.outOfRange) {
            let text = CellParser.printable(scoreCells[test])
            reject(.scoreOutOfRange, "\(test.name)_score \"\(text)\": expected an integer 80-120")
            return nil
        }
        guard let (outcome, tas) = checkedCodes(r, reject) else { return nil }
        return CheckedResults(urn: urn, scores: scores, outcome: outcome, tas: tas)
    }

    /// Outcome codes, then teacher assessments (`unknown_code`).
    @inline(__always)
    func checkedCodes(_ r: Record, _ reject: (RejectReason, String) -> Void)
        -> (outcome: PerTest<Code?>, tas: PerSubject<Code?>)?
    {
        let codeCells = layout.code.map { cell(r, $0) }
        let outcome = codeCells.map { codes.parse($0) }
        if let test = outcome.first(where: { !KS2RowReader.isOutcome($0) }) {
            let text = CellParser.printable(codeCells[test])
            reject(
                .unknownCode,
                "\(test.name)_code \"\(text)\": expected an outcome code (\(KS2RowReader.outcomeList))")
            return nil
        }
        let taCells = layout.ta.map { cell(r, $0) }
        let tas = taCells.map { codes.parse($0) }
        if let subject = tas.first(where: { !KS2RowReader.isTA($0) }) {
            let text = CellParser.printable(taCells[subject])
            reject(
                .unknownCode,
                "\(subject.name)_ta \"\(text)\": expected a teacher assessment (GDS, EXS, WTS, HNM, PK1-PK6, PKF, PKE, PKG, BLW, "
                    + "P1i-P8, EM) or an outcome code")
            return nil
        }
        return (outcome, tas)
    }

    /// An accepted row (duplicates aside): cleaned, its school and LA interned.
    @inline(__always)
    func accept(_ r: Record, upn: UPN, _ checked: CheckedResults, _ c: inout KS2Chunk) {
        let layout = self.layout
        let school =
            checked.urn.isEmpty ? c.digits.withUnsafeBytes { c.schools.intern($0) } : c.schools.intern(checked.urn)
        var la: Int32 = -1
        let laCell = cell(r, layout.la)
        if !laCell.isEmpty {
            la = c.las.intern(laCell)
        } else if c.digits.count >= 3 {
            la = c.digits.withUnsafeBytes { c.las.intern(UnsafeRawBufferPointer(rebasing: $0[0..<3])) }
        }
        let (scores, outcome, tas) = (checked.scores, checked.outcome, checked.tas)
        let pupil = KS2Pupil(
            line: Int32(truncatingIfNeeded: r.line), upn: upn, school: school, la: la,
            gender: CellParser.gender(cell(r, layout.gender)),
            disadvantaged: CellParser.yesNo(cell(r, layout.disadvantaged)),
            eal: CellParser.yesNo(cell(r, layout.eal)), sen: CellParser.sen(cell(r, layout.sen)),
            read: KS2RowReader.result(scores.read, outcome.read, tas.read),
            mat: KS2RowReader.result(scores.mat, outcome.mat, tas.mat),
            gps: KS2RowReader.result(scores.gps, outcome.gps, nil),
            writTA: tas.writ ?? .none)
        c.rows.append(
            KS2Row(
                pupil: pupil, start: r.start,
                schoolNameKey: layout.schoolName >= 0 ? KS2RowReader.nameKey(r.value(layout.schoolName)) : 0,
                special: layout.special >= 0 && CellParser.yesNo(r.value(layout.special)) == .yes))
        if keepNames { c.names.append((CellRange(r, layout.forename), CellRange(r, layout.surname))) }
    }

    /// A fingerprint of a name's bytes, 8 at a time, the last 8 overlapping (0 only for an empty name).
    @inline(__always)
    static func nameKey(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        let n = bytes.count
        @inline(__always) func mix(_ h: UInt64, _ word: UInt64) -> UInt64 {
            let m = (h ^ word) &* 0xFF51_AFD7_ED55_8CCD
            return m ^ m >> 32
        }
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        if n < 8 {
            var word: UInt64 = 0
            for i in 0..<n { word = word << 8 | UInt64(base.load(fromByteOffset: i, as: UInt8.self)) }
            h = mix(h, word)
        } else {
            var i = 0
            while i + 8 < n {
                h = mix(h, base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                i += 8
            }
            h = mix(h, base.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
        }
        return h | 1
    }

    @inline(__always)
    static func outOfRange(_ s: ScoreCell) -> Bool {
        if case .integer(let v) = s { return v < 80 || v > 120 }
        return false
    }

    @inline(__always)
    static func isOutcome(_ c: Code?) -> Bool {
        guard let c else { return false }
        return c == .none || c.isOutcome
    }

    @inline(__always)
    static func isTA(_ c: Code?) -> Bool {
        guard let c else { return false }
        return c == .none || c.isTeacherAssessment
    }

    /// Scaled score when an integer 80–120; the code column's code, else one written in the score column.
    @inline(__always)
    static func result(_ score: ScoreCell, _ code: Code?, _ ta: Code?) -> TestResult {
        var scaled: UInt8 = 0
        var effective = code ?? .none
        switch score {
        case .integer(let v): scaled = UInt8(truncatingIfNeeded: v)
        case .code(let c): if effective == .none { effective = c }
        default: break
        }
        return TestResult(scaled: scaled, code: effective, ta: ta ?? .none)
    }
}

/// Why a UPN cell is invalid, in words (formats.md, `invalid_upn`).
enum UPNProblem {
    static func describe(_ text: String) -> String {
        if text.isEmpty { return "UPN blank: expected a check letter and 12 characters" }
        let chars = Array(text)
        if chars.count != 13 { return "UPN \"\(text)\": expected 13 characters, found \(chars.count)" }
        func isCheckAlpha(_ ch: Character) -> Bool {
            guard let a = ch.asciiValue else { return false }
            return a >= 0x41 && a <= 0x5A && a != 0x49 && a != 0x4F && a != 0x53
        }
        if !isCheckAlpha(chars[0]) {
            return "UPN \"\(text)\": first character \"\(chars[0])\": expected a check letter (A-Z except I, O, S)"
        }
        for k in 1...11 where !(chars[k].asciiValue.map { $0 >= 0x30 && $0 <= 0x39 } ?? false) {
            return "UPN \"\(text)\": character \(k + 1) \"\(chars[k])\": expected a digit"
        }
        let last = chars[12]
        if !(isCheckAlpha(last) || (last.asciiValue.map { $0 >= 0x30 && $0 <= 0x39 } ?? false)) {
            return "UPN \"\(text)\": last character \"\(last)\": expected a digit or a letter other than I, O, S"
        }
        let expected = UPN.checkLetter(forBody: String(chars[1...])).map { String($0) } ?? "?"
        return "UPN \"\(text)\": wrong check letter, expected \(expected)"
    }
}

/// Reads and cleans a KS2 pupil results file for `year` (formats.md "KS2 pupil results",
/// "Rejects"; methodology.md §1): accepted pupils in file order, rejects by line, accounting.
public func readKS2(path: String, year: Int?, options: IngestOptions) throws -> KS2ReadResult {
    let file = try DelimitedFile(path: path, options: options)
    return try readKS2(file: file, year: year, options: options)
}

/// Reads and cleans an opened KS2 file (the in-memory path used by the fuzz target).
public func readKS2(file: DelimitedFile, year: Int?, options: IngestOptions) throws(InputError) -> KS2ReadResult {
    let index = try Columns.resolve(
        file, specs: Columns.ks2, mapping: options.columns,
        required: [["upn"], ["writ_ta"], ["urn", "laestab"]])
    let reader = KS2RowReader(
        layout: KS2Layout(index, fieldCount: file.header.count), year: year,
        keepNames: options.keepNames, header: file.header)
    let chunks = try file.scanRecords(
        threads: options.threads,
        makeState: { KS2Chunk(expected: $0) }, record: { reader.process($1, &$0) })
    let read = chunks.reduce(0) { $0 + $1.read }
    if read == 0 { throw file.headerOnlyError }
    // after the file-level faults of the scan (quotes, header only), which a user fixes first
    try Columns.requireSubjects(file, index: index, mapping: options.columns, specs: Columns.ks2)
    // duplicates among the rows that passed
    var offsets: [Int] = [0]
    for c in chunks { offsets.append(offsets[offsets.count - 1] + c.rows.count) }
    let total = offsets[offsets.count - 1]
    var keys = [UInt64](repeating: 0, count: total)
    var lines = [Int32](repeating: 0, count: total)
    var starts = [Int](repeating: 0, count: total)
    keys.withUnsafeMutableBufferPointer { keys in
        lines.withUnsafeMutableBufferPointer { lines in
            starts.withUnsafeMutableBufferPointer { starts in
                forEachChunk(chunks.count, threads: options.threads) { ci in
                    var g = offsets[ci]
                    for row in chunks[ci].rows {
                        keys[g] = row.pupil.upn.key
                        lines[g] = row.pupil.line
                        starts[g] = row.start
                        g += 1
                    }
                }
            }
        }
    }
    let duplicates = Duplicates.find(
        file: file, keys: keys, threads: options.threads, lines: { Int(lines[$0]) }, starts: { starts[$0] })
    var dropped = [Bool](repeating: false, count: total)
    var pending: [PendingReject] = []
    pending.reserveCapacity(chunks.reduce(0) { $0 + $1.rejects.count } + duplicates.count)
    for c in chunks { pending.append(contentsOf: c.rejects) }
    for d in duplicates {
        dropped[d.index] = true
        pending.append(
            PendingReject(
                line: Int(lines[d.index]), upn: UPN(key: keys[d.index]).description,
                reason: d.reason, detail: d.detail))
    }
    let merged = mergeChunks(
        chunks, offsets: offsets, dropped: dropped, file: file, year: year ?? 0,
        schoolNameColumn: reader.layout.schoolName, options: options)
    let rejects = sortedRejects(pending, file: file.name)
    var account = FileAccount(
        file: file.name, read: read, accepted: merged.cohort.pupils.count, rejected: rejects.count)
    for r in rejects { account.rejectedByReason[r.reason, default: 0] += 1 }
    let columns = ColumnReport(
        file: file.name, notRead: Columns.notRead(file.header, specs: Columns.ks2, mapping: options.columns),
        absent: Columns.absentKS2Columns(index, keepNames: options.keepNames))
    var notes = merged.interning.schoolNotes
    notes.file = file.name
    notes.namedTwoWays.sort { $0.otherLine < $1.otherLine }
    notes.inTwoLAs.sort { $0.otherLine < $1.otherLine }
    notes.partlySpecial.sort { max($0.specialLine, $0.mainstreamLine) < max($1.specialLine, $1.mainstreamLine) }
    return KS2ReadResult(
        cohort: merged.cohort, rejects: rejects, account: account, columns: columns, schoolNotes: notes)
}

/// What one chunk's kept rows (duplicates dropped) say about its chunk-local schools and LAs:
/// first kept row of each (for file-order interning), the name in the first kept row naming the
/// school (re-read here, in parallel), the LA of its first kept row that has one, and whether any
/// kept row marks it special.
private struct ChunkSchools {
    var kept = 0
    var schoolFirst: [Int32]
    var nameRow: [Int32]
    var names: [String]
    /// The first kept row naming the school otherwise than `nameRow` (-1: none), and that name.
    var otherNameRow: [Int32]
    var otherNames: [String]
    var schoolLA: [Int32]
    /// The kept row that gave `schoolLA`, and the first giving the school another LA (-1: none).
    var schoolLARow: [Int32]
    var otherLARow: [Int32]
    var special: [Bool]
    /// The first kept row marking the school special, and the first not marking it (-1: none).
    var specialRow: [Int32]
    var mainstreamRow: [Int32]
    var laFirst: [Int32]

    init(_ c: KS2Chunk, dropped: UnsafeBufferPointer<Bool>, offset: Int, file: DelimitedFile, nameColumn: Int) {
        schoolFirst = Array(repeating: -1, count: c.schools.count)
        nameRow = schoolFirst
        otherNameRow = schoolFirst
        schoolLA = schoolFirst
        otherLARow = schoolFirst
        schoolLARow = schoolFirst
        special = Array(repeating: false, count: c.schools.count)
        specialRow = schoolFirst
        mainstreamRow = schoolFirst
        laFirst = Array(repeating: -1, count: c.las.count)
        for (j, row) in c.rows.enumerated() where !dropped[offset + j] {
            kept += 1
            let s = Int(row.pupil.school)
            let la = row.pupil.la
            if schoolFirst[s] < 0 { schoolFirst[s] = Int32(j) }
            if row.hasSchoolName {
                if nameRow[s] < 0 {
                    nameRow[s] = Int32(j)
                } else if otherNameRow[s] < 0 && c.rows[Int(nameRow[s])].schoolNameKey != row.schoolNameKey {
                    otherNameRow[s] = Int32(j)
                }
            }
            if la >= 0 {
                if schoolLA[s] < 0 {
                    schoolLA[s] = la
                    schoolLARow[s] = Int32(j)
                } else if otherLARow[s] < 0 && schoolLA[s] != la {
                    otherLARow[s] = Int32(j)
                }
            }
            if row.special {
                special[s] = true
                if specialRow[s] < 0 { specialRow[s] = Int32(j) }
            } else if mainstreamRow[s] < 0 {
                mainstreamRow[s] = Int32(j)
            }
            if la >= 0 && laFirst[Int(la)] < 0 { laFirst[Int(la)] = Int32(j) }
        }
        names = Array(repeating: "", count: c.schools.count)
        otherNames = names
        var scanner = RecordScanner(base: file.data.base, count: file.data.count, delimiter: file.delimiter)
        defer { scanner.release() }
        for s in nameRow.indices where nameRow[s] >= 0 {
            let row = c.rows[Int(nameRow[s])]
            names[s] = schoolName(
                file: file, scanner: &scanner, start: row.start, line: Int(row.pupil.line), column: nameColumn)
        }
        for s in otherNameRow.indices where otherNameRow[s] >= 0 {
            let row = c.rows[Int(otherNameRow[s])]
            otherNames[s] = schoolName(
                file: file, scanner: &scanner, start: row.start, line: Int(row.pupil.line), column: nameColumn)
        }
    }
}

/// The accepted rows of every chunk as one cohort: schools and LAs interned globally in file order
/// of the kept rows (a short serial pass over each chunk's few schools), then the pupils copied
/// into place chunk by chunk in parallel.
private func mergeChunks(
    _ chunks: [KS2Chunk], offsets: [Int], dropped: [Bool], file: DelimitedFile, year: Int,
    schoolNameColumn: Int, options: IngestOptions
) -> (cohort: KS2Cohort, interning: FileOrderInterning) {
    let summaries = chunkSchoolSummaries(
        chunks, offsets: offsets, dropped: dropped, file: file, schoolNameColumn: schoolNameColumn,
        threads: options.threads)
    var interning = FileOrderInterning(year: year)
    for (ci, c) in chunks.enumerated() { interning.add(c, summaries[ci]) }
    var cohort = interning.cohort
    let kept = copyKeptPupils(
        chunks, offsets: offsets, dropped: dropped, file: file, interning: interning, options: options)
    cohort.pupils = kept.pupils
    cohort.names = kept.names
    return (cohort, interning)
}

/// Each chunk's schools and LAs as its kept rows give them, worked out for all chunks in parallel
/// so that the serial interning pass only looks at a few entries per chunk.
private func chunkSchoolSummaries(
    _ chunks: [KS2Chunk], offsets: [Int], dropped: [Bool], file: DelimitedFile, schoolNameColumn: Int,
    threads: Int
) -> [ChunkSchools] {
    dropped.withUnsafeBufferPointer { dropped in
        let out = UnsafeMutableBufferPointer<ChunkSchools?>.allocate(capacity: chunks.count)
        out.initialize(repeating: nil)
        defer {
            out.deinitialize()
            out.deallocate()
        }
        forEachChunk(chunks.count, threads: threads) { ci in
            out[ci] = ChunkSchools(
                chunks[ci], dropped: dropped, offset: offsets[ci], file: file, nameColumn: schoolNameColumn)
        }
        return out.map { $0! }
    }
}

/// What a school's rows have said so far while chunks are interned: the first name's fingerprint
/// and line, the first lines marking it special and not (0: none yet), and which two-way
/// descriptions are already noted.
private struct SchoolSeen {
    var nameKey: UInt64 = 0
    var nameLine = 0
    var specialLine = 0
    var mainstreamLine = 0
    var namedTwoWays = false
    var inTwoLAs = false
    var partlySpecial = false
}

/// The cohort's schools and LAs interned chunk by chunk in file order of the kept rows, with each
/// chunk's map from its local school and LA indices to the cohort's, so the copy can renumber.
private struct FileOrderInterning {
    var cohort: KS2Cohort
    var schoolIndex: [String: Int32] = [:]
    var laIndex: [String: Int32] = [:]
    /// Per chunk: local school index → cohort school index (-1 for a school with no kept row).
    var schoolMaps: [[Int32]] = []
    /// Per chunk: local LA index → cohort LA index.
    var laMaps: [[Int32]] = []
    /// Per chunk: the position of its first kept row in the cohort; the last entry is the total.
    var keptStart = [0]
    /// Per cohort school: what its rows have said so far.
    var seen: [SchoolSeen] = []
    /// Schools described two ways, each once per kind (the first description stays).
    var schoolNotes = SchoolNotes(file: "")

    init(year: Int) { cohort = KS2Cohort(year: year) }

    /// Interns one chunk's LAs, then its schools (whose LA codes need the LAs), in first-row order.
    mutating func add(_ c: KS2Chunk, _ summary: ChunkSchools) {
        keptStart.append(keptStart[keptStart.count - 1] + summary.kept)
        let laMap = internLAs(c, summary)
        schoolMaps.append(internSchools(c, summary, laMap: laMap))
        laMaps.append(laMap)
    }

    /// The chunk's LAs with a kept row, in order of their first kept row.
    mutating func internLAs(_ c: KS2Chunk, _ summary: ChunkSchools) -> [Int32] {
        var laMap = [Int32](repeating: -1, count: c.las.count)
        let used = summary.laFirst.indices.filter { summary.laFirst[$0] >= 0 }
        for a in used.sorted(by: { summary.laFirst[$0] < summary.laFirst[$1] }) {
            let code = c.las.string(Int32(a))
            if let known = laIndex[code] {
                laMap[a] = known
            } else {
                laMap[a] = Int32(cohort.localAuthorities.count)
                laIndex[code] = laMap[a]
                cohort.localAuthorities.append(code)
            }
        }
        return laMap
    }

    /// Notes the first other LA a school's rows give than the one it was first given (its pupils
    /// still count in their own LAs; the school's row shows the first).
    mutating func noteLAs(_ c: KS2Chunk, _ summary: ChunkSchools, chunkSchool s: Int, school g: Int, laMap: [Int32]) {
        guard summary.schoolLA[s] >= 0, !seen[g].inTwoLAs else { return }
        let las = cohort.localAuthorities
        func code(_ local: Int32) -> String { las[Int(laMap[Int(local)])] }
        let used = cohort.schools[g].la.isEmpty ? code(summary.schoolLA[s]) : cohort.schools[g].la
        let otherRow = used != code(summary.schoolLA[s]) ? summary.schoolLARow[s] : summary.otherLARow[s]
        guard otherRow >= 0 else { return }
        let row = c.rows[Int(otherRow)]
        seen[g].inTwoLAs = true
        schoolNotes.inTwoLAs.append(
            SchoolInTwoLAs(
                school: cohort.schools[g].id, used: used, other: code(row.pupil.la), otherLine: Int(row.pupil.line)))
    }

    /// Notes a school whose rows mark it special and not special (it is taken as special).
    mutating func noteSpecial(_ c: KS2Chunk, _ summary: ChunkSchools, chunkSchool s: Int, school g: Int) {
        func line(_ row: Int32) -> Int { Int(c.rows[Int(row)].pupil.line) }
        if seen[g].specialLine == 0 && summary.specialRow[s] >= 0 { seen[g].specialLine = line(summary.specialRow[s]) }
        if seen[g].mainstreamLine == 0 && summary.mainstreamRow[s] >= 0 {
            seen[g].mainstreamLine = line(summary.mainstreamRow[s])
        }
        guard seen[g].specialLine > 0 && seen[g].mainstreamLine > 0 && !seen[g].partlySpecial else { return }
        seen[g].partlySpecial = true
        schoolNotes.partlySpecial.append(
            SchoolPartlySpecial(
                school: cohort.schools[g].id, specialLine: seen[g].specialLine, mainstreamLine: seen[g].mainstreamLine))
    }

    /// Keeps the first name a school is given and notes the first other name its rows give.
    mutating func noteNames(_ c: KS2Chunk, _ summary: ChunkSchools, chunkSchool s: Int, school g: Int) {
        guard summary.nameRow[s] >= 0 else { return }
        let first = c.rows[Int(summary.nameRow[s])]
        if seen[g].nameKey == 0 {
            seen[g].nameKey = first.schoolNameKey
            seen[g].nameLine = Int(first.pupil.line)
        }
        // this chunk's first name differs from the school's, or a later row of the chunk does
        var other: (name: String, line: Int)? = nil
        if seen[g].nameKey != first.schoolNameKey {
            other = (summary.names[s], Int(first.pupil.line))
        } else if summary.otherNameRow[s] >= 0 {
            other = (summary.otherNames[s], Int(c.rows[Int(summary.otherNameRow[s])].pupil.line))
        }
        guard let other, !seen[g].namedTwoWays else { return }
        seen[g].namedTwoWays = true
        let used = cohort.schools[g].name.isEmpty ? summary.names[s] : cohort.schools[g].name
        schoolNotes.namedTwoWays.append(
            SchoolNamedTwoWays(
                school: cohort.schools[g].id, used: used, usedLine: seen[g].nameLine, other: other.name,
                otherLine: other.line))
    }

    /// The chunk's schools with a kept row, in order of their first kept row; a school seen before
    /// keeps its first name and LA, and is special when any chunk says so.
    mutating func internSchools(_ c: KS2Chunk, _ summary: ChunkSchools, laMap: [Int32]) -> [Int32] {
        var schoolMap = [Int32](repeating: -1, count: c.schools.count)
        let used = summary.schoolFirst.indices.filter { summary.schoolFirst[$0] >= 0 }
        for s in used.sorted(by: { summary.schoolFirst[$0] < summary.schoolFirst[$1] }) {
            let id = c.schools.string(Int32(s))
            let g: Int
            if let known = schoolIndex[id] {
                g = Int(known)
            } else {
                g = cohort.schools.count
                schoolIndex[id] = Int32(g)
                cohort.schools.append(SchoolInfo(id: id))
                seen.append(SchoolSeen())
            }
            schoolMap[s] = Int32(g)
            noteNames(c, summary, chunkSchool: s, school: g)
            if cohort.schools[g].name.isEmpty && summary.nameRow[s] >= 0 { cohort.schools[g].name = summary.names[s] }
            noteLAs(c, summary, chunkSchool: s, school: g, laMap: laMap)
            if cohort.schools[g].la.isEmpty && summary.schoolLA[s] >= 0 {
                cohort.schools[g].la = cohort.localAuthorities[Int(laMap[Int(summary.schoolLA[s])])]
            }
            noteSpecial(c, summary, chunkSchool: s, school: g)
            if summary.special[s] { cohort.schools[g].special = true }
        }
        return schoolMap
    }
}

/// Every kept row's pupil (and name, when kept) copied into its place in the cohort, renumbered to
/// the cohort's schools and LAs, chunk by chunk in parallel (each chunk's places are known).
private func copyKeptPupils(
    _ chunks: [KS2Chunk], offsets: [Int], dropped: [Bool], file: DelimitedFile, interning: FileOrderInterning,
    options: IngestOptions
) -> (pupils: [KS2Pupil], names: [PupilName]) {
    let kept = interning.keptStart[chunks.count]
    let base = file.data.base
    let keepNames = options.keepNames
    var names: [PupilName] = []
    let pupils = [KS2Pupil](unsafeUninitializedCapacity: kept) { pupils, count in
        names = [PupilName](unsafeUninitializedCapacity: keepNames ? kept : 0) { nameSlots, nameCount in
            dropped.withUnsafeBufferPointer { dropped in
                forEachChunk(chunks.count, threads: options.threads) { ci in
                    let c = chunks[ci]
                    let schoolMap = interning.schoolMaps[ci]
                    let laMap = interning.laMaps[ci]
                    var at = interning.keptStart[ci]
                    for (j, row) in c.rows.enumerated() where !dropped[offsets[ci] + j] {
                        var p = row.pupil
                        p.school = schoolMap[Int(p.school)]
                        if p.la >= 0 { p.la = laMap[Int(p.la)] }
                        if keepNames {
                            p.name = Int32(at)
                            (nameSlots.baseAddress! + at).initialize(
                                to: PupilName(
                                    forename: c.names[j].0.string(base),
                                    surname: c.names[j].1.string(base)))
                        }
                        (pupils.baseAddress! + at).initialize(to: p)
                        at += 1
                    }
                }
            }
            nameCount = keepNames ? kept : 0
        }
        count = kept
    }
    return (pupils, names)
}

/// The school name cell of the record at `start`, re-read from the file.
func schoolName(file: DelimitedFile, scanner: inout RecordScanner, start: Int, line: Int, column: Int) -> String {
    var name = ""
    _ = scanner.scan(from: start, line: line, until: start + 1) { record in
        if column < record.count { name = record.string(column) }
    }
    return name
}

/// Rejects of one file sorted by line (stable), with the file's base name.
func sortedRejects(_ pending: [PendingReject], file: String) -> [Reject] {
    let sorted = pending.enumerated().sorted { a, b in
        a.element.line != b.element.line ? a.element.line < b.element.line : a.offset < b.offset
    }
    return sorted.map {
        Reject(
            file: file, line: $0.element.line, upn: $0.element.upn,
            reason: $0.element.reason, detail: $0.element.detail)
    }
}
