import KS2Core
import KS2Ingest

/// libFuzzer entry point: the input bytes are read as a delimited file (DelimitedText), as a KS2
/// results file and as a KS1 file, each once whole and once cut into tiny parallel chunks. It
/// traps (a finding) when a reader crashes or breaks an invariant: every row read is accepted
/// or rejected, reject lines lie inside the file, and chunking never changes a result.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    FuzzChecks.check(bytes)
    return 0
}

/// The invariants checked on each input.
enum FuzzChecks {
    static func check(_ bytes: [UInt8]) {
        // physical lines as the reader counts them: LF, CRLF or a lone CR ends a line
        var lineCount = 1
        for (i, b) in bytes.enumerated()
        where b == 0x0A || (b == 0x0D && (i + 1 == bytes.count || bytes[i + 1] != 0x0A)) {
            lineCount += 1
        }
        // the plain scan
        let whole: DelimitedFile
        do {
            whole = try DelimitedFile(bytes: bytes, path: "fuzz.csv")
        } catch {
            precondition(error.line >= 1 && error.line <= lineCount, "file error line \(error.line) of \(lineCount)")
            precondition(error.column >= 1, "file error column \(error.column)")
            // a file-level fault must not depend on chunking
            do {
                _ = try DelimitedFile(bytes: bytes, path: "fuzz.csv", threads: 3, chunkBytes: 5)
                preconditionFailure("chunked open succeeded where the whole open failed: \(error)")
            } catch let again {
                precondition(again == error, "chunked open failed differently: \(again) vs \(error)")
            }
            return
        }
        let chunked: DelimitedFile
        do {
            chunked = try DelimitedFile(bytes: bytes, path: "fuzz.csv", threads: 3, chunkBytes: 5)
        } catch {
            preconditionFailure("chunked open failed where the whole open succeeded: \(error)")
        }
        let text: DelimitedText
        do {
            text = try DelimitedText.read(whole)
        } catch {
            // a stray quote in the data: every reader and every chunking stops on the same fault
            precondition(error.line > whole.headerLine && error.line <= lineCount && error.column >= 1, "\(error)")
            for file in [whole, chunked] {
                do {
                    _ = try DelimitedText.read(file)
                    preconditionFailure("chunked text read succeeded")
                } catch let e {
                    precondition(e == error, "text errors differ: \(e) vs \(error)")
                }
            }
            return
        }
        precondition(text.rows.count == text.lines.count)
        if let reference = NaiveReader.read(bytes) {
            precondition(
                reference.header == text.header,
                "header differs from the naive reader: \(reference.header) vs \(text.header)")
            precondition(
                reference.lines == text.lines,
                "row lines differ from the naive reader: \(reference.lines) vs \(text.lines)")
            precondition(reference.rows == text.rows, "rows differ from the naive reader")
        }
        var previous = whole.headerLine
        for line in text.lines {
            precondition(line > previous && line <= lineCount, "row line \(line) after \(previous) of \(lineCount)")
            previous = line
        }
        do {
            let again = try DelimitedText.read(chunked)
            precondition(again == text, "DelimitedText differs when chunked")
        } catch {
            preconditionFailure("chunked text read failed where the whole read succeeded: \(error)")
        }

        checkKS2(whole, chunked, lineCount: lineCount)
        checkKS1(whole, chunked, lineCount: lineCount)
    }

    static func checkRejects(_ rejects: [Reject], _ account: FileAccount, header: Int, lineCount: Int) {
        precondition(
            account.read == account.accepted + account.rejected,
            "read \(account.read) != accepted \(account.accepted) + rejected \(account.rejected)")
        precondition(rejects.count == account.rejected)
        precondition(account.rejectedByReason.values.reduce(0, +) == account.rejected)
        var previous = header
        for r in rejects {
            precondition(r.line > header && r.line <= lineCount, "reject line \(r.line) of \(lineCount)")
            precondition(r.line >= previous, "rejects out of order")
            previous = r.line
            precondition(!r.detail.isEmpty)
        }
    }

