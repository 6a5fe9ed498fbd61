import KS2Core
import Testing

/// SubjectResult stores plain numbers and a presence byte: every property must still read and
/// write as the optional it stands for.
@Suite struct SubjectResultTests {
    @Test func propertiesReadBackAsTheOptionalsWritten() {
        var r = SubjectResult(n: 0, coverage: 0, progress: -0.37, status: .ok)
        #expect(r.n == 0 && r.coverage == 0 && r.progress == -0.37)
        #expect(r.lower == nil && r.upper == nil && r.progressUnadjusted == nil && r.band == nil)
        r.lower = -1.5
        r.upper = 0.76
        r.progressUnadjusted = 2
        r.band = 3
        r.coverage = nil
        #expect(r.lower == -1.5 && r.upper == 0.76 && r.progressUnadjusted == 2 && r.band == 3)
        #expect(r.coverage == nil && r.progress == -0.37 && r.n == 0 && r.status == .ok)
        r.n = nil
        r.band = nil
        #expect(r.n == nil && r.band == nil && r.lower == -1.5)
        #expect(MemoryLayout<SubjectResult>.size <= 80)  // as eight optionals: 121
    }

    @Test func equalAndHashedAsTheOptionals() {
        let a = SubjectResult(n: 12, progress: 1.25, lower: 0, status: .supp, band: 2)
        var b = SubjectResult(n: 12, progress: 1.25, status: .supp, band: 2)
        #expect(a != b)  // a's lower is 0, b's absent
        b.lower = 0
        #expect(a == b && a.hashValue == b.hashValue)
        b.upper = 0
        b.upper = nil
        #expect(a == b)  // a figure cleared is absent again
        let nan = SubjectResult(progress: .nan)
        #expect(nan != nan && nan.progress!.isNaN)  // a NaN figure is present and never equal
        #expect(SubjectResult() == SubjectResult())
    }
}
