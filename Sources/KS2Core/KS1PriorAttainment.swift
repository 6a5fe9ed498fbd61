/// KS1 points per teacher-assessment outcome (methodology.md §2): the union of the levels table,
/// the P-scales and the interim-framework table, which applies in every year.
///
/// `BLW` 2.0 is *(assumed)* by methodology.md; the rest are the DfE's published points.
public enum KS1Points {
    /// Points of one KS1 subject outcome, or nil when it is no valid result (`A`, `D`, `M`, `L`,
    /// `X`, blank, or any code without points).
    @inlinable
    public static func points(_ outcome: Code) -> Double? {
        switch outcome {
        // levels
        case .levelW: return 3
        case .level1: return 9
        case .level2C: return 13
        case .level2B: return 15
        case .level2A: return 17
        case .level3: return 21
        case .level4, .level4plus: return 27
        // P-scales (both frameworks)
        case .P1i: return 0.25
        case .P1ii: return 0.5
        case .P2i: return 0.75
        case .P2ii: return 1.0
        case .P3i: return 1.25
        case .P3ii: return 1.5
        case .P4: return 1.75
        case .P5: return 2.0
        case .P6: return 2.25
        case .P7: return 2.5
        case .P8: return 2.75
        // interim framework
        case .GDS: return 10
        case .EXS: return 8
        case .WTS: return 6
        case .PKF, .PK4: return 4
        case .PK3: return 3.5
        case .PK2: return 3
        case .PK1: return 2.5
        case .BLW: return 2.0
        default: return nil
        }
    }
}

/// KS1 average point score = (R + W + 2·M) / 4, or nil when any subject has no valid result (§2).
@inlinable
public func ks1APS(read: Code, writ: Code, mat: Code) -> Double? {
    guard let r = KS1Points.points(read), let w = KS1Points.points(writ), let m = KS1Points.points(mat)
    else { return nil }
    return (r + w + 2 * m) / 4
}

/// The KS1 prior attainment of a KS2 pupil: the APS, or why the pupil has none, so that the
/// exclusion precedence of pupils.csv can be applied in one place.
public struct PriorAttainment: Sendable, Equatable {
    /// KS1 APS; nil when `reason` is set.
    public var aps: Double?
    /// `no_ks1` (no KS1 record) or `ks1_incomplete` (a subject without a valid result).
    public var reason: ExclusionReason?

    public init(aps: Double?, reason: ExclusionReason?) {
        self.aps = aps
        self.reason = reason
    }

    /// The prior attainment from the pupil's KS1 record, or `no_ks1` when the UPN has none.
    @inlinable
    public init(record: KS1Record?) {
        guard let record else {
            self.init(aps: nil, reason: .noKS1)
            return
        }
        self.init(read: record.read, writ: record.writ, mat: record.mat)
    }

    /// The prior attainment from the three KS1 outcomes of a record that exists.
    @inlinable
    public init(read: Code, writ: Code, mat: Code) {
        if let aps = ks1APS(read: read, writ: writ, mat: mat) {
            self.init(aps: aps, reason: nil)
        } else {
            self.init(aps: nil, reason: .ks1Incomplete)
        }
    }
}

/// The KS1 band used for group breakdowns (§2): low, middle, high prior attainment.
public enum KS1Band: UInt8, Sendable, CaseIterable, Hashable {
    case low, middle, high

    /// The band of an APS: `L` below 12, `M` from 12 to below 18, `H` from 18.
    @inlinable
    public init(aps: Double) {
        if aps < 12 { self = .low } else if aps < 18 { self = .middle } else { self = .high }
    }

    /// `L`, `M` or `H` as written in outputs.
    public var name: String {
        switch self {
        case .low: return "L"
        case .middle: return "M"
        case .high: return "H"
        }
    }
}

/// The 1-based prior-attainment group of a KS1 APS: PAG i = [bounds[i-1], bounds[i]), the last
/// open-ended, so a value exactly on a bound belongs to the higher group (§3).
///
/// `bounds` must be ascending; a value below `bounds[0]` falls in group 1.
@inlinable
public func priorAttainmentGroup(aps: Double, bounds: [Double]) -> Int {
    // The number of bounds after the first that are ≤ aps, by binary search.
    var lo = 1
    var hi = bounds.count
    while lo < hi {
        let mid = (lo + hi) >> 1
        if bounds[mid] <= aps { lo = mid + 1 } else { hi = mid }
    }
    return max(lo, 1)
}
