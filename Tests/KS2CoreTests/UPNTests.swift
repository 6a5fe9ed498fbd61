import Testing

@testable import KS2Core

/// UPN validation (formats.md): the reader's word-at-a-time parse against a plain reading of the
/// rule, character by character, on valid UPNs and on every kind of near miss.
struct UPNTests {
    /// The rule as formats.md states it: check letter, 11 digits, a digit or check-alphabet letter,
    /// case ignored; the check letter is ALPHA[Σ weight·value mod 23], weights 2–13.
    static func reference(_ text: [UInt8]) -> UPN? {
        var t = text[...]
        while let c = t.first, c == 0x20 || c == 0x09 { t = t.dropFirst() }
        while let c = t.last, c == 0x20 || c == 0x09 || c == 0x0D { t = t.dropLast() }
        let chars = t.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
        guard chars.count == 13 else { return nil }
        let letters = Array("ABCDEFGHJKLMNPQRTUVWXYZ".utf8)
        guard let check = letters.firstIndex(of: chars[0]) else { return nil }
        var total = 0
        var digits: UInt64 = 0
        for i in 1...11 {
            guard chars[i] >= 0x30 && chars[i] <= 0x39 else { return nil }
            total += Int(chars[i] - 0x30) * (i + 1)
            digits = digits * 10 + UInt64(chars[i] - 0x30)
        }
        let last = chars[12]
        if last >= 0x30 && last <= 0x39 {
            total += Int(last - 0x30) * 13
        } else if let v = letters.firstIndex(of: last) {
            total += v * 13
        } else {
            return nil
        }
        guard total % 23 == check else { return nil }
        return UPN(key: (UInt64(check) * 100_000_000_000 + digits) * 64 + UInt64(last - 0x30))
    }

    static func parse(_ text: [UInt8]) -> UPN? { text.withUnsafeBytes { UPN.parse($0) } }

    @Test func aKnownUPNParsesAndPrintsBack() throws {
        let upn = try #require(UPN("A865212312597"))
        #expect(upn.description == "A865212312597")
        #expect(UPN(" a865212312597\r")?.description == "A865212312597")
        // one digit changed: the check letter no longer matches
        #expect(UPN("A865212312598") == nil)
        #expect(UPN("A86521231259") == nil)
    }

    @Test func everyNearMissIsJudgedAsTheRuleSays() {
        var rng = SystemRandomNumberGenerator()
        // bytes that sit next to the digits, letters and the SWAR check's edges
        let odd: [UInt8] = [0x2F, 0x3A, 0x40, 0x5B, 0x60, 0x7B, 0x00, 0x20, 0x7F, 0x80, 0xF9, 0xFA, 0xFF, 0x69, 0x6F]
        var valid = 0
        for round in 0..<200_000 {
            var body = (0..<11).map { _ in UInt8.random(in: 0x30...0x39, using: &rng) }
            let lastChoices = Array("0123456789ABCDEFGHJKLMNPQRTUVWXYZ".utf8)
            body.append(lastChoices.randomElement(using: &rng)!)
            let check = UPN.checkLetter(forBody: String(decoding: body, as: UTF8.self))!
            var text = Array(String(check).utf8) + body
            switch round % 4 {
            case 0: break  // valid
            case 1: text[Int.random(in: 0..<13, using: &rng)] = odd.randomElement(using: &rng)!
            case 2: text[Int.random(in: 1..<12, using: &rng)] = UInt8.random(in: 0x30...0x39, using: &rng)
            default:
                let k = Int.random(in: 0..<13, using: &rng)
                if text[k] >= 0x41 && text[k] <= 0x5A { text[k] += 0x20 }  // lower case
                if round % 8 == 3 { text.insert(0x20, at: 0) }
            }
            let got = Self.parse(text)
            #expect(got == Self.reference(text), "\(String(decoding: text, as: UTF8.self))")
            if got != nil { valid += 1 }
        }
        // the valid quarter and the lower-cased quarter all parse; near misses mostly do not
        #expect(valid >= 100_000)
    }
}
