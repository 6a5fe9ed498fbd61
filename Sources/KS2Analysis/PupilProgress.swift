import KS2Core

/// Pupil progress for one year: the table, the national estimates it used or derived, and σ.
public struct ProgressComputation: Sendable {
    public var table: PupilProgressTable
    /// Derived from the input (national mode) or as supplied.
    public var estimates: EstimateTable
    /// Whether the estimates came from the input (a national run).
    public var national: Bool
}

/// Per-chunk sums per (subject, PAG), reduced in chunk order so results never depend on threads.
private struct PAGSums: Sendable {
    var count: [Int]
    var sum: [Double]
    init(pags: Int) {
        count = Array(repeating: 0, count: 3 * pags)
        sum = Array(repeating: 0, count: 3 * pags)
    }
    static func reduce(_ parts: [PAGSums], pags: Int) -> PAGSums {
        var total = PAGSums(pags: pags)
        for p in parts {
            for i in 0..<total.count.count {
                total.count[i] += p.count[i]
                total.sum[i] += p.sum[i]
            }
        }
        return total
    }
}

/// Computes every pupil's KS1 APS, PAG, score used, estimate, unadjusted and adjusted progress
/// (methodology.md §2–§6). Without `supplied`, the cohort is the nation: estimates, per-PAG SDs,
/// the cap and σ come from it; with `supplied`, a national run's tables are used as they are.
public func computePupilProgress(
    cohort: KS2Cohort, ks1: [KS1Record], ks1Index: [Int32],
    methodology: MethodologyYear, supplied: EstimateTable?,
    threads: Int
) -> ProgressComputation {
    let run = PupilProgressRun(cohort: cohort, methodology: methodology, supplied: supplied, threads: threads)
    let scoreSums = run.scoresAndExclusions(ks1: ks1, ks1Index: ks1Index)
    let estimate = run.estimates(from: scoreSums)
    let unadjustedSums = run.unadjustedProgress(estimates: estimate)
    let spread = supplied.map(run.suppliedSpread) ?? run.nationalSpread(unadjustedSums)
    run.adjustedProgress(spread)
    let estimates = supplied ?? run.estimateTable(estimate: estimate, unadjustedSums: unadjustedSums, spread: spread)
    return ProgressComputation(table: run.table(), estimates: estimates, national: supplied == nil)
}

/// Per-PAG spread of unadjusted progress and the cap: the SD of each (subject, PAG) (flat,
/// subject · PAGs + PAG; NaN when it has none) and each subject's cap z.
private struct ProgressSpread {
    var sd: [Double]
    var capZ: [Double?]
}

/// The columns of one progress computation, filled phase by phase by workers at disjoint indices
/// (subject-major flat columns, PupilProgressTable's layout: subject s, pupil i at s · n + i).
private struct PupilProgressRun {
    let cohort: KS2Cohort
    let methodology: MethodologyYear
    let supplied: EstimateTable?
    let n: Int
    let bounds: [Double]
    let pagCount: Int
    let threads: Int
    let chunks: ParallelChunks
    let aps: SendableBuffer<Double>
    let pag: SendableBuffer<Int16>
    let score: SendableBuffer<Double>
    let source: SendableBuffer<ScoreSource>
    let excluded: SendableBuffer<ExclusionReason?>
    let flags: SendableBuffer<Int8>
    let estimate: SendableBuffer<Double>
    let unadjusted: SendableBuffer<Double>
    let adjusted: SendableBuffer<Double>
    let capped: SendableBuffer<Bool>

    init(cohort: KS2Cohort, methodology: MethodologyYear, supplied: EstimateTable?, threads: Int) {
        self.cohort = cohort
        self.methodology = methodology
        self.supplied = supplied
        self.threads = threads
        n = cohort.pupils.count
        bounds = supplied?.lowerBounds ?? methodology.pagLowerBounds
        pagCount = bounds.count
        chunks = ParallelChunks(count: n, threads: threads)
        aps = SendableBuffer(repeating: .nan, count: n, threads: threads)
        pag = SendableBuffer(repeating: 0, count: n, threads: threads)
        score = SendableBuffer(repeating: .nan, count: 3 * n, threads: threads)
        source = SendableBuffer(repeating: .none, count: 3 * n, threads: threads)
        excluded = SendableBuffer(repeating: nil, count: 3 * n, threads: threads)
        flags = SendableBuffer(repeating: -1, count: AttainmentFlag.allCases.count * n, threads: threads)
        estimate = SendableBuffer(repeating: .nan, count: 3 * n, threads: threads)
        unadjusted = SendableBuffer(repeating: .nan, count: 3 * n, threads: threads)
        adjusted = SendableBuffer(repeating: .nan, count: 3 * n, threads: threads)
        capped = SendableBuffer(repeating: false, count: 3 * n, threads: threads)
    }

