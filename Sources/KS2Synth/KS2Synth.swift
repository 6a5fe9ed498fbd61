import Dispatch
import Foundation
import KS2Core

/// What to synthesise: how many schools, which KS2 year, the seed, whether to add the messy rows
/// of edge mode, how many threads, and optionally which LAs the schools must be in.
public struct SynthOptions: Sendable, Hashable {
    /// Number of schools written (about 30 pupils each).
    public var schools: Int
    /// The summer of the KS2 tests (KS1 was four years earlier).
    public var year: Int
    public var seed: UInt64
    /// Adds rows with exactly one fault each (formats.md "Rejects") and odd but valid rows.
    public var edge: Bool
    /// Worker threads; 0 or less means one per active processor. The bytes never depend on it.
    public var threads: Int
    /// Keeps only schools of these 3-digit LA codes (the same schools a national file of the
    /// seed would have in them); codes not in the generator's LA list are ignored.
    public var las: [String]?
    /// The header names written (the cells are the same in every layout).
    public var layout: ExportLayout = .canonical
    /// The demo's story (off by default, as for national sets, whose bytes it then leaves unchanged).
    public var story = SynthStory()

    public init(schools: Int, year: Int, seed: UInt64, edge: Bool = false, threads: Int = 0, las: [String]? = nil) {
        self.schools = schools
        self.year = year
        self.seed = seed
        self.edge = edge
        self.threads = threads
        self.las = las
    }
}

/// What a demo county shows that real data shows (issue 16): project schools' maths progress up in
/// the outcome year (the Hertfordshire project reported −0.97 → −0.37) and a disadvantaged gap near
/// the national one (2019: disadvantaged −0.6, others +0.3, a gap of 0.9). Shifts are deterministic
/// and move scores only (never a random draw), so every pupil is otherwise exactly as without them.
public struct SynthStory: Sendable, Hashable {
    /// Scaled-score points added to the maths result of every pupil of `projectURNs` (0 = off).
    public var projectEffect: Double
    public var projectURNs: Set<Int>
    /// Disadvantaged pupils' results shifted by −0.5 points and others' by +0.17 in every subject: with
    /// the model's own gap of about 0.23 (disadvantage follows lower ability) the gap is about 0.9,
    /// and the county's mean is unchanged (a quarter of pupils are disadvantaged).
    public var disadvantagedGap: Bool

    public init(projectEffect: Double = 0, projectURNs: Set<Int> = [], disadvantagedGap: Bool = false) {
        self.projectEffect = projectEffect
        self.projectURNs = projectURNs
        self.disadvantagedGap = disadvantagedGap
    }

    /// Points added to a pupil's result in test `subject` (0 read, 1 maths, 2 GPS, 3 writing).
    func shift(subject: Int, urn: Int, disadvantaged: Bool) -> Double {
        var points = 0.0
        if disadvantagedGap && subject != 2 { points += disadvantaged ? -0.5 : 0.17 }
        if subject == 1 && projectEffect != 0 && projectURNs.contains(urn) { points += projectEffect }
        return points
    }
}

/// A reject that an edge-mode file must produce: the file, the physical line, the UPN cell
/// trimmed and upper-cased, and the reason (the `rejects.csv` columns but `detail`).
public struct ExpectedReject: Sendable, Hashable, Comparable {
    public var file: String
    public var line: Int
    public var upn: String
    public var reason: RejectReason
    public init(file: String, line: Int, upn: String, reason: RejectReason) {
        self.file = file
        self.line = line
        self.upn = upn
        self.reason = reason
    }
    public static func < (a: ExpectedReject, b: ExpectedReject) -> Bool { (a.file, a.line) < (b.file, b.line) }
}

/// The synthetic exports: CSV bytes (UTF-8, LF, comma) and what they hold.
public struct SynthOutput: Sendable {
    /// `ks2.csv`: header and one row per pupil (plus edge-mode rows).
    public var ks2: [UInt8]
    /// `ks1.csv`: header and the KS1 rows.
    public var ks1: [UInt8]
    /// Synthetic KS2 pupils (rows before edge-mode copies).
    public var pupils: Int
    public var schools: Int
    /// Data rows of each file (records, not blank lines), edge-mode copies included.
    public var ks2Rows: Int
    public var ks1Rows: Int
    /// Every reject the files must produce, sorted by file and line (empty unless edge mode).
    public var expectedRejects: [ExpectedReject]
}

/// Runs `body` for 0..<count on `threads` workers (each result depends on its index only) and
/// returns the results in order.
private func parallelMap<T>(_ count: Int, threads: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
    let slots = SendableBuffer<T?>(repeating: nil, count: count)
    parallelFor(count, threads: threads) { slots[$0] = body($0) }
    return slots.takeAll().map { $0! }
}

