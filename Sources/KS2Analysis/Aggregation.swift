import KS2Core

/// Running sums behind every measure of a school, area or group (methodology.md §7, §8).
struct MeasureSums {
    var eligible = 0
    var apsSum = 0.0
    var apsN = 0
    var n = SIMD4<Int>()
    var den = SIMD4<Int>()
    var sumAdj = SIMD4<Double>()
    var sumUnadj = SIMD4<Double>()
    /// Indexed by `AttainmentFlag.rawValue`.
    var attNum = SIMD16<Int32>()
    var attDen = SIMD16<Int32>()
    /// read, mat, gps actual scaled scores.
    var avgSum = SIMD4<Double>()
    var avgN = SIMD4<Int>()

    @inline(__always)
    mutating func add(_ i: Int, _ t: PupilProgressTable, _ p: KS2Pupil) {
        eligible += 1
        let a = t.ks1APS[i]
        if !a.isNaN { apsSum += a; apsN += 1 }
        for s in 0..<3 {
            let x = t.progress[s][i]
            if !x.isNaN {
                n[s] += 1
                sumAdj[s] += x
                sumUnadj[s] += t.progressUnadjusted[s][i]
            }
            if t.excluded[s][i] != .discounted { den[s] += 1 }
        }
        for f in 0..<AttainmentFlag.allCases.count {
            let v = t.attainment[f][i]
            if v >= 0 { attDen[f] += 1; attNum[f] += Int32(v) }
        }
        if p.read.scaled != 0 && p.read.code != .J { avgSum[0] += Double(p.read.scaled); avgN[0] += 1 }
        if p.mat.scaled != 0 && p.mat.code != .J { avgSum[1] += Double(p.mat.scaled); avgN[1] += 1 }
        if p.gps.scaled != 0 && p.gps.code != .J { avgSum[2] += Double(p.gps.scaled); avgN[2] += 1 }
    }

    static func += (a: inout MeasureSums, b: MeasureSums) {
        a.eligible += b.eligible; a.apsSum += b.apsSum; a.apsN += b.apsN
        a.n &+= b.n; a.den &+= b.den; a.sumAdj += b.sumAdj; a.sumUnadj += b.sumUnadj
        a.attNum &+= b.attNum; a.attDen &+= b.attDen; a.avgSum += b.avgSum; a.avgN &+= b.avgN
    }

    /// The row's figures; bands are set later, once p10/p90 are known.
    func result(year: Int, level: ResultLevel, id: String, name: String, la: String,
                sigma: [Double?]) -> SchoolResult {
        var r = SchoolResult(year: year, level: level, id: id, name: name, la: la, eligible: eligible,
                             ks1APS: apsN > 0 ? apsSum / Double(apsN) : nil)
        for s in 0..<3 {
            var m = SubjectResult(n: n[s])
            if den[s] > 0 { m.coverage = Double(n[s] * 100) / Double(den[s]) }
            if n[s] > 0 {
                let p = sumAdj[s] / Double(n[s])
                m.progress = p
                m.progressUnadjusted = sumUnadj[s] / Double(n[s])
                if let sg = sigma[s] {
                    let half = 1.96 * sg / Double(n[s]).squareRoot()
                    m.lower = p - half
                    m.upper = p + half
                }
            }
            m.status = n[s] == 0 ? .none : n[s] <= 5 ? .supp : 2 * n[s] < den[s] ? .lowcov : .ok
            r.subjects[s] = m
        }
        func pct(_ f: AttainmentFlag) -> Double? {
            attDen[f.rawValue] > 0 ? Double(attNum[f.rawValue] * 100) / Double(attDen[f.rawValue]) : nil
        }
        func avg(_ k: Int) -> Double? { avgN[k] > 0 ? avgSum[k] / Double(avgN[k]) : nil }
        let values: [(AttainmentMeasure, Double?, Int32)] = [
            (.pctReadExp, pct(.readExp), attDen[AttainmentFlag.readExp.rawValue]),
            (.pctReadHigh, pct(.readHigh), attDen[AttainmentFlag.readHigh.rawValue]),
            (.readAvg, avg(0), Int32(avgN[0])),
            (.pctWritExp, pct(.writExp), attDen[AttainmentFlag.writExp.rawValue]),
            (.pctWritHigh, pct(.writHigh), attDen[AttainmentFlag.writHigh.rawValue]),
            (.pctMatExp, pct(.matExp), attDen[AttainmentFlag.matExp.rawValue]),
            (.pctMatHigh, pct(.matHigh), attDen[AttainmentFlag.matHigh.rawValue]),
            (.matAvg, avg(1), Int32(avgN[1])),
            (.pctGpsExp, pct(.gpsExp), attDen[AttainmentFlag.gpsExp.rawValue]),
            (.pctGpsHigh, pct(.gpsHigh), attDen[AttainmentFlag.gpsHigh.rawValue]),
            (.gpsAvg, avg(2), Int32(avgN[2])),
            (.pctRwmExp, pct(.rwmExp), attDen[AttainmentFlag.rwmExp.rawValue]),
            (.pctRwmHigh, pct(.rwmHigh), attDen[AttainmentFlag.rwmHigh.rawValue]),
        ]
        for (m, v, d) in values {
            r.attainment[m.rawValue] = v
            r.attainmentDenominators[m.rawValue] = Int(d)
        }
        return r
    }
}