    /// Sums per (subject, PAG) of what `add` contributes for each pupil, over fixed chunks reduced
    /// in chunk order (so the sums never depend on the thread count).
    func sumPerPAG(_ add: (Int, inout PAGSums) -> Void) -> PAGSums {
        let pags = pagCount
        return withoutActuallyEscaping(add) { add in
            let body = UncheckedSendable(value: add)
            return PAGSums.reduce(
                chunks.map { range -> PAGSums in
                    var sums = PAGSums(pags: pags)
                    for i in range { body.value(i, &sums) }
                    return sums
                }, pags: pags)
        }
    }

    /// Phase 1: prior attainment, the score used, exclusions and attainment flags of every pupil;
    /// the per-PAG sums of the scores of pupils in each measure.
    func scoresAndExclusions(ks1: [KS1Record], ks1Index: [Int32]) -> PAGSums {
        let pupils = cohort.pupils
        let codes = gatherKS1Codes(ks1: ks1, ks1Index: ks1Index)
        return sumPerPAG { i, sums in
            let p = pupils[i]
            let c = codes[i]
            let prior =
                c.present
                ? PriorAttainment(read: c.read, writ: c.writ, mat: c.mat)
                : PriorAttainment(record: nil)
            if let a = prior.aps {
                aps[i] = a
                pag[i] = Int16(priorAttainmentGroup(aps: a, bounds: bounds))
            }
            let used = PerSubject(
                read: methodology.testScoreForProgress(p.read),
                writ: methodology.writingScoreForProgress(p.writTA),
                mat: methodology.testScoreForProgress(p.mat))
            for s in 0..<3 {
                let result = used[Subject(rawValue: s)!]
                let value = result.score ?? .nan
                score[s * n + i] = value
                source[s * n + i] = result.source
                let reason = progressExclusion(score: result, prior: prior)
                excluded[s * n + i] = reason
                if reason == nil {
                    let g = s * pagCount + Int(pag[i]) - 1
                    sums.count[g] += 1
                    sums.sum[g] += value
                }
            }
            setAttainmentFlags(p, i, n, flags)
        }
    }

    /// Each pupil's KS1 codes in KS2 order. The KS1 records are in their own file's order, so
    /// reading them is a cache miss per pupil; a loop that does nothing else keeps many misses in
    /// flight at once (inside phase 1's long loop they were more than half its time).
    func gatherKS1Codes(ks1: [KS1Record], ks1Index: [Int32]) -> SendableBuffer<KS1Codes> {
        let codes = SendableBuffer<KS1Codes>(repeating: KS1Codes(), count: n)
        ks1.withUnsafeBufferPointer { records in
            let records = UncheckedSendable(value: records)
            ks1Index.withUnsafeBufferPointer { index in
                let index = UncheckedSendable(value: index)
                chunks.forEach { c in
                    for i in chunks.range(c) {
                        let k = Int(index.value[i])
                        if k >= 0 {
                            let r = records.value[k]
                            codes[i] = KS1Codes(read: r.read, writ: r.writ, mat: r.mat, present: true)
                        }
                    }
                }
            }
        }
        return codes
    }

    /// Phase 2: the estimate of each (subject, PAG) (flat; NaN when it has none): the mean score
    /// of the nation's pupils in it, or the supplied table's.
    func estimates(from scoreSums: PAGSums) -> [Double] {
        var estimate = [Double](repeating: .nan, count: 3 * pagCount)
        for s in 0..<3 {
            for g in 0..<pagCount {
                let k = s * pagCount + g
                if let sup = supplied {
                    if let e = sup.pags[Subject(rawValue: s)!][g].estimate { estimate[k] = e }
                } else if scoreSums.count[k] > 0 {
                    estimate[k] = scoreSums.sum[k] / Double(scoreSums.count[k])
                }
            }
        }
        return estimate
    }

    /// Phase 3: each pupil's estimate and unadjusted progress; per-PAG sums of unadjusted progress.
    func unadjustedProgress(estimates table: [Double]) -> PAGSums {
        sumPerPAG { i, sums in
            guard pag[i] > 0 else { return }
            let g = Int(pag[i]) - 1
            for s in 0..<3 {
                let e = table[s * pagCount + g]
                estimate[s * n + i] = e
                if excluded[s * n + i] == nil && !e.isNaN {
                    let u = score[s * n + i] - e
                    unadjusted[s * n + i] = u
                    sums.count[s * pagCount + g] += 1
                    sums.sum[s * pagCount + g] += u
                }
            }
        }
    }

