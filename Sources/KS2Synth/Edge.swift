import KS2Core

/// Edge mode: the messy rows of formats.md's Rejects table, each row with exactly one fault,
/// plus rows that look odd but must be accepted, planned from their own random stream so the
/// clean rows do not change.

/// Distinct random row numbers of 0..<count, in random order (a lazy Fisher–Yates shuffle);
/// rows in `taken` are skipped so that no row gets two changes.
private struct RowPicker {
    private var order: [Int32]
    private var next = 0
    private var taken: Set<Int>

    init(count: Int, taken: Set<Int> = []) {
        order = (0..<count).map { Int32($0) }
        self.taken = taken
    }

    mutating func pick(_ r: inout RandomStream) -> Int? {
        while next < order.count {
            let j = next + r.below(order.count - next)
            order.swapAt(next, j)
            let row = Int(order[next])
            next += 1
            if !taken.contains(row) {
                taken.insert(row)
                return row
            }
        }
        return nil
    }

    mutating func pick(_ count: Int, _ r: inout RandomStream) -> [Int] {
        var rows: [Int] = []
        for _ in 0..<count {
            guard let row = pick(&r) else { break }
            rows.append(row)
        }
        return rows
    }
}

/// The edits of both files, per school (dictionaries keyed by the row's position in the school).
struct EdgePlan {
    var ks2: [[Int: RowEdit]]
    var ks1: [[Int: RowEdit]]
}

private func lowercased(_ bytes: [UInt8]) -> [UInt8] {
    bytes.map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 + 0x20 : $0 }
}

/// The UPN with its check letter recomputed for a 12-character body, through KS2Core.
private func withCheckLetter(_ body: [UInt8]) -> [UInt8] {
    let letter =
        UPN.checkLetter(forBody: String(decoding: body, as: UTF8.self)).map { Array(String($0).utf8) } ?? [0x41]
    return letter + body
}

/// Plans the edge rows: `m` of each kind, as many as the rows allow (kinds are skipped, in the
/// order below, when a tiny file runs out of rows).
func planEdges(seed: UInt64, renderer: Renderer, schools: [SynthSchool], cohorts: [SchoolCohort]) -> EdgePlan {
    var planner = EdgePlanner(seed: seed, renderer: renderer, schools: schools, cohorts: cohorts)
    var picker = RowPicker(count: planner.pupils)
    planner.ks2Rejects(&picker)
    planner.ks2OddRowsAccepted(&picker)
    let ks1Taken = planner.upnsEndingInALetter(&picker)
    planner.ks2BlankLines(&picker)
    var picker1 = RowPicker(count: planner.ks1Rows, taken: ks1Taken)
    planner.ks1Edits(&picker1)
    return planner.plan
}

/// The state of one edge plan: the random stream (drawn in a fixed order, so a seed always gives
/// the same file), where each school's rows start, and the edits so far.
private struct EdgePlanner {
    var r: RandomStream
    let renderer: Renderer
    let schools: [SynthSchool]
    let cohorts: [SchoolCohort]
    let ks2Start: [Int]
    let ks1Start: [Int]
    let pupils: Int
    let ks1Rows: Int
    /// Edits of each kind.
    let m: Int
    var plan: EdgePlan

    init(seed: UInt64, renderer: Renderer, schools: [SynthSchool], cohorts: [SchoolCohort]) {
        r = RandomStream(seed, 0x4544_4745, UInt64(renderer.year))
        self.renderer = renderer
        self.schools = schools
        self.cohorts = cohorts
        var ks2Start = [0]
        var ks1Start = [0]
        for c in cohorts {
            ks2Start.append(ks2Start.last! + c.pupils.count)
            ks1Start.append(ks1Start.last! + c.ks1.count)
        }
        self.ks2Start = ks2Start
        self.ks1Start = ks1Start
        pupils = ks2Start.last!
        ks1Rows = ks1Start.last!
        m = max(1, Int((Double(pupils) * 0.0002).rounded()))
        plan = EdgePlan(
            ks2: Array(repeating: [:], count: schools.count),
            ks1: Array(repeating: [:], count: schools.count))
    }

