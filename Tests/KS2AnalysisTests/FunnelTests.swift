import KS2Core
import Testing

@testable import KS2Analysis

@Suite struct FunnelTests {
    func row(_ id: String, year: Int = 2019, n: Int?, progress: Double?, status: ResultStatus) -> SchoolResult {
        var r = SchoolResult(year: year, level: .school, id: id, name: "School \(id)", la: "850")
        r[.mat] = SubjectResult(n: n, progress: progress, status: status)
        return r
    }

    /// σ 5 and 25 pupils: limits 1.96 × 5 / 5 = 1.96 and 3.09 × 5 / 5 = 3.09 (methodology.md §10).
    @Test func limitsAndOutsideFlags() {
        let rows = [
            row("2", n: 25, progress: 2.5, status: .ok), row("1", n: 4, progress: -9.0, status: .supp),
            row("3", n: 30, progress: 1.0, status: .lowcov), row("4", n: 0, progress: nil, status: .none),
            row("5", year: 2018, n: 25, progress: 1.0, status: .ok),
        ]
        let funnel = funnelRows(rows, sigma: { year, s in year == 2019 && s == .mat ? 5.0 : nil })
        #expect(funnel.map(\.urn) == ["1", "2"])  // sorted by URN; lowcov, none and a year without σ left out
        let two = funnel[1]
        #expect(abs(two.limit95 - 1.96) < 1e-12 && abs(two.limit998 - 3.09) < 1e-12)
        #expect(two.outside95 && !two.outside998)
        // 4 pupils: 1.96 × 5 / 2 = 4.9 and 3.09 × 5 / 2 = 7.725; −9 is beyond both (kept: status supp)
        #expect(abs(funnel[0].limit95 - 4.9) < 1e-12 && abs(funnel[0].limit998 - 7.725) < 1e-12)
        #expect(funnel[0].outside998 && funnel[0].status == .supp)
    }
}
