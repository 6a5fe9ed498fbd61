import KS2Core

/// Running sums behind every measure of a school, area or group (methodology.md §7, §8).
struct MeasureSums {
    var eligible = 0
    var apsSum = 0.0
    var apsN = 0
    var n = SIMD4<Int>()
    var eligibleNotDiscounted = SIMD4<Int>()
    var sumAdj = SIMD4<Double>()
    var sumUnadj = SIMD4<Double>()
    /// Indexed by `AttainmentFlag.rawValue`.
    var attainedCount = SIMD16<Int32>()
    var attainmentDenominator = SIMD16<Int32>()
    /// read, mat, gps actual scaled scores.
    var scaledScoreSum = SIMD4<Double>()
    var scaledScoreCount = SIMD4<Int>()

    static func += (a: inout MeasureSums, b: MeasureSums) {
        a.eligible += b.eligible
        a.apsSum += b.apsSum
        a.apsN += b.apsN
        a.n &+= b.n
        a.eligibleNotDiscounted &+= b.eligibleNotDiscounted
        a.sumAdj += b.sumAdj
        a.sumUnadj += b.sumUnadj
        a.attainedCount &+= b.attainedCount
        a.attainmentDenominator &+= b.attainmentDenominator
        a.scaledScoreSum += b.scaledScoreSum
        a.scaledScoreCount &+= b.scaledScoreCount
    }

    /// The row's figures; bands are set later, once p10/p90 are known. Built from its parts in one
    /// initialiser (this runs for every school and group row: a row set field by field is copied).
    func result(
        year: Int, level: ResultLevel, id: String, name: String, la: String,
        sigma: PerSubject<Double?>
    ) -> SchoolResult {
        let figures = attainmentFigures()
        return SchoolResult(
            year: year, level: level, id: id, name: name, la: la, eligible: eligible,
            ks1APS: apsN > 0 ? apsSum / Double(apsN) : nil,
            subjects: PerSubject { subjectResult($0, sigma: sigma[$0]) },
            attainment: figures.values, attainmentDenominators: figures.denominators)
    }

    /// One subject's progress figures (status from n and coverage; no band yet).
    @inline(__always)
    func subjectResult(_ subject: Subject, sigma: Double?) -> SubjectResult {
        let s = subject.rawValue
        var m = SubjectResult(n: n[s])
        if eligibleNotDiscounted[s] > 0 { m.coverage = Double(n[s] * 100) / Double(eligibleNotDiscounted[s]) }
        if n[s] > 0 {
            let p = sumAdj[s] / Double(n[s])
            m.progress = p
            m.progressUnadjusted = sumUnadj[s] / Double(n[s])
            if let sg = sigma {
                let half = 1.96 * sg / Double(n[s]).squareRoot()
                m.lower = p - half
                m.upper = p + half
            }
        }
        m.status = n[s] == 0 ? .none : n[s] <= 5 ? .supp : 2 * n[s] < eligibleNotDiscounted[s] ? .lowcov : .ok
        return m
    }

    /// Attainment in schools.csv order, each with its denominator.
    @inline(__always)
    func attainmentFigures() -> (values: AttainmentFigures<Double>, denominators: AttainmentFigures<Int>) {
        var values = AttainmentFigures<Double>()
        var denominators = AttainmentFigures<Int>()
        @inline(__always) func set(_ m: AttainmentMeasure, _ f: AttainmentFlag) {
            let d = attainmentDenominator[f.rawValue]
            values[m] = d > 0 ? Double(attainedCount[f.rawValue] * 100) / Double(d) : nil
            denominators[m] = Int(d)
        }
        @inline(__always) func average(_ m: AttainmentMeasure, _ k: Int) {
            values[m] = scaledScoreCount[k] > 0 ? scaledScoreSum[k] / Double(scaledScoreCount[k]) : nil
            denominators[m] = scaledScoreCount[k]
        }
        set(.pctReadExp, .readExp)
        set(.pctReadHigh, .readHigh)
        average(.readAvg, 0)
        set(.pctWritExp, .writExp)
        set(.pctWritHigh, .writHigh)
        set(.pctMatExp, .matExp)
        set(.pctMatHigh, .matHigh)
        average(.matAvg, 1)
        set(.pctGpsExp, .gpsExp)
        set(.pctGpsHigh, .gpsHigh)
        average(.gpsAvg, 2)
        set(.pctRwmExp, .rwmExp)
        set(.pctRwmHigh, .rwmHigh)
        return (values, denominators)
    }
}

