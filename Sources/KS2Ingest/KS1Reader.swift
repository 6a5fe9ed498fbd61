import KS2Core

/// What reading one KS1 prior-attainment file gives: accepted records, rejects, accounting.
public struct KS1ReadResult: Sendable {
    public private(set) var records: [KS1Record]
    public var rejects: [Reject]
    public var account: FileAccount
    /// The header's columns not read.
    public var columns: ColumnReport
    /// UPN → index into `records`, built by the reader (on its thread, while the KS2 file may still
    /// be read) so that the join only looks pupils up.
    let upnIndex: UPNTable

    public init(records: [KS1Record], rejects: [Reject], account: FileAccount, columns: ColumnReport? = nil) {
        self.records = records
        self.rejects = rejects
        self.account = account
        self.columns = columns ?? ColumnReport(file: account.file)
        var index = UPNTable(expected: records.count)
        for (i, r) in records.enumerated() { _ = index.insert(r.upn.key, Int32(i)) }
        upnIndex = index
    }
}

/// One scan chunk's KS1 results.
struct KS1Chunk {
    var records: [KS1Record] = []
    var starts: [Int] = []
    var rejects: [PendingReject] = []
    var read = 0
    init(expected: Int) {
        records.reserveCapacity(expected)
        starts.reserveCapacity(expected)
    }
}

/// The KS1 row checks of formats.md: field count, UPN, then every KS1 cell known.
struct KS1RowReader {
    let fieldCount: Int
    let upn: Int
    /// Field index of each subject's KS1 outcome.
    let subjects: PerSubject<Int>
    /// Header cells, for the `bad_text` detail.
    let header: [String]
    let codes = CodeTable.shared

    @inline(__always)
    func process(_ r: Record, _ c: inout KS1Chunk) {
        c.read += 1
        if r.count != fieldCount {
            let text = upn < r.count ? CellParser.printable(r.value(upn), uppercased: true) : ""
            c.rejects.append(
                PendingReject(
                    line: r.line, upn: text, reason: .wrongFieldCount,
                    detail: "expected \(fieldCount) fields, found \(r.count)"))
            return
        }
        if r.controlOffset >= 0 {
            c.rejects.append(
                PendingReject(
                    line: r.line, upn: CellParser.printable(r.value(upn), uppercased: true),
                    reason: .badText, detail: r.badTextDetail(header: header)))
            return
        }
        let upnCell = r.value(upn)
        guard let key = UPN.parse(upnCell) else {
            let detail = UPNProblem.describe(CellParser.text(upnCell).uppercased())
            c.rejects.append(
                PendingReject(
                    line: r.line, upn: CellParser.printable(upnCell, uppercased: true),
                    reason: .invalidUPN, detail: detail))
            return
        }
        let cells = subjects.map { r.value($0) }
        let values = cells.map { codes.parse($0) }
        if let subject = values.first(where: { !KS1RowReader.known($0) }) {
            let text = CellParser.printable(cells[subject])
            c.rejects.append(
                PendingReject(
                    line: r.line, upn: key.description, reason: .unknownCode,
                    detail:
                        "ks1_\(subject.name) \"\(text)\": expected a KS1 outcome (W, 1, 2C, 2B, 2A, 3, 4, 4+, GDS, EXS, WTS, PKF, PK1-PK4, BLW, P1i-P8) or A, D, M, L, X"
                ))
            return
        }
        c.records.append(
            KS1Record(
                line: Int32(truncatingIfNeeded: r.line), upn: key,
                read: values.read ?? .none, writ: values.writ ?? .none, mat: values.mat ?? .none))
        c.starts.append(r.start)
    }

    @inline(__always)
    static func known(_ c: Code?) -> Bool {
        guard let c else { return false }
        return c == .none || c.isKS1
    }
}

/// Reads and checks a KS1 prior-attainment file (formats.md "KS1 prior attainment", "Rejects").
/// `account.matched`/`unmatched` are filled by `joinKS1`.
public func readKS1(path: String, options: IngestOptions) throws -> KS1ReadResult {
    let file = try DelimitedFile(path: path, options: options)
    return try readKS1(file: file, options: options)
}