    static func checkKS2(_ whole: DelimitedFile, _ chunked: DelimitedFile, lineCount: Int) {
        let one: KS2ReadResult
        do {
            one = try readKS2(file: whole, year: 2019, options: IngestOptions(threads: 1, keepNames: true))
        } catch {
            precondition(error.line >= 1 && error.line <= lineCount && error.column >= 1, "\(error)")
            do {
                var o = IngestOptions(threads: 3, keepNames: true)
                o.chunkBytes = 5
                _ = try readKS2(file: chunked, year: 2019, options: o)
                preconditionFailure("KS2: chunked read succeeded where the whole read failed")
            } catch let again { precondition(again == error, "KS2: errors differ") }
            return
        }
        checkRejects(one.rejects, one.account, header: whole.headerLine, lineCount: lineCount)
        precondition(one.cohort.pupils.count == one.account.accepted)
        precondition(one.cohort.names.count == one.cohort.pupils.count)
        var upns = Set<UPN>()
        for p in one.cohort.pupils {
            precondition(upns.insert(p.upn).inserted, "accepted UPN twice")
            precondition(Int(p.school) < one.cohort.schools.count)
            precondition(p.la < Int32(one.cohort.localAuthorities.count))
            precondition(p.line > Int32(whole.headerLine) && p.line <= Int32(lineCount))
        }
        var o = IngestOptions(threads: 3, keepNames: true)
        o.chunkBytes = 5
        do {
            let many = try readKS2(file: chunked, year: 2019, options: o)
            precondition(many.rejects == one.rejects, "KS2 rejects differ when chunked")
            precondition(many.cohort.pupils == one.cohort.pupils, "KS2 pupils differ when chunked")
            precondition(many.cohort.schools == one.cohort.schools, "KS2 schools differ when chunked")
            precondition(many.cohort.names == one.cohort.names, "KS2 names differ when chunked")
            precondition(many.account == one.account, "KS2 accounting differs when chunked")
        } catch {
            preconditionFailure("KS2: chunked read failed where the whole read succeeded: \(error)")
        }
    }

    static func checkKS1(_ whole: DelimitedFile, _ chunked: DelimitedFile, lineCount: Int) {
        let one: KS1ReadResult
        do {
            one = try readKS1(file: whole, options: IngestOptions(threads: 1))
        } catch {
            precondition(error.line >= 1 && error.line <= lineCount && error.column >= 1, "\(error)")
            return
        }
        checkRejects(one.rejects, one.account, header: whole.headerLine, lineCount: lineCount)
        precondition(one.records.count == one.account.accepted)
        var o = IngestOptions(threads: 3)
        o.chunkBytes = 5
        do {
            let many = try readKS1(file: chunked, options: o)
            precondition(
                many.rejects == one.rejects && many.records == one.records && many.account == one.account,
                "KS1 differs when chunked")
        } catch {
            preconditionFailure("KS1: chunked read failed where the whole read succeeded: \(error)")
        }
    }
}

