import Foundation
import KS2Core
import Testing

@testable import KS2Pipeline

/// The repository's Data/methodology, found from this file's path.
private let methodologyDirectory: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.appendingPathComponent("Data/methodology").path
}()

private let committedYears = [2016, 2017, 2018, 2019, 2022, 2023, 2024, 2025, 2026, 2027]

// The expectations: methodology.md's tables, written out here and nowhere else in code.
private let levels: [Double] = [
    0, 1, 1.75, 2.5, 3, 5, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25.5,
]
private let interim: [Double] = [0, 1, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7, 7.5, 8, 8.5, 9, 9.5, 10]
private let pLow: [Code] = [.P1i, .P1ii, .P2i, .P2ii, .P3i, .P3ii]

private func expectedNominal(_ year: Int) -> [Code: Double] {
    var t: [Code: Double]
    if year <= 2016 {
        t = [.PKG: 79, .PKE: 76, .PKF: 73, .BLW: 70, .P8: 70, .P7: 70, .P6: 70, .P5: 70, .P4: 70]
        for p in pLow { t[p] = 70 }
    } else if year <= 2018 {
        t = [.PKG: 79, .PKE: 76, .PKF: 73, .BLW: 71, .P8: 69, .P7: 67, .P6: 65, .P5: 63, .P4: 61]
        for p in pLow { t[p] = 59 }
    } else {
        t = [.PK6: 79, .PK5: 76, .PK4: 73, .PK3: 70, .PK2: 67, .PK1: 64, .BLW: 62, .P4: 61, .EM: 59]
        for p in pLow { t[p] = 59 }
    }
    return t
}

private let sigmas: [Int: PerSubject<Double>] = [
    2017: PerSubject(read: 6.22, writ: 6.04, mat: 5.62),
    2018: PerSubject(read: 5.98, writ: 5.75, mat: 5.42),
    2019: PerSubject(read: 6.17, writ: 5.69, mat: 5.39),
]
private let thresholds: [Int: PerSubject<BandThresholds>] = [
    2018: PerSubject(
        read: BandThresholds(p10: -2.85, p90: 3.05), writ: BandThresholds(p10: -2.65, p90: 2.65),
        mat: BandThresholds(p10: -3.25, p90: 3.15)),
    2019: PerSubject(
        read: BandThresholds(p10: -2.85, p90: 3.15), writ: BandThresholds(p10: -2.55, p90: 2.55),
        mat: BandThresholds(p10: -3.15, p90: 3.0)),
]

