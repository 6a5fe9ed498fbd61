import Foundation
import KS2Core
import Testing

@testable import KS2Ingest

/// The text scan's per-block quote and LF counts (the chunk plan's input) and the plan made from
/// them, against byte-by-byte readings of hand-made texts: blocks that end inside a multi-byte
/// character, quoted fields holding line ends and delimiters, CRLF, lone CR and control bytes.
@Suite struct TextScanBlockTests {
    /// Quotes and LFs in `bytes[from..<to]`, one byte at a time.
    static func counted(_ bytes: [UInt8], _ from: Int, _ to: Int) -> (quotes: Int, newlines: Int) {
        var quotes = 0
        var newlines = 0
        for b in bytes[from..<to] {
            if b == 0x22 { quotes += 1 }
            if b == 0x0A { newlines += 1 }
        }
        return (quotes, newlines)
    }

    /// The blocks tile [0, count) in order, each at a multiple of the block size or a segment cut,
    /// and each counts exactly its own quotes and LFs.
    static func expectBlocksAgree(_ bytes: [UInt8], threads: Int) {
        bytes.withUnsafeBytes { raw in
            let scan = TextScan.scan(raw, threads: threads)
            #expect(scan.blocks.first?.start == 0)
            for (j, block) in scan.blocks.enumerated() {
                let end = j + 1 < scan.blocks.count ? scan.blocks[j + 1].start : bytes.count
                #expect(block.start < end)
                #expect(end - block.start <= TextScan.blockBytes)
                let expected = counted(bytes, block.start, end)
                #expect(block.quotes == expected.quotes, "block \(j) at \(block.start)")
                #expect(block.newlines == expected.newlines, "block \(j) at \(block.start)")
            }
        }
    }

    /// A text of `size` bytes or more: rows of quoted and plain fields, with "é" (2 bytes), "€" (3)
    /// and "𝄞" (4) at every alignment, so some straddle every block end.
    static func text(size: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        let pieces: [[UInt8]] = [
            Array("abc".utf8), Array("é".utf8), Array("€".utf8), Array("𝄞".utf8), Array(",".utf8),
            Array("\"q,\n\"\"x\"".utf8), Array("\r\n".utf8), Array("\n".utf8), [0x09], [0x07],
        ]
        var bytes = Array("upn,name\n".utf8)
        while bytes.count < size { bytes += pieces[next() % pieces.count] }
        return bytes
    }

    @Test func blocksCountEachStretchExactly() {
        // one segment (one thread) and parallel segments (past 1 MiB with threads)
        Self.expectBlocksAgree(Self.text(size: 200_000, seed: 1), threads: 1)
        Self.expectBlocksAgree(Self.text(size: (1 << 20) + 70_001, seed: 2), threads: 2)
        Self.expectBlocksAgree(Self.text(size: (1 << 20) + 3, seed: 3), threads: 3)
    }

