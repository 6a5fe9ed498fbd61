/// Shortest round-trip decimal digits of a double (Ulf Adams' Ryū, PLDI 2018), written straight
/// into a byte buffer in plain decimal notation: CSV output formats millions of doubles, and
/// `Double.description` (same digits) costs a `String` and about twice the time per value.
enum ShortestDouble {
    /// The shortest decimal `digits × 10^exponent` that reads back as `value` (finite, nonzero).
    @inline(__always)
    static func decimal(_ value: Double) -> (digits: UInt64, exponent: Int32) {
        var interval = interval(value)
        let digits =
            interval.vmIsTrailingZeros || interval.vrIsTrailingZeros
            ? interval.shortestWithTrailingZeros() : interval.shortestCommonCase()
        return (digits, interval.e10 + interval.removed)
    }

    /// Ryū's step 1–3: the value and the halfway points to its neighbours (`vm` < `vr` < `vp`),
    /// scaled to a power of ten `e10`, and whether the lower bound and the value end in zeros.
    struct Interval {
        var vr: UInt64
        var vp: UInt64
        var vm: UInt64
        var e10: Int32
        var acceptBounds: Bool
        var vmIsTrailingZeros = false
        var vrIsTrailingZeros = false
        /// Digits removed so far.
        var removed: Int32 = 0

        /// Step 4, general case (rare): removes digits while the bounds differ, tracking trailing
        /// zeros for exact rounding.
        @inline(__always)
        mutating func shortestWithTrailingZeros() -> UInt64 {
            var lastRemovedDigit: UInt64 = 0
            while true {
                let vpDiv10 = vp / 10
                let vmDiv10 = vm / 10
                if vpDiv10 <= vmDiv10 { break }
                let vmMod10 = vm - 10 * vmDiv10
                let vrDiv10 = vr / 10
                let vrMod10 = vr - 10 * vrDiv10
                vmIsTrailingZeros = vmIsTrailingZeros && vmMod10 == 0
                vrIsTrailingZeros = vrIsTrailingZeros && lastRemovedDigit == 0
                lastRemovedDigit = vrMod10
                (vr, vp, vm) = (vrDiv10, vpDiv10, vmDiv10)
                removed += 1
            }
            if vmIsTrailingZeros {
                while true {
                    let vmDiv10 = vm / 10
                    let vmMod10 = vm - 10 * vmDiv10
                    if vmMod10 != 0 { break }
                    let vpDiv10 = vp / 10
                    let vrDiv10 = vr / 10
                    let vrMod10 = vr - 10 * vrDiv10
                    vrIsTrailingZeros = vrIsTrailingZeros && lastRemovedDigit == 0
                    lastRemovedDigit = vrMod10
                    (vr, vp, vm) = (vrDiv10, vpDiv10, vmDiv10)
                    removed += 1
                }
            }
            if vrIsTrailingZeros && lastRemovedDigit == 5 && vr % 2 == 0 { lastRemovedDigit = 4 }
            let up = (vr == vm && (!acceptBounds || !vmIsTrailingZeros)) || lastRemovedDigit >= 5
            return vr + (up ? 1 : 0)
        }

        /// Step 4, common case: removes two digits at once when it can, then one at a time.
        @inline(__always)
        mutating func shortestCommonCase() -> UInt64 {
            var roundUp = false
            let vpDiv100 = vp / 100
            let vmDiv100 = vm / 100
            if vpDiv100 > vmDiv100 {
                let vrDiv100 = vr / 100
                let vrMod100 = vr - 100 * vrDiv100
                roundUp = vrMod100 >= 50
                (vr, vp, vm) = (vrDiv100, vpDiv100, vmDiv100)
                removed += 2
            }
            while true {
                let vpDiv10 = vp / 10
                let vmDiv10 = vm / 10
                if vpDiv10 <= vmDiv10 { break }
                let vrDiv10 = vr / 10
                let vrMod10 = vr - 10 * vrDiv10
                roundUp = vrMod10 >= 5
                (vr, vp, vm) = (vrDiv10, vpDiv10, vmDiv10)
                removed += 1
            }
            return vr + ((vr == vm || roundUp) ? 1 : 0)
        }
    }

