import Foundation
import KS2Core
import KS2Ingest
import Testing

/// The fuzz target's invariants (Fuzz/Sources/ks2fuzz) over the malformed-input corpus and the
/// inputs the fuzzer and the corpus found bugs with, without the fuzzer: a read never crashes,
/// every row read is accepted or rejected, reject lines lie in the file, and cutting the file
/// into tiny parallel chunks never changes a result or an error.
@Suite struct FuzzRegressionTests {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let folders = [
        here.appendingPathComponent("FuzzRegressions"),
        here.deletingLastPathComponent().appendingPathComponent("EndToEndTests/Corpus"),
    ]
    static let files: [String] = folders.flatMap { folder in
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".csv") }.sorted().map { folder.appendingPathComponent($0).path }
    }

    /// Opens `bytes` whole and in 5-byte chunks over 3 threads.
    static func open(_ bytes: [UInt8], chunked: Bool) -> Result<DelimitedFile, InputError> {
        Result { () throws(InputError) -> DelimitedFile in
            try DelimitedFile(
                bytes: bytes, path: "input.csv", threads: chunked ? 3 : 1, chunkBytes: chunked ? 5 : 1 << 20)
        }
    }

    static func options(chunked: Bool) -> IngestOptions {
        var o = IngestOptions(threads: chunked ? 3 : 1, keepNames: true)
        if chunked { o.chunkBytes = 5 }
        return o
    }

    @Test func inputsAreThere() { #expect(Self.files.count >= 45) }

    @Test(arguments: files)
    func invariantsHold(_ path: String) throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let lineEnd: UInt8 = bytes.contains(0x0A) ? 0x0A : 0x0D
        let lineCount = bytes.reduce(1) { $0 + ($1 == lineEnd ? 1 : 0) }
        let whole = Self.open(bytes, chunked: false)
        let chunked = Self.open(bytes, chunked: true)
        switch (whole, chunked) {
        case (.failure(let a), .failure(let b)):
            #expect(a == b)
            #expect(a.line >= 1 && a.line <= lineCount && a.column >= 1, "\(a)")
            return
        case (.success(let one), .success(let many)):
            // KS2
            let k2a = Result { () throws(InputError) in
                try readKS2(file: one, year: 2019, options: Self.options(chunked: false))
            }
            let k2b = Result { () throws(InputError) in
                try readKS2(file: many, year: 2019, options: Self.options(chunked: true))
            }
            switch (k2a, k2b) {
            case (.success(let a), .success(let b)):
                #expect(a.account.read == a.account.accepted + a.account.rejected)
                #expect(a.rejects.count == a.account.rejected && a.cohort.pupils.count == a.account.accepted)
                #expect(a.rejects.allSatisfy { $0.line > one.headerLine && $0.line <= lineCount })
                #expect(
                    a.rejects == b.rejects && a.cohort.pupils == b.cohort.pupils && a.cohort.schools == b.cohort.schools
                )
                #expect(a.cohort.names == b.cohort.names && a.account == b.account)
            case (.failure(let a), .failure(let b)):
                #expect(a == b)
                #expect(a.line >= 1 && a.line <= lineCount, "\(a)")
            default:
                Issue.record("KS2: whole and chunked reads disagree: \(k2a) vs \(k2b)")
            }
            // KS1
            let k1a = Result { () throws(InputError) in try readKS1(file: one, options: Self.options(chunked: false)) }
            let k1b = Result { () throws(InputError) in try readKS1(file: many, options: Self.options(chunked: true)) }
            switch (k1a, k1b) {
            case (.success(let a), .success(let b)):
                #expect(a.account.read == a.account.accepted + a.account.rejected)
                #expect(a.rejects == b.rejects && a.records == b.records && a.account == b.account)
            case (.failure(let a), .failure(let b)):
                #expect(a == b)
            default:
                Issue.record("KS1: whole and chunked reads disagree")
            }
        default:
            Issue.record("whole and chunked opens disagree: \(whole) vs \(chunked)")
        }
    }

    /// A quote inside an unquoted field that never crosses a delimiter or line end is text.
    @Test func aQuoteInsideOneFieldIsText() throws {
        let path = Self.folders[0].appendingPathComponent("quote_inside_field_harmless.csv").path
        let text = try DelimitedText.readText(path: path)
        #expect(text.rows.map { $0[3] } == ["Robert \"Bob\" Smith", "O\"Brien"])
        #expect(text.lines == [2, 3])
    }

    /// Stray quotes that would merge rows stop the read at the first one (line 2, column 27: the quote after "O"),
    /// whether the quotes pair up (rows 2-4 would become one) or not.
    @Test(arguments: ["stray_quote_single.csv", "stray_quote_pair_merges_rows.csv"])
    func strayQuotesStopTheRead(_ name: String) throws {
        let bytes = try [UInt8](Data(contentsOf: Self.folders[0].appendingPathComponent(name)))
        for chunked in [false, true] {
            let result = Self.open(bytes, chunked: chunked).flatMap { file in
                Result { () throws(InputError) in
                    try readKS2(file: file, year: 2019, options: Self.options(chunked: chunked))
                }
            }
            guard case .failure(let e) = result else {
                Issue.record("\(name) was read")
                continue
            }
            #expect(e.line == 2 && e.column == 27, "\(e)")
            #expect(e.message.hasPrefix("stray quote:"))
        }
    }

    /// A CR-only file counts each CR as a line end (the fuzzer's first finding: line numbers past
    /// the file's LF count).
    @Test func crOnlyLinesAreCounted() throws {
        let path = Self.folders[0].appendingPathComponent("cr_only_line_count.csv").path
        let text = try DelimitedText.readText(path: path)
        #expect(text.lines == [2, 3, 4, 5, 6, 7])
        #expect(text.rows.first?.first == "Y860200012683")
    }
}

/// The fuzzer's second finding: a line holding only a byte-order mark before the header was
/// taken as a header with no columns (its one cell is blank once the mark is dropped), while
/// the same line among the rows is blank. The header is now the first record that is not blank.
@Test func aLineOfOnlyAByteOrderMarkIsNotTheHeader() throws {
    let path = FuzzRegressionTests.folders[0].appendingPathComponent("bom_line_before_header.csv").path
    let text = try DelimitedText.readText(path: path)
    // every lone CR ends a line (formats.md): the header is `/^Q` on line 4, and `.` is a row on line 9
    #expect(text.header == ["/\u{11}"])
    #expect(text.rows == [["."]] && text.lines == [9])
    let file = try DelimitedFile(
        bytes: Array("\u{FEFF}\nupn,urn,writ_ta\nY860200012683,335661,EXS\n".utf8), path: "x.csv")
    #expect(file.header == ["upn", "urn", "writ_ta"] && file.headerLine == 2)
    let result = try readKS2(file: file, year: 2019, options: IngestOptions(columns: noReadingOrMaths))
    #expect(result.account.read == 1 && result.account.accepted == 1)
    #expect(result.cohort.pupils.first?.line == 3)
}
