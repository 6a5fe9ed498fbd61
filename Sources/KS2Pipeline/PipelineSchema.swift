import Foundation
import KS2Core
import KS2Ingest
import Yams

/// The strict reading of a pipeline file: every key must be known (a misspelt `estimate:` would
/// silently turn a county run into a national one), no value may be null, and every value is
/// range-checked as on the command line. Errors name the file, the line and the nearest valid key.
enum PipelineSchema {
    static let topKeys = [
        "name", "description", "output", "methodology", "xlsx", "threads", "years", "published",
        "published_year", "cohorts", "focus_threshold", "targets", "tracking",
    ]
    static let yearKeys = ["year", "ks2", "ks1", "estimates", "ks2_columns", "ks1_columns"]
    static let targetsKeys = ["cohort", "estimates", "stretch"]
    static let trackingKeys = ["cohort", "estimates", "tracking", "cohorts", "stretch", "windows"]
    /// Years the methodology can cover.
    static let years = 2016...2035
    /// Worker threads a run may ask for (as `--threads`).
    static let threads = 1...1024

    /// The folder a pipeline file's relative paths are read from.
    static func folder(of path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    /// Parses, checks and decodes `text` (the contents of `path`).
    static func read(_ text: String, path: String) throws -> PipelineFile {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw PipelineError.invalid("\(path): the pipeline file is empty: expected `output` and its inputs")
            }
            root = node
        } catch let e as PipelineError {
            throw e
        } catch let e as YamlError {
            throw PipelineError.invalid("\(path): not valid YAML: \(MessageText.clip("\(e)", limit: 200))")
        }
        try checkStructure(root, path: path)
        let file: PipelineFile
        do {
            file = try YAMLDecoder().decode(PipelineFile.self, from: root)
        } catch let DecodingError.typeMismatch(type, context) {
            throw PipelineError.invalid(
                "\(at(path, root, context.codingPath)): `\(keyPath(context.codingPath))` "
                    + "has the wrong type: expected \(describe(type))")
        } catch let DecodingError.valueNotFound(type, context) {
            throw PipelineError.invalid(
                "\(at(path, root, context.codingPath)): `\(keyPath(context.codingPath))` "
                    + "is empty: expected \(describe(type))")
        } catch let DecodingError.keyNotFound(key, context) {
            let place = context.codingPath.isEmpty ? "" : " in `\(keyPath(context.codingPath))`"
            throw PipelineError.invalid("\(at(path, root, context.codingPath)): missing `\(key.stringValue)`\(place)")
        } catch {
            throw PipelineError.invalid(
                "\(path): not a valid pipeline file: \(MessageText.clip("\(error)", limit: 200))")
        }
        try checkValues(file, root: root, path: path)
        return file
    }

    /// Unknown keys and null values, wherever they stand; the first in the file is reported.
    static func checkStructure(_ root: Node, path: String) throws {
        guard let top = root.mapping else {
            throw PipelineError.invalid(
                "\(path):\(root.mark?.line ?? 1): expected a mapping of keys (`output:`, `years:` …)")
        }
        var problems = keyProblems(top, allowed: topKeys, context: "", path: path)
        if let years = top["years"]?.sequence {
            for (k, item) in years.enumerated() {
                guard let entry = item.mapping else {
                    problems.append(
                        (
                            item.mark?.line ?? 0,
                            "\(path):\(item.mark?.line ?? 0): years[\(k + 1)] must be "
                                + "a mapping (`year:`, `ks2:`, `ks1:` …)"
                        ))
                    continue
                }
                problems += keyProblems(entry, allowed: yearKeys, context: "years[\(k + 1)]", path: path)
                for (block, names) in [("ks2_columns", CanonicalColumns.ks2), ("ks1_columns", CanonicalColumns.ks1)] {
                    if let mapping = entry[block]?.mapping {
                        problems += keyProblems(
                            mapping, allowed: names, context: "years[\(k + 1)].\(block)",
                            path: path, nullAllowed: true, what: "column")
                    }
                }
            }
        }
        if let targets = top["targets"]?.mapping {
            problems += keyProblems(targets, allowed: targetsKeys, context: "targets", path: path)
        }
        if let tracking = top["tracking"]?.mapping {
            problems += keyProblems(tracking, allowed: trackingKeys, context: "tracking", path: path)
        }
        if let first = problems.min(by: { $0.line < $1.line }) { throw PipelineError.invalid(first.message) }
    }

    /// Unknown, repeated and null keys of one mapping, with their lines.
    static func keyProblems(
        _ mapping: Node.Mapping, allowed: [String], context: String, path: String,
        nullAllowed: Bool = false, what: String = "key"
    ) -> [(line: Int, message: String)] {
        var problems: [(line: Int, message: String)] = []
        var seen: Set<String> = []
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let line = keyNode.mark?.line ?? 0
            let place = context.isEmpty ? "" : " in \(context)"
            if !allowed.contains(key) {
                let near = nearest(key, among: allowed).map { " (did you mean `\($0)`?)" } ?? ""
                problems.append(
                    (
                        line,
                        "\(path):\(line): unknown \(what) `\(key)`\(place)\(near); "
                            + "expected one of: \(allowed.joined(separator: ", "))"
                    ))
            } else if !seen.insert(key).inserted {
                problems.append((line, "\(path):\(line): `\(key)`\(place) is given twice"))
            } else if !nullAllowed && value.null != nil {
                problems.append(
                    (line, "\(path):\(line): `\(key)`\(place) is empty (null); give a value or remove the key"))
            }
        }
        return problems
    }

    /// Ranges and paths, checked as the command line checks them.
    static func checkValues(_ file: PipelineFile, root: Node, path: String) throws {
        let place = ValuePlace(root: root, path: path)
        if (file.years ?? []).isEmpty && (file.published ?? []).isEmpty && file.targets == nil && file.tracking == nil {
            throw PipelineError.invalid(
                "\(path): declares no inputs: give `years`, `published`, `targets` or `tracking`")
        }
        try place.checkPath(file.output, ["output"])
        if let m = file.methodology { try place.checkPath(m, ["methodology"]) }
        if let c = file.cohorts { try place.checkPath(c, ["cohorts"]) }
        if let t = file.threads, !threads.contains(t) {
            throw PipelineError.invalid(
                "\(place.line(["threads"])): `threads` is \(t): expected \(threads.lowerBound) to \(threads.upperBound)"
            )
        }
        if let y = file.published_year, !years.contains(y) {
            throw PipelineError.invalid(
                "\(place.line(["published_year"])): `published_year` is \(y): expected a KS2 year from \(years.lowerBound) to \(years.upperBound)"
            )
        }
        if let f = file.focus_threshold, !f.isFinite || abs(f) > 40 {
            throw PipelineError.invalid(
                "\(place.line(["focus_threshold"])): `focus_threshold` is \(f): expected a number of progress points from -40 to 40"
            )
        }
        try checkYears(file, place)
        for (k, table) in (file.published ?? []).enumerated() { try place.checkPath(table, ["published", "\(k)"]) }
        try checkTargetsAndTracking(file, place)
    }

    /// Where a value sits in the pipeline file (`file:line` for messages), and the path checks.
    struct ValuePlace {
        let root: Node
        let path: String

        /// `path:line` of the node at `keys` (mapping keys, or sequence indices as numbers).
        func line(_ keys: [String]) -> String {
            var node: Node? = root
            for key in keys {
                if let index = Int(key) {
                    node = node?.sequence.flatMap { index < $0.count ? $0[index] : nil }
                } else {
                    node = node?.mapping?[key]
                }
            }
            return "\(path):\(node?.mark?.line ?? 0)"
        }

        /// A path value must not be blank, nor start with `~` (which the tool does not expand).
        func checkPath(_ value: String, _ keys: [String]) throws {
            let name = keys.filter { Int($0) == nil }.joined(separator: ".")
            if value.trimmingCharacters(in: .whitespaces).isEmpty {
                throw PipelineError.invalid("\(line(keys)): `\(name)` is empty: expected a path")
            }
            if value.hasPrefix("~") {
                throw PipelineError.invalid(
                    "\(line(keys)): `\(name)` starts with `~`, which ks2progress does not expand; "
                        + "write the path in full or relative to the pipeline file")
            }
        }
    }

    /// Each `years` entry: a KS2 year in range, given once, with its paths.
    static func checkYears(_ file: PipelineFile, _ place: ValuePlace) throws {
        var seenYears: Set<Int> = []
        for (k, y) in (file.years ?? []).enumerated() {
            if !years.contains(y.year) {
                throw PipelineError.invalid(
                    "\(place.line(["years", "\(k)", "year"])): `year` is \(y.year): expected a KS2 year from \(years.lowerBound) to \(years.upperBound)"
                )
            }
            if !seenYears.insert(y.year).inserted {
                throw PipelineError.invalid("\(place.line(["years", "\(k)", "year"])): year \(y.year) is given twice")
            }
            try place.checkPath(y.ks2, ["years", "\(k)", "ks2"])
            try place.checkPath(y.ks1, ["years", "\(k)", "ks1"])
            if let e = y.estimates { try place.checkPath(e, ["years", "\(k)", "estimates"]) }
        }
    }

    /// The `targets` and `tracking` sections: their paths, stretch in range, windows not empty.
    static func checkTargetsAndTracking(_ file: PipelineFile, _ place: ValuePlace) throws {
        if let t = file.targets {
            try place.checkPath(t.cohort, ["targets", "cohort"])
            try place.checkPath(t.estimates, ["targets", "estimates"])
            if let s = t.stretch, !(0...TargetsJob.maximumStretch).contains(s) {
                throw PipelineError.invalid(
                    "\(place.line(["targets", "stretch"])): `stretch` is \(s): expected 0 to \(TargetsJob.maximumStretch)"
                )
            }
        }
        if let t = file.tracking {
            for key in ["cohort", "estimates", "tracking"] {
                try place.checkPath(
                    key == "cohort" ? t.cohort : key == "estimates" ? t.estimates : t.tracking, ["tracking", key])
            }
            if let c = t.cohorts { try place.checkPath(c, ["tracking", "cohorts"]) }
            if let s = t.stretch, !(0...TargetsJob.maximumStretch).contains(s) {
                throw PipelineError.invalid(
                    "\(place.line(["tracking", "stretch"])): `stretch` is \(s): expected 0 to \(TargetsJob.maximumStretch)"
                )
            }
            if let w = t.windows, w.isEmpty {
                throw PipelineError.invalid(
                    "\(place.line(["tracking", "windows"])): `windows` is empty: expected the visits in order, e.g. [oct, jan, mar, jul]"
                )
            }
        }
    }

    /// `folder/path` with `.` dropped and `name/..` pairs folded (`Pipelines/../Data` → `Data`), so
    /// messages and run.json show the path a user would write.
    static func joinLexically(_ folder: String, _ path: String) -> String {
        var parts: [Substring] = []
        let absolute = folder.hasPrefix("/")
        for part in (folder + "/" + path).split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else {
                parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    /// The closest valid key by edit distance, when it is close enough to be a misspelling.
    static func nearest(_ key: String, among allowed: [String]) -> String? {
        let scored = allowed.map { ($0, editDistance(key.lowercased(), $0)) }.min { $0.1 < $1.1 }
        guard let (best, distance) = scored, distance <= max(2, best.count / 3) else { return nil }
        return best
    }

    /// Levenshtein distance over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a)
        let y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = previous
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }

    static func keyPath(_ path: [CodingKey]) -> String {
        path.map { $0.intValue.map { "[\($0 + 1)]" } ?? $0.stringValue }
            .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }

    static func at(_ file: String, _ root: Node, _ path: [CodingKey]) -> String {
        var node: Node? = root
        for key in path {
            if let index = key.intValue {
                node = node?.sequence.flatMap { index < $0.count ? $0[index] : nil }
            } else {
                node = node?.mapping?[key.stringValue]
            }
        }
        return "\(file):\(node?.mark?.line ?? 0)"
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: return "a whole number"
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is String.Type: return "text"
        default: return "a \(type)"
        }
    }
}

