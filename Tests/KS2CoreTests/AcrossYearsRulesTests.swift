import KS2Core
import Testing

/// methodology.md §10's comparability rules and the gap arithmetic, as pure functions.
@Suite struct AcrossYearsRulesTests {
    @Test func pairsCrossTheChangesBetweenThem() {
        #expect(comparabilityChanges(from: 2018, to: 2019).isEmpty)
        #expect(comparabilityChanges(from: 2017, to: 2018) == [.capping])
        #expect(comparabilityChanges(from: 2016, to: 2017) == [.pagTable, .nominalScores])
        #expect(comparabilityChanges(from: 2019, to: 2022) == [.ks1Framework])
        #expect(comparabilityChanges(from: 2022, to: 2023).isEmpty)
        #expect(comparabilityChanges(from: 2016, to: 2023) == [.capping, .pagTable, .ks1Framework, .nominalScores])
        // either order, same answer
        #expect(comparabilityChanges(from: 2018, to: 2017) == [.capping])
    }

    @Test func windowsAndTheirText() {
        #expect(comparabilityChanges(years: [2017, 2018, 2019]) == [.capping])
        #expect(comparabilityChanges(years: [2019]).isEmpty)
        #expect(comparabilityChanges(years: []).isEmpty)
        #expect(comparabilityText(comparabilityChanges(years: [2016, 2018])) == "capping;pag_table;nominal_scores")
        #expect(comparabilityText([]) == "")
    }

    @Test func gapAgainstEnglandsOtherPupilsAndWithinSchool() {
        // Anstey Junior 2019 reading (methodology.md §10): −1.1 − 0.3 = −1.4
        let row = GapRow(
            year: 2019, level: .school, id: "115851", name: "Anstey Junior School", la: "850",
            subject: .read,
            disadvantaged: SubjectResult(n: 20, progress: -1.1, lower: -3.8, upper: 1.6, status: .ok),
            other: SubjectResult(n: 50, progress: 0.5, status: .ok), nationalOtherProgress: 0.3)
        #expect(abs(row.gap! - -1.4) < 1e-12)
        #expect(abs(row.gapLower! - -4.1) < 1e-12)
        #expect(abs(row.gapUpper! - 1.3) < 1e-12)
        #expect(abs(row.withinSchoolGap! - -1.6) < 1e-12)
        var unknown = row
        unknown.nationalOtherProgress = nil
        #expect(unknown.gap == nil && unknown.gapLower == nil && unknown.withinSchoolGap != nil)
    }

    @Test func threeYearRowSignificanceAndComparability() {
        let above = ThreeYearRow(
            level: .school, id: "1", name: "", la: "", subject: .mat, years: [2017, 2018, 2019],
            n: 30, progress: 2, lower: 0.5, upper: 3.5, status: .ok)
        #expect(above.significance == .above)
        #expect(above.comparability == [.capping])
        let none = ThreeYearRow(
            level: .school, id: "1", name: "", la: "", subject: .mat, years: [2019], n: 30,
            progress: 2, lower: nil, upper: nil, status: .ok)
        #expect(none.significance == nil && none.comparability.isEmpty)
        let below = ThreeYearRow(
            level: .school, id: "1", name: "", la: "", subject: .mat, years: [2022, 2023],
            n: 30, progress: -2, lower: -3, upper: -0.1, status: .ok)
        #expect(below.significance == .below)
    }

    @Test func eachSchoolsRowsGatheredById() {
        let figures = SubjectResult(n: 10, progress: 1, status: .ok)
        let results = AcrossYearsResults(
            trends: [
                TrendRow(level: .school, id: "A", name: "", la: "", subject: .read, year: 2018, figures: figures),
                TrendRow(level: .school, id: "A", name: "", la: "", subject: .read, year: 2019, figures: figures),
                TrendRow(level: .la, id: "A", name: "", la: "", subject: .read, year: 2019, figures: figures),
                TrendRow(level: .school, id: "B", name: "", la: "", subject: .read, year: 2019, figures: figures),
            ],
            gaps: [
                GapRow(
                    year: 2019, level: .school, id: "B", name: "", la: "", subject: .mat, disadvantaged: figures,
                    other: figures, nationalOtherProgress: 0)
            ])
        let schools = results.byID(level: .school)
        #expect(schools["A"]?.trends.map(\.year) == [2018, 2019])
        #expect(schools["A"]?.gaps.isEmpty == true)
        #expect(schools["B"]?.trends.count == 1 && schools["B"]?.gaps.count == 1)
        #expect(results.byID(level: .la)["A"]?.trends.count == 1)
    }
}