    @Test func multiByteCharacterAcrossABlockEnd() {
        // "€" (E2 82 AC) starts 1 byte before the first block end, a quote and an LF right after it
        var bytes = [UInt8](repeating: 0x61, count: TextScan.blockBytes - 1)
        bytes += Array("€\"\n".utf8)
        bytes += [UInt8](repeating: 0x62, count: 100)
        bytes.withUnsafeBytes { raw in
            let scan = TextScan.scan(raw, threads: 1)
            #expect(scan.valid)
            #expect(scan.controls.isEmpty)
            #expect(
                scan.blocks == [
                    ByteBlock(start: 0, quotes: 0, newlines: 0),
                    ByteBlock(start: TextScan.blockBytes, quotes: 1, newlines: 1),
                ])
        }
        // a lead byte with its continuation bytes cut off by the block end is still invalid
        var broken = [UInt8](repeating: 0x61, count: TextScan.blockBytes - 1)
        broken += [0xE2, 0x22, 0x0A]
        broken.withUnsafeBytes { raw in
            let scan = TextScan.scan(raw, threads: 1)
            #expect(!scan.valid)
            #expect(scan.blocks.map(\.quotes) == [0, 1])
        }
    }

    @Test func controlCharactersAndLoneCRAcrossBlocks() {
        var bytes = [UInt8](repeating: 0x61, count: TextScan.blockBytes - 2)
        bytes += [0x0D, 0x0A, 0x1B, 0x0D, 0x61, 0x00]
        bytes.withUnsafeBytes { raw in
            let scan = TextScan.scan(raw, threads: 1)
            #expect(scan.valid)
            #expect(scan.loneCR)
            #expect(scan.controls == [TextScan.blockBytes, TextScan.blockBytes + 3])
            #expect(scan.blocks.map(\.newlines) == [1, 0])
        }
    }

    /// Every chunk of the plan starts on the line and on the side of the quotes that a plain
    /// count from the start says, and the chunks tile the data part.
    static func expectPlanAgrees(_ bytes: [UInt8], dataStart: Int, threads: Int, chunkBytes: Int) {
        bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let scan = TextScan.scan(raw, threads: threads)
            let header = counted(bytes, 0, dataStart)
            let planned = DelimitedFile.plan(
                base: base, count: bytes.count, dataStart: dataStart, dataStartLine: 1 + header.newlines,
                threads: threads, chunkBytes: chunkBytes, blocks: scan.blocks)
            let plain = DelimitedFile.plan(
                base: base, count: bytes.count, dataStart: dataStart, dataStartLine: 1 + header.newlines,
                threads: threads, chunkBytes: chunkBytes)
            #expect(planned.quotes == plain.quotes)
            #expect(planned.chunks.count > 1)
            #expect(planned.chunks.first?.start == dataStart)
            #expect(planned.chunks.last?.end == bytes.count)
            for (k, chunk) in planned.chunks.enumerated() {
                if k > 0 { #expect(chunk.start == planned.chunks[k - 1].end) }
                let before = counted(bytes, 0, chunk.start)
                let inside = counted(bytes, chunk.start, chunk.end)
                #expect(chunk.line == 1 + before.newlines)
                #expect(chunk.inQuote == ((before.quotes - header.quotes) % 2 == 1))
                #expect(chunk.newlines == inside.newlines)
            }
        }
    }

    @Test func planFromBlocksMatchesPlainCounts() {
        let small = Self.text(size: 600_000, seed: 4)
        Self.expectPlanAgrees(small, dataStart: 9, threads: 1, chunkBytes: 1 << 16)
        Self.expectPlanAgrees(small, dataStart: 9, threads: 2, chunkBytes: 100_000)
        let large = Self.text(size: (1 << 21) + 12_345, seed: 5)
        Self.expectPlanAgrees(large, dataStart: 9, threads: 2, chunkBytes: 1 << 17)
    }

    /// Records read through the block plan are those of one unchunked pass, line numbers included.
    @Test func recordsDoNotDependOnTheChunking() throws {
        var bytes = Array("upn,name,note\r\n".utf8)
        var row = 0
        while bytes.count < (1 << 21) {
            row += 1
            let note = row % 7 == 0 ? "\"two\nlines, \"\"quoted\"\"\"" : (row % 5 == 0 ? "Zoë €" : "plain")
            let end = row % 3 == 0 ? "\r\n" : "\n"
            bytes += Array("U\(row),name \(row),\(note)\(end)".utf8)
        }
        func records(threads: Int, chunkBytes: Int) throws -> [String] {
            let file = try DelimitedFile(bytes: bytes, path: "t.csv", threads: threads, chunkBytes: chunkBytes)
            let states = try file.scanRecords(
                threads: threads, makeState: { _ in [String]() },
                record: { state, record in
                    state.append(
                        "\(record.line):" + (0..<record.count).map { record.string($0) }.joined(separator: "|"))
                })
            return states.flatMap { $0 }
        }
        let whole = try records(threads: 1, chunkBytes: 1 << 30)
        #expect(whole.count == row)
        #expect(try records(threads: 2, chunkBytes: 1 << 16) == whole)
        #expect(try records(threads: 1, chunkBytes: 100_000) == whole)
    }
}

