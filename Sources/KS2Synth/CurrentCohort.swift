import KS2Core

/// What to synthesise for `targets`: the pupils in Year 6 now, who will take KS2 in `ks2Year`.
public struct CurrentCohortOptions: Sendable, Hashable {
    public var schools: Int
    /// The summer the pupils will take KS2 (their KS1 was four years earlier; 2022 on is the
    /// interim framework with PK1–PK4).
    public var ks2Year: Int
    public var seed: UInt64
    /// Keeps only schools of these 3-digit LA codes (as `SynthOptions.las`).
    public var las: [String]?
    /// Share of pupils with no reading or maths prediction yet (their cells are blank).
    public var blankPredictionShare: Double

    public init(
        schools: Int, ks2Year: Int = 2026, seed: UInt64, las: [String]? = nil, blankPredictionShare: Double = 0.1
    ) {
        self.schools = schools
        self.ks2Year = ks2Year
        self.seed = seed
        self.las = las
        self.blankPredictionShare = blankPredictionShare
    }
}

/// The header of a synthetic current-cohort file (formats.md "Current cohort for targets").
let currentCohortHeader = Array(
    "upn,urn,school_name,surname,forename,ks1_read,ks1_writ,ks1_mat,read_predicted,writ_predicted,mat_predicted".utf8)

/// A deterministic synthetic current-cohort file: one row per pupil now in Year 6 of each school,
/// with their KS1 outcomes (blank for the ~2% without a KS1 record), `urn`, `school_name`, and
/// in-year predictions drawn from the same latent model as the KS2 results of `synthesize`
/// (reading and maths scaled scores, some blank; writing a TA outcome).
public func synthesizeCurrentCohort(_ options: CurrentCohortOptions) -> [UInt8] {
    let schools = makeSchools(seed: options.seed, count: options.schools, las: options.las)
    let model = CohortModel(year: options.ks2Year)
    let renderer = Renderer(model: model)
    var out = currentCohortHeader + [0x0A]
    for school in schools {
        let cohort = model.cohort(seed: options.seed, school: school)
        var ks1: [Int32: KS1Entry] = [:]
        for e in cohort.ks1 where e.pupil >= 0 { ks1[e.pupil] = e }
        // predictions left blank: a stream of its own, so the rest of the file matches `synthesize`
        var r = RandomStream(options.seed, 0x5052_4544, UInt64(options.ks2Year), UInt64(school.index))
        for (p, pupil) in cohort.pupils.enumerated() {
            out += renderer.upn(school: school, cohort: cohort, pupil: Int32(p))
            out.append(0x2C)
            out.appendNumber(school.urn, width: 6)
            out.append(0x2C)
            out += school.nameCell
            out.append(0x2C)
            out += surnames[Int(pupil.surname)]
            out.append(0x2C)
            out += forenames[Int(pupil.forename)]
            out.append(0x2C)
            if let e = ks1[Int32(p)] {
                out += e.read.bytes
                out.append(0x2C)
                out += e.writ.bytes
                out.append(0x2C)
                out += e.mat.bytes
                out.append(0x2C)
            } else {
                out += [0x2C, 0x2C, 0x2C]
            }
            let blankRead = r.chance(options.blankPredictionShare)
            let blankMat = r.chance(options.blankPredictionShare)
            let blankWrit = r.chance(options.blankPredictionShare / 2)
            if !blankRead && pupil.readScore != 0 { out.appendNumber(Int(pupil.readScore)) }
            out.append(0x2C)
            if !blankWrit && predictableWriting(pupil.writTA) { out += pupil.writTA.bytes }
            out.append(0x2C)
            if !blankMat && pupil.matScore != 0 { out.appendNumber(Int(pupil.matScore)) }
            out.append(0x0A)
        }
    }
    return out
}

/// A writing TA a teacher would predict (an outcome, not an absence or disapplication code).
private func predictableWriting(_ t: Token) -> Bool {
    switch t {
    case .none, .A, .J, .D, .HNM: return false
    default: return true
    }
}
