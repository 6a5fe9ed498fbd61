/// The header names of the exports LAs receive, for `synth --layout`: the same pupils and cells as
/// the canonical files under another system's column names, so that a test can show each layout
/// reads to the same pupils. Where each name comes from is in docs/ALIASES.md.
public enum ExportLayout: String, Sendable, CaseIterable, Hashable {
    /// formats.md's own column names.
    case canonical
    /// National Pupil Database field names (`KS2_READSCORE`, `KS2_MATTAOUTCOME`, `KS1_READ`, …).
    case npd
    /// The STA's KS2 results download from the Primary Assessment Gateway (subject labels as there).
    case pag
    /// LA pupil-level extracts of the Keys to Success / NCER kind (`reading_ScaledScore`, `maths_TAO`).
    case ncer

    /// KS2 header names in the canonical column order (formats.md); a column the system has no
    /// name for keeps its canonical name.
    public var ks2Header: [String] {
        switch self {
        case .canonical:
            return canonicalKS2Header
        case .npd:
            return [
                "UPN", "KS2_URN", "KS2_LAESTAB", "KS2_LA", "school_name", "special", "year", "surname",
                "forename", "KS2_GENDER", "dob", "KS2_FSM6CLA1A", "eal", "sen", "KS2_READSCORE",
                "KS2_READOUTCOME", "KS2_READTAOUTCOME", "KS2_WRITTAOUTCOME", "KS2_MATSCORE", "KS2_MATOUTCOME",
                "KS2_MATTAOUTCOME", "KS2_GPSSCORE", "KS2_GPSOUTCOME",
            ]
        case .pag:
            return [
                "UPN", "URN", "DfE number", "LA", "School name", "special", "year", "Surname", "Forename",
                "Gender", "Date of birth", "disadvantaged", "eal", "sen", "English reading scaled score",
                "English reading result", "English reading TA", "English writing TA", "Mathematics scaled score",
                "Mathematics result", "Mathematics TA", "English grammar, punctuation and spelling scaled score",
                "English grammar, punctuation and spelling result",
            ]
        case .ncer:
            return [
                "UPN", "URN", "LAESTAB", "LA", "school_name", "special", "year", "surname", "forename", "Gender",
                "DOB", "disadvantaged", "eal", "sen", "reading_ScaledScore", "read_code", "reading_TAO",
                "writing_TAO", "maths_ScaledScore", "mat_code", "maths_TAO", "gps_ScaledScore", "gps_code",
            ]
        }
    }

    /// KS1 header names in the canonical order `upn,ks1_read,ks1_writ,ks1_mat,ks1_year`.
    public var ks1Header: [String] {
        switch self {
        case .canonical, .ncer: return ["upn", "ks1_read", "ks1_writ", "ks1_mat", "ks1_year"]
        case .npd: return ["UPN", "KS1_READ", "KS1_WRIT", "KS1_MATH", "ks1_year"]
        case .pag: return ["UPN", "Reading TA", "Writing TA", "Mathematics TA", "ks1_year"]
        }
    }
}

/// The canonical KS2 header as names.
let canonicalKS2Header = String(decoding: ks2Header, as: UTF8.self).split(separator: ",").map(String.init)

/// `bytes` (a CSV with a one-line header) with its header line replaced by `names`, quoted where a
/// name holds a comma.
func relabelHeader(_ bytes: [UInt8], names: [String]) -> [UInt8] {
    guard let newline = bytes.firstIndex(of: 0x0A) else { return bytes }
    let header = names.map { $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: ",")
    return Array(header.utf8) + bytes[newline...]
}