/// Builds deterministic synthetic KS2 and KS1 exports: the same options give the same bytes on
/// any machine and any thread count.
public func synthesize(_ options: SynthOptions) -> SynthOutput {
    let threads = options.threads > 0 ? options.threads : ProcessInfo.processInfo.activeProcessorCount
    let schools = makeSchools(seed: options.seed, count: options.schools, las: options.las)
    let model = CohortModel(year: options.year)
    let renderer = Renderer(model: model)
    let seed = options.seed
    let story = options.story
    let cohorts = parallelMap(schools.count, threads: threads) {
        model.cohort(seed: seed, school: schools[$0], story: story)
    }
    let plan =
        options.edge
        ? planEdges(seed: seed, renderer: renderer, schools: schools, cohorts: cohorts)
        : EdgePlan(ks2: Array(repeating: [:], count: schools.count), ks1: Array(repeating: [:], count: schools.count))
    let chunks = parallelMap(schools.count, threads: threads) { s in
        (
            renderer.ks2(school: schools[s], cohort: cohorts[s], edits: plan.ks2[s]),
            renderer.ks1(school: schools[s], cohort: cohorts[s], edits: plan.ks1[s])
        )
    }
    var rejects: [ExpectedReject] = []
    func join(_ header: [UInt8], _ file: String, _ part: ((Chunk, Chunk)) -> Chunk) -> (bytes: [UInt8], rows: Int) {
        var bytes = header + [0x0A]
        bytes.reserveCapacity(header.count + 1 + chunks.reduce(0) { $0 + part($1).bytes.count })
        var line = 2
        var rows = 0
        for pair in chunks {
            let chunk = part(pair)
            bytes += chunk.bytes
            for r in chunk.rejects {
                rejects.append(ExpectedReject(file: file, line: line + r.line, upn: r.upn, reason: r.reason))
            }
            line += chunk.lines
            rows += chunk.lines
        }
        return (bytes, rows)
    }
    let ks2 = join(ks2Header, "ks2.csv") { $0.0 }
    let ks1 = join(ks1Header, "ks1.csv") { $0.1 }
    let blankLines = plan.ks2.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.blankLines.count } }
    let blankLines1 = plan.ks1.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.blankLines.count } }
    rejects.sort()
    // another system's header names over the same cells (`--layout`)
    let layout = options.layout
    let ks2Bytes = layout == .canonical ? ks2.bytes : relabelHeader(ks2.bytes, names: layout.ks2Header)
    let ks1Bytes = layout == .canonical ? ks1.bytes : relabelHeader(ks1.bytes, names: layout.ks1Header)
    return SynthOutput(
        ks2: ks2Bytes, ks1: ks1Bytes, pupils: cohorts.reduce(0) { $0 + $1.pupils.count },
        schools: schools.count, ks2Rows: ks2.rows - blankLines, ks1Rows: ks1.rows - blankLines1,
        expectedRejects: rejects)
}

/// Synthesises and writes `ks2.csv` and `ks1.csv` into `directory` (created if needed); both
/// files are written under temporary names first, so a failure leaves no half-written file.
public func writeSynth(_ options: SynthOptions, to directory: String) throws -> SynthOutput {
    let output = synthesize(options)
    let dir = URL(fileURLWithPath: directory, isDirectory: true)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let files = [("ks2.csv", output.ks2), ("ks1.csv", output.ks1)]
    var written: [URL] = []
    do {
        for (name, bytes) in files {
            let temp = dir.appendingPathComponent(".\(name).tmp")
            try Data(bytes).write(to: temp)
            written.append(temp)
        }
        for (name, _) in files {
            let temp = dir.appendingPathComponent(".\(name).tmp")
            let final = dir.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: final.path) { try FileManager.default.removeItem(at: final) }
            try FileManager.default.moveItem(at: temp, to: final)
        }
    } catch {
        for url in written { try? FileManager.default.removeItem(at: url) }
        throw error
    }
    return output
}

/// The expected rejects as CSV (`file,line,upn,reason`, sorted by file and line), for a manifest.
public func expectedRejectsCSV(_ rejects: [ExpectedReject]) -> [UInt8] {
    var out = Array("file,line,upn,reason\n".utf8)
    for r in rejects.sorted() {
        out += Array(r.file.utf8)
        out.append(0x2C)
        out.appendNumber(r.line)
        out.append(0x2C)
        out += Array(r.upn.utf8)
        out.append(0x2C)
        out += Array(r.reason.rawValue.utf8)
        out.append(0x0A)
    }
    return out
}
