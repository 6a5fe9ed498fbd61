import KS2Core

/// pupils.csv column names (formats.md), in order.
public let pupilsCSVHeader: [String] = {
    var h = ["year", "urn", "la", "upn", "ks1_aps", "ks1_band", "pag"]
    for s in Subject.allCases {
        for k in ["score", "source", "estimate", "progress_unadj", "progress", "capped", "excluded"] {
            h.append("\(s.name)_\(k)")
        }
    }
    h += [
        "read_exp", "read_high", "writ_exp", "writ_high", "mat_exp", "mat_high", "rwm_exp", "rwm_high",
        "gender", "disadvantaged", "eal", "sen",
    ]
    return h
}()

/// Byte strings in one buffer: a row reads them through one pointer, so formatting 650,000 rows
/// on two threads retains nothing (each nested array or static table read retained its buffer,
/// and the two threads' reference-count updates on the same objects were a tenth of the cycles).
struct TextArena: Sendable {
    private(set) var bytes: [UInt8] = []
    /// Entry k is bytes[offsets[k]..<offsets[k + 1]].
    private(set) var offsets: [Int] = [0]

    var count: Int { offsets.count - 1 }

    /// Adds the entries and returns the index of the first.
    @discardableResult
    mutating func add(_ entries: [[UInt8]]) -> Int {
        let first = count
        for e in entries {
            bytes += e
            offsets.append(bytes.count)
        }
        return first
    }

    /// Adds `count` entries, entry k written by `write(k, &bytes)` at the end of the buffer (no
    /// array per entry); returns the index of the first.
    mutating func add(count: Int, _ write: (Int, inout [UInt8]) -> Void) -> Int {
        let first = self.count
        offsets.reserveCapacity(offsets.count + count)
        for k in 0..<count {
            write(k, &bytes)
            offsets.append(bytes.count)
        }
        return first
    }

    /// Sixteen bytes after the last entry, so that any entry can be read as one 16-byte load.
    mutating func pad() {
        bytes += [UInt8](repeating: 0, count: 16)
    }
}

/// Formats pupils.csv rows for a range of positions in the pupil order, so that a writer can
/// format chunks in parallel and stream them to disk in order.
public struct PupilRowFormatter: Sendable {
    public static let chunkSize = 8_192
    let pupils: [KS2Pupil]
    let year: Int
    let order: [Int32]
    let aps: Column<Double>
    let pag: Column<Int16>
    let n: Int
    let score: Column<Double>, source: Column<ScoreSource>, estimate: Column<Double>, unadj: Column<Double>,
        adj: Column<Double>
    let capped: Column<Bool>, excluded: Column<ExclusionReason?>
    let flags: Column<Int8>
    /// The attainment flags of pupils.csv, in column order.
    static let flagColumns: [Int] = [
        AttainmentFlag.readExp, .readHigh, .writExp, .writHigh, .matExp, .matHigh,
        .rwmExp, .rwmHigh,
    ].map(\.rawValue)

    /// Every text a row may hold, in one arena; the fields below are the first index of each table.
    let text: TextArena
    let schoolText: Int, laText: Int
    let yesText: Int, noText: Int, bandText: Int, sourceText: Int, codeText: Int, reasonText: Int
    let genderText: Int, yesNoText: Int, senText: Int
    /// Most numbers of pupils.csv repeat: KS1 APS takes quarter-point values, and progress is an
    /// integer score minus one of 72 estimates. Their text is formatted once here (`…Text` indices
    /// into the arena, values alongside), and a cached text is used only when its value has exactly
    /// the pupil's bits (else the number is formatted).
    let apsValues: [Double], apsText: Int
    let estimateValues: [Double], estimateText: Int
    /// (subject · PAGs + PAG − 1) · 121 + score → score − estimate.
    let progressValues: [Double], progressText: Int
    let pagCount: Int
    /// A subject's seven fields for the commonest pupil — an integer score, measured, not capped,
    /// not excluded — follow from the subject, PAG, score and source: the whole run of fields (each
    /// with its comma), at ((subject · PAGs + PAG − 1) · 121 + score) · sources + source.
    let subjectBlockText: Int
    /// The eight attainment flags' fields (Y, N or empty, each with its comma), at Σ (flag + 1) · 3^k.
    let flagBlockText: Int