    func locate(_ row: Int, _ starts: [Int]) -> (school: Int, local: Int) {
        var lo = 0
        var hi = starts.count - 2
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= row { lo = mid } else { hi = mid - 1 }
        }
        return (lo, row - starts[lo])
    }
    func pupilUPN(_ row: Int) -> [UInt8] {
        let (s, p) = locate(row, ks2Start)
        return renderer.upn(school: schools[s], cohort: cohorts[s], pupil: Int32(p))
    }
    func pupil(_ row: Int) -> SynthPupil {
        let (s, p) = locate(row, ks2Start)
        return cohorts[s].pupils[p]
    }
    mutating func editKS2(_ row: Int, _ change: (inout RowEdit) -> Void) {
        let (s, p) = locate(row, ks2Start)
        change(&plan.ks2[s][p, default: RowEdit()])
    }
    mutating func editKS1(_ row: Int, _ change: (inout RowEdit) -> Void) {
        let (s, k) = locate(row, ks1Start)
        change(&plan.ks1[s][k, default: RowEdit()])
    }
    func ks1Entry(_ row: Int) -> (upn: [UInt8], entry: KS1Entry) {
        let (s, k) = locate(row, ks1Start)
        let e = cohorts[s].ks1[k]
        return (renderer.upn(school: schools[s], cohort: cohorts[s], pupil: e.pupil), e)
    }

    /// KS2 rows rejected, one fault each.
    mutating func ks2Rejects(_ picker: inout RowPicker) {
        for (j, row) in picker.pick(m, &r).enumerated() {
            var upn = pupilUPN(row)
            switch j % 3 {
            case 0:  // wrong check letter
                upn[0] = UPN.alphabet[(upnCharValue(upn[0]) + 1 + r.below(22)) % 23]
            case 1:  // a letter inside the number, with the check letter its body would have
                upn = withCheckLetter(Array(upn[1..<5]) + [0x4B] + Array(upn[6...]))
            default:  // a character short
                upn.removeLast()
            }
            editKS2(row) {
                $0.replace.append((KS2Field.upn, upn))
                $0.reason = .invalidUPN
            }
        }
        for row in picker.pick(m, &r) {
            editKS2(row) {
                $0.replace += [(KS2Field.urn, []), (KS2Field.laestab, [])]
                $0.reason = .missingSchool
            }
        }
        for row in picker.pick(m, &r) {
            var year: [UInt8] = []
            year.appendNumber(renderer.year - 1, width: 4)
            editKS2(row) {
                $0.replace.append((KS2Field.year, year))
                $0.reason = .wrongYear
            }
        }
        let badScores = ["n/a", "101.5", "ninety"].map { Array($0.utf8) }
        for (j, row) in picker.pick(m, &r).enumerated() {
            editKS2(row) {
                $0.replace.append((KS2Field.readScore, badScores[j % 3]))
                $0.reason = .badScore
            }
        }
        for (j, row) in picker.pick(m, &r).enumerated() {
            let value = Array((j % 2 == 0 ? "79" : "121").utf8)
            editKS2(row) {
                $0.replace.append((KS2Field.matScore, value))
                $0.reason = .scoreOutOfRange
            }
        }
        let unknownCodes: [(Int, [UInt8])] = [
            (KS2Field.readCode, Array("Z".utf8)), (KS2Field.writTA, Array("EXT".utf8)),
            (KS2Field.matTA, Array("GD".utf8)), (KS2Field.gpsCode, Array("ZZ".utf8)),
        ]
        for (j, row) in picker.pick(m, &r).enumerated() {
            editKS2(row) {
                $0.replace.append(unknownCodes[j % 4])
                $0.reason = .unknownCode
            }
        }
        for (j, row) in picker.pick(m, &r).enumerated() {
            editKS2(row) {
                $0.fieldDelta = j % 2 == 0 ? -1 : 1
                $0.reason = .wrongFieldCount
            }
        }
        for _ in 0..<m {  // another pupil's UPN: both rows are rejected
            guard let row = picker.pick(&r), let source = picker.pick(&r) else { break }
            let upn = pupilUPN(source)
            editKS2(row) {
                $0.replace.append((KS2Field.upn, upn))
                $0.reason = .duplicateUPN
            }
            editKS2(source) { $0.reason = .duplicateUPN }
        }
        for row in picker.pick(m, &r) { editKS2(row) { $0.twice = true } }
    }

    /// KS2 rows that look odd but are accepted.
    mutating func ks2OddRowsAccepted(_ picker: inout RowPicker) {
        for row in picker.pick(m, &r) {  // NS with no score (nominal 79)
            editKS2(row) { $0.replace += [(KS2Field.readScore, []), (KS2Field.readCode, Token.NS.bytes)] }
        }
        for row in picker.pick(m, &r) {  // AS with no score
            editKS2(row) { $0.replace += [(KS2Field.matScore, []), (KS2Field.matCode, Token.AS.bytes)] }
        }
        for row in picker.pick(m, &r) {  // a code written in the score column
            editKS2(row) { $0.replace += [(KS2Field.readScore, Token.A.bytes), (KS2Field.readCode, [])] }
        }
        for row in picker.pick(m, &r) {  // lower-case codes
            let p = pupil(row)
            editKS2(row) {
                $0.replace += [
                    (KS2Field.writTA, lowercased(p.writTA.bytes)), (KS2Field.matCode, lowercased(p.matCode.bytes)),
                ]
            }
        }
        for row in picker.pick(m, &r) {  // white space around a score
            editKS2(row) {
                $0.replace += [(KS2Field.gpsScore, Array(" 105".utf8)), (KS2Field.gpsCode, Token.AS.bytes)]
            }
        }
        for row in picker.pick(m, &r) {  // a lower-case UPN: valid once upper-cased
            let upn = lowercased(pupilUPN(row))
            editKS2(row) { $0.replace.append((KS2Field.upn, upn)) }
        }
    }

    /// UPNs ending in 2 digits + a letter (valid), in both files so the pupils still join; returns
    /// the KS1 rows taken.
    mutating func upnsEndingInALetter(_ picker: inout RowPicker) -> Set<Int> {
        var ks1RowOfPupil: [Int: Int] = [:]
        var letterRows: [Int] = []
        for row in picker.pick(m, &r) { letterRows.append(row) }
        if !letterRows.isEmpty {
            for s in 0..<schools.count {
                for (k, e) in cohorts[s].ks1.enumerated() where e.pupil >= 0 {
                    ks1RowOfPupil[ks2Start[s] + Int(e.pupil)] = ks1Start[s] + k
                }
            }
        }
        var ks1Taken = Set<Int>()
        var letterUPNs = Set<[UInt8]>()
        for row in letterRows {
            let upn = pupilUPN(row)
            var letter = 0
            var candidate = withCheckLetter(Array(upn[1..<12]) + [UPN.alphabet[0]])
            while letterUPNs.contains(candidate) && letter < 22 {
                letter += 1
                candidate = withCheckLetter(Array(upn[1..<12]) + [UPN.alphabet[letter]])
            }
            if letterUPNs.contains(candidate) { continue }
            letterUPNs.insert(candidate)
            editKS2(row) { $0.replace.append((KS2Field.upn, candidate)) }
            if let k = ks1RowOfPupil[row] {
                ks1Taken.insert(k)
                editKS1(k) { $0.replace.append((KS1Field.upn, candidate)) }
            }
        }
        return ks1Taken
    }

    /// Blank lines are not rows: an empty line, a line of commas, a line of spaces.
    mutating func ks2BlankLines(_ picker: inout RowPicker) {
        for (j, row) in picker.pick(3, &r).enumerated() {
            let blank = Array(["", ",,,,,,", "   "][j].utf8)
            editKS2(row) { $0.blankLines.append(blank) }
        }
    }

    /// KS1 rows: rejected ones, then odd ones accepted, then blank lines.
    mutating func ks1Edits(_ picker1: inout RowPicker) {
        for (j, row) in picker1.pick(m, &r).enumerated() {
            var upn = ks1Entry(row).upn
            if j % 2 == 0 {
                upn[0] = UPN.alphabet[(upnCharValue(upn[0]) + 1 + r.below(22)) % 23]
            } else {
                upn = withCheckLetter(Array(upn[1..<8]) + [0x42] + Array(upn[9...]))  // a letter inside the number
            }
            editKS1(row) {
                $0.replace.append((KS1Field.upn, upn))
                $0.reason = .invalidUPN
            }
        }
        let unknownKS1: [(Int, [UInt8])] = [
            (KS1Field.mat, Array("Q".utf8)), (KS1Field.read, Array("PK6".utf8)),
            (KS1Field.writ, Array("HNM".utf8)), (KS1Field.mat, Array("T".utf8)),
        ]
        for (j, row) in picker1.pick(m, &r).enumerated() {
            editKS1(row) {
                $0.replace.append(unknownKS1[j % 4])
                $0.reason = .unknownCode
            }
        }
        for (j, row) in picker1.pick(m, &r).enumerated() {
            editKS1(row) {
                $0.fieldDelta = j % 2 == 0 ? -1 : 1
                $0.reason = .wrongFieldCount
            }
        }
        for row in picker1.pick(m, &r) { editKS1(row) { $0.twice = true } }
        for row in picker1.pick(m, &r) {  // the same UPN again with another reading result
            let read = ks1Entry(row).entry.read
            let other: Token = renderer.year <= 2019 ? (read == .L3 ? .L2B : .L3) : (read == .EXS ? .GDS : .EXS)
            editKS1(row) {
                $0.reason = .duplicateUPN
                $0.conflict = [(KS1Field.read, other.bytes)]
            }
        }
        for row in picker1.pick(m, &r) {  // lower-case outcomes (accepted)
            let e = ks1Entry(row).entry
            editKS1(row) {
                $0.replace += [
                    (KS1Field.read, lowercased(e.read.bytes)), (KS1Field.writ, lowercased(e.writ.bytes)),
                    (KS1Field.mat, lowercased(e.mat.bytes)),
                ]
            }
        }
        for (j, row) in picker1.pick(2, &r).enumerated() {
            let blank = Array(["", ",,,,"][j].utf8)
            editKS1(row) { $0.blankLines.append(blank) }
        }
    }
}