/// The flat columns the aggregation reads, in one place for the hot loop.
struct PupilContributions: Sendable {
    let n: Int
    let aps: Column<Double>
    let adj: Column<Double>
    let unadj: Column<Double>
    let flags: Column<Int8>
    let pupils: [KS2Pupil]

    init(_ t: PupilProgressTable, _ pupils: [KS2Pupil]) {
        n = t.count
        aps = t.ks1APS
        adj = t.progress
        unadj = t.progressUnadjusted
        flags = t.attainment
        self.pupils = pupils
    }

    /// One pupil's contribution to every sum (counts of 0 or 1), built once and added to the pupil's
    /// school, LA and national rows and each of its groups.
    @inline(__always)
    func contribution(_ i: Int) -> MeasureSums {
        var m = MeasureSums()
        m.eligible = 1
        let a = aps[i]
        if !a.isNaN {
            m.apsSum = a
            m.apsN = 1
        }
        // scalar selects and shifts, not masked `replacing`, which compiles to a lane-by-lane loop
        // through the stack (a third of the aggregation's time)
        let a0 = self.adj[i]
        let a1 = self.adj[n + i]
        let a2 = self.adj[2 * n + i]
        m.n = SIMD4<Int>(a0.isNaN ? 0 : 1, a1.isNaN ? 0 : 1, a2.isNaN ? 0 : 1, 0)
        m.sumAdj = SIMD4<Double>(a0.isNaN ? 0 : a0, a1.isNaN ? 0 : a1, a2.isNaN ? 0 : a2, 0)
        m.sumUnadj = SIMD4<Double>(
            a0.isNaN ? 0 : unadj[i], a1.isNaN ? 0 : unadj[n + i], a2.isNaN ? 0 : unadj[2 * n + i], 0)
        let fl = SIMD16<Int32>(
            Int32(flags[i]), Int32(flags[n + i]), Int32(flags[2 * n + i]), Int32(flags[3 * n + i]),
            Int32(flags[4 * n + i]), Int32(flags[5 * n + i]), Int32(flags[6 * n + i]),
            Int32(flags[7 * n + i]), Int32(flags[8 * n + i]), Int32(flags[9 * n + i]),
            -1, -1, -1, -1, -1, -1)
        // a flag is -1 (unknown), 0 or 1: known lanes are those whose sign bit is clear
        let known = ~(fl &>> 31)
        m.attainmentDenominator = known & 1
        m.attainedCount = fl & known
        // denominators of the progress measures: not discounted (the subject's expected flag is known)
        m.eligibleNotDiscounted = SIMD4<Int>(
            Int(m.attainmentDenominator[AttainmentFlag.readExp.rawValue]),
            Int(m.attainmentDenominator[AttainmentFlag.writExp.rawValue]),
            Int(m.attainmentDenominator[AttainmentFlag.matExp.rawValue]), 0)
        let p = pupils[i]
        if p.read.scaled != 0 && fl[AttainmentFlag.readExp.rawValue] >= 0 {
            m.scaledScoreSum[0] = Double(p.read.scaled)
            m.scaledScoreCount[0] = 1
        }
        if p.mat.scaled != 0 && fl[AttainmentFlag.matExp.rawValue] >= 0 {
            m.scaledScoreSum[1] = Double(p.mat.scaled)
            m.scaledScoreCount[1] = 1
        }
        if p.gps.scaled != 0 && fl[AttainmentFlag.gpsExp.rawValue] >= 0 {
            m.scaledScoreSum[2] = Double(p.gps.scaled)
            m.scaledScoreCount[2] = 1
        }
        return m
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
    /// The same slots as two string arrays (the parallel loop reads no tuple arrays).
    static let slotGroups: [String] = slots.map { $0.0.name }
    static let slotValues: [String] = slots.map { $0.1 }
}

/// The slot indices (into `PupilGroup.slots`) a pupil belongs to; -1 where the value is unknown.
@inline(__always)
func groupSlots(_ p: KS2Pupil, aps: Double) -> SIMD8<Int8> {
    var s = SIMD8<Int8>(repeating: -1)
    switch p.gender {
    case .female: s[0] = 0
    case .male: s[0] = 1
    case .unknown: break
    }
    switch p.disadvantaged {
    case .no: s[1] = 2
    case .yes: s[1] = 3
    case .unknown: break
    }
    switch p.eal {
    case .no: s[2] = 4
    case .yes: s[2] = 5
    case .unknown: break
    }
    switch p.sen {
    case .ehcPlan: s[3] = 6
    case .support: s[3] = 7
    case .none: s[3] = 8
    case .unknown: break
    }
    if !aps.isNaN { s[4] = aps >= 18 ? 9 : aps < 12 ? 10 : 11 }
    return s
}

/// Sums for a set of pupils overall and per group slot.
struct GroupedSums {
    var all = MeasureSums()
    var slots = [MeasureSums](repeating: MeasureSums(), count: 12)

