import Foundation
import KS2Analysis
import KS2Core
import KS2Pipeline
import KS2Reports
import TestSupport
import Testing

/// pupils.csv's formatter copies whole cached runs of fields (a subject's seven for the commonest
/// pupil, the eight attainment flags): every row must be exactly what writing each field in turn
/// gives, on a messy synthetic county (codes, missing KS1, capped and nominal pupils).
@Suite struct PupilRowsTests {
    @Test func cachedRunsWriteWhatFieldByFieldWrites() throws {
        let dir = try temporaryFolder("ks2-pupil-rows").path
        let settings = RunSettings(
            outputDirectory: dir + "/out", threads: 2,
            methodologyDirectory: repositoryRoot.appendingPathComponent("Data/methodology").path, showProgress: false)
        try SynthJob(schools: 60, year: 2019, seed: 11, edge: true).run(
            RunSettings(outputDirectory: dir + "/in", threads: 1, showProgress: false))
        var clock = StageClock(progress: false)
        let outcome = try ProgressJob(ks2: dir + "/in/ks2.csv", ks1: dir + "/in/ks1.csv", year: 2019)
            .compute(settings, clock: &clock)
        let t = outcome.computation.table
        let order = outcome.aggregation.pupilOrder
        let formatter = PupilRowFormatter(
            cohort: outcome.cohort, table: t, estimates: outcome.computation.estimates, order: order)
        let got = String(decoding: formatter.rows(0..<order.count), as: UTF8.self)
        let expected = String(decoding: fieldByField(outcome.cohort, t, order), as: UTF8.self)
        #expect(got == expected)
        // every path is taken: the cached runs, and capped, excluded and unmeasured pupils
        let all = 0..<(3 * t.count)
        #expect(all.contains { t.capped[$0] } && all.contains { t.excluded[$0] != nil })
        #expect(all.filter { t.excluded[$0] == nil && !t.capped[$0] && !t.progress[$0].isNaN }.count > 1_000)
        #expect(all.contains { t.score[$0].isNaN })
    }

    /// pupils.csv's rows written one field at a time, as formats.md lists them.
    private func fieldByField(_ cohort: KS2Cohort, _ t: PupilProgressTable, _ order: [Int32]) -> [UInt8] {
        var w = CSVWriter()
        let n = t.count
        func yesNo(_ v: Int8) {
            if v < 0 { w.appendEmpty() } else { w.appendText(v == 1 ? "Y" : "N") }
        }
        for k in order {
            let i = Int(k)
            let p = cohort.pupils[i]
            w.appendInt(cohort.year)
            w.appendText(cohort.schools[Int(p.school)].id)
            w.appendText(p.la >= 0 ? cohort.localAuthorities[Int(p.la)] : "")
            w.appendText(p.upn.description)
            let aps = t.ks1APS[i]
            w.appendDouble(aps.isNaN ? nil : aps)
            w.appendText(aps.isNaN ? "" : aps < 12 ? "L" : aps < 18 ? "M" : "H")
            w.appendInt(t.pag[i] > 0 ? Int(t.pag[i]) : nil)
            for s in 0..<3 {
                let at = s * n + i
                let score = t.score[at]
                if score.isNaN {
                    w.appendEmpty()
                } else if score == score.rounded() {
                    w.appendInt(Int(score))
                } else {
                    w.appendDouble(score)
                }
                w.appendText(t.source[at].name)
                w.appendDouble(t.estimate[at].isNaN ? nil : t.estimate[at])
                w.appendDouble(t.progressUnadjusted[at].isNaN ? nil : t.progressUnadjusted[at])
                w.appendDouble(t.progress[at].isNaN ? nil : t.progress[at])
                w.appendText(t.progress[at].isNaN ? "" : t.capped[at] ? "Y" : "N")
                w.appendText(t.excluded[at]?.name ?? "")
            }
            for flag in [
                AttainmentFlag.readExp, .readHigh, .writExp, .writHigh, .matExp, .matHigh, .rwmExp, .rwmHigh,
            ] {
                yesNo(t.attainment[flag.rawValue * n + i])
            }
            w.appendText(p.gender.name)
            w.appendText(p.disadvantaged.name)
            w.appendText(p.eal.name)
            w.appendText(p.sen.name)
            w.endRow()
        }
        return w.bytes
    }
}
