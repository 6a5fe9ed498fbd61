/// Seeded random numbers built from integer and IEEE basic arithmetic only (+ − × ÷ √), so that the
/// same seed gives the same bits on every machine and libm: no `log`, `exp` or `cos` from the system.

/// Mixes 64 bits (SplitMix64's finaliser); used to derive independent stream seeds.
@inline(__always)
func mix64(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// xoshiro256** seeded through SplitMix64 from a list of keys (seed, stream tag, year, school, …),
/// so every school and year has its own stream and schools can be generated in any order.
struct RandomStream {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    init(_ keys: UInt64...) {
        var h: UInt64 = 0x6A09_E667_F3BC_C908
        for k in keys { h = mix64(h ^ mix64(k)) }
        var sm = h
        func next() -> UInt64 {
            sm = sm &+ 0x9E37_79B9_7F4A_7C15
            return mix64(sm &- 0x9E37_79B9_7F4A_7C15)
        }
        s0 = next()
        s1 = next()
        s2 = next()
        s3 = next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    @inline(__always)
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform integer in 0..<bound (bound > 0), by multiply-shift (bias below 2⁻³² for our bounds).
    @inline(__always)
    mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: ((next() >> 32) &* UInt64(bound)) >> 32)
    }

    /// Uniform integer in the closed range.
    @inline(__always)
    mutating func integer(_ lo: Int, _ hi: Int) -> Int { lo + below(hi - lo + 1) }

    /// True with probability p.
    @inline(__always)
    mutating func chance(_ p: Double) -> Bool { uniform() < p }

    private var spare: Double = 0
    private var hasSpare = false

    /// Standard normal by Marsaglia's polar method with the portable logarithm.
    mutating func normal() -> Double {
        if hasSpare {
            hasSpare = false
            return spare
        }
        while true {
            let u = 2 * uniform() - 1
            let v = 2 * uniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let f = (-2 * portableLog(s) / s).squareRoot()
                spare = v * f
                hasSpare = true
                return u * f
            }
        }
    }
}

private let ln2 = 0.693_147_180_559_945_309_417_232_121_458

/// Natural logarithm from basic arithmetic (x > 0): x = m·2ᵉ, log m = 2·atanh((m−1)/(m+1)).
func portableLog(_ x: Double) -> Double {
    var e = Int(x.exponent)
    var m = x.significand  // [1, 2)
    if m > 1.414_213_562_373_095 {
        m /= 2
        e += 1
    }
    let s = (m - 1) / (m + 1)
    let s2 = s * s
    var term = s
    var sum = s
    var k = 3.0
    for _ in 0..<12 {
        term *= s2
        sum += term / k
        k += 2
    }
    return 2 * sum + Double(e) * ln2
}

/// e^x from basic arithmetic: x = k·ln2 + r, Taylor series for e^r, scaled by 2ᵏ exactly.
func portableExp(_ x: Double) -> Double {
    if x > 700 { return .infinity }
    if x < -700 { return 0 }
    let k = (x / ln2).rounded()
    let r = x - k * ln2
    var term = 1.0
    var sum = 1.0
    for n in 1...20 {
        term *= r / Double(n)
        sum += term
    }
    return Double(sign: .plus, exponent: Int(k), significand: 1) * sum
}

/// Logistic 1 / (1 + e^x): the probability of a yes for a pupil with index x.
@inline(__always)
func logistic(_ x: Double) -> Double { 1 / (1 + portableExp(x)) }

/// Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9),
/// used once per run to turn national shares into cut points on a normal latent scale.
func inverseNormal(_ p: Double) -> Double {
    let a = [
        -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
        1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00,
    ]
    let b = [
        -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
        6.680131188771972e+01, -1.328068155288572e+01,
    ]
    let c = [
        -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
        -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00,
    ]
    let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
    let low = 0.02425
    if p <= 0 { return -.infinity }
    if p >= 1 { return .infinity }
    if p < low {
        let q = (-2 * portableLog(p)).squareRoot()
        return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
            / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    }
    if p > 1 - low {
        let q = (-2 * portableLog(1 - p)).squareRoot()
        return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
            / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    }
    let q = p - 0.5
    let r = q * q
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
}

/// Cut points that split a normal(0, sd) variable into labels with the given shares (lowest first).
struct QuantileCuts {
    let cuts: [Double]
    init(shares: [Double], sd: Double) {
        let total = shares.reduce(0, +)
        var acc = 0.0
        var cuts: [Double] = []
        for w in shares.dropLast() {
            acc += w
            cuts.append(sd * inverseNormal(acc / total))
        }
        self.cuts = cuts
    }
    /// Index of the label for value x (number of cuts at or below x).
    @inline(__always)
    func label(_ x: Double) -> Int {
        var i = 0
        while i < cuts.count && x >= cuts[i] { i += 1 }
        return i
    }
}
