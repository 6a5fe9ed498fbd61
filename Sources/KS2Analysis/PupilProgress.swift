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
public func computePupilProgress(cohort: KS2Cohort, ks1: [KS1Record], ks1Index: [Int32],
                                 methodology: MethodologyYear, supplied: EstimateTable?,
                                 threads: Int) -> ProgressComputation {
    let n = cohort.pupils.count
    let bounds = supplied?.lowerBounds ?? methodology.pagLowerBounds
    let pagCount = bounds.count
    let chunks = ParallelChunks(count: n, threads: threads)

    // Columns written by workers at disjoint indices.
    let aps = SendableBuffer<Double>(repeating: .nan, count: n, threads: threads)
    let pag = SendableBuffer<Int16>(repeating: 0, count: n, threads: threads)
    // Subject-major flat columns (PupilProgressTable's layout): subject s, pupil i at s * n + i.
    let score = SendableBuffer<Double>(repeating: .nan, count: 3 * n, threads: threads)
    let source = SendableBuffer<ScoreSource>(repeating: .none, count: 3 * n, threads: threads)
    let excluded = SendableBuffer<ExclusionReason?>(repeating: nil, count: 3 * n, threads: threads)
    let flags = SendableBuffer<Int8>(repeating: -1, count: AttainmentFlag.allCases.count * n, threads: threads)

    // Phase 1: prior attainment, scores, exclusions, attainment; per-PAG score sums.
    let pupils = cohort.pupils
    let scoreSums = PAGSums.reduce(chunks.map { range -> PAGSums in
        var sums = PAGSums(pags: pagCount)
        for i in range {
            let p = pupils[i]
            let k = ks1Index[i]
            let prior = k < 0 ? PriorAttainment(record: nil)
                : PriorAttainment(read: ks1[Int(k)].read, writ: ks1[Int(k)].writ, mat: ks1[Int(k)].mat)
            if let a = prior.aps {
                aps[i] = a
                pag[i] = Int16(priorAttainmentGroup(aps: a, bounds: bounds))
            }
            let r0 = methodology.testScoreForProgress(p.read)
            let r1 = methodology.writingScoreForProgress(p.writTA)
            let r2 = methodology.testScoreForProgress(p.mat)
            for s in 0..<3 {
                let used = s == 0 ? r0 : (s == 1 ? r1 : r2)
                let value = used.score ?? .nan
                score[s * n + i] = value
                source[s * n + i] = used.source
                let reason = progressExclusion(score: used, prior: prior)
                excluded[s * n + i] = reason
                if reason == nil {
                    let g = s * pagCount + Int(pag[i]) - 1
                    sums.count[g] += 1
                    sums.sum[g] += value
                }
            }
            setAttainmentFlags(p, i, n, flags)
        }
        return sums
    }, pags: pagCount)

    // Phase 2: estimates per (subject, PAG).
    var estimate = [[Double]](repeating: [Double](repeating: .nan, count: pagCount), count: 3)
    for s in 0..<3 {
        for g in 0..<pagCount {
            if let sup = supplied {
                if let e = sup.pags[s][g].estimate { estimate[s][g] = e }
            } else if scoreSums.count[s * pagCount + g] > 0 {
                estimate[s][g] = scoreSums.sum[s * pagCount + g] / Double(scoreSums.count[s * pagCount + g])
            }
        }
    }

    // Phase 3: estimates and unadjusted progress per pupil; per-PAG sums of unadjusted progress.
    let est = SendableBuffer<Double>(repeating: .nan, count: 3 * n, threads: threads)
    let unadj = SendableBuffer<Double>(repeating: .nan, count: 3 * n, threads: threads)
    // flat (subject · PAGs + PAG) copies of the small tables the per-pupil loops read
    let estimateTable = estimate.flatMap { $0 }
    let unadjSums = PAGSums.reduce(chunks.map { range -> PAGSums in
        var sums = PAGSums(pags: pagCount)
        for i in range where pag[i] > 0 {
            let g = Int(pag[i]) - 1
            for s in 0..<3 {
                let e = estimateTable[s * pagCount + g]
                est[s * n + i] = e
                if excluded[s * n + i] == nil && !e.isNaN {
                    let u = score[s * n + i] - e
                    unadj[s * n + i] = u
                    sums.count[s * pagCount + g] += 1
                    sums.sum[s * pagCount + g] += u
                }
            }
        }
        return sums
    }, pags: pagCount)

    // Phase 4: per-PAG SD (n−1) of unadjusted progress (two-pass), national mode only.
    var sdPAG = [[Double]](repeating: [Double](repeating: .nan, count: pagCount), count: 3)
    var capZ: [Double?] = [nil, nil, nil]
    if supplied == nil {
        var meanPAG = [[Double]](repeating: [Double](repeating: .nan, count: pagCount), count: 3)
        for s in 0..<3 { for g in 0..<pagCount where unadjSums.count[s * pagCount + g] > 0 {
            meanPAG[s][g] = unadjSums.sum[s * pagCount + g] / Double(unadjSums.count[s * pagCount + g])
        } }
        let means = meanPAG.flatMap { $0 }
        let squares = PAGSums.reduce(chunks.map { range -> PAGSums in
            var sums = PAGSums(pags: pagCount)
            for i in range where pag[i] > 0 {
                let g = Int(pag[i]) - 1
                for s in 0..<3 {
                    let u = unadj[s * n + i]
                    if !u.isNaN { let d = u - means[s * pagCount + g]; sums.sum[s * pagCount + g] += d * d }
                }
            }
            return sums
        }, pags: pagCount)
        for s in 0..<3 { for g in 0..<pagCount {
            let c = unadjSums.count[s * pagCount + g]
            if c >= 2 { sdPAG[s][g] = (squares.sum[s * pagCount + g] / Double(c - 1)).squareRoot() }
        } }
        if methodology.cappingApplies {
            // the three subjects' selections are independent: one worker each
            let sds = sdPAG.flatMap { $0 }
            let found = SendableBuffer<Double?>(repeating: nil, count: 3)
            parallelFor(3, threads: threads) { s in
                var z: [Double] = []
                z.reserveCapacity(n)
                for i in 0..<n where pag[i] > 0 {
                    let u = unadj[s * n + i]
                    let d = sds[s * pagCount + Int(pag[i]) - 1]
                    if !u.isNaN && d > 0 { z.append(u / d) }
                }
                found[s] = KS2Core.capZ(sortedOrUnsortedZ: z)
            }
            capZ = found.array
        }
    } else if let sup = supplied {
        for s in 0..<3 {
            capZ[s] = sup.national[s].capZ
            for g in 0..<pagCount { sdPAG[s][g] = sup.pags[s][g].sd ?? .nan }
        }
    }

    // Phase 5: capping and adjusted progress.
    let adj = SendableBuffer<Double>(repeating: .nan, count: 3 * n, threads: threads)
    let capped = SendableBuffer<Bool>(repeating: false, count: 3 * n, threads: threads)
    let sdTable = sdPAG.flatMap { $0 }, caps = capZ
    let supCaps: [[Double?]]? = supplied.map { sup in (0..<3).map { s in sup.pags[s].map(\.cap) } }
    chunks.forEach { c in
        for i in chunks.range(c) {
            for s in 0..<3 {
                let u = unadj[s * n + i]
                if u.isNaN { continue }
                var a = u
                let g = Int(pag[i]) - 1
                let d = sdTable[s * pagCount + g]
                if let cz = caps[s], d > 0, !d.isNaN {
                    if u / d < cz { a = d * cz; capped[s * n + i] = true }
                } else if let sc = supCaps, let floor = sc[s][g], u < floor {
                    a = floor; capped[s * n + i] = true
                }
                adj[s * n + i] = a
            }
        }
    }

    var table = PupilProgressTable(count: 0)
    table.count = n
    table.ks1APS = Column(aps)
    table.pag = Column(pag)
    table.score = Column(score)
    table.source = Column(source)
    table.estimate = Column(est)
    table.progressUnadjusted = Column(unadj)
    table.progress = Column(adj)
    table.capped = Column(capped)
    table.excluded = Column(excluded)
    table.attainment = Column(flags)

    let estimates: EstimateTable
    if let sup = supplied {
        estimates = sup
    } else {
        var pagsOut: [[PAGEstimate]] = []
        var nationalOut: [NationalFigures] = []
        for s in 0..<3 {
            var rows: [PAGEstimate] = []
            for g in 0..<pagCount {
                let pupilsIn = unadjSums.count[s * pagCount + g]
                let sd = sdPAG[s][g]
                let sdValue: Double? = sd.isNaN ? nil : sd
                var cap: Double? = nil
                if let cz = capZ[s], let d = sdValue, d > 0 { cap = d * cz }
                rows.append(PAGEstimate(pag: g + 1, lower: bounds[g], upper: g + 1 < pagCount ? bounds[g + 1] : nil,
                                        pupils: pupilsIn, estimate: estimate[s][g].isNaN ? nil : estimate[s][g],
                                        sd: sdValue, cap: cap))
            }
            pagsOut.append(rows)
            let sigma = sampleSD(adj, subject: s, count: n, threads: threads)
            nationalOut.append(NationalFigures(subject: Subject(rawValue: s)!, pupils: sigma.count,
                                               sd: sigma.sd, capZ: capZ[s], p10: nil, p90: nil))
        }
        estimates = EstimateTable(year: cohort.year, pags: pagsOut, national: nationalOut)
    }
    return ProgressComputation(table: table, estimates: estimates, national: supplied == nil)
}

/// Attainment flags of one pupil (methodology.md §8): 1 yes, 0 no, -1 discounted (`J`).
@inline(__always)
private func setAttainmentFlags(_ p: KS2Pupil, _ i: Int, _ n: Int, _ flags: SendableBuffer<Int8>) {
    let readDisc = p.read.code == .J, matDisc = p.mat.code == .J, gpsDisc = p.gps.code == .J
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
        var c = 0, s = 0.0
        for i in range where !all[base + i].isNaN { c += 1; s += all[base + i] }
        return (c, s)
    }
    let count = parts.reduce(0) { $0 + $1.0 }
    guard count >= 2 else { return (count, nil) }
    let mean = parts.reduce(0.0) { $0 + $1.1 } / Double(count)
    let sq = chunks.map { range -> Double in
        var s = 0.0
        for i in range where !all[base + i].isNaN { let d = all[base + i] - mean; s += d * d }
        return s
    }.reduce(0, +)
    return (count, (sq / Double(count - 1)).squareRoot())
}
