import KS2Core

/// One school's pupils for one year: KS2 results, KS1 prior attainment and pupils who left,
/// drawn from the school's own (seed, year, school) stream so schools can be made in parallel.

/// A synthetic KS2 pupil as small integers; turned into bytes only when written.
struct SynthPupil {
    var serial: UInt16 = 0
    var female = false
    var dobDay: UInt16 = 0
    var disadvantaged = false
    var eal = false
    var sen: UInt8 = 0x4E  // N
    var surname: UInt8 = 0, surname2: UInt8 = .max, forename: UInt8 = 0, forename2: UInt8 = .max
    var readScore: UInt8 = 0, matScore: UInt8 = 0, gpsScore: UInt8 = 0
    var readCode = Token.none, matCode = Token.none, gpsCode = Token.none
    var readTA = Token.none, matTA = Token.none, writTA = Token.none
}

/// A KS1 row: a KS2 pupil of the school (index ≥ 0) or a pupil who left (−1 − leaver number).
struct KS1Entry {
    var pupil: Int32
    var read: Token, writ: Token, mat: Token
}

/// Everything generated for one school in one year.
struct SchoolCohort {
    var pupils: [SynthPupil] = []
    var ks1: [KS1Entry] = []
}

/// Year-wide constants of the latent model (cut points on the normal scale).
struct CohortModel {
    let year: Int
    let era: Era
    let ks1Cuts: [QuantileCuts]
    /// read, mat, gps: (mean, sd, noise, sd of latent, B cut, N cut).
    let tests: [(mean: Double, sd: Double, noise: Double, latentSD: Double, cutB: Double, cutN: Double)]
    let writingCuts: QuantileCuts
    let writingLabels: [Token]
    /// Days from 1 September of year − 12 to the next 1 September.
    let daysInBirthYear: Int