/// The pupil groups of groups.csv, in output order, with their values in output order.
public enum PupilGroup: Int, CaseIterable, Sendable {
    case gender, disadvantaged, eal, sen, ks1Band
    public var name: String { ["gender", "disadvantaged", "eal", "sen", "ks1_band"][rawValue] }
    public var values: [String] {
        switch self {
        case .gender: return ["F", "M"]
        case .disadvantaged, .eal: return ["N", "Y"]
        case .sen: return ["E", "K", "N"]
        case .ks1Band: return ["H", "L", "M"]
        }
    }
    /// (group, value) slots, flattened: 12 in all.
    static let slots: [(PupilGroup, String)] = PupilGroup.allCases.flatMap { g in g.values.map { (g, $0) } }
}

/// The slot indices (into `PupilGroup.slots`) a pupil belongs to; -1 where the value is unknown.
@inline(__always)
func groupSlots(_ p: KS2Pupil, aps: Double) -> SIMD8<Int8> {
    var s = SIMD8<Int8>(repeating: -1)
    switch p.gender { case .female: s[0] = 0; case .male: s[0] = 1; case .unknown: break }
    switch p.disadvantaged { case .no: s[1] = 2; case .yes: s[1] = 3; case .unknown: break }
    switch p.eal { case .no: s[2] = 4; case .yes: s[2] = 5; case .unknown: break }
    switch p.sen { case .ehcPlan: s[3] = 6; case .support: s[3] = 7; case .none: s[3] = 8; case .unknown: break }
    if !aps.isNaN { s[4] = aps >= 18 ? 9 : aps < 12 ? 10 : 11 }
    return s
}

/// Sums for a set of pupils overall and per group slot.
struct GroupedSums {
    var all = MeasureSums()
    var slots = [MeasureSums](repeating: MeasureSums(), count: 12)

    mutating func add(_ i: Int, _ t: PupilProgressTable, _ p: KS2Pupil) {
        all.add(i, t, p)
        let s = groupSlots(p, aps: t.ks1APS[i])
        for k in 0..<5 where s[k] >= 0 { slots[Int(s[k])].add(i, t, p) }
    }

    static func += (a: inout GroupedSums, b: GroupedSums) {
        a.all += b.all
        for k in 0..<12 { a.slots[k] += b.slots[k] }
    }

    func results(year: Int, level: ResultLevel, id: String, name: String, la: String,
                 sigma: [Double?]) -> (SchoolResult, [GroupResult]) {
        let row = all.result(year: year, level: level, id: id, name: name, la: la, sigma: sigma)
        var groups: [GroupResult] = []
        for (k, (g, v)) in PupilGroup.slots.enumerated() where slots[k].eligible > 0 {
            groups.append(GroupResult(group: g.name, value: v,
                                      result: slots[k].result(year: year, level: level, id: id, name: name,
                                                              la: la, sigma: sigma)))
        }
        return (row, groups)
    }
}

/// School, LA and national rows with their group breakdowns, and the pupil output order.
public struct Aggregation: Sendable {
    /// schools.csv rows, sorted by level (school, la, national), then id.
    public var rows: [SchoolResult]
    /// groups.csv rows in the same order, then group and value.
    public var groups: [GroupResult]
    /// Pupil indices sorted by school id, then UPN (pupils.csv order).
    public var pupilOrder: [Int32]
    /// p10/p90 per subject used for the bands.
    public var p10: [Double?]
    public var p90: [Double?]
}