/// The 16-byte test of the text scan and the record scanner's word loop against byte-by-byte
/// readings.
@Suite struct WordScanTests {
    @Test func plainVectorsAreExactlyPrintableASCIIWithoutQuotes() {
        for byte in 0...255 {
            for position in 0..<16 {
                var lanes = SIMD16<UInt8>(repeating: 0x61)
                lanes[position] = UInt8(byte)
                let plain = byte >= 0x20 && byte < 0x80 && byte != 0x22
                #expect(TextScan.isPlain(lanes) == plain, "byte \(byte) at \(position)")
            }
        }
    }

    /// Records as a plain reading splits them: fields at delimiters outside quotes, records at
    /// LFs outside quotes, lines counted at every LF, records of only blank fields and no quote
    /// skipped. Each record as "line:start-end|start-end…".
    static func plainRecords(_ bytes: [UInt8]) -> [String] {
        var out: [String] = []
        var line = 1
        var recordLine = 1
        var fieldStart = 0
        var recordStart = 0
        var fields: [(Int, Int)] = []
        var inQuote = false
        var hasQuote = false
        func finish(_ end: Int) {
            fields.append((fieldStart, end))
            let blank = fields.allSatisfy { f in
                bytes[f.0..<f.1].allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
            }
            if hasQuote || !blank {
                out.append("\(recordLine):" + fields.map { "\($0.0)-\($0.1)" }.joined(separator: "|"))
            }
            fields = []
            hasQuote = false
        }
        for (i, b) in bytes.enumerated() {
            if b == 0x22 {
                inQuote.toggle()
                hasQuote = true
            } else if b == 0x0A {
                line += 1
                if !inQuote {
                    finish(i)
                    fieldStart = i + 1
                    recordStart = i + 1
                    recordLine = line
                }
            } else if b == 0x2C && !inQuote {
                fields.append((fieldStart, i))
                fieldStart = i + 1
            }
        }
        if recordStart < bytes.count { finish(bytes.count) }
        return out
    }

    static func scannedRecords(_ bytes: [UInt8]) -> [String] {
        var out: [String] = []
        bytes.withUnsafeBufferPointer { buffer in
            var scanner = RecordScanner(base: buffer.baseAddress!, count: bytes.count, delimiter: 0x2C)
            _ = scanner.scan(from: 0, line: 1, until: bytes.count) { record in
                out.append(
                    "\(record.line):"
                        + (0..<record.count).map { "\(record.starts[$0])-\(record.ends[$0])" }.joined(separator: "|"))
            }
            scanner.release()
        }
        return out
    }

    @Test func recordScannerAgreesWithAPlainReading() {
        var state: UInt64 = 0x5CA7_7E12
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        // quoted fields only at a field's start (a stray quote is a file fault, tested elsewhere)
        let pieces: [[UInt8]] = [
            Array("ab".utf8), Array("x".utf8), Array(",".utf8), Array(",,,,,,,,,".utf8), Array("\n".utf8),
            Array("\r\n".utf8), Array("é€".utf8), [0x09], [0x1B], Array("\r".utf8),
        ]
        let quoted: [[UInt8]] = [Array("\"q,\n\"\"r\"".utf8), Array("\"\"".utf8), Array("\"a\nb\"".utf8)]
        for _ in 0..<400 {
            var bytes: [UInt8] = []
            for _ in 0..<(next() % 80 + 1) {
                let atFieldStart = bytes.last == nil || bytes.last == 0x2C || bytes.last == 0x0A
                if atFieldStart && next() % 4 == 0 {
                    bytes += quoted[next() % quoted.count]
                } else {
                    bytes += pieces[next() % pieces.count]
                }
            }
            #expect(Self.scannedRecords(bytes) == Self.plainRecords(bytes), "\(bytes)")
        }
    }

    @Test func aRecordWithManyFieldsGrowsItsStorage() {
        // 300 fields: the field arrays start at 64 and grow inside a word
        let row = Array(repeating: "1", count: 300).joined(separator: ",")
        let bytes = Array("\(row)\n\(row)".utf8)
        let records = Self.scannedRecords(bytes)
        #expect(records == Self.plainRecords(bytes))
        #expect(records.count == 2)
        #expect(records[1].hasPrefix("2:600-601|602-603|"))
    }
}