    @inline(__always)
    mutating func add(_ i: Int, _ c: PupilContributions) {
        let m = c.contribution(i)
        all += m
        let s = groupSlots(c.pupils[i], aps: c.aps[i])
        for k in 0..<5 where s[k] >= 0 { slots[Int(s[k])] += m }
    }

    static func += (a: inout GroupedSums, b: GroupedSums) {
        a.all += b.all
        for k in 0..<12 { a.slots[k] += b.slots[k] }
    }

    func results(
        year: Int, level: ResultLevel, id: String, name: String, la: String,
        sigma: PerSubject<Double?>
    ) -> (SchoolResult, [GroupResult]) {
        let row = all.result(year: year, level: level, id: id, name: name, la: la, sigma: sigma)
        let groups = [GroupResult](unsafeUninitializedCapacity: PupilGroup.slots.count) { buffer, count in
            count = initializeGroups(
                buffer.baseAddress!, year: year, level: level, id: id, name: name, la: la,
                sigma: sigma)
        }
        return (row, groups)
    }

    /// The group rows initialised straight into `out` (the final array's memory), in slot order;
    /// returns how many. Building 200,000 rows elsewhere and copying them over was a serial tail.
    func initializeGroups(
        _ out: UnsafeMutablePointer<GroupResult>, year: Int, level: ResultLevel, id: String,
        name: String, la: String, sigma: PerSubject<Double?>
    ) -> Int {
        var written = 0
        for k in 0..<12 where slots[k].eligible > 0 {
            (out + written).initialize(
                to: GroupResult(
                    group: PupilGroup.slotGroups[k], value: PupilGroup.slotValues[k],
                    result: slots[k].result(
                        year: year, level: level, id: id,
                        name: name, la: la, sigma: sigma)))
            written += 1
        }
        return written
    }
}

/// The group slots a set of pupils fills (bit k: slot k), which is which group rows it will have.
@inline(__always)
func slotMask(_ s: SIMD8<Int8>) -> UInt16 {
    var m: UInt16 = 0
    for k in 0..<5 where s[k] >= 0 { m |= 1 << UInt16(s[k]) }
    return m
}

/// Partial `part` of school `school` (a struct, not a tuple: see `LAPartial`).
struct PartialRef {
    var school: Int32
    var part: Int32
}

/// A school's sums over its pupils of one LA (a struct, not a tuple: arrays of tuples look up their
/// type metadata at run time, under a lock that the parallel school loop would contend for).
struct LAPartial {
    var la: Int32
    var sums: GroupedSums
}

/// School, LA and national rows with their group breakdowns, and the pupil output order.
public struct Aggregation: Sendable {
    /// schools.csv rows, sorted by level (school, la, national), then id.
    public var rows: [SchoolResult]
    /// groups.csv rows in the same order, then group and value.
    public var groups: [GroupResult]
    /// Pupil indices sorted by school id, then UPN (pupils.csv order).
    public var pupilOrder: [Int32]
    /// The band thresholds used: computed from these schools (national run) or as supplied.
    public var thresholds: SchoolProgressThresholds
    /// Progress of England's other (not disadvantaged) pupils per subject, from the England row's
    /// disadvantaged breakdown; nil when the aggregation has no England row (a supplied run).
    public var englandOtherProgress: PerSubject<Double?>?
}

/// Aggregates pupils to schools, LAs and (in a national run) England, in parallel over schools and
/// LAs; every figure is summed in a fixed order, so outputs are identical for any thread count.
/// `thresholds` gives p10/p90 per subject (supplied run); without it they come from these schools.
public func aggregate(
    cohort: KS2Cohort, table: PupilProgressTable, sigma: PerSubject<Double?>,
    thresholds: SchoolProgressThresholds?, includeNational: Bool,
    laNames: [String: String], threads: Int
) -> Aggregation {
    let run = SchoolAggregation(cohort: cohort, table: table, sigma: sigma, threads: threads)
    var rows: [SchoolResult] = []
    var englandOther: PerSubject<Double?>? = nil
    let groupStart = run.groupRowStarts()
    let schoolGroupCount = groupStart[run.schoolCount]
    // The final rows and groups arrays are allocated first and filled in place: the schools' rows
    // and group rows by the workers, then the LAs' and England's (one row and at most 12 groups each).
    let areaCapacity = cohort.localAuthorities.count + 1
    let groupCapacity = schoolGroupCount + 12 * areaCapacity
    let groups = [GroupResult](unsafeUninitializedCapacity: groupCapacity) { groupBuffer, groupCount in
        rows = [SchoolResult](unsafeUninitializedCapacity: run.schoolCount + areaCapacity) { rowBuffer, rowCount in
            let partials = run.schoolRows(
                into: SendablePointer(base: rowBuffer.baseAddress!),
                groups: SendablePointer(base: groupBuffer.baseAddress!), groupStart: groupStart)
            let areas = run.areaRows(partials, includeNational: includeNational, laNames: laNames)
            for (k, r) in areas.rows.enumerated() { (rowBuffer.baseAddress! + run.schoolCount + k).initialize(to: r) }
            rowCount = run.schoolCount + areas.rows.count
            for (k, g) in areas.groups.enumerated() {
                (groupBuffer.baseAddress! + schoolGroupCount + k).initialize(to: g)
            }
            groupCount = schoolGroupCount + areas.groups.count
            // England's group rows are among the areas' (the schools' 200,000 need not be looked at)
            englandOther = nationalOtherProgress(areas.groups)[cohort.year]
        }
    }
    let bands = thresholds ?? run.bandThresholds(rows)
    // schools and LAs (not England) get bands
    for k in rows.indices where rows[k].level != .national {
        for subject in Subject.allCases {
            let m = rows[k].subjects[subject]
            guard m.status == .ok, let p = m.progress, let lo = m.lower, let hi = m.upper else { continue }
            rows[k].subjects[subject].band = progressBand(
                progress: p, lower: lo, upper: hi, p10: bands.p10[subject], p90: bands.p90[subject])
        }
    }
    return Aggregation(
        rows: rows, groups: groups, pupilOrder: run.order, thresholds: bands, englandOtherProgress: englandOther)
}

/// One aggregation's shared inputs: schools sorted by id, the pupils grouped by school (then by
/// UPN) and each pupil's contributions; its phases run in parallel over schools or areas.
private struct SchoolAggregation {
    let cohort: KS2Cohort
    let sigma: PerSubject<Double?>
    let threads: Int
    let contributions: PupilContributions
    /// School indices sorted by id.
    let schoolOrder: [Int]
    /// Pupil indices by school (in `schoolOrder`), then UPN; school r's pupils are bounds[r]..<bounds[r + 1].
    let order: [Int32]
    let bounds: [Int]
    var schoolCount: Int { schoolOrder.count }