/// Aggregates pupils to schools, LAs and (in a national run) England, in parallel over schools and
/// LAs; every figure is summed in a fixed order, so outputs are identical for any thread count.
/// `thresholds` gives p10/p90 per subject (supplied run); without it they come from these schools.
public func aggregate(cohort: KS2Cohort, table: PupilProgressTable, sigma: [Double?],
                      thresholds: (p10: [Double?], p90: [Double?])?, includeNational: Bool,
                      laNames: [String: String], threads: Int) -> Aggregation {
    let year = cohort.year
    let pupils = cohort.pupils
    // Schools sorted by id; pupils grouped by school (counting sort), then by UPN.
    let schoolOrder = cohort.schools.indices.sorted { cohort.schools[$0].id < cohort.schools[$1].id }
    var rank = [Int](repeating: 0, count: cohort.schools.count)
    for (r, s) in schoolOrder.enumerated() { rank[s] = r }
    var start = [Int](repeating: 0, count: cohort.schools.count + 1)
    for p in pupils { start[rank[Int(p.school)] + 1] += 1 }
    for k in 0..<cohort.schools.count { start[k + 1] += start[k] }
    var fill = start
    var order = [Int32](repeating: 0, count: pupils.count)
    for (i, p) in pupils.enumerated() {
        let r = rank[Int(p.school)]
        order[fill[r]] = Int32(i)
        fill[r] += 1
    }
    let bounds = start
    let sortedOrder = SendableBuffer<Int32>(repeating: 0, count: order.count)
    for (k, v) in order.enumerated() { sortedOrder[k] = v }
    parallelFor(schoolOrder.count, threads: threads) { r in
        var slice = UnsafeMutableBufferPointer(rebasing: sortedOrder.pointer[bounds[r]..<bounds[r + 1]])
        slice.sort { pupils[Int($0)].upn < pupils[Int($1)].upn }
    }
    order = sortedOrder.array

    // School rows, in parallel.
    let schoolRows = SendableBuffer<(SchoolResult, [GroupResult])?>(repeating: nil, count: schoolOrder.count)
    let ordered = order
    parallelFor(schoolOrder.count, threads: threads) { r in
        let info = cohort.schools[schoolOrder[r]]
        var sums = GroupedSums()
        for k in bounds[r]..<bounds[r + 1] {
            let i = Int(ordered[k])
            sums.add(i, table, pupils[i])
        }
        schoolRows[r] = sums.results(year: year, level: .school, id: info.id, name: info.name, la: info.la,
                                     sigma: sigma)
    }

    // LA rows: pupils bucketed by their own LA, in pupils.csv order.
    let laOrder = cohort.localAuthorities.indices.sorted { cohort.localAuthorities[$0] < cohort.localAuthorities[$1] }
    var laPupils = [[Int32]](repeating: [], count: cohort.localAuthorities.count)
    for i in order where pupils[Int(i)].la >= 0 { laPupils[Int(pupils[Int(i)].la)].append(i) }
    let laMembers = laPupils
    let laRows = SendableBuffer<(SchoolResult, [GroupResult])?>(repeating: nil, count: laOrder.count)
    parallelFor(laOrder.count, threads: threads) { r in
        let l = laOrder[r]
        var sums = GroupedSums()
        for i in laMembers[l] { sums.add(Int(i), table, pupils[Int(i)]) }
        let code = cohort.localAuthorities[l]
        laRows[r] = sums.results(year: year, level: .la, id: code, name: laNames[code] ?? "", la: code, sigma: sigma)
    }

    var school = schoolRows.array.map { $0! }
    var las = laRows.array.map { $0! }
    var nationalRow: (SchoolResult, [GroupResult])? = nil
    if includeNational {
        let chunks = ParallelChunks(count: ordered.count, chunkSize: 32_768, threads: threads)
        var total = GroupedSums()
        for part in chunks.map({ range -> GroupedSums in
            var s = GroupedSums()
            for k in range { let i = Int(ordered[k]); s.add(i, table, pupils[i]) }
            return s
        }) { total += part }
        nationalRow = total.results(year: year, level: .national, id: "E92000001", name: "England", la: "",
                                    sigma: sigma)
    }

    // Bands: p10/p90 as supplied, or nearest rank over mainstream schools with status ok.
    var p10: [Double?] = [nil, nil, nil], p90: [Double?] = [nil, nil, nil]
    for s in 0..<3 {
        if let t = thresholds {
            p10[s] = t.p10[s]; p90[s] = t.p90[s]
        } else {
            var ok: [Double] = []
            for (k, row) in school.enumerated() where row.0.subjects[s].status == .ok
                && !cohort.schools[schoolOrder[k]].special {
                if let p = row.0.subjects[s].progress { ok.append(p) }
            }
            ok.sort()
            let m = ok.count
            if m > 0 {
                p10[s] = ok[(m + 9) / 10 - 1]
                p90[s] = ok[(9 * m + 9) / 10 - 1]
            }
        }
    }
    func setBands(_ r: inout SchoolResult) {
        for s in 0..<3 {
            let m = r.subjects[s]
            guard m.status == .ok, let p = m.progress, let lo = m.lower, let hi = m.upper else { continue }
            r.subjects[s].band = progressBand(progress: p, lower: lo, upper: hi, p10: p10[s], p90: p90[s])
        }
    }
    for k in school.indices { setBands(&school[k].0) }
    for k in las.indices { setBands(&las[k].0) }

    var rows = school.map(\.0) + las.map(\.0)
    var groups = school.flatMap(\.1) + las.flatMap(\.1)
    if let nat = nationalRow { rows.append(nat.0); groups += nat.1 }
    return Aggregation(rows: rows, groups: groups, pupilOrder: order, p10: p10, p90: p90)
}

/// Band 1–5 for a row with status ok (methodology.md §7): 1 well above … 5 well below.
func progressBand(progress p: Double, lower: Double, upper: Double, p10: Double?, p90: Double?) -> Int {
    if lower > 0 { return p90.map { p >= $0 } == true ? 1 : 2 }
    if upper < 0 { return p10.map { p <= $0 } == true ? 5 : 4 }
    return 3
}
