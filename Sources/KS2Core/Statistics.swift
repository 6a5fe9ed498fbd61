#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

// MARK: - Moments

/// Count, mean and sum of squared deviations accumulated one value at a time (Welford), so that
/// a standard deviation needs one pass, no storage, and partial results from threads can merge.
public struct RunningMoments: Sendable, Equatable {
    public var count: Int
    public var mean: Double
    /// Σ (x − mean)².
    public var sumOfSquaredDeviations: Double

    public init() {
        count = 0
        mean = 0
        sumOfSquaredDeviations = 0
    }

    /// Adds one value.
    @inlinable
    public mutating func add(_ x: Double) {
        count += 1
        let delta = x - mean
        mean += delta / Double(count)
        sumOfSquaredDeviations += delta * (x - mean)
    }

    /// Adds the values accumulated elsewhere (Chan et al.'s pairwise update).
    @inlinable
    public mutating func merge(_ other: RunningMoments) {
        if other.count == 0 { return }
        if count == 0 {
            self = other
            return
        }
        let n = count + other.count
        let delta = other.mean - mean
        let nA = Double(count)
        let nB = Double(other.count)
        let nAB = Double(n)
        mean += delta * nB / nAB
        sumOfSquaredDeviations += other.sumOfSquaredDeviations + delta * delta * nA * nB / nAB
        count = n
    }

    /// Sample variance (n − 1); nil with fewer than 2 values.
    @inlinable
    public var sampleVariance: Double? {
        count < 2 ? nil : sumOfSquaredDeviations / Double(count - 1)
    }

    /// Sample standard deviation (n − 1); nil with fewer than 2 values.
    @inlinable
    public var sampleStandardDeviation: Double? { sampleVariance.map { $0.squareRoot() } }
}

/// The arithmetic mean, or nil for no values.
@inlinable
public func arithmeticMean(_ values: UnsafeBufferPointer<Double>) -> Double? {
    if values.isEmpty { return nil }
    var sum = 0.0
    for v in values { sum += v }
    return sum / Double(values.count)
}

/// The arithmetic mean, or nil for no values.
@inlinable
public func arithmeticMean(_ values: [Double]) -> Double? {
    values.withUnsafeBufferPointer { arithmeticMean($0) }
}

/// Sample standard deviation (n − 1) by the two-pass algorithm (mean first, then squared
/// deviations with the rounding-error correction term); nil with fewer than 2 values.
@inlinable
public func sampleStandardDeviation(_ values: UnsafeBufferPointer<Double>) -> Double? {
    let n = values.count
    guard n >= 2, let m = arithmeticMean(values) else { return nil }
    var squares = 0.0
    var correction = 0.0
    for v in values {
        let d = v - m
        squares += d * d
        correction += d
    }
    let variance = (squares - correction * correction / Double(n)) / Double(n - 1)
    return max(variance, 0).squareRoot()
}

/// Sample standard deviation (n − 1), two-pass; nil with fewer than 2 values.
@inlinable
public func sampleStandardDeviation(_ values: [Double]) -> Double? {
    values.withUnsafeBufferPointer { sampleStandardDeviation($0) }
}

// MARK: - Capping (§6)

/// The 1-based rank of the capping z among N pupils with a z: round-half-up(N / 100).
@inlinable
public func capRank(count: Int) -> Int { (count + 50) / 100 }

/// A pupil's z in its PAG: unadjusted progress / sd of the PAG; nil when the PAG can never be
/// capped (fewer than 2 pupils, or sd 0 or unknown).
@inlinable
public func pagZ(unadjusted: Double, pagSD: Double?, pagPupils: Int) -> Double? {
    guard pagPupils >= 2, let sd = pagSD, sd > 0 else { return nil }
    return unadjusted / sd
}