    /// Phase 4, national run: per-PAG SD (n−1, two-pass) of unadjusted progress and, from 2018,
    /// each subject's cap z (methodology.md §6).
    func nationalSpread(_ unadjustedSums: PAGSums) -> ProgressSpread {
        var means = [Double](repeating: .nan, count: 3 * pagCount)
        for k in 0..<(3 * pagCount) where unadjustedSums.count[k] > 0 {
            means[k] = unadjustedSums.sum[k] / Double(unadjustedSums.count[k])
        }
        let squares = sumPerPAG { i, sums in
            guard pag[i] > 0 else { return }
            let g = Int(pag[i]) - 1
            for s in 0..<3 {
                let u = unadjusted[s * n + i]
                if !u.isNaN {
                    let d = u - means[s * pagCount + g]
                    sums.sum[s * pagCount + g] += d * d
                }
            }
        }
        var sd = [Double](repeating: .nan, count: 3 * pagCount)
        for k in 0..<(3 * pagCount) {
            let c = unadjustedSums.count[k]
            if c >= 2 { sd[k] = (squares.sum[k] / Double(c - 1)).squareRoot() }
        }
        return ProgressSpread(sd: sd, capZ: methodology.cappingApplies ? capZ(sd: sd) : [nil, nil, nil])
    }

    /// Each subject's cap z over the nation's z scores (the three selections run side by side).
    func capZ(sd: [Double]) -> [Double?] {
        let found = SendableBuffer<Double?>(repeating: nil, count: 3)
        let (n, pagCount, pag, unadjusted) = (n, pagCount, pag, unadjusted)
        parallelFor(3, threads: threads) { s in
            var z: [Double] = []
            z.reserveCapacity(n)
            for i in 0..<n where pag[i] > 0 {
                let u = unadjusted[s * n + i]
                let d = sd[s * pagCount + Int(pag[i]) - 1]
                if !u.isNaN && d > 0 { z.append(u / d) }
            }
            found[s] = KS2Core.capZ(sortedOrUnsortedZ: z)
        }
        return found.array
    }

    /// Phase 4, supplied run: the national run's per-PAG SDs and cap z as they are.
    func suppliedSpread(_ sup: EstimateTable) -> ProgressSpread {
        var sd = [Double](repeating: .nan, count: 3 * pagCount)
        for subject in Subject.allCases {
            let s = subject.rawValue
            for g in 0..<pagCount { sd[s * pagCount + g] = sup.pags[subject][g].sd ?? .nan }
        }
        return ProgressSpread(sd: sd, capZ: Subject.allCases.map { sup.national[$0].capZ })
    }

    /// Phase 5: capping (below the cap z, or below a supplied PAG's floor) and adjusted progress.
    func adjustedProgress(_ spread: ProgressSpread) {
        let supCaps: [[Double?]]? = supplied.map { sup in Subject.allCases.map { sup.pags[$0].map(\.cap) } }
        let (n, pagCount, pag, unadjusted, adjusted, capped) = (n, pagCount, pag, unadjusted, adjusted, capped)
        let sdTable = spread.sd
        let caps = spread.capZ
        chunks.forEach { c in
            for i in chunks.range(c) {
                for s in 0..<3 {
                    let u = unadjusted[s * n + i]
                    if u.isNaN { continue }
                    var a = u
                    let g = Int(pag[i]) - 1
                    let d = sdTable[s * pagCount + g]
                    if let cz = caps[s], d > 0, !d.isNaN {
                        if u / d < cz {
                            a = d * cz
                            capped[s * n + i] = true
                        }
                    } else if let sc = supCaps, let floor = sc[s][g], u < floor {
                        a = floor
                        capped[s * n + i] = true
                    }
                    adjusted[s * n + i] = a
                }
            }
        }
    }

    /// A national run's estimates table: per PAG its interval, pupils, estimate, SD and cap; per
    /// subject σ of adjusted progress and the cap z.
    func estimateTable(estimate: [Double], unadjustedSums: PAGSums, spread: ProgressSpread) -> EstimateTable {
        var pagsOut: [[PAGEstimate]] = []
        var nationalOut: [NationalFigures] = []
        for s in 0..<3 {
            var rows: [PAGEstimate] = []
            for g in 0..<pagCount {
                let k = s * pagCount + g
                let sdValue: Double? = spread.sd[k].isNaN ? nil : spread.sd[k]
                var cap: Double? = nil
                if let cz = spread.capZ[s], let d = sdValue, d > 0 { cap = d * cz }
                rows.append(
                    PAGEstimate(
                        pag: g + 1, lower: bounds[g], upper: g + 1 < pagCount ? bounds[g + 1] : nil,
                        pupils: unadjustedSums.count[k], estimate: estimate[k].isNaN ? nil : estimate[k],
                        sd: sdValue, cap: cap))
            }
            pagsOut.append(rows)
            let sigma = sampleSD(adjusted, subject: s, count: n, threads: threads)
            // the band thresholds and England's other pupils' progress come from the aggregation
            // (Aggregation.thresholds, .englandOtherProgress), which works them out from the schools
            nationalOut.append(
                NationalFigures(
                    subject: Subject(rawValue: s)!, pupils: sigma.count,
                    sd: sigma.sd, capZ: spread.capZ[s], p10: nil, p90: nil))
        }
        return EstimateTable(
            year: cohort.year, pags: PerSubject { pagsOut[$0.rawValue] },
            national: PerSubject { nationalOut[$0.rawValue] })
    }

