/// A methodology change between two KS2 years that makes their progress figures not like for like
/// (methodology.md §10, "Comparability"); every comparison across one must name it.
public enum ComparabilityChange: String, Sendable, CaseIterable {
    /// KS2 2018 on: extremely negative scores capped; 2016–2017 uncapped.
    case capping
    /// 2016 has 21 prior attainment groups, 2017–2019 24.
    case pagTable = "pag_table"
    /// KS2 2022 on: KS1 interim framework, new PAGs and estimates.
    case ks1Framework = "ks1_framework"
    /// 2016 excludes pupils that 2017 on score with nominal scores.
    case nominalScores = "nominal_scores"

    /// The first KS2 year on the new side of the change.
    public var firstYear: Int {
        switch self {
        case .capping: return 2018
        case .pagTable, .nominalScores: return 2017
        case .ks1Framework: return 2022
        }
    }

    /// A few words for warnings and notes.
    public var explanation: String {
        switch self {
        case .capping: return "extremely negative scores capped from 2018"
        case .pagTable: return "21 prior attainment groups in 2016, 24 from 2017"
        case .ks1Framework: return "KS1 interim framework from KS2 2022"
        case .nominalScores: return "nominal scores for pupils below the test from 2017"
        }
    }
}

/// The changes a comparison of `from` with `to` crosses, in methodology order (empty: comparable).
public func comparabilityChanges(from: Int, to: Int) -> [ComparabilityChange] {
    let (a, b) = (min(from, to), max(from, to))
    return ComparabilityChange.allCases.filter { a < $0.firstYear && $0.firstYear <= b }
}
