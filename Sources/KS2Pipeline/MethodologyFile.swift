import Foundation
import KS2Core
import Yams

/// Reads `DIRECTORY/YEAR.yml`, the methodology values of one KS2 year (methodology.md), so that
/// every table the guides leave open is data a user can replace, never code.
///
/// Errors are `InputError`s naming the file, the line and column of the offending value, and what
/// was expected.
public func loadMethodology(year: Int, directory: String) throws -> MethodologyYear {
    let path = (directory as NSString).appendingPathComponent("\(year).yml")
    let text: String
    do {
        text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
        throw InputError(
            file: path, line: 1, column: 1,
            message: "no methodology file for \(year) (expected \(year).yml in \(directory))"
                + ((2020...2021).contains(year) ? "; KS2 tests were not taken in 2020 or 2021" : ""))
    }
    return try parseMethodology(yaml: text, year: year, file: path)
}

/// Parses the text of a methodology file for the given KS2 year; `file` names it in errors.
public func parseMethodology(yaml: String, year: Int, file: String) throws -> MethodologyYear {
    let reader = MethodologyFileReader(file: file)
    let root: Node
    do {
        guard let node = try Yams.compose(yaml: yaml) else {
            throw InputError(file: file, line: 1, column: 1, message: "empty methodology file")
        }
        root = node
    } catch let error as InputError {
        throw error
    } catch let error as YamlError {
        throw InputError(file: file, line: 1, column: 1, message: "not valid YAML: \(error)")
    }
    return try reader.read(root, expectedYear: year)
}

/// The keys and their meaning, kept in one place so that messages list what is allowed.
private enum MethodologyKeys {
    static let top = [
        "year", "framework", "prior_attainment_groups", "nominal_scores", "writing_ta_points",
        "capping", "sigma", "band_thresholds",
    ]
    static let source = ["source", "note"]
}

/// Walks the YAML tree of one methodology file, turning each mismatch into a located `InputError`.
private struct MethodologyFileReader {
    let file: String

    func fail(_ node: Node?, _ message: String) -> InputError {
        InputError(file: file, line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1, message: message)
    }

    func mapping(_ node: Node, _ what: String, allowed: [String]) throws -> Node.Mapping {
        guard let m = node.mapping else { throw fail(node, "\(what): expected a mapping") }
        for (key, _) in m {
            guard let k = key.string, allowed.contains(k) else {
                throw fail(
                    key,
                    "\(what): unknown key '\(key.string ?? "?")' (expected one of \(allowed.joined(separator: ", ")))")
            }
        }
        return m
    }

    func required(_ m: Node.Mapping, _ key: String, in what: String, at node: Node) throws -> Node {
        guard let v = m[key] else { throw fail(node, "\(what): missing '\(key)'") }
        return v
    }

    func number(_ node: Node, _ what: String) throws -> Double {
        guard let s = node.scalar, s.style == .plain || s.style == .any,
            let v = Double(s.string.trimmingCharacters(in: .whitespaces)), v.isFinite
        else { throw fail(node, "\(what): expected a number, found '\(node.string ?? "?")'") }
        return v
    }

    func text(_ node: Node, _ what: String) throws -> String {
        guard let s = node.scalar else { throw fail(node, "\(what): expected text") }
        return s.string
    }

    func code(_ node: Node, _ what: String) throws -> Code {
        guard let s = node.string, let c = Code(s), c != .none else {
            throw fail(node, "\(what): '\(node.string ?? "?")' is not a known outcome or TA code")
        }
        return c
    }

    /// `source: published|assumed` and `note:` of a value group.
    func source(_ m: Node.Mapping, _ what: String, at node: Node, assumedItems: [String] = []) throws -> ValueSource {
        let s = try required(m, "source", in: what, at: node)
        guard let raw = s.string, let kind = SourceKind(rawValue: raw) else {
            throw fail(s, "\(what).source: expected published or assumed, found '\(s.string ?? "?")'")
        }
        let note = try required(m, "note", in: what, at: node)
        return ValueSource(kind: kind, note: try text(note, "\(what).note"), assumedItems: assumedItems)
    }

    /// A mapping of code → score, each code once.
    func codeScores(_ node: Node, _ what: String) throws -> CodeScoreTable {
        guard let m = node.mapping else { throw fail(node, "\(what): expected a mapping of code: score") }
        var table = CodeScoreTable()
        for (key, value) in m {
            let c = try code(key, what)
            if table[c] != nil { throw fail(key, "\(what): '\(c.name)' given twice") }
            let v = try number(value, "\(what).\(key.string ?? "")")
            guard v >= 0 && v <= 120 else { throw fail(value, "\(what).\(c.name): expected a score 0-120, found \(v)") }
            table[c] = v
        }
        return table
    }