/// The national cap z of a subject (§6): the k-th smallest z, k = round-half-up(N / 100);
/// nil when k = 0 (fewer than 50 z values). The values need not be sorted; they must be finite.
public func capZ(sortedOrUnsortedZ z: [Double]) -> Double? {
    let k = capRank(count: z.count)
    if k == 0 { return nil }
    var ascending = true
    var i = 1
    while i < z.count {
        if z[i] < z[i - 1] {
            ascending = false
            break
        }
        i += 1
    }
    if ascending { return z[k - 1] }
    var work = z
    return work.withUnsafeMutableBufferPointer { kthSmallest($0, k) }
}

/// The k-th smallest (1-based) of a buffer, reordering it (Hoare quickselect, median-of-three).
func kthSmallest(_ a: UnsafeMutableBufferPointer<Double>, _ k: Int) -> Double {
    let target = k - 1
    var lo = 0
    var hi = a.count - 1
    while lo < hi {
        let mid = lo + (hi - lo) / 2
        // median of three as pivot value
        var x = a[lo]
        var y = a[mid]
        var w = a[hi]
        if x > y { swap(&x, &y) }
        if y > w { swap(&y, &w) }
        if x > y { swap(&x, &y) }
        let pivot = y
        var i = lo
        var j = hi
        while i <= j {
            while a[i] < pivot { i += 1 }
            while a[j] > pivot { j -= 1 }
            if i <= j {
                a.swapAt(i, j)
                i += 1
                j -= 1
            }
        }
        if target <= j { hi = j } else if target >= i { lo = i } else { return a[target] }
    }
    return a[target]
}

/// Adjusted progress of a pupil in a national run (§6): capped when z < cap z, then
/// adjusted = sd of the PAG × cap z; otherwise adjusted = unadjusted.
@inlinable
public func adjustedProgress(unadjusted: Double, z: Double?, pagSD: Double?, capZ: Double?)
    -> (progress: Double, capped: Bool)
{
    if let z, let capZ, let sd = pagSD, z < capZ { return (sd * capZ, true) }
    return (unadjusted, false)
}

/// Adjusted progress of a pupil in a supplied run (§6): capped when unadjusted progress is below
/// the PAG's floor `cap` (= sd × cap z), then adjusted = cap.
@inlinable
public func adjustedProgress(unadjusted: Double, pagCap: Double?) -> (progress: Double, capped: Bool) {
    if let cap = pagCap, unadjusted < cap { return (cap, true) }
    return (unadjusted, false)
}

// MARK: - School-level rules (§7)

/// A closed interval of a measure.
public struct Interval: Sendable, Hashable {
    public var lower: Double
    public var upper: Double
    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }
}

/// The confidence interval of a progress score: progress ± 1.96 · σ / √n (σ national).
@inlinable
public func confidenceInterval(progress: Double, sigma: Double, n: Int) -> Interval {
    let half = 1.96 * sigma / Double(n).squareRoot()
    return Interval(lower: progress - half, upper: progress + half)
}

/// Coverage in percent (0–100): n × 100 / the pupils not discounted in the subject; nil when
/// that denominator is 0.
@inlinable
public func coveragePercent(n: Int, denominator: Int) -> Double? {
    denominator > 0 ? Double(n * 100) / Double(denominator) : nil
}

/// Whether a group's progress figures may be published (§7).
public enum MeasureStatus: UInt8, Sendable, CaseIterable, Hashable {
    case none, supp, lowcov, ok

    /// `none` n = 0; `supp` n ≤ 5; `lowcov` coverage < 50% (2n < denominator); else `ok`.
    @inlinable
    public init(n: Int, denominator: Int) {
        if n == 0 {
            self = .none
        } else if n <= 5 {
            self = .supp
        } else if 2 * n < denominator {
            self = .lowcov
        } else {
            self = .ok
        }
    }

    /// The text written to schools.csv.
    public var name: String {
        switch self {
        case .none: return "none"
        case .supp: return "supp"
        case .lowcov: return "lowcov"
        case .ok: return "ok"
        }
    }
}

/// Whether progress differs significantly from 0 (§7).
public enum Significance: UInt8, Sendable, CaseIterable, Hashable {
    case above, notSignificant, below