    public init(cohort: KS2Cohort, table t: PupilProgressTable, estimates table: EstimateTable, order: [Int32]) {
        pupils = cohort.pupils
        year = cohort.year
        self.order = order
        n = t.count
        aps = t.ks1APS
        pag = t.pag
        score = t.score
        source = t.source
        estimate = t.estimate
        unadj = t.progressUnadjusted
        adj = t.progress
        capped = t.capped
        excluded = t.excluded
        flags = t.attainment
        var arena = TextArena()
        // texts are kept in their CSV form (quoted and neutralised as CSVWriter would)
        func bytes(_ list: [String]) -> [[UInt8]] { list.map { CSVWriter.field(Array($0.utf8)) } }
        schoolText = arena.add(bytes(cohort.schools.map(\.id)))
        laText = arena.add(bytes(cohort.localAuthorities))
        yesText = arena.add(bytes(["Y"]))
        noText = arena.add(bytes(["N"]))
        bandText = arena.add(bytes(["L", "M", "H"]))
        sourceText = arena.add(bytes(ScoreSource.allCases.map(\.name)))
        codeText = arena.add(bytes(Code.allCases.map(\.name)))
        reasonText = arena.add(bytes([ExclusionReason.discounted, .noKS1, .ks1Incomplete, .blank].map(\.name)))
        genderText = arena.add(bytes([Gender.unknown, .male, .female].map(\.name)))
        yesNoText = arena.add(bytes([YesNo.unknown, .yes, .no].map(\.name)))
        senText = arena.add(bytes([SENProvision.unknown, .none, .support, .ehcPlan].map(\.name)))
        apsValues = (0...120).map { Double($0) / 4 }
        apsText = arena.add(apsValues.map { CSVWriter.formatted($0) })
        // each PAG's estimate, formatted once (subject · PAGs + PAG), from the estimates table the
        // pupils were measured against
        let pags = max(table.pags.read.count, table.pags.writ.count, table.pags.mat.count)
        pagCount = pags
        var estimates = [Double](repeating: .nan, count: 3 * pags)
        for subject in Subject.allCases {
            let s = subject.rawValue
            for (g, row) in table.pags[subject].enumerated() { estimates[s * pags + g] = row.estimate ?? .nan }
        }
        estimateValues = estimates
        estimateText = arena.add(estimates.map { $0.isNaN ? [] : CSVWriter.formatted($0) })
        var progress: [Double] = []
        progress.reserveCapacity(estimates.count * 121)
        for e in estimates { for score in 0...120 { progress.append(Double(score) - e) } }
        progressValues = progress
        let progressBytes = progress.map { $0.isNaN ? [] : CSVWriter.formatted($0) }
        progressText = arena.add(progressBytes)
        subjectBlockText = Self.addSubjectBlocks(
            to: &arena, estimates.map { $0.isNaN ? [] : CSVWriter.formatted($0) }, progressBytes)
        flagBlockText = arena.add(Self.flagBlocks())
        arena.pad()
        text = arena
    }

    /// Every cached subject run: score, source, estimate, unadjusted and adjusted progress (the
    /// same), capped `N`, excluded empty. Empty where the PAG has no estimate (never used). Written
    /// straight into the arena: a county run builds these 35,000 runs for a few hundred pupils.
    private static func addSubjectBlocks(
        to arena: inout TextArena, _ estimates: [[UInt8]], _ progress: [[UInt8]]
    ) -> Int {
        let sources = ScoreSource.allCases.map { CSVWriter.field(Array($0.name.utf8)) }
        let scores = (0...120).map { Array(String($0).utf8) }
        let comma = UInt8(ascii: ",")
        return arena.add(count: progress.count * sources.count) { k, bytes in
            let cell = k / sources.count
            let estimate = estimates[cell / 121]
            if estimate.isEmpty { return }
            for field in [scores[cell % 121], sources[k % sources.count], estimate, progress[cell], progress[cell]] {
                bytes += field
                bytes.append(comma)
            }
            bytes += [UInt8(ascii: "N"), comma, comma]
        }
    }

    /// The eight flags' fields for every combination of -1 (empty), 0 (`N`) and 1 (`Y`).
    private static func flagBlocks() -> [[UInt8]] {
        (0..<6_561).map { key in
            var k = key
            var block: [UInt8] = []
            for _ in 0..<8 {
                switch k % 3 {
                case 1: block += Array("N,".utf8)
                case 2: block += Array("Y,".utf8)
                default: block.append(UInt8(ascii: ","))
                }
                k /= 3
            }
            return block
        }
    }

    public var count: Int { order.count }

