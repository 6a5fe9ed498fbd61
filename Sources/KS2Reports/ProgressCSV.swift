import KS2Core

/// pupils.csv column names (formats.md), in order.
public let pupilsCSVHeader: [String] = {
    var h = ["year", "urn", "la", "upn", "ks1_aps", "ks1_band", "pag"]
    for s in Subject.allCases {
        for k in ["score", "source", "estimate", "progress_unadj", "progress", "capped", "excluded"] { h.append("\(s.name)_\(k)") }
    }
    h += ["read_exp", "read_high", "writ_exp", "writ_high", "mat_exp", "mat_high", "rwm_exp", "rwm_high",
          "gender", "disadvantaged", "eal", "sen"]
    return h
}()

/// Formats pupils.csv rows for a range of positions in the pupil order, so that a writer can
/// format chunks in parallel and stream them to disk in order.
public struct PupilRowFormatter: Sendable {
    public static let chunkSize = 8_192
    let pupils: [KS2Pupil]
    let schoolIDs: [[UInt8]]
    let laCodes: [[UInt8]]
    let year: Int
    let order: [Int32]
    let aps: Column<Double>
    let pag: Column<Int16>
    let n: Int
    let score: Column<Double>, source: Column<ScoreSource>, estimate: Column<Double>, unadj: Column<Double>, adj: Column<Double>
    let capped: Column<Bool>, excluded: Column<ExclusionReason?>
    let flags: Column<Int8>
    /// The attainment flags of pupils.csv, in column order.
    static let flagColumns: [Int] = [AttainmentFlag.readExp, .readHigh, .writExp, .writHigh, .matExp, .matHigh,
                                     .rwmExp, .rwmHigh].map(\.rawValue)

    /// Most numbers of pupils.csv repeat: KS1 APS takes quarter-point values, and progress is an
    /// integer score minus one of 72 estimates. Their text is formatted once here, and a cached
    /// text is used only when its value has exactly the pupil's bits (else the number is formatted).
    let apsText: [(Double, [UInt8])]
    let estimateText: [(Double, [UInt8])]
    /// (subject · PAGs + PAG − 1) · 121 + score → text of score − estimate.
    let progressText: [(Double, [UInt8])]
    let pagCount: Int

    public init(cohort: KS2Cohort, table t: PupilProgressTable, order: [Int32]) {
        pupils = cohort.pupils
        schoolIDs = cohort.schools.map { Array($0.id.utf8) }
        laCodes = cohort.localAuthorities.map { Array($0.utf8) }
        year = cohort.year
        self.order = order
        n = t.count
        aps = t.ks1APS; pag = t.pag; score = t.score; source = t.source; estimate = t.estimate
        unadj = t.progressUnadjusted; adj = t.progress; capped = t.capped; excluded = t.excluded
        flags = t.attainment
        apsText = (0...120).map { k in (Double(k) / 4, CSVWriter.formatted(Double(k) / 4)) }
        // the PAG estimates as the table holds them (the first pupil of each subject and PAG)
        var pags = 0
        for p in t.pag where Int(p) > pags { pags = Int(p) }
        pagCount = pags
        var estimates = [Double](repeating: .nan, count: 3 * pags)
        for i in 0..<t.count where t.pag[i] > 0 {
            for s in 0..<3 where estimates[s * pags + Int(t.pag[i]) - 1].isNaN {
                estimates[s * pags + Int(t.pag[i]) - 1] = t.estimate[t.at(s, i)]
            }
        }
        estimateText = estimates.map { ($0, $0.isNaN ? [] : CSVWriter.formatted($0)) }
        var progress: [(Double, [UInt8])] = []
        progress.reserveCapacity(estimates.count * 121)
        for e in estimates {
            for score in 0...120 {
                let v = Double(score) - e
                progress.append((v, v.isNaN ? [] : CSVWriter.formatted(v)))
            }
        }
        progressText = progress
    }

    /// Appends `value`, from `cache[index]` when that entry holds exactly the same bits.
    @inline(__always)
    private func appendNumber(_ w: inout CSVWriter, _ value: Double, _ cache: [(Double, [UInt8])], _ index: Int) {
        if index >= 0 && index < cache.count && cache[index].0.bitPattern == value.bitPattern {
            w.appendFormatted(cache[index].1)
        } else {
            w.appendDouble(value)
        }
    }

    public var count: Int { order.count }

    private static let yes: [UInt8] = Array("Y".utf8), no: [UInt8] = Array("N".utf8)
    private static let bands: [[UInt8]] = ["L", "M", "H"].map { Array($0.utf8) }
    private static let sources: [[UInt8]] = ScoreSource.allCases.map { Array($0.name.utf8) }
    private static let codeNames: [[UInt8]] = Code.allCases.map { Array($0.name.utf8) }
    private static let reasons: [[UInt8]] = [ExclusionReason.discounted, .noKS1, .ks1Incomplete, .blank].map { Array($0.name.utf8) }
    private static let genders: [[UInt8]] = [Gender.unknown, .male, .female].map { Array($0.name.utf8) }
    private static let yesNo: [[UInt8]] = [YesNo.unknown, .yes, .no].map { Array($0.name.utf8) }
    private static let sen: [[UInt8]] = [SENProvision.unknown, .none, .support, .ehcPlan].map { Array($0.name.utf8) }