    /// The finished columns, taken over without copying.
    func table() -> PupilProgressTable {
        var table = PupilProgressTable(count: 0)
        table.count = n
        table.ks1APS = Column(aps)
        table.pag = Column(pag)
        table.score = Column(score)
        table.source = Column(source)
        table.estimate = Column(estimate)
        table.progressUnadjusted = Column(unadjusted)
        table.progress = Column(adjusted)
        table.capped = Column(capped)
        table.excluded = Column(excluded)
        table.attainment = Column(flags)
        return table
    }
}

/// Attainment flags of one pupil (methodology.md §8): 1 yes, 0 no, -1 discounted (`J`).
@inline(__always)
private func setAttainmentFlags(_ p: KS2Pupil, _ i: Int, _ n: Int, _ flags: SendableBuffer<Int8>) {
    let readDisc = p.read.code == .J
    let matDisc = p.mat.code == .J
    let gpsDisc = p.gps.code == .J
    let writDisc = p.writTA == .J
    @inline(__always) func f(_ b: Bool) -> Int8 { b ? 1 : 0 }
    if !readDisc {
        flags[AttainmentFlag.readExp.rawValue * n + i] = f(p.read.scaled >= 100)
        flags[AttainmentFlag.readHigh.rawValue * n + i] = f(p.read.scaled >= 110)
    }
    if !matDisc {
        flags[AttainmentFlag.matExp.rawValue * n + i] = f(p.mat.scaled >= 100)
        flags[AttainmentFlag.matHigh.rawValue * n + i] = f(p.mat.scaled >= 110)
    }
    if !gpsDisc {
        flags[AttainmentFlag.gpsExp.rawValue * n + i] = f(p.gps.scaled >= 100)
        flags[AttainmentFlag.gpsHigh.rawValue * n + i] = f(p.gps.scaled >= 110)
    }
    if !writDisc {
        flags[AttainmentFlag.writExp.rawValue * n + i] = f(p.writTA == .EXS || p.writTA == .GDS)
        flags[AttainmentFlag.writHigh.rawValue * n + i] = f(p.writTA == .GDS)
    }
    if !readDisc && !writDisc && !matDisc {
        let exp = p.read.scaled >= 100 && p.mat.scaled >= 100 && (p.writTA == .EXS || p.writTA == .GDS)
        let high = p.read.scaled >= 110 && p.mat.scaled >= 110 && p.writTA == .GDS
        flags[AttainmentFlag.rwmExp.rawValue * n + i] = f(exp)
        flags[AttainmentFlag.rwmHigh.rawValue * n + i] = f(high)
    }
}

/// Sample SD (n−1) of the non-NaN values, two-pass over fixed chunks (thread-count independent).
func sampleSD(_ all: SendableBuffer<Double>, subject: Int, count n: Int, threads: Int) -> (count: Int, sd: Double?) {
    let base = subject * n
    let chunks = ParallelChunks(count: n, threads: threads)
    let parts = chunks.map { range -> (Int, Double) in
        var c = 0
        var s = 0.0
        for i in range where !all[base + i].isNaN {
            c += 1
            s += all[base + i]
        }
        return (c, s)
    }
    let count = parts.reduce(0) { $0 + $1.0 }
    guard count >= 2 else { return (count, nil) }
    let mean = parts.reduce(0.0) { $0 + $1.1 } / Double(count)
    let sq = chunks.map { range -> Double in
        var s = 0.0
        for i in range where !all[base + i].isNaN {
            let d = all[base + i] - mean
            s += d * d
        }
        return s
    }.reduce(0, +)
    return (count, (sq / Double(count - 1)).squareRoot())
}

/// A pupil's KS1 teacher-assessment codes, gathered into KS2 order (`present`: a KS1 record joined).
struct KS1Codes: Sendable {
    var read: Code = .none
    var writ: Code = .none
    var mat: Code = .none
    var present = false
}
