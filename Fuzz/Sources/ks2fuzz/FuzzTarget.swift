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
        // physical lines as the reader counts them (a file with no LF reads each CR as a line end)
        let lineEnd: UInt8 = bytes.contains(0x0A) ? 0x0A : 0x0D
        var lineCount = 1
        for b in bytes where b == lineEnd { lineCount += 1 }
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
                do { _ = try DelimitedText.read(file); preconditionFailure("chunked text read succeeded") } catch let e {
                    precondition(e == error, "text errors differ: \(e) vs \(error)")
                }
            }
            return
        }
        precondition(text.rows.count == text.lines.count)
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
        precondition(account.read == account.accepted + account.rejected,
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
                var o = IngestOptions(threads: 3, keepNames: true); o.chunkBytes = 5
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
        var o = IngestOptions(threads: 3, keepNames: true); o.chunkBytes = 5
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
        var o = IngestOptions(threads: 3); o.chunkBytes = 5
        do {
            let many = try readKS1(file: chunked, options: o)
            precondition(many.rejects == one.rejects && many.records == one.records && many.account == one.account,
                         "KS1 differs when chunked")
        } catch {
            preconditionFailure("KS1: chunked read failed where the whole read succeeded: \(error)")
        }
    }
}