    /// Steps 1–3 for `value` (finite, nonzero).
    @inline(__always)
    static func interval(_ value: Double) -> Interval {
        let bits = value.bitPattern
        let ieeeMantissa = bits & ((1 << 52) - 1)
        let ieeeExponent = UInt32((bits >> 52) & 0x7FF)
        let e2: Int32 = (ieeeExponent == 0 ? 1 : Int32(ieeeExponent)) - 1023 - 52 - 2
        let m2: UInt64 = ieeeExponent == 0 ? ieeeMantissa : (1 << 52) | ieeeMantissa
        let acceptBounds = (m2 & 1) == 0
        let mv = 4 &* m2
        let mmShift: UInt64 = (ieeeMantissa != 0 || ieeeExponent <= 1) ? 1 : 0
        if e2 >= 0 {
            let q = log10Pow2(e2) - (e2 > 3 ? 1 : 0)
            let k = 125 + pow5Bits(q) - 1
            let i = -e2 + q + k
            let mul = ryuPow5InvSplit[Int(q)]
            var r = Interval(
                vr: mulShift(4 &* m2, mul, i), vp: mulShift(4 &* m2 &+ 2, mul, i),
                vm: mulShift(4 &* m2 &- 1 &- mmShift, mul, i), e10: q, acceptBounds: acceptBounds)
            if q <= 21 {
                if mv % 5 == 0 {
                    r.vrIsTrailingZeros = isMultipleOfPowerOf5(mv, q)
                } else if acceptBounds {
                    r.vmIsTrailingZeros = isMultipleOfPowerOf5(mv &- 1 &- mmShift, q)
                } else if isMultipleOfPowerOf5(mv &+ 2, q) {
                    r.vp &-= 1
                }
            }
            return r
        }
        let q = log10Pow5(-e2) - (-e2 > 1 ? 1 : 0)
        let i = -e2 - q
        let k = pow5Bits(i) - 125
        let j = q - k
        let mul = ryuPow5Split[Int(i)]
        var r = Interval(
            vr: mulShift(4 &* m2, mul, j), vp: mulShift(4 &* m2 &+ 2, mul, j),
            vm: mulShift(4 &* m2 &- 1 &- mmShift, mul, j), e10: q + e2, acceptBounds: acceptBounds)
        if q <= 1 {
            r.vrIsTrailingZeros = true
            if acceptBounds { r.vmIsTrailingZeros = mmShift == 1 } else { r.vp &-= 1 }
        } else if q < 63 {
            r.vrIsTrailingZeros = (mv & ((1 << UInt64(q)) - 1)) == 0
        }
        return r
    }

    @inline(__always) private static func pow5Bits(_ e: Int32) -> Int32 { Int32((UInt32(e) &* 1_217_359) >> 19) + 1 }
    @inline(__always) private static func log10Pow2(_ e: Int32) -> Int32 { Int32((UInt32(e) &* 78_913) >> 18) }
    @inline(__always) private static func log10Pow5(_ e: Int32) -> Int32 { Int32((UInt32(e) &* 732_923) >> 20) }

    @inline(__always) private static func isMultipleOfPowerOf5(_ value: UInt64, _ p: Int32) -> Bool {
        var v = value
        var count: Int32 = 0
        while v > 0 && v % 5 == 0 {
            v /= 5
            count += 1
        }
        return count >= p
    }

    /// (m × mul) >> j for a 125-bit multiplier (j ≥ 64).
    @inline(__always) private static func mulShift(_ m: UInt64, _ mul: (UInt64, UInt64), _ j: Int32) -> UInt64 {
        let b0 = m.multipliedFullWidth(by: mul.0)  // bits 0…127
        let b2 = m.multipliedFullWidth(by: mul.1)  // bits 64…191
        // sum = (b0 >> 64) + b2, as a 128-bit (high, low) pair
        let (low, carry) = b2.low.addingReportingOverflow(b0.high)
        let high = b2.high &+ (carry ? 1 : 0)
        let shift = UInt64(j - 64)
        if shift == 0 { return low }
        if shift >= 64 { return high >> (shift - 64) }
        return (high << (64 - shift)) | (low >> shift)
    }

