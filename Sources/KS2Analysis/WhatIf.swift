import KS2Core

/// One pupil (index into the cohort) taken out of one subject's measure.
public struct SubjectRemoval: Sendable, Hashable {
    public var pupil: Int
    public var subject: Subject
    public init(pupil: Int, subject: Subject) {
        self.pupil = pupil
        self.subject = subject
    }
}

/// The table with chosen pupils taken out of chosen subjects as if discounted (methodology.md §10's
/// what-if): no progress in the subject, and out of its coverage denominator (the subject's
/// attainment flags become "discounted"). Every other pupil and subject is unchanged.
public func removingPupils(_ table: PupilProgressTable, _ removals: [SubjectRemoval]) -> PupilProgressTable {
    if removals.isEmpty || table.count == 0 { return table }
    let progress = copy(table.progress)
    let unadjusted = copy(table.progressUnadjusted)
    let attainment = copy(table.attainment)
    for r in removals {
        let s = r.subject.rawValue
        progress[table.at(s, r.pupil)] = .nan
        unadjusted[table.at(s, r.pupil)] = .nan
        for flag in attainmentFlags(of: r.subject) { attainment[table.at(flag.rawValue, r.pupil)] = -1 }
    }
    var out = table
    out.progress = Column(progress)
    out.progressUnadjusted = Column(unadjusted)
    out.attainment = Column(attainment)
    return out
}

/// The attainment flags of a subject (the expected one is its progress measure's denominator).
private func attainmentFlags(of subject: Subject) -> [AttainmentFlag] {
    switch subject {
    case .read: [.readExp, .readHigh]
    case .writ: [.writExp, .writHigh]
    case .mat: [.matExp, .matHigh]
    }
}

/// A writable copy of a column.
private func copy<Element>(_ column: Column<Element>) -> SendableBuffer<Element> {
    let buffer = SendableBuffer<Element>(repeating: column[0], count: column.count)
    for i in column.indices { buffer[i] = column[i] }
    return buffer
}

/// whatif.csv's rows: each (school, subject) some removal touched, sorted by URN then subject, with
/// the school's figures `before` and `after` (school rows of the two aggregations) and the number of
/// distinct pupils removed from that subject there.
public func whatIfRows(
    cohort: KS2Cohort, removals: [SubjectRemoval], before: [SchoolResult],
    after: [SchoolResult]
) -> [WhatIfRow] {
    var removed: [String: PerSubject<Set<Int>>] = [:]
    for r in removals {
        let id = cohort.schools[Int(cohort.pupils[r.pupil].school)].id
        removed[id, default: PerSubject(read: [], writ: [], mat: [])][r.subject].insert(r.pupil)
    }
    let beforeRows = Dictionary(before.filter { $0.level == .school }.map { ($0.id, $0) }) { a, _ in a }
    let afterRows = Dictionary(after.filter { $0.level == .school }.map { ($0.id, $0) }) { a, _ in a }
    var out: [WhatIfRow] = []
    for id in removed.keys.sorted() {
        guard let b = beforeRows[id], let a = afterRows[id], let pupils = removed[id] else { continue }
        for subject in Subject.allCases where !pupils[subject].isEmpty {
            out.append(
                WhatIfRow(
                    urn: id, name: b.name, subject: subject, removed: pupils[subject].count,
                    before: b[subject], after: a[subject]))
        }
    }
    return out
}