extension PipelineFile {
    /// Every input path the pipeline names (the output folder may hold none of them).
    var inputPaths: [String] {
        var paths: [String] = []
        for y in years ?? [] { paths += [y.ks2, y.ks1] + [y.estimates].compactMap { $0 } }
        paths += published ?? []
        paths += [cohorts, methodology, targets?.cohort, targets?.estimates].compactMap { $0 }
        if let t = tracking { paths += [t.cohort, t.estimates, t.tracking] + [t.cohorts].compactMap { $0 } }
        return paths
    }

    /// The same file with every relative path taken from `folder` (the pipeline file's folder).
    func resolvingPaths(from folder: String) -> PipelineFile {
        func resolve(_ p: String) -> String {
            p.hasPrefix("/") || folder == "." ? p : PipelineSchema.joinLexically(folder, p)
        }
        var file = self
        file.output = resolve(output)
        file.methodology = methodology.map(resolve)
        file.cohorts = cohorts.map(resolve)
        file.published = published?.map(resolve)
        file.years = years?.map { y in
            var y = y
            y.ks2 = resolve(y.ks2)
            y.ks1 = resolve(y.ks1)
            y.estimates = y.estimates.map(resolve)
            return y
        }
        if var t = targets {
            t.cohort = resolve(t.cohort)
            t.estimates = resolve(t.estimates)
            file.targets = t
        }
        if var t = tracking {
            t.cohort = resolve(t.cohort)
            t.estimates = resolve(t.estimates)
            t.tracking = resolve(t.tracking)
            t.cohorts = t.cohorts.map(resolve)
            file.tracking = t
        }
        return file
    }
}