/// Reads and checks an opened KS1 file (the in-memory path used by the fuzz target).
public func readKS1(file: DelimitedFile, options: IngestOptions) throws(InputError) -> KS1ReadResult {
    let index = try Columns.resolve(
        file, specs: Columns.ks1, mapping: options.columns,
        required: [["upn"], ["ks1_read"], ["ks1_writ"], ["ks1_mat"]])
    let reader = KS1RowReader(
        fieldCount: file.header.count, upn: index["upn"] ?? 0,
        subjects: PerSubject { index["ks1_\($0.name)"] ?? 0 },
        header: file.header)
    let chunks = try file.scanRecords(
        threads: options.threads,
        makeState: { KS1Chunk(expected: $0) }, record: { reader.process($1, &$0) })
    let read = chunks.reduce(0) { $0 + $1.read }
    if read == 0 { throw file.headerOnlyError }
    var all: [KS1Record] = []
    var starts: [Int] = []
    all.reserveCapacity(chunks.reduce(0) { $0 + $1.records.count })
    starts.reserveCapacity(all.capacity)
    for c in chunks {
        all.append(contentsOf: c.records)
        starts.append(contentsOf: c.starts)
    }
    let keys = all.map(\.upn.key)
    let duplicates = Duplicates.find(
        file: file, keys: keys, threads: options.threads, lines: { Int(all[$0].line) }, starts: { starts[$0] })
    var pending: [PendingReject] = []
    for c in chunks { pending.append(contentsOf: c.rejects) }
    var dropped = [Bool](repeating: false, count: all.count)
    for d in duplicates {
        dropped[d.index] = true
        pending.append(
            PendingReject(
                line: Int(all[d.index].line), upn: all[d.index].upn.description,
                reason: d.reason, detail: d.detail))
    }
    var records: [KS1Record] = []
    if duplicates.isEmpty {
        records = all
    } else {
        records.reserveCapacity(all.count - duplicates.count)
        for (i, r) in all.enumerated() where !dropped[i] { records.append(r) }
    }
    let rejects = sortedRejects(pending, file: file.name)
    var account = FileAccount(file: file.name, read: read, accepted: records.count, rejected: rejects.count)
    for r in rejects { account.rejectedByReason[r.reason, default: 0] += 1 }
    let columns = ColumnReport(
        file: file.name, notRead: Columns.notRead(file.header, specs: Columns.ks1, mapping: options.columns))
    return KS1ReadResult(records: records, rejects: rejects, account: account, columns: columns)
}

/// KS1 record per KS2 pupil, and the KS1 file's accounting with matched/unmatched filled in.
public struct KS1Join: Sendable {
    /// For each pupil of the cohort (same order), the index into `KS1ReadResult.records`, or -1.
    public var ks1Index: [Int32]
    /// The KS1 account: read = matched + unmatched + rejected.
    public var account: FileAccount
    public init(ks1Index: [Int32], account: FileAccount) {
        self.ks1Index = ks1Index
        self.account = account
    }
}

/// Links every accepted KS2 pupil to its KS1 record by UPN (both sides are unique after the
/// duplicate checks), and counts matched/unmatched KS1 rows (formats.md accounting).
public func joinKS1(_ cohort: KS2Cohort, _ ks1: KS1ReadResult, threads: Int = 1) -> KS1Join {
    let table = ks1.upnIndex
    var ks1Index = [Int32](repeating: -1, count: cohort.pupils.count)
    let n = cohort.pupils.count
    let step = 16_384
    ks1Index.withUnsafeMutableBufferPointer { out in
        cohort.pupils.withUnsafeBufferPointer { p in
            forEachChunk((n + step - 1) / step, threads: threads) { c in
                for i in c * step..<min(n, (c + 1) * step) { out[i] = table.find(p[i].upn.key) }
            }
        }
    }
    let matched = ks1Index.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) }
    var account = ks1.account
    account.matched = matched
    account.unmatched = ks1.records.count - matched
    return KS1Join(ks1Index: ks1Index, account: account)
}

/// Every reject of a run's inputs: the KS2 file's first, then the KS1 file's, each by line.
public func allRejects(_ ks2: KS2ReadResult, _ ks1: KS1ReadResult?) -> [Reject] {
    ks2.rejects + (ks1?.rejects ?? [])
}