    init(cohort: KS2Cohort, table: PupilProgressTable, sigma: PerSubject<Double?>, threads: Int) {
        self.cohort = cohort
        self.sigma = sigma
        self.threads = threads
        let pupils = cohort.pupils
        contributions = PupilContributions(table, pupils)
        schoolOrder = cohort.schools.indices.sorted { cohort.schools[$0].id < cohort.schools[$1].id }
        // pupils grouped by school (a counting sort, chunks of the file counted and placed side by
        // side: each chunk's pupils of a school follow the earlier chunks', so the order is the
        // file's), then sorted by UPN within each school
        let schools = cohort.schools.count
        var rank = [Int32](repeating: 0, count: schools)
        for (r, s) in schoolOrder.enumerated() { rank[s] = Int32(r) }
        let ranks = rank
        let chunks = ParallelChunks(count: pupils.count, chunkSize: 131_072, threads: threads)
        let counts = chunks.map { range in
            var count = [Int](repeating: 0, count: schools)
            for i in range { count[Int(ranks[Int(pupils[i].school)])] += 1 }
            return count
        }
        var start = [Int](repeating: 0, count: schools + 1)
        var chunkStarts = counts
        for r in 0..<schools {
            var at = start[r]
            for c in counts.indices {
                chunkStarts[c][r] = at
                at += counts[c][r]
            }
            start[r + 1] = at
        }
        let sorted = SendableBuffer<Int32>(repeating: 0, count: pupils.count)
        let placesFrom = chunkStarts
        chunks.forEach { c in
            var fill = placesFrom[c]
            for i in chunks.range(c) {
                let r = Int(ranks[Int(pupils[i].school)])
                sorted[fill[r]] = Int32(i)
                fill[r] += 1
            }
        }
        let bounds = start
        parallelFor(schoolOrder.count, threads: threads) { r in
            var slice = UnsafeMutableBufferPointer(rebasing: sorted.pointer[bounds[r]..<bounds[r + 1]])
            slice.sort { pupils[Int($0)].upn < pupils[Int($1)].upn }
        }
        order = sorted.array
        self.bounds = bounds
    }