    /// The rows at positions `range` of the pupil order (no header).
    public func rows(_ range: Range<Int>) -> [UInt8] {
        text.bytes.withUnsafeBufferPointer { arena in
            text.offsets.withUnsafeBufferPointer { offsets in
                // `w` is passed in, not captured: a captured var is checked for exclusive access at
                // every use. The arena is padded: an entry is copied in 16-byte loads.
                @inline(__always) func label(_ w: inout RowBytes, _ k: Int) {
                    w.appendPaddedField(arena.baseAddress! + offsets[k], count: offsets[k + 1] - offsets[k])
                }
                /// Whole fields of the table's entry `k`, with their commas.
                @inline(__always) func fields(_ w: inout RowBytes, _ k: Int) {
                    w.appendPaddedFields(arena.baseAddress! + offsets[k], count: offsets[k + 1] - offsets[k])
                }
                /// `value`, from the cached text `first + index` when its value has exactly the same bits.
                @inline(__always) func number(
                    _ w: inout RowBytes, _ value: Double, _ values: [Double], _ first: Int, _ index: Int
                ) {
                    if index >= 0 && index < values.count && values[index].bitPattern == value.bitPattern {
                        label(&w, first + index)
                    } else {
                        w.appendDouble(value)
                    }
                }
                return Self.flagColumns.withUnsafeBufferPointer { flagColumns in
                    // national rows average ~270 bytes, ~280 at most: room enough that no part outgrows the array
                    RowBytes.collect(capacity: range.count * 340) { w in
                        for k in range {
                            appendRow(&w, Int(order[k]), flagColumns, label, number, fields)
                        }
                    }
                }
            }
        }
    }

    /// One pupil's row: its identity and KS1 columns, each subject's seven, the attainment flags and
    /// the characteristics.
    @inline(__always)
    private func appendRow(
        _ w: inout RowBytes, _ i: Int, _ flagColumns: UnsafeBufferPointer<Int>, _ label: (inout RowBytes, Int) -> Void,
        _ number: (inout RowBytes, Double, [Double], Int, Int) -> Void, _ fields: (inout RowBytes, Int) -> Void
    ) {
        let p = pupils[i]
        w.appendInt(year)
        label(&w, schoolText + Int(p.school))
        if p.la >= 0 { label(&w, laText + Int(p.la)) } else { w.appendEmpty() }
        w.appendRaw(count: 13) { p.upn.write(to: $0) }
        let a = aps[i]
        if a.isNaN {
            w.appendEmpty()
            w.appendEmpty()
        } else {
            number(&w, a, apsValues, apsText, a >= 0 && a <= 30 ? Int(a * 4) : -1)
            label(&w, bandText + (a < 12 ? 0 : a < 18 ? 1 : 2))
        }
        if pag[i] > 0 { w.appendInt(Int(pag[i])) } else { w.appendEmpty() }
        for s in 0..<3 {
            let sc = score[s * n + i]
            if let block = cachedSubjectBlock(s, i, sc) {
                fields(&w, subjectBlockText + block)
            } else {
                appendSubject(&w, s, i, sc, label, number)
            }
        }
        var flagKey = 0
        var power = 1
        for f in flagColumns {
            // -1, 0 or 1 (anything else is written field by field)
            let v = Int(flags[f * n + i])
            flagKey = v < -1 || v > 1 ? -1 << 20 : flagKey + (v + 1) * power
            power *= 3
        }
        if flagKey >= 0 {
            fields(&w, flagBlockText + flagKey)
        } else {
            for f in flagColumns {
                let v = flags[f * n + i]
                if v < 0 { w.appendEmpty() } else { label(&w, v == 1 ? yesText : noText) }
            }
        }
        label(&w, genderText + Int(p.gender.rawValue))
        label(&w, yesNoText + Int(p.disadvantaged.rawValue))
        label(&w, yesNoText + Int(p.eal.rawValue))
        label(&w, senText + Int(p.sen.rawValue))
        w.endRow()
    }

    /// Subject `s`'s seven fields for pupil `i` with score `sc`, one at a time (a pupil the cached
    /// runs do not cover: excluded, capped, unmeasured or with a score that is not a whole number).
    @inline(__always)
    private func appendSubject(
        _ w: inout RowBytes, _ s: Int, _ i: Int, _ sc: Double, _ label: (inout RowBytes, Int) -> Void,
        _ number: (inout RowBytes, Double, [Double], Int, Int) -> Void
    ) {
        if sc.isNaN {
            w.appendEmpty()
        } else if sc == sc.rounded() {
            w.appendInt(Int(sc))
        } else {
            w.appendDouble(sc)
        }
        label(&w, sourceText + Int(source[s * n + i].rawValue))
        let g = s * pagCount + Int(pag[i]) - 1
        let e = estimate[s * n + i]
        if e.isNaN {
            w.appendEmpty()
        } else {
            number(&w, e, estimateValues, estimateText, pag[i] > 0 ? g : -1)
        }
        let u = unadj[s * n + i]
        let v = adj[s * n + i]
        let cached = pag[i] > 0 && !sc.isNaN && sc >= 0 && sc <= 120 ? g * 121 + Int(sc) : -1
        if u.isNaN { w.appendEmpty() } else { number(&w, u, progressValues, progressText, cached) }
        if v.isNaN {
            w.appendEmpty()
            w.appendEmpty()
        } else {
            number(&w, v, progressValues, progressText, cached)
            label(&w, capped[s * n + i] ? yesText : noText)
        }
        switch excluded[s * n + i] {
        case nil: w.appendEmpty()
        case .code(let c)?: label(&w, codeText + Int(c.rawValue))
        case .discounted?: label(&w, reasonText)
        case .noKS1?: label(&w, reasonText + 1)
        case .ks1Incomplete?: label(&w, reasonText + 2)
        case .blank?: label(&w, reasonText + 3)
        }
    }