    /// An optional group with one value per subject (`read`, `writ`, `mat`) and its source.
    func perSubjectGroup<Value>(
        _ node: Node?, _ what: String,
        value: (Node, String) throws -> Value
    ) throws
        -> (values: PerSubject<Value>, source: ValueSource)?
    {
        guard let node else { return nil }
        let m = try mapping(node, what, allowed: Subject.allCases.map(\.name) + MethodologyKeys.source)
        func one(_ subject: Subject) throws -> Value {
            try value(try required(m, subject.name, in: what, at: node), "\(what).\(subject.name)")
        }
        let values = PerSubject(read: try one(.read), writ: try one(.writ), mat: try one(.mat))
        return (values, try source(m, what, at: node))
    }

    func read(_ root: Node, expectedYear: Int) throws -> MethodologyYear {
        let top = try mapping(root, "methodology file", allowed: MethodologyKeys.top)
        let yearNode = try required(top, "year", in: "methodology file", at: root)
        guard let year = yearNode.int else { throw fail(yearNode, "year: expected a whole year, e.g. 2019") }
        guard year == expectedYear else {
            throw fail(yearNode, "year: the file says \(year) but is the file for \(expectedYear)")
        }
        let framework = try framework(top, year: year, root: root)
        let groups = try priorAttainmentGroups(top, root: root)
        let nominal = try nominalScores(top, root: root)
        let writing = try writingPoints(top, root: root)
        let capping = try capping(top, root: root)
        let sigma = try perSubjectGroup(top["sigma"], "sigma") { node, what in
            let v = try number(node, what)
            guard v > 0 else { throw fail(node, "\(what): expected a positive SD, found \(v)") }
            return v
        }
        let thresholds = try perSubjectGroup(top["band_thresholds"], "band_thresholds") { node, what in
            let m = try mapping(node, what, allowed: ["p10", "p90"])
            let p10 = try number(try required(m, "p10", in: what, at: node), "\(what).p10")
            let p90 = try number(try required(m, "p90", in: what, at: node), "\(what).p90")
            guard p10 < p90 else { throw fail(node, "\(what): p10 \(p10) must be below p90 \(p90)") }
            return BandThresholds(p10: p10, p90: p90)
        }
        return MethodologyYear(
            year: year, framework: framework.value, pagLowerBounds: groups.value, nominalScores: nominal.table,
            nominalForNoScaledScore: nominal.forN, writingTAPoints: writing.value, cappingApplies: capping.value,
            publishedSigma: sigma?.values, publishedBandThresholds: thresholds?.values,
            sources: MethodologySources(
                framework: framework.source, priorAttainmentGroups: groups.source,
                nominalScores: nominal.source, writingTAPoints: writing.source,
                capping: capping.source, sigma: sigma?.source, bandThresholds: thresholds?.source))
    }

    /// `framework`: the KS1 framework of the year's pupils, which must be the one they had.
    func framework(_ top: Node.Mapping, year: Int, root: Node) throws -> (value: KS1Framework, source: ValueSource) {
        let fwNode = try required(top, "framework", in: "methodology file", at: root)
        let fw = try mapping(fwNode, "framework", allowed: ["value"] + MethodologyKeys.source)
        let fwValue = try required(fw, "value", in: "framework", at: fwNode)
        guard let fwName = fwValue.string, let framework = KS1Framework.allCases.first(where: { $0.name == fwName })
        else { throw fail(fwValue, "framework.value: expected levels or interim, found '\(fwValue.string ?? "?")'") }
        let expectedFramework = KS1Framework.forKS2Year(year)
        guard framework == expectedFramework else {
            throw fail(
                fwValue,
                "framework.value: KS2 \(year) pupils were assessed at KS1 under "
                    + "\(expectedFramework.name), not \(framework.name)")
        }
        return (framework, try source(fw, "framework", at: fwNode))
    }