    /// Above when the lower limit is > 0, below when the upper limit is < 0.
    @inlinable
    public init(_ interval: Interval) {
        if interval.lower > 0 {
            self = .above
        } else if interval.upper < 0 {
            self = .below
        } else {
            self = .notSignificant
        }
    }
}

/// The progress band (§7): 1 well above, 2 above, 3 average, 4 below, 5 well below; nil unless the
/// status is `ok`. A missing threshold (no school with status `ok`) never matches.
@inlinable
public func progressBand(
    progress: Double, interval: Interval, status: MeasureStatus,
    p10: Double?, p90: Double?
) -> Int? {
    guard status == .ok else { return nil }
    if interval.lower > 0 {
        if let p90, progress >= p90 { return 1 }
        return 2
    }
    if interval.upper < 0 {
        if let p10, progress <= p10 { return 5 }
        return 4
    }
    return 3
}

/// The nearest-rank percentile of ascending values: the ⌈percent·M/100⌉-th (integer arithmetic);
/// nil for no values. `percent` is in 1...100.
@inlinable
public func nearestRankPercentile(sortedAscending values: [Double], percent: Int) -> Double? {
    let m = values.count
    if m == 0 { return nil }
    let rank = max((percent * m + 99) / 100, 1)
    return values[min(rank, m) - 1]
}

/// The national band thresholds from ascending school progress scores (mainstream, status `ok`):
/// p10 = the ⌈0.1·M⌉-th, p90 = the ⌈0.9·M⌉-th; nil for no scores.
@inlinable
public func nearestRankBandThresholds(sortedAscending values: [Double]) -> BandThresholds? {
    guard let p10 = nearestRankPercentile(sortedAscending: values, percent: 10),
        let p90 = nearestRankPercentile(sortedAscending: values, percent: 90)
    else { return nil }
    return BandThresholds(p10: p10, p90: p90)
}

// MARK: - Student t (§9)

/// ln Γ(x) for x > 0.
func logGamma(_ x: Double) -> Double { lgamma(x) }

/// Continued fraction of the regularized incomplete beta function (modified Lentz).
func incompleteBetaFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
    let tiny = 1e-300
    let qab = a + b
    let qap = a + 1
    let qam = a - 1
    var c = 1.0
    var d = 1 - qab * x / qap
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var h = d
    for m in 1...10_000 {
        let m = Double(m)
        let m2 = 2 * m
        var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1 + aa * d
        if abs(d) < tiny { d = tiny }
        c = 1 + aa / c
        if abs(c) < tiny { c = tiny }
        d = 1 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1 + aa * d
        if abs(d) < tiny { d = tiny }
        c = 1 + aa / c
        if abs(c) < tiny { c = tiny }
        d = 1 / d
        let delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-16 { break }
    }
    return h
}

/// The regularized incomplete beta I_x(a, b), given x and 1 − x (passed separately so that a
/// complement computed without cancellation keeps full precision).
func regularizedIncompleteBeta(x: Double, oneMinusX: Double, a: Double, b: Double) -> Double {
    if x <= 0 { return 0 }
    if oneMinusX <= 0 { return 1 }
    let logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * log(x) + b * log(oneMinusX)
    let front = exp(logFront)
    if x < (a + 1) / (a + b + 2) {
        return front * incompleteBetaFraction(x, a, b) / a
    }
    return 1 - front * incompleteBetaFraction(oneMinusX, b, a) / b
}

/// P(T > t) for Student's t with `df` degrees of freedom, t ≥ 0.
func studentTUpperTail(_ t: Double, df: Double) -> Double {
    let t2 = t * t
    let x = df / (df + t2)
    let oneMinusX = t2 / (df + t2)
    return 0.5 * regularizedIncompleteBeta(x: x, oneMinusX: oneMinusX, a: df / 2, b: 0.5)
}

/// Density of Student's t.
func studentTDensity(_ t: Double, df: Double) -> Double {
    let logC = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * log(df * Double.pi)
    return exp(logC - (df + 1) / 2 * log1p(t * t / df))
}