    /// The index of subject `s`'s cached run of fields for pupil `i` with score `sc`, when every
    /// one of its seven fields is exactly what the run holds (else nil: written field by field).
    @inline(__always)
    private func cachedSubjectBlock(_ s: Int, _ i: Int, _ sc: Double) -> Int? {
        let g = Int(pag[i]) - 1
        guard g >= 0, sc >= 0, sc <= 120, sc == sc.rounded(), !capped[s * n + i], excluded[s * n + i] == nil
        else { return nil }
        let e = estimate[s * n + i]
        let u = unadj[s * n + i]
        let cell = (s * pagCount + g) * 121 + Int(sc)
        guard !e.isNaN, !u.isNaN, e.bitPattern == estimateValues[s * pagCount + g].bitPattern,
            u.bitPattern == progressValues[cell].bitPattern, adj[s * n + i].bitPattern == u.bitPattern
        else { return nil }
        return cell * ScoreSource.allCases.count + Int(source[s * n + i].rawValue)
    }
}

/// estimates.csv: `year,subject,pag,lower,upper,pupils,estimate,sd,cap`, every PAG of every subject.
public func estimatesCSV(_ table: EstimateTable) -> [UInt8] {
    var w = CSVWriter(header: ["year", "subject", "pag", "lower", "upper", "pupils", "estimate", "sd", "cap"])
    for s in Subject.allCases {
        for g in table.pags[s] {
            w.appendInt(table.year)
            w.appendText(s.name)
            w.appendInt(g.pag)
            w.appendDouble(g.lower)
            w.appendDouble(g.upper)
            w.appendInt(g.pupils)
            w.appendDouble(g.estimate)
            w.appendDouble(g.sd)
            w.appendDouble(g.cap)
            w.endRow()
        }
    }
    return w.bytes
}

/// national.csv: `year,subject,pupils,sd,cap_z,p10,p90`, then `other_progress` (England's other,
/// not disadvantaged, pupils: what a supplied run's disadvantaged gap is measured against), then
/// England's attainment under schools.csv's names (the year's figures, the same on every row: what a
/// supplied run's school workbooks show as England).
public func nationalCSV(year: Int, figures: PerSubject<NationalFigures>, englandAttainment: AttainmentFigures<Double>?)
    -> [UInt8]
{
    let attainmentColumns = AttainmentMeasure.allCases.map(\.column)
    var w = CSVWriter(
        header: ["year", "subject", "pupils", "sd", "cap_z", "p10", "p90", "other_progress"] + attainmentColumns)
    for subject in Subject.allCases {
        let n = figures[subject]
        w.appendInt(year)
        w.appendText(n.subject.name)
        w.appendInt(n.pupils)
        w.appendDouble(n.sd)
        w.appendDouble(n.capZ)
        w.appendDouble(n.p10)
        w.appendDouble(n.p90)
        w.appendDouble(n.otherProgress)
        for m in AttainmentMeasure.allCases {
            w.appendDouble(englandAttainment?[m] ?? nil)
        }
        w.endRow()
    }
    return w.bytes
}

/// targets.csv (formats.md): one row per current-cohort pupil, in the order given.
public func targetsCSV(_ rows: [TargetRow]) -> [UInt8] {
    var header = ["urn", "upn", "ks1_aps", "pag", "excluded", "estimates_year"]
    for s in Subject.allCases {
        for k in ["estimate", "target", "predicted", "predicted_progress", "focus"] { header.append("\(s.name)_\(k)") }
    }
    var w = CSVWriter(header: header)
    for r in rows {
        w.appendText(r.urn)
        w.appendText(r.upn)
        w.appendDouble(r.ks1APS)
        w.appendInt(r.pag)
        w.appendText(r.excluded)
        w.appendInt(r.estimatesYear)
        for s in Subject.allCases {
            w.appendDouble(r.estimate[s])
            w.appendText(r.target[s])
            w.appendText(r.predicted[s])
            w.appendDouble(r.predictedProgress[s])
            w.appendText(r.focus[s])
        }
        w.endRow()
    }
    return w.bytes
}
