
// TEMPORARY stand-ins for KS2Core's methodology functions (being written on the `core` branch);
// replaced at merge.

public enum ScoreSource: UInt8, Sendable { case none, scaled, ta, nominal
    public var name: String { ["none", "scaled", "ta", "nominal"][Int(rawValue)] }
}
public enum ExclusionReason: Sendable, Hashable {
    case discounted, noKS1, ks1Incomplete, code(Code), blank
    public var name: String {
        switch self {
        case .discounted: return "J"
        case .noKS1: return "no_ks1"
        case .ks1Incomplete: return "ks1_incomplete"
        case .code(let c): return c.name
        case .blank: return "blank"
        }
    }
}
public struct MethodologyYear: Sendable {
    public var year: Int
    public var pagLowerBounds: [Double]
    public var nominalForN: Double?
    public var nominal: [Code: Double]
    public var writingTA: [Code: Double]
    public var capping: Bool
    public var sigma: [Double]?
    public var p10: [Double]?
    public var p90: [Double]?
}

public enum PendingRules {
    static let ks1Points: [Code: Double] = [
        .levelW: 3, .level1: 9, .level2C: 13, .level2B: 15, .level2A: 17, .level3: 21, .level4: 27, .level4plus: 27,
        .P1i: 0.25, .P1ii: 0.5, .P2i: 0.75, .P2ii: 1.0, .P3i: 1.25, .P3ii: 1.5, .P4: 1.75, .P5: 2.0, .P6: 2.25,
        .P7: 2.5, .P8: 2.75, .GDS: 10, .EXS: 8, .WTS: 6, .PKF: 4, .PK4: 4, .PK3: 3.5, .PK2: 3, .PK1: 2.5, .BLW: 2.0,
    ]
    public static func ks1Points(_ c: Code) -> Double? { ks1Points[c] }

    public static func pag(aps: Double, bounds: [Double]) -> Int {
        var g = 0
        for b in bounds where aps >= b { g += 1 }
        return max(g, 1)
    }

    /// Reading/maths score used for progress: (score, source, own exclusion reason).
    public static func testScore(_ r: TestResult, _ m: MethodologyYear) -> (Double, ScoreSource, ExclusionReason?) {
        if r.code == .J { return (.nan, .none, .discounted) }
        if r.scaled != 0 { return (Double(r.scaled), .scaled, nil) }
        switch r.code {
        case .N, .NS:
            if let n = m.nominalForN { return (n, .nominal, nil) }
            return (.nan, .none, .code(r.code))
        case .B:
            if let n = m.nominal[r.ta] { return (n, .nominal, nil) }
            return (.nan, .none, .code(.B))
        case .none: return (.nan, .none, .blank)
        default: return (.nan, .none, .code(r.code))
        }
    }

    public static func writingScore(_ ta: Code, _ m: MethodologyYear) -> (Double, ScoreSource, ExclusionReason?) {
        if ta == .J { return (.nan, .none, .discounted) }
        if let p = m.writingTA[ta] { return (p, .ta, nil) }
        if let n = m.nominal[ta] { return (n, .nominal, nil) }
        if ta == .none { return (.nan, .none, .blank) }
        return (.nan, .none, .code(ta))
    }

    public static func defaultYear(_ year: Int) -> MethodologyYear {
        let levels: [Double] = [0, 1, 1.75, 2.5, 3, 5, 7, 9] + (10...24).map(Double.init) + [25.5]
        let interim: [Double] = [0, 1, 2, 2.5, 3, 3.5] + (0..<12).map { 4 + 0.5 * Double($0) } + [10]
        let pLow: [Code] = [.P1i, .P1ii, .P2i, .P2ii, .P3i, .P3ii]
        var nominal: [Code: Double] = [:]
        var nForN: Double? = 79
        if year <= 2016 {
            nForN = nil
            nominal = [.PKG: 79, .PKE: 76, .PKF: 73, .BLW: 70, .P8: 70, .P7: 70, .P6: 70, .P5: 70, .P4: 70]
            for p in pLow { nominal[p] = 70 }
        } else if year <= 2018 {
            nominal = [.PKG: 79, .PKE: 76, .PKF: 73, .BLW: 71, .P8: 69, .P7: 67, .P6: 65, .P5: 63, .P4: 61]
            for p in pLow { nominal[p] = 59 }
        } else {
            nominal = [.PK6: 79, .PK5: 76, .PK4: 73, .PK3: 70, .PK2: 67, .PK1: 64, .BLW: 62, .P4: 61, .EM: 59]
            for p in pLow { nominal[p] = 59 }
        }
        return MethodologyYear(year: year, pagLowerBounds: year <= 2019 ? levels : interim, nominalForN: nForN,
                               nominal: nominal, writingTA: [.GDS: 113, .EXS: 103, .WTS: 91],
                               capping: year >= 2018, sigma: nil, p10: nil, p90: nil)
    }
}