/// The quantile of Student's t distribution: the t with P(T ≤ t) = p, for any real df > 0
/// (Welch–Satterthwaite df need not be whole); nil when p ∉ (0, 1) or df ≤ 0 or not finite.
public func studentTQuantile(probability p: Double, degreesOfFreedom df: Double) -> Double? {
    guard p > 0, p < 1, df > 0, df.isFinite else { return nil }
    if p == 0.5 { return 0 }
    if p < 0.5 { return studentTQuantile(probability: 1 - p, degreesOfFreedom: df).map { -$0 } }
    if df == 1 { return tan(Double.pi * (p - 0.5)) }
    let tail = 1 - p
    // Bracket the root of upperTail(t) = tail, then safeguarded Newton.
    var lo = 0.0
    var hi = 2.0
    while studentTUpperTail(hi, df: df) > tail {
        lo = hi
        hi *= 2
        if hi > 1e300 { return nil }
    }
    var t = (lo + hi) / 2
    for _ in 0..<200 {
        let f = studentTUpperTail(t, df: df) - tail
        if f > 0 { lo = t } else { hi = t }
        let density = studentTDensity(t, df: df)
        var next = density > 0 ? t + f / density : (lo + hi) / 2
        if !(next > lo && next < hi) { next = (lo + hi) / 2 }
        if abs(next - t) <= 1e-15 * max(1, abs(t)) { return next }
        t = next
    }
    return t
}

/// The 97.5% quantile of Student's t (two-sided 95% intervals).
public func studentT975(degreesOfFreedom df: Double) -> Double? {
    studentTQuantile(probability: 0.975, degreesOfFreedom: df)
}

/// The 95% t-interval of a mean from k values (§9): mean ± t(0.975, k − 1) · sd / √k with sd (n − 1);
/// nil when k < 2.
public func meanTInterval(mean: Double, sd: Double, count k: Int) -> Interval? {
    guard k >= 2, let t = studentT975(degreesOfFreedom: Double(k - 1)) else { return nil }
    let half = t * sd / Double(k).squareRoot()
    return Interval(lower: mean - half, upper: mean + half)
}

/// A difference of two means with its 95% Welch interval and Welch–Satterthwaite df.
public struct WelchInterval: Sendable, Hashable {
    /// mean A − mean B.
    public var difference: Double
    public var lower: Double
    public var upper: Double
    /// Welch–Satterthwaite degrees of freedom; nil when both sample variances are 0 (then the
    /// interval is the difference itself).
    public var degreesOfFreedom: Double?
    public init(difference: Double, lower: Double, upper: Double, degreesOfFreedom: Double?) {
        self.difference = difference
        self.lower = lower
        self.upper = upper
        self.degreesOfFreedom = degreesOfFreedom
    }
}

/// The 95% Welch interval of mean A − mean B from each group's mean, sd (n − 1) and size:
/// difference ± t(0.975, ν) · √(sA²/nA + sB²/nB), ν = (sA²/nA + sB²/nB)² /
/// ((sA²/nA)²/(nA − 1) + (sB²/nB)²/(nB − 1)); nil when either group has fewer than 2 values.
public func welchInterval(
    meanA: Double, sdA: Double, countA: Int,
    meanB: Double, sdB: Double, countB: Int
) -> WelchInterval? {
    guard countA >= 2, countB >= 2 else { return nil }
    let difference = meanA - meanB
    let va = sdA * sdA / Double(countA)
    let vb = sdB * sdB / Double(countB)
    let se2 = va + vb
    guard se2 > 0 else {
        return WelchInterval(difference: difference, lower: difference, upper: difference, degreesOfFreedom: nil)
    }
    let df = se2 * se2 / (va * va / Double(countA - 1) + vb * vb / Double(countB - 1))
    guard let t = studentT975(degreesOfFreedom: df) else { return nil }
    let half = t * se2.squareRoot()
    return WelchInterval(
        difference: difference, lower: difference - half, upper: difference + half,
        degreesOfFreedom: df)
}