@Suite struct MethodologyFileTests {
    @Test func theCommittedFilesAreExactlyTheKS2Years() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: methodologyDirectory)
            .filter { $0.hasSuffix(".yml") }.sorted()
        #expect(names == committedYears.map { "\($0).yml" })
    }

    @Test(arguments: committedYears)
    func everyYearFileLoadsWithTheSpecValues(year: Int) throws {
        let m = try loadMethodology(year: year, directory: methodologyDirectory)
        #expect(m.year == year)
        #expect(m.framework == (year <= 2019 ? .levels : .interim))
        #expect(m.pagLowerBounds == (year <= 2019 ? levels : interim))
        #expect(m.pagCount == (year <= 2019 ? 24 : 19))
        #expect(m.nominalScores == CodeScoreTable(expectedNominal(year)))
        #expect(m.nominalForNoScaledScore == (year <= 2016 ? nil : 79))
        #expect(m.writingTAPoints == CodeScoreTable([.GDS: 113, .EXS: 103, .WTS: 91]))
        #expect(m.cappingApplies == (year >= 2018))
        #expect(m.publishedSigma == sigmas[year])
        #expect(m.publishedBandThresholds == thresholds[year])
        // sources: PAGs always assumed; 2024 on follow the 2019-on tables by assumption
        let s = m.sources
        #expect(s.priorAttainmentGroups.kind == .assumed)
        #expect(s.framework.kind == .published)
        #expect(s.nominalScores.kind == (year >= 2024 ? .assumed : .published))
        #expect(s.writingTAPoints.kind == (year >= 2024 ? .assumed : .published))
        #expect(s.capping.kind == (year >= 2024 ? .assumed : .published))
        #expect(s.nominalScores.assumedItems == ((2019...2023).contains(year) ? ["EM"] : []))
        #expect(s.sigma?.kind == (sigmas[year] == nil ? nil : .published))
        #expect(s.bandThresholds?.kind == (thresholds[year] == nil ? nil : .published))
        for note in [s.framework, s.priorAttainmentGroups, s.nominalScores, s.writingTAPoints, s.capping].map(\.note) {
            #expect(!note.isEmpty && !note.contains("http"))
        }
    }

    /// Every nominal code of §4 through the score rule, by year.
    @Test(arguments: [2016, 2017, 2018, 2019, 2023])
    func everyNominalCodeByYear(year: Int) throws {
        let m = try loadMethodology(year: year, directory: methodologyDirectory)
        func score(_ code: Code, _ ta: Code = .none) -> ScoreForProgress {
            m.testScoreForProgress(TestResult(code: code, ta: ta))
        }
        let column: [Code: Double?]
        switch year {
        case 2016:
            column = [
                .PKG: 79, .PKE: 76, .PKF: 73, .PK6: nil, .PK5: nil, .PK4: nil, .PK3: nil, .PK2: nil, .PK1: nil,
                .BLW: 70, .P8: 70, .P7: 70, .P6: 70, .P5: 70, .P4: 70, .P3ii: 70, .P3i: 70, .P2ii: 70,
                .P2i: 70, .P1ii: 70, .P1i: 70, .EM: nil,
            ]
        case 2017, 2018:
            column = [
                .PKG: 79, .PKE: 76, .PKF: 73, .PK6: nil, .PK5: nil, .PK4: nil, .PK3: nil, .PK2: nil, .PK1: nil,
                .BLW: 71, .P8: 69, .P7: 67, .P6: 65, .P5: 63, .P4: 61, .P3ii: 59, .P3i: 59, .P2ii: 59,
                .P2i: 59, .P1ii: 59, .P1i: 59, .EM: nil,
            ]
        default:
            column = [
                .PKG: nil, .PKE: nil, .PKF: nil, .PK6: 79, .PK5: 76, .PK4: 73, .PK3: 70, .PK2: 67, .PK1: 64,
                .BLW: 62, .P8: nil, .P7: nil, .P6: nil, .P5: nil, .P4: 61, .P3ii: 59, .P3i: 59, .P2ii: 59,
                .P2i: 59, .P1ii: 59, .P1i: 59, .EM: 59,
            ]
        }
        for (ta, expected) in column {
            if let expected {
                #expect(score(.B, ta) == .scored(expected, .nominal), "B with \(ta.name) in \(year)")
                #expect(m.writingScoreForProgress(ta) == .scored(expected, .nominal), "writing \(ta.name) in \(year)")
            } else {
                #expect(score(.B, ta) == .excluded(.code(.B)), "B with \(ta.name) in \(year)")
                #expect(m.writingScoreForProgress(ta) == .excluded(.code(ta)), "writing \(ta.name) in \(year)")
            }
        }
        // N, or NS without a score: 79 from 2017, excluded with the code before
        for c in [Code.N, .NS] {
            #expect(score(c) == (year <= 2016 ? .excluded(.code(c)) : .scored(79, .nominal)))
        }
        #expect(m.writingScoreForProgress(.GDS) == .scored(113, .ta))
        #expect(m.writingScoreForProgress(.EXS) == .scored(103, .ta))
        #expect(m.writingScoreForProgress(.WTS) == .scored(91, .ta))
        #expect(m.writingScoreForProgress(.HNM) == .excluded(.code(.HNM)))
        #expect(score(.B, .GDS) == .excluded(.code(.B)))
    }

    // MARK: errors name the file, the place and what was expected

    private func error(_ yaml: String, year: Int = 2019) -> InputError? {
        do {
            _ = try parseMethodology(yaml: yaml, year: year, file: "m/\(year).yml")
            return nil
        } catch let e as InputError {
            return e
        } catch {
            return InputError(file: "", line: 0, column: 0, message: "unexpected \(error)")
        }
    }

    private func valid2019() throws -> String {
        try String(contentsOfFile: methodologyDirectory + "/2019.yml", encoding: .utf8)
    }

    @Test func missingFile() {
        #expect(throws: InputError.self) { try loadMethodology(year: 2021, directory: methodologyDirectory) }
        do {
            _ = try loadMethodology(year: 2021, directory: methodologyDirectory)
        } catch let e as InputError {
            #expect(e.file.hasSuffix("Data/methodology/2021.yml"))
            #expect(e.message.contains("no methodology file for 2021"))
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func wrongYear() throws {
        let e = try #require(error(try valid2019(), year: 2018))
        #expect(e.file == "m/2018.yml")
        #expect(e.line == 4)
        #expect(e.message == "year: the file says 2019 but is the file for 2018")
    }

    @Test func missingAndUnknownKeys() throws {
        let text = try valid2019()
        let noCapping = text.replacingOccurrences(of: "capping:", with: "capped:")
        let e = try #require(error(noCapping))
        #expect(e.message.hasPrefix("methodology file: unknown key 'capped'"))
        let noApplies = text.replacingOccurrences(of: "  applies: true\n", with: "")
        let e2 = try #require(error(noApplies))
        #expect(e2.message == "capping: missing 'applies'")
        let noSource = text.replacingOccurrences(of: "  note: The DfE caps", with: "  # The DfE caps")
        #expect(try #require(error(noSource)).message == "capping: missing 'note'")
    }

    @Test func badValues() throws {
        let text = try valid2019()
        let e = try #require(error(text.replacingOccurrences(of: "PK6: 79", with: "PK6: high")))
        #expect(e.message == "nominal_scores.below_test.PK6: expected a number, found 'high'")
        // the line of the bad value in the file (1-based), column of the value after `PK6: `
        let pk6Line =
            try #require(
                text.split(separator: "\n", omittingEmptySubsequences: false)
                    .firstIndex { $0.contains("PK6: 79") }) + 1
        #expect(e.line == pk6Line && e.column == 10)
        let e2 = try #require(error(text.replacingOccurrences(of: "PK6: 79", with: "PK9: 79")))
        #expect(e2.message == "nominal_scores.below_test: 'PK9' is not a known outcome or TA code")
        let e3 = try #require(error(text.replacingOccurrences(of: "[0, 1, 1.75,", with: "[0, 1.75, 1,")))
        #expect(e3.message.contains("is not above the previous bound 1.75"))
        let e4 = try #require(error(text.replacingOccurrences(of: "value: levels", with: "value: interim")))
        #expect(e4.message == "framework.value: KS2 2019 pupils were assessed at KS1 under levels, not interim")
        let e5 = try #require(error(text.replacingOccurrences(of: "source: published", with: "source: dfe")))
        #expect(e5.message == "framework.source: expected published or assumed, found 'dfe'")
        let e6 = try #require(error(text.replacingOccurrences(of: "WTS: 91}", with: "HNM: 80}")))
        #expect(e6.message.contains("missing WTS"))
        let e7 = try #require(
            error(text.replacingOccurrences(of: "mat: {p10: -3.15, p90: 3.0}", with: "mat: {p10: 3.15, p90: 3.0}")))
        #expect(e7.message == "band_thresholds.mat: p10 3.15 must be below p90 3.0")
        let e9 = try #require(error(text.replacingOccurrences(of: "  read: 6.17", with: "  read: -6.17")))
        #expect(e9.message == "sigma.read: expected a positive SD, found -6.17")
        let e10 = try #require(error(text.replacingOccurrences(of: "  writ: 5.69\n", with: "")))
        #expect(e10.message == "sigma: missing 'writ'")
        let e8 = try #require(error("year: [2019"))
        #expect(e8.message.hasPrefix("not valid YAML"))
        #expect(
            e.description == "m/2019.yml:\(pk6Line):10: nominal_scores.below_test.PK6: expected a number, found 'high'")
    }

    @Test func optionalGroupsMayBeAbsent() throws {
        let text = try valid2019()
        let cut = try #require(text.range(of: "\n# national SD"))
        let m = try parseMethodology(yaml: String(text[..<cut.lowerBound]) + "\n", year: 2019, file: "m/2019.yml")
        #expect(m.publishedSigma == nil && m.publishedBandThresholds == nil)
        #expect(m.sources.sigma == nil && m.sources.bandThresholds == nil)
    }
}