/// A byte-at-a-time reading of formats.md's rules, to check the word-at-a-time scanner against:
/// only for plain inputs (valid UTF-8 without BOM or NUL, LF line ends present).
enum NaiveReader {
    static func read(_ bytes: [UInt8]) -> (header: [String], rows: [[String]], lines: [Int])? {
        // only plain text: no control character but tab, CR (before LF) and LF
        let plain = bytes.indices.allSatisfy { i in
            let b = bytes[i]
            return b >= 0x20 || b == 0x09 || b == 0x0A || (b == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A)
        }
        guard plain, !bytes.isEmpty, bytes.contains(0x0A),
            !(bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF),
            String(validating: bytes, as: UTF8.self) != nil
        else { return nil }
        // records: (start line, fields as raw byte slices, whether a quote occurs)
        var records: [(line: Int, fields: [[UInt8]], quoted: Bool)] = []
        var fields: [[UInt8]] = []
        var field: [UInt8] = []
        var inQuote = false
        var quoted = false
        var line = 1
        var recordLine = 1
        // the delimiter comes from the first non-blank line: find it after splitting on commas,
        // tabs and semicolons alike, then split again with the one chosen
        func split(_ delimiter: UInt8?) -> [(line: Int, fields: [[UInt8]], quoted: Bool)] {
            records = []
            fields = []
            field = []
            inQuote = false
            quoted = false
            line = 1
            recordLine = 1
            for b in bytes {
                if b == 0x22 {
                    inQuote.toggle()
                    quoted = true
                    field.append(b)
                    if b == 0x0A { line += 1 }
                    continue
                }
                if inQuote {
                    field.append(b)
                    if b == 0x0A { line += 1 }
                    continue
                }
                if let d = delimiter, b == d {
                    fields.append(field)
                    field = []
                    continue
                }
                if b == 0x0A {
                    fields.append(field)
                    records.append((recordLine, fields, quoted))
                    fields = []
                    field = []
                    quoted = false
                    line += 1
                    recordLine = line
                    continue
                }
                field.append(b)
            }
            fields.append(field)
            records.append((recordLine, fields, quoted))
            return records
        }
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
        func value(_ raw: [UInt8], _ quoted: Bool) -> String {
            var v = ArraySlice(raw)
            func trim() {
                while let f = v.first, isSpace(f) { v.removeFirst() }
                while let l = v.last, isSpace(l) { v.removeLast() }
            }
            trim()
            if v.count >= 3 && v[v.startIndex] == 0xEF && v[v.startIndex + 1] == 0xBB && v[v.startIndex + 2] == 0xBF {
                v.removeFirst(3)
                trim()
            }
            var isQuoted = false
            if quoted && v.count >= 2 && v.first == 0x22 && v.last == 0x22 {
                v.removeFirst()
                v.removeLast()
                trim()
                isQuoted = true
            }
            var out: [UInt8] = []
            var i = v.startIndex
            while i < v.endIndex {
                out.append(v[i])
                if isQuoted && v[i] == 0x22 && i + 1 < v.endIndex && v[i + 1] == 0x22 { i += 1 }
                i += 1
            }
            return String(decoding: out, as: UTF8.self)
        }
        func blank(_ r: (line: Int, fields: [[UInt8]], quoted: Bool)) -> Bool {
            !r.quoted && r.fields.allSatisfy { f in f.allSatisfy { isSpace($0) || $0 == 0x2C || $0 == 0x3B } }
        }
        // the header: the first line that is not only white space and delimiters, unless its
        // cells (split by the delimiter it shows) are all blank; records with a quote never are
        func detect(_ raw: [UInt8]) -> UInt8 {
            var counts = [0, 0, 0]
            var q = false
            for b in raw {
                if b == 0x22 {
                    q.toggle()
                } else if !q {
                    if b == 0x2C {
                        counts[0] += 1
                    } else if b == 0x09 {
                        counts[1] += 1
                    } else if b == 0x3B {
                        counts[2] += 1
                    }
                }
            }
            if counts[1] > counts[0] && counts[1] >= counts[2] { return 0x09 }
            if counts[2] > counts[0] && counts[2] > counts[1] { return 0x3B }
            return 0x2C
        }
        var found: (line: Int, delimiter: UInt8)? = nil
        for r in split(nil) where !blank(r) {
            let d = detect(r.fields[0])
            let cells = r.fields[0].split(separator: d, omittingEmptySubsequences: false).map(Array.init)
            if r.quoted || cells.contains(where: { !value($0, false).isEmpty }) {
                found = (r.line, d)
                break
            }
        }
        guard let found else { return nil }
        let all = split(found.delimiter)
        guard let h = all.firstIndex(where: { $0.line == found.line }) else { return nil }
        let header = all[h].fields.map { value($0, all[h].quoted) }
        let data = all[(h + 1)...].filter { r in !(!r.quoted && r.fields.allSatisfy { f in value(f, false).isEmpty }) }
        return (header, data.map { r in r.fields.map { value($0, r.quoted) } }, data.map(\.line))
    }
}
