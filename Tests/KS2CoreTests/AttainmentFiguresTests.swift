import KS2Core
import Testing

/// `AttainmentFigures` stores 13 optional figures inline; it must behave as the `[Double?]` and
/// `[Int?]` it replaced: absent and present figures, equality and hashing as lists of optionals.
@Suite struct AttainmentFiguresTests {
    @Test func startsAbsentAndKeepsWhatIsSet() {
        var f = AttainmentFigures<Double>()
        #expect(f.count == AttainmentMeasure.allCases.count)
        #expect(f.allSatisfy { $0 == nil })
        f[.pctRwmExp] = 64.5
        f[0] = 0
        f[12] = -1.25
        #expect(f[AttainmentMeasure.pctRwmExp.rawValue] == 64.5)
        #expect(f[.pctReadExp] == 0)
        #expect(f[.pctRwmHigh] == -1.25)
        #expect(f[.readAvg] == nil)
        #expect(f.compactMap { $0 } == [0, 64.5, -1.25])
        f[.pctRwmExp] = nil
        #expect(f[.pctRwmExp] == nil)
        #expect(Array(f) == [0] + Array(repeating: nil, count: 11) + [-1.25])
    }

    @Test func fromAListInMeasureOrder() {
        let list: [Int?] = [3, nil, 5]
        let f = AttainmentFigures(list)
        #expect(Array(f) == list + Array(repeating: nil, count: 10))
        // a figure set to 0 is present, unlike an absent one (whose slot also holds 0)
        var zero = AttainmentFigures<Int>()
        zero[1] = 0
        #expect(zero != AttainmentFigures<Int>())
        #expect(zero[1] == 0)
    }

    @Test func equalAndHashedAsListsOfOptionals() {
        var a = AttainmentFigures<Double>()
        var b = AttainmentFigures<Double>()
        a[3] = 50
        b[3] = 50
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(Set([a, b]).count == 1)
        // a figure set and then cleared is the same as one never set
        b[4] = 7
        #expect(a != b)
        b[4] = nil
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        // NaN is never equal to itself, as in [Double?]
        a[5] = .nan
        b[5] = .nan
        #expect(a != b)
        #expect([Double?](a) != [Double?](b))
    }
}
