import Foundation
import KS2Core

/// What a pupil file's header leaves unread or unfilled, said on the console and in run.json
/// (nothing silent): its columns that name nothing the tool reads, and the optional columns it
/// lacks with what stands in for each (a missing `disadvantaged` column takes a whole breakdown and
/// the gaps out of the outputs without a word otherwise).
public struct ColumnReport: Sendable, Hashable {
    /// An optional column the file lacks and what that means for the outputs.
    public struct AbsentColumn: Sendable, Hashable {
        public var column: String
        public var meaning: String
    }

    /// The file's base name.
    public var file: String
    /// Header texts that name no column the tool reads (ignored), in file order.
    public var notRead: [String] = []
    public var absent: [AbsentColumn] = []

    public init(file: String, notRead: [String] = [], absent: [AbsentColumn] = []) {
        self.file = file
        self.notRead = notRead
        self.absent = absent
    }

    /// The report of a file read by column positions: the header's columns at no position read.
    public init(file: String, header: [String], read: [Int?]) {
        let used = Set(read.compactMap { $0 })
        let notRead = header.indices.filter { !used.contains($0) }.map { header[$0] }
        self.init(file: file, notRead: notRead.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty })
    }

    /// The console's lines: one for the columns not read, one for the absent ones (none when the
    /// header is complete and every column is read).
    public var lines: [String] {
        var out: [String] = []
        if !notRead.isEmpty {
            let shown = notRead.prefix(20).map { "\"\(MessageText.clip($0, limit: 60))\"" }
            let more = notRead.count > 20 ? " and \(notRead.count - 20) more" : ""
            out.append(
                "note: \(file): columns not read (no name ks2progress knows): \(shown.joined(separator: ", "))\(more)")
        }
        if !absent.isEmpty {
            out.append(
                "note: \(file): " + absent.map { "no \($0.column) column: \($0.meaning)" }.joined(separator: "; "))
        }
        return out
    }
}

extension Columns {
    /// Header texts that name none of `specs`' columns, nor a column `mapping` names: the columns
    /// the read ignores. Mirrors `resolve` (a column displaced by an explicit mapping is not read).
    static func notRead(_ header: [String], specs: [ColumnSpec], mapping: [String: String]) -> [String] {
        let known = Set(specs.map(\.canonical))
        var names = Set(mapping.filter { known.contains($0.key) }.values.map(normalize))
        for spec in specs where mapping[spec.canonical] == nil { names.formUnion(spec.aliases) }
        return header.filter {
            let key = normalize($0)
            return !key.isEmpty && !names.contains(key)
        }
    }

    /// The optional KS2 columns `index` lacks that change what the outputs hold, with what stands in.
    static func absentKS2Columns(_ index: [String: Int], keepNames: Bool) -> [ColumnReport.AbsentColumn] {
        var out: [ColumnReport.AbsentColumn] = []
        func absent(_ names: String..., meaning: String) {
            if names.allSatisfy({ index[$0] == nil }) {
                out.append(.init(column: names.joined(separator: " or "), meaning: meaning))
            }
        }
        if index["la"] == nil {
            out.append(
                .init(
                    column: "la",
                    meaning: index["laestab"] != nil
                        ? "the LA is taken from laestab" : "and no laestab either: no pupil counts in an LA's figures"))
        }
        absent("school_name", meaning: "schools are shown by URN without a name")
        absent("special", meaning: "every school is taken as mainstream (all count in the band percentiles)")
        absent("year", meaning: "rows are not checked against the run's year")
        absent("gender", meaning: "no gender groups")
        absent("disadvantaged", meaning: "no disadvantaged groups and no gaps")
        absent("eal", meaning: "no EAL groups")
        absent("sen", meaning: "no SEN groups")
        absent("gps_score", "gps_code", meaning: "no grammar, punctuation and spelling attainment")
        if keepNames { absent("surname", "forename", meaning: "the workbooks show no pupil names") }
        return out
    }
}