    /// `prior_attainment_groups`: increasing lower bounds of KS1 APS, the first 0.
    func priorAttainmentGroups(_ top: Node.Mapping, root: Node) throws -> (value: [Double], source: ValueSource) {
        let pagNode = try required(top, "prior_attainment_groups", in: "methodology file", at: root)
        let pag = try mapping(pagNode, "prior_attainment_groups", allowed: ["lower_bounds"] + MethodologyKeys.source)
        let boundsNode = try required(pag, "lower_bounds", in: "prior_attainment_groups", at: pagNode)
        guard let seq = boundsNode.sequence, !seq.isEmpty else {
            throw fail(boundsNode, "prior_attainment_groups.lower_bounds: expected a non-empty list of KS1 APS bounds")
        }
        var bounds: [Double] = []
        for n in seq {
            let b = try number(n, "prior_attainment_groups.lower_bounds")
            if let last = bounds.last, b <= last {
                throw fail(
                    n,
                    "prior_attainment_groups.lower_bounds: \(b) is not above the previous bound \(last) "
                        + "(bounds must increase)")
            }
            bounds.append(b)
        }
        guard bounds[0] == 0 else {
            throw fail(seq.first, "prior_attainment_groups.lower_bounds: the first bound must be 0, found \(bounds[0])")
        }
        return (bounds, try source(pag, "prior_attainment_groups", at: pagNode))
    }

    /// `nominal_scores`: the score for `N` (or excluded), the below-test table and which are assumed.
    func nominalScores(_ top: Node.Mapping, root: Node) throws
        -> (forN: Double?, table: CodeScoreTable, source: ValueSource)
    {
        let nomNode = try required(top, "nominal_scores", in: "methodology file", at: root)
        let nom = try mapping(
            nomNode, "nominal_scores", allowed: ["no_scaled_score", "below_test", "assumed"] + MethodologyKeys.source)
        let nNode = try required(nom, "no_scaled_score", in: "nominal_scores", at: nomNode)
        let nominalForN: Double?
        if nNode.string == "excluded" {
            nominalForN = nil
        } else {
            let v = try number(nNode, "nominal_scores.no_scaled_score (a score, or excluded)")
            guard v >= 0 && v <= 120 else {
                throw fail(nNode, "nominal_scores.no_scaled_score: expected a score 0-120, found \(v)")
            }
            nominalForN = v
        }
        let table = try codeScores(
            try required(nom, "below_test", in: "nominal_scores", at: nomNode),
            "nominal_scores.below_test")
        var assumedCodes: [String] = []
        if let a = nom["assumed"] {
            guard let list = a.sequence else { throw fail(a, "nominal_scores.assumed: expected a list of codes") }
            for n in list {
                let c = try code(n, "nominal_scores.assumed")
                guard table[c] != nil || (c == .N && nominalForN != nil) else {
                    throw fail(n, "nominal_scores.assumed: '\(c.name)' has no nominal score in below_test")
                }
                assumedCodes.append(c.name)
            }
        }
        return (nominalForN, table, try source(nom, "nominal_scores", at: nomNode, assumedItems: assumedCodes))
    }

    /// `writing_ta_points`: the points of GDS, EXS and WTS (below WTS uses the nominal scores).
    func writingPoints(_ top: Node.Mapping, root: Node) throws -> (value: CodeScoreTable, source: ValueSource) {
        let wNode = try required(top, "writing_ta_points", in: "methodology file", at: root)
        let w = try mapping(wNode, "writing_ta_points", allowed: ["points"] + MethodologyKeys.source)
        let pointsNode = try required(w, "points", in: "writing_ta_points", at: wNode)
        let points = try codeScores(pointsNode, "writing_ta_points.points")
        for c in [Code.GDS, .EXS, .WTS] where points[c] == nil {
            throw fail(pointsNode, "writing_ta_points.points: missing \(c.name) (expected GDS, EXS and WTS)")
        }
        for (c, _) in points.entries where c != .GDS && c != .EXS && c != .WTS {
            throw fail(
                pointsNode, "writing_ta_points.points: \(c.name) is not GDS, EXS or WTS (below WTS uses nominal_scores)"
            )
        }
        return (points, try source(w, "writing_ta_points", at: wNode))
    }

    /// `capping`: whether extremely negative scores are capped (KS2 2018 on).
    func capping(_ top: Node.Mapping, root: Node) throws -> (value: Bool, source: ValueSource) {
        let capNode = try required(top, "capping", in: "methodology file", at: root)
        let cap = try mapping(capNode, "capping", allowed: ["applies"] + MethodologyKeys.source)
        let appliesNode = try required(cap, "applies", in: "capping", at: capNode)
        guard let applies = appliesNode.bool else {
            throw fail(appliesNode, "capping.applies: expected true or false, found '\(appliesNode.string ?? "?")'")
        }
        return (applies, try source(cap, "capping", at: capNode))
    }
}