    /// Appends `value` (finite) in plain decimal: `-0.37`, `100.0`, `0.0000001`, `10000000000000000.0`,
    /// preceded by `prefix` (the field separator) when given. The text is built in a stack buffer
    /// and appended with one copy.
    @inline(__always)
    static func append(_ value: Double, prefix: UInt8? = nil, to out: inout [UInt8]) {
        var scratch: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        let written = withUnsafeMutableBytes(of: &scratch) { raw -> Int in
            let buf = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            return format(value, prefix: prefix, into: buf, capacity: raw.count)
        }
        if written > 0 {
            withUnsafeBytes(of: &scratch) { raw in
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[..<written]))
            }
        } else {
            // Very large or very small magnitudes (more than 64 characters in plain notation).
            var long = [UInt8](repeating: 0, count: 400)
            let n = long.withUnsafeMutableBufferPointer {
                format(value, prefix: prefix, into: $0.baseAddress!, capacity: 400)
            }
            out.append(contentsOf: long[..<n])
        }
    }

    /// "00" … "99": two digits per table read halve the division chain when printing (a static
    /// string, so reading it needs no lazy initialisation).
    private static let digitPairs: StaticString =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

    /// Writes `value`'s decimal digits right-aligned ending at `end` (exclusive); returns how many.
    @inline(__always)
    private static func writeDigits(_ value: UInt64, endingAt end: UnsafeMutablePointer<UInt8>) -> Int {
        var d = value
        var p = end
        do {
            let table = digitPairs.utf8Start
            while d >= 10_000 {
                let q = d / 10_000
                let r = Int(truncatingIfNeeded: d &- q &* 10_000)
                d = q
                let hi = r / 100
                let lo = r - 100 * (r / 100)
                p -= 4
                p[0] = table[2 * hi]
                p[1] = table[2 * hi + 1]
                p[2] = table[2 * lo]
                p[3] = table[2 * lo + 1]
            }
            var small = Int(truncatingIfNeeded: d)
            while small >= 100 {
                let r = small % 100
                small /= 100
                p -= 2
                p[0] = table[2 * r]
                p[1] = table[2 * r + 1]
            }
            if small >= 10 {
                p -= 2
                p[0] = table[2 * small]
                p[1] = table[2 * small + 1]
            } else {
                p -= 1
                p[0] = UInt8(truncatingIfNeeded: small) &+ 0x30
            }
        }
        return end - p
    }

    /// Writes the text into `buf`; returns its length, or 0 when it would not fit in `capacity`.
    @inline(__always)
    static func format(_ value: Double, prefix: UInt8?, into buf: UnsafeMutablePointer<UInt8>, capacity: Int) -> Int {
        var n = 0
        if let prefix {
            buf[0] = prefix
            n = 1
        }
        if value.sign == .minus {
            buf[n] = UInt8(ascii: "-")
            n += 1
        }
        if value == 0 {
            buf[n] = UInt8(ascii: "0")
            buf[n + 1] = UInt8(ascii: ".")
            buf[n + 2] = UInt8(ascii: "0")
            return n + 3
        }
        let magnitude = abs(value)
        var digits: UInt64
        var exponent: Int
        if magnitude < 9_007_199_254_740_992, Double(UInt64(magnitude)) == magnitude {
            digits = UInt64(magnitude)
            exponent = 0  // an exact integer: its digits are the shortest form
        } else {
            let d = decimal(magnitude)
            digits = d.digits
            exponent = Int(d.exponent)
        }
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &scratch) { raw -> Int in
            let end = raw.baseAddress!.assumingMemoryBound(to: UInt8.self) + 24
            let count = writeDigits(digits, endingAt: end)
            let text = end - count
            let point = count + exponent  // digits before the decimal point
            let length = exponent >= 0 ? point + 2 : (point > 0 ? count + 1 : 2 - point + count)
            if n + length > capacity { return 0 }
            let out = buf + n
            if exponent >= 0 {
                out.update(from: text, count: count)
                var z = count
                while z < point {
                    out[z] = UInt8(ascii: "0")
                    z += 1
                }
                out[point] = UInt8(ascii: ".")
                out[point + 1] = UInt8(ascii: "0")
            } else if point > 0 {
                out.update(from: text, count: point)
                out[point] = UInt8(ascii: ".")
                (out + point + 1).update(from: text + point, count: count - point)
            } else {
                out[0] = UInt8(ascii: "0")
                out[1] = UInt8(ascii: ".")
                var z = 2
                while z < 2 - point {
                    out[z] = UInt8(ascii: "0")
                    z += 1
                }
                (out + 2 - point).update(from: text, count: count)
            }
            return n + length
        }
    }
}