/// A KS2 file's schools whose rows describe them two ways: named two ways, placed in two LAs,
/// marked special on some rows only. Each is resolved as before (the first name and LA; special)
/// and said, on the console and in run.json.
public struct SchoolNotes: Sendable, Hashable {
    /// The file's base name.
    public var file: String
    public var namedTwoWays: [SchoolNamedTwoWays] = []
    public var inTwoLAs: [SchoolInTwoLAs] = []
    public var partlySpecial: [SchoolPartlySpecial] = []

    public init(file: String) { self.file = file }

    /// The console's lines, one per kind found.
    public var lines: [String] {
        SchoolNamedTwoWays.lines(namedTwoWays, file: file) + SchoolInTwoLAs.lines(inTwoLAs, file: file)
            + SchoolPartlySpecial.lines(partlySpecial, file: file)
    }
}

/// A school its rows name in two ways ("Oak Primary" on some, "Oak Primary School" on others):
/// the first name is used, and the run says so rather than choosing in silence.
public struct SchoolNamedTwoWays: Sendable, Hashable {
    public var school: String
    /// The name used, and the line that first gives it.
    public var used: String
    public var usedLine: Int
    /// The first other name, and its line.
    public var other: String
    public var otherLine: Int

    /// The console's line for a file's schools named two ways (none when there are none).
    public static func lines(_ schools: [SchoolNamedTwoWays], file: String) -> [String] {
        schoolsNote(
            file: file, count: schools.count, one: "a school is", many: "schools are",
            what: "named in two ways; the first name is used",
            shown: schools.prefix(3).map {
                "\($0.school) \"\(MessageText.clip($0.used, limit: 60))\" (line \($0.usedLine)), "
                    + "also \"\(MessageText.clip($0.other, limit: 60))\" (line \($0.otherLine))"
            })
    }
}

/// A school its rows place in two LAs: the school's row shows the first, each pupil still counts
/// in its own LA's figures, and the run says so.
public struct SchoolInTwoLAs: Sendable, Hashable {
    public var school: String
    /// The LA the school's row shows, and the first other LA with its line.
    public var used: String
    public var other: String
    public var otherLine: Int

    /// The console's line for a file's schools in two LAs (none when there are none).
    public static func lines(_ schools: [SchoolInTwoLAs], file: String) -> [String] {
        schoolsNote(
            file: file, count: schools.count, one: "a school's rows give it", many: "schools' rows give them",
            what: "two LAs; the school's row shows the first and each pupil counts in its own LA",
            shown: schools.prefix(3).map { "\($0.school) in \($0.used), also \($0.other) (line \($0.otherLine))" })
    }
}

/// A school its rows mark special (`Y`) on some rows and not on others: it is taken as special
/// (left out of the band percentiles), and the run says so.
public struct SchoolPartlySpecial: Sendable, Hashable {
    public var school: String
    /// The first line marking it special, and the first not.
    public var specialLine: Int
    public var mainstreamLine: Int

    /// The console's line for a file's schools marked both ways (none when there are none).
    public static func lines(_ schools: [SchoolPartlySpecial], file: String) -> [String] {
        schoolsNote(
            file: file, count: schools.count, one: "a school is", many: "schools are",
            what: "marked special on some rows and not on others; taken as special (out of the band percentiles)",
            shown: schools.prefix(3).map {
                "\($0.school) (special at line \($0.specialLine), not at line \($0.mainstreamLine))"
            })
    }
}

/// One note line on a file's schools (the first three shown, the rest counted; all in run.json).
private func schoolsNote(file: String, count: Int, one: String, many: String, what: String, shown: [String]) -> [String]
{
    guard count > 0 else { return [] }
    let more = count > shown.count ? "; and \(count - shown.count) more (run.json)" : ""
    let subject = count == 1 ? one : "\(count) \(many)"
    return ["note: \(file): \(subject) \(what): \(shown.joined(separator: "; "))\(more)"]
}