    /// The rows at positions `range` of the pupil order (no header).
    public func rows(_ range: Range<Int>) -> [UInt8] {
        var w = CSVWriter(capacity: range.count * 280)
        var upn = [UInt8](repeating: 0, count: 13)
        for k in range {
            let i = Int(order[k])
            let p = pupils[i]
            w.appendInt(year)
            schoolIDs[Int(p.school)].withUnsafeBufferPointer { w.appendText(utf8: $0) }
            if p.la >= 0 { laCodes[Int(p.la)].withUnsafeBufferPointer { w.appendText(utf8: $0) } } else { w.appendEmpty() }
            p.upn.write(into: &upn)
            upn.withUnsafeBufferPointer { w.appendText(utf8: $0) }
            let a = aps[i]
            if a.isNaN {
                w.appendEmpty(); w.appendEmpty()
            } else {
                appendNumber(&w, a, apsText, a >= 0 && a <= 30 ? Int(a * 4) : -1)
                Self.bands[a < 12 ? 0 : a < 18 ? 1 : 2].withUnsafeBufferPointer { w.appendText(utf8: $0) }
            }
            if pag[i] > 0 { w.appendInt(Int(pag[i])) } else { w.appendEmpty() }
            for s in 0..<3 {
                let sc = score[s * n + i]
                if sc.isNaN { w.appendEmpty() } else if sc == sc.rounded() { w.appendInt(Int(sc)) } else { w.appendDouble(sc) }
                Self.sources[Int(source[s * n + i].rawValue)].withUnsafeBufferPointer { w.appendText(utf8: $0) }
                let g = s * pagCount + Int(pag[i]) - 1
                let e = estimate[s * n + i]
                if e.isNaN { w.appendEmpty() } else { appendNumber(&w, e, estimateText, pag[i] > 0 ? g : -1) }
                let u = unadj[s * n + i], v = adj[s * n + i]
                let cached = pag[i] > 0 && !sc.isNaN && sc >= 0 && sc <= 120 ? g * 121 + Int(sc) : -1
                if u.isNaN { w.appendEmpty() } else { appendNumber(&w, u, progressText, cached) }
                if v.isNaN {
                    w.appendEmpty(); w.appendEmpty()
                } else {
                    appendNumber(&w, v, progressText, cached)
                    (capped[s * n + i] ? Self.yes : Self.no).withUnsafeBufferPointer { w.appendText(utf8: $0) }
                }
                switch excluded[s * n + i] {
                case nil: w.appendEmpty()
                case .code(let c)?: Self.codeNames[Int(c.rawValue)].withUnsafeBufferPointer { w.appendText(utf8: $0) }
                case .discounted?: Self.reasons[0].withUnsafeBufferPointer { w.appendText(utf8: $0) }
                case .noKS1?: Self.reasons[1].withUnsafeBufferPointer { w.appendText(utf8: $0) }
                case .ks1Incomplete?: Self.reasons[2].withUnsafeBufferPointer { w.appendText(utf8: $0) }
                case .blank?: Self.reasons[3].withUnsafeBufferPointer { w.appendText(utf8: $0) }
                }
            }
            for f in Self.flagColumns {
                let v = flags[f * n + i]
                if v < 0 { w.appendEmpty() } else { (v == 1 ? Self.yes : Self.no).withUnsafeBufferPointer { w.appendText(utf8: $0) } }
            }
            Self.genders[Int(p.gender.rawValue)].withUnsafeBufferPointer { w.appendText(utf8: $0) }
            Self.yesNo[Int(p.disadvantaged.rawValue)].withUnsafeBufferPointer { w.appendText(utf8: $0) }
            Self.yesNo[Int(p.eal.rawValue)].withUnsafeBufferPointer { w.appendText(utf8: $0) }
            Self.sen[Int(p.sen.rawValue)].withUnsafeBufferPointer { w.appendText(utf8: $0) }
            w.endRow()
        }
        return w.bytes
    }
}

/// estimates.csv: `year,subject,pag,lower,upper,pupils,estimate,sd,cap`, every PAG of every subject.
public func estimatesCSV(_ table: EstimateTable) -> [UInt8] {
    var w = CSVWriter(header: ["year", "subject", "pag", "lower", "upper", "pupils", "estimate", "sd", "cap"])
    for s in Subject.allCases {
        for g in table.pags[s.rawValue] {
            w.appendInt(table.year); w.appendText(s.name); w.appendInt(g.pag)
            w.appendDouble(g.lower); w.appendDouble(g.upper); w.appendInt(g.pupils)
            w.appendDouble(g.estimate); w.appendDouble(g.sd); w.appendDouble(g.cap)
            w.endRow()
        }
    }
    return w.bytes
}

/// national.csv: `year,subject,pupils,sd,cap_z,p10,p90`.
public func nationalCSV(_ table: EstimateTable) -> [UInt8] {
    var w = CSVWriter(header: ["year", "subject", "pupils", "sd", "cap_z", "p10", "p90"])
    for n in table.national {
        w.appendInt(table.year); w.appendText(n.subject.name); w.appendInt(n.pupils)
        w.appendDouble(n.sd); w.appendDouble(n.capZ); w.appendDouble(n.p10); w.appendDouble(n.p90)
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
        w.appendText(r.urn); w.appendText(r.upn); w.appendDouble(r.ks1APS); w.appendInt(r.pag)
        w.appendText(r.excluded); w.appendInt(r.estimatesYear)
        for s in 0..<3 {
            w.appendDouble(r.estimate[s]); w.appendText(r.target[s]); w.appendText(r.predicted[s])
            w.appendDouble(r.predictedProgress[s]); w.appendText(r.focus[s])
        }
        w.endRow()
    }
    return w.bytes
}