    /// Where each school's group rows start in the groups array (the rows it will have are known
    /// from its pupils' group slots), so the workers can build them straight into place. The slots
    /// are gathered in file order, a stream (in school order every pupil is a cache miss), each
    /// chunk into its own masks.
    func groupRowStarts() -> [Int] {
        let (pupils, aps) = (cohort.pupils, contributions.aps)
        let schools = cohort.schools.count
        let parts = ParallelChunks(count: pupils.count, chunkSize: 65_536, threads: threads).map { range in
            var masks = [UInt16](repeating: 0, count: schools)
            for i in range { masks[Int(pupils[i].school)] |= slotMask(groupSlots(pupils[i], aps: aps[i])) }
            return masks
        }
        var masks = [UInt16](repeating: 0, count: schools)
        for part in parts { for s in 0..<schools { masks[s] |= part[s] } }
        var groupStart = [Int](repeating: 0, count: schoolCount + 1)
        for r in 0..<schoolCount { groupStart[r + 1] = groupStart[r] + masks[schoolOrder[r]].nonzeroBitCount }
        return groupStart
    }

    /// One pass over the pupils, in parallel over schools: each school's row and group rows,
    /// initialised into place, and its sums split by the pupils' own LA (nearly always one), so
    /// LA and national rows are sums of school partials in a fixed order.
    func schoolRows(
        into rows: SendablePointer<SchoolResult>, groups: SendablePointer<GroupResult>,
        groupStart: [Int]
    ) -> SendableBuffer<[LAPartial]> {
        let partials = SendableBuffer<[LAPartial]>(repeating: [], count: schoolCount)
        let (cohort, schoolOrder, contributions, order, bounds, sigma) = (
            cohort, schoolOrder, contributions, order,
            bounds, sigma
        )
        let year = cohort.year
        parallelFor(schoolCount, threads: threads) { r in
            let info = cohort.schools[schoolOrder[r]]
            var parts: [LAPartial] = []
            for k in bounds[r]..<bounds[r + 1] {
                let i = Int(order[k])
                let la = cohort.pupils[i].la
                if let j = parts.firstIndex(where: { $0.la == la }) {
                    parts[j].sums.add(i, contributions)
                } else {
                    var g = GroupedSums()
                    g.add(i, contributions)
                    parts.append(LAPartial(la: la, sums: g))
                }
            }
            var total = GroupedSums()
            for p in parts { total += p.sums }
            partials[r] = parts
            (rows.base + r).initialize(
                to: total.all.result(
                    year: year, level: .school, id: info.id,
                    name: info.name, la: info.la, sigma: sigma))
            let written = total.initializeGroups(
                groups.base + groupStart[r], year: year, level: .school,
                id: info.id, name: info.name, la: info.la, sigma: sigma)
            precondition(written == groupStart[r + 1] - groupStart[r], "group rows of a school miscounted")
        }
        return partials
    }

