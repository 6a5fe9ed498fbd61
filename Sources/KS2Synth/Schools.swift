/// The synthetic schools: drawn from the seed alone (never the year), so a school keeps its URN,
/// LAESTAB, name and character from one year's file to the next.

/// One synthetic school, fixed by (seed, index).
struct SynthSchool: Sendable {
    /// Position in the seed's endless school sequence (its random streams are keyed on it).
    let index: Int
    let la: Int
    /// The 4-digit establishment number within the LA.
    let estab: Int
    let urn: Int
    /// The `school_name` cell as written (quoted when the name holds a comma).
    let nameCell: [UInt8]
    let special: Bool
    /// Typical KS2 cohort size; a year's size varies a little around it.
    let baseSize: Int
    /// Intake ability (shifts every pupil's latent ability).
    let ability: Double
    /// The lasting part of the school's value added.
    let valueAdded: Double
}

private let streamLA: UInt64 = 0x4C41
private let streamSchool: UInt64 = 0x5343
private let streamURN: UInt64 = 0x5552

/// A bijection of 0..<900_000 (a keyed 4-round Feistel network on 20 bits, cycle-walking), so
/// URNs are distinct and look random.
struct URNPermutation {
    let keys: [UInt64]
    init(seed: UInt64) {
        var r = RandomStream(seed, streamURN)
        keys = (0..<4).map { _ in r.next() }
    }
    func urn(_ index: Int) -> Int {
        var x = UInt64(index)
        repeat {
            var left = x >> 10
            var right = x & 0x3FF
            for k in keys {
                let f = mix64(right ^ k) & 0x3FF
                (left, right) = (right, left ^ f)
            }
            x = left << 10 | right
        } while x >= 900_000
        return 100_000 + Int(x)
    }
}

/// Chooses the first `count` schools of the seed's sequence, ordered by LA and establishment number;
/// with `las`, only those of the national `count` that lie in these LAs (so a county file is exactly
/// the county's part of the national file of the same seed and count).
func makeSchools(seed: UInt64, count: Int, las: [String]?) -> [SynthSchool] {
    guard count > 0 else { return [] }
    // LA sizes: lognormal weights, fixed by the seed
    var laStream = RandomStream(seed, streamLA)
    var cumulative: [Double] = []
    var total = 0.0
    for _ in laCodes {
        total += portableExp(0.6 * laStream.normal())
        cumulative.append(total)
    }
    var allowed = [Bool](repeating: las == nil, count: laCodes.count)
    if let las {
        for code in las {
            let trimmed = code.filter { $0 != " " }
            if let n = Int(trimmed), let i = laCodes.firstIndex(of: n) { allowed[i] = true }
        }
        guard allowed.contains(true) else { return [] }
    }
    var nextEstab = [Int](repeating: 2000, count: laCodes.count)
    var chosen: [(index: Int, la: Int, estab: Int)] = []
    var index = 0
    var picked = 0
    while picked < count && index < 900_000 {
        var r = RandomStream(seed, streamLA, UInt64(index))
        let u = r.uniform() * total
        var lo = 0
        var hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
        }
        let estab = nextEstab[lo]
        nextEstab[lo] += 1
        if estab <= 9999 {
            picked += 1
            if allowed[lo] { chosen.append((index, lo, estab)) }
        }
        index += 1
    }
    chosen.sort { ($0.la, $0.estab) < ($1.la, $1.estab) }
    let urns = URNPermutation(seed: seed)
    return chosen.map { c in
        var r = RandomStream(seed, streamSchool, UInt64(c.index))
        let special = r.chance(0.01)
        var name = places[r.below(places.count)] + [0x20]
        name += special ? specialKinds[r.below(specialKinds.count)] : schoolKinds[r.below(schoolKinds.count)]
        if r.chance(0.02) {  // "Oakfield Primary School, Redhill": written quoted
            name = [0x22] + name + Array(", ".utf8) + places[r.below(places.count)] + [0x22]
        }
        let size: Double
        if special {
            size = Double(r.integer(5, 14))
        } else {
            let u = r.uniform()
            // the national mix (about 39 pupils a school: 16,800 schools ≈ 650,000 pupils)
            if u < 0.10 {
                size = Double(r.integer(5, 15))
            } else if u < 0.52 {
                size = 29 + 3 * r.normal()
            } else if u < 0.80 {
                size = 45 + 8 * r.normal()
            } else if u < 0.97 {
                size = 59 + 3 * r.normal()
            } else {
                size = Double(r.integer(88, 120))
            }
        }
        let ability = special ? -2.6 + 0.3 * r.normal() : 0.35 * r.normal()
        let valueAdded = 0.30 * r.normal()
        return SynthSchool(
            index: c.index, la: laCodes[c.la], estab: c.estab, urn: urns.urn(c.index),
            nameCell: name, special: special,
            baseSize: min(120, max(5, Int(size.rounded()))),
            ability: ability, valueAdded: valueAdded)
    }
}