    init(year: Int) {
        self.year = year
        era = Era(year: year)
        let varTheta = 1 + 0.35 * 0.35
        let ks1SD = (varTheta + 0.45 * 0.45).squareRoot()
        ks1Cuts = era.ks1Shares.map { QuantileCuts(shares: $0, sd: ks1SD) }
        let zB = inverseNormal(0.010)
        let zN = inverseNormal(0.014)
        tests = [(104.4, 8.0, 0.85), (105.0, 7.3, 0.7), (106.3, 8.0, 0.6)].map { t in
            let sd = (0.7225 * varTheta + 0.36 * 0.36 + t.2 * t.2).squareRoot()
            return (t.0, t.1, t.2, sd, sd * zB, sd * zN)
        }
        writingCuts = QuantileCuts(
            shares: writingShares,
            sd: (0.7225 * varTheta + 0.36 * 0.36 + 0.4 * 0.4).squareRoot())
        writingLabels = era.below.reversed() + [.WTS, .EXS, .GDS]
        let y = year - 11  // the February in the birth year
        daysInBirthYear = (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 366 : 365
    }

    /// KS1 outcomes for a pupil of latent ability theta (with the ~0.3% incomplete).
    func ks1(theta: Double, _ r: inout RandomStream) -> PerSubject<Token> {
        func subject(_ s: Int) -> Token {
            let i = ks1Cuts[s].label(theta + 0.45 * r.normal())
            return i == 0 ? era.ks1PScales[min(7, Int(r.uniform().squareRoot() * 8))] : era.ks1Labels[s][i]
        }
        var outcomes = PerSubject(read: subject(0), writ: subject(1), mat: subject(2))
        if r.chance(0.003) {  // one subject absent or disapplied: ks1_incomplete
            let which = r.below(3)
            let code: Token = r.chance(0.6) ? .A : .D
            outcomes[Subject(rawValue: which)!] = code
        }
        return outcomes
    }

    /// Generates school `school`'s cohort for the model's year. Every draw comes from the school's
    /// own stream in a fixed order (pupil by pupil, then the leavers, then the shuffle), so a
    /// school's cohort is the same whatever else is generated.
    func cohort(seed: UInt64, school: SynthSchool, story: SynthStory = SynthStory()) -> SchoolCohort {
        var r = RandomStream(seed, 0x5055_5049_4C53, UInt64(year), UInt64(school.index))
        let valueAdded = school.valueAdded + 0.2 * r.normal()
        let size = min(120, max(5, Int((Double(school.baseSize) * (1 + 0.06 * r.normal())).rounded())))
        let firstSerial = r.below(1000 - size + 1)
        var c = SchoolCohort()
        c.pupils.reserveCapacity(size)
        c.ks1.reserveCapacity(size + size / 16 + 2)
        for p in 0..<size {
            var pupil = SynthPupil()
            let theta = r.normal() + school.ability
            pupil.serial = UInt16(firstSerial + p)
            drawCharacteristics(&pupil, theta: theta, school: school, &r)
            let k1 = ks1(theta: theta, &r)
            for test in TestSubject.allCases {
                drawTest(test, &pupil, theta: theta, valueAdded: valueAdded, school: school, story: story, &r)
            }
            drawWriting(&pupil, theta: theta, valueAdded: valueAdded, school: school, story: story, &r)
            pupil.surname = UInt8(r.below(surnames.count))
            if r.chance(0.005) { pupil.surname2 = UInt8(r.below(surnames.count)) }
            pupil.forename = UInt8(r.below(forenames.count))
            if r.chance(0.005) { pupil.forename2 = UInt8(r.below(forenames.count)) }
            if !r.chance(0.02) {  // ~2% of KS2 pupils have no KS1 row
                c.ks1.append(KS1Entry(pupil: Int32(p), read: k1.read, writ: k1.writ, mat: k1.mat))
            }
            c.pupils.append(pupil)
        }
        addLeaversAndShuffle(&c, size: size, school: school, &r)
        return c
    }

    /// A pupil's gender, date of birth, disadvantage, EAL and SEN; the less able are more often
    /// disadvantaged and on SEN support, as nationally.
    func drawCharacteristics(_ pupil: inout SynthPupil, theta: Double, school: SynthSchool, _ r: inout RandomStream) {
        pupil.female = r.chance(0.49)
        pupil.dobDay = UInt16(r.below(daysInBirthYear))
        pupil.disadvantaged = r.chance(logistic(1.25 + 0.7 * theta))
        pupil.eal = r.chance(0.21)
        if school.special {
            pupil.sen = r.chance(0.85) ? 0x45 : 0x4B
        } else if r.chance(logistic(3.3 + 1.1 * theta)) {
            pupil.sen = 0x45
        } else if r.chance(logistic(2.0 + 0.9 * theta)) {
            pupil.sen = 0x4B
        }
    }

    /// One test's scaled score, outcome code and (reading, maths) teacher assessment, from the
    /// pupil's ability, the school's value added and the story's shift.
    func drawTest(
        _ test: TestSubject, _ pupil: inout SynthPupil, theta: Double, valueAdded: Double, school: SynthSchool,
        story: SynthStory, _ r: inout RandomStream
    ) {
        let t = test.rawValue
        let m = tests[t]
        let y = 0.85 * theta + valueAdded + m.noise * r.normal()
        // the story's points, on the latent scale (a point is latentSD / sd of it), move the
        // score only: the B and N cuts (which draw more random numbers) stay on y, so every
        // later pupil is drawn exactly as without the story
        let points = story.shift(subject: t, urn: school.urn, disadvantaged: pupil.disadvantaged)
        let shifted = points == 0 ? y : y + points * m.latentSD / m.sd
        let score = Int((m.mean + m.sd * shifted / m.latentSD).rounded())
        var code: Token = score >= 100 ? .AS : .NS
        var ta: Token = score >= 100 ? .EXS : .HNM
        if y < m.cutN { code = .N }
        if y < m.cutB {
            code = .B
            let u = r.uniform()
            let pick = u > 0 ? min(10, Int(portableExp(1.6 * portableLog(u)) * 10.2)) : 0
            ta = pick < 10 ? era.below[pick] : .HNM
        }
        let q = r.uniform()
        if q < 0.006 {
            code = .A
        } else if q < 0.0065 {
            code = .J
        } else if q < 0.0075 {
            code = otherKS2Codes[r.below(otherKS2Codes.count)]
        }
        let scaled: UInt8 = (code == .AS || code == .NS) ? UInt8(min(120, max(80, score))) : 0
        switch test {
        case .read:
            pupil.readScore = scaled
            pupil.readCode = code
            pupil.readTA = ta
        case .mat:
            pupil.matScore = scaled
            pupil.matCode = code
            pupil.matTA = ta
        case .gps:
            pupil.gpsScore = scaled
            pupil.gpsCode = code
        }
    }

    /// The writing teacher assessment (no test): the latent cut into WTS, EXS, GDS and the pre-key
    /// stage labels, with a few absent, disapplied or just arrived.
    func drawWriting(
        _ pupil: inout SynthPupil, theta: Double, valueAdded: Double, school: SynthSchool, story: SynthStory,
        _ r: inout RandomStream
    ) {
        var yw = 0.85 * theta + valueAdded + 0.4 * r.normal()
        let writingPoints = story.shift(subject: 3, urn: school.urn, disadvantaged: pupil.disadvantaged)
        // writing's outcomes are ~10 points apart on a latent of sd ~1: a point is about 0.1 of it
        if writingPoints != 0 { yw += writingPoints * 0.1 }
        pupil.writTA = writingLabels[writingCuts.label(yw)]
        let q = r.uniform()
        if q < 0.004 {
            pupil.writTA = .A
        } else if q < 0.0045 {
            pupil.writTA = .J
        } else if q < 0.005 {
            pupil.writTA = .D
        }
    }

    /// ~3% more KS1 rows for pupils who left before KS2, then the KS1 rows shuffled: the KS1 file
    /// comes in another order than the KS2 file.
    func addLeaversAndShuffle(_ c: inout SchoolCohort, size: Int, school: SynthSchool, _ r: inout RandomStream) {
        var leavers: Int32 = 0
        for _ in 0..<size where r.chance(0.03) {
            let k1 = ks1(theta: r.normal() + school.ability, &r)
            c.ks1.append(KS1Entry(pupil: -1 - leavers, read: k1.read, writ: k1.writ, mat: k1.mat))
            leavers += 1
        }
        var i = c.ks1.count - 1
        while i > 0 {
            c.ks1.swapAt(i, r.below(i + 1))
            i -= 1
        }
    }
}