    /// The LA rows (sorted by code) and, in a national run, England's, with their group rows:
    /// sums of the school partials, each in school order, the LAs' and England's side by side.
    func areaRows(
        _ partials: SendableBuffer<[LAPartial]>, includeNational: Bool,
        laNames: [String: String]
    ) -> (rows: [SchoolResult], groups: [GroupResult]) {
        let laCount = cohort.localAuthorities.count
        var members = [[PartialRef]](repeating: [], count: laCount)
        for r in 0..<schoolCount {
            for (j, p) in partials[r].enumerated() where p.la >= 0 {
                members[Int(p.la)].append(PartialRef(school: Int32(r), part: Int32(j)))
            }
        }
        let laMembers = members
        let schoolCount = schoolCount
        let sums = SendableBuffer<GroupedSums?>(repeating: nil, count: laCount + 1)
        parallelFor(laCount + 1, threads: threads) { k in
            var total = GroupedSums()
            if k == 0 {
                for r in 0..<schoolCount { for p in partials[r] { total += p.sums } }
            } else {
                for m in laMembers[k - 1] { total += partials[Int(m.school)][Int(m.part)].sums }
            }
            sums[k] = total
        }
        let las = cohort.localAuthorities
        let laOrder = las.indices.sorted { las[$0] < las[$1] }.filter { !laMembers[$0].isEmpty }
        let laTotals = (0..<laCount).map { sums[$0 + 1]! }
        let laRows = SendableBuffer<SchoolResult?>(repeating: nil, count: laOrder.count)
        let laGroups = SendableBuffer<[GroupResult]>(repeating: [], count: laOrder.count)
        let (year, sigma) = (cohort.year, sigma)
        parallelFor(laOrder.count, threads: threads) { r in
            let code = las[laOrder[r]]
            let (row, groups) = laTotals[laOrder[r]].results(
                year: year, level: .la, id: code, name: laNames[code] ?? "",
                la: code, sigma: sigma)
            laRows[r] = row
            laGroups[r] = groups
        }
        let national: (SchoolResult, [GroupResult])? =
            includeNational
            ? sums[0]!.results(year: year, level: .national, id: "E92000001", name: "England", la: "", sigma: sigma)
            : nil
        return (
            laRows.takeAll().map { $0! } + (national.map { [$0.0] } ?? []),
            laGroups.takeAll().flatMap { $0 } + (national?.1 ?? [])
        )
    }

    /// p10/p90 per subject: nearest rank over the mainstream schools with status ok (§7).
    func bandThresholds(_ rows: [SchoolResult]) -> SchoolProgressThresholds {
        var p10 = PerSubject<Double?>(read: nil, writ: nil, mat: nil)
        var p90 = p10
        for subject in Subject.allCases {
            var ok: [Double] = []
            for k in 0..<schoolCount
            where rows[k].subjects[subject].status == .ok && !cohort.schools[schoolOrder[k]].special {
                if let p = rows[k].subjects[subject].progress { ok.append(p) }
            }
            ok.sort()
            let m = ok.count
            if m > 0 {
                p10[subject] = ok[(m + 9) / 10 - 1]
                p90[subject] = ok[(9 * m + 9) / 10 - 1]
            }
        }
        return SchoolProgressThresholds(p10: p10, p90: p90)
    }
}

/// Band 1–5 for a row with status ok (methodology.md §7): 1 well above … 5 well below.
func progressBand(progress p: Double, lower: Double, upper: Double, p10: Double?, p90: Double?) -> Int {
    if lower > 0 { return p90.map { p >= $0 } == true ? 1 : 2 }
    if upper < 0 { return p10.map { p <= $0 } == true ? 5 : 4 }
    return 3
}
