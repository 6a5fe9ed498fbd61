import Foundation
import TestSupport
import Testing

@testable import KS2Ingest

/// run.json's input digests: FIPS 180-4 test vectors, and the ledger's digest of a file equal to
/// the digest of the very bytes read.
@Suite struct SHA256Tests {
    static let vectors: [(String, String)] = [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ]

    @Test func knownVectors() throws {
        for (text, digest) in Self.vectors { #expect(SHA256.hex(of: Array(text.utf8)) == digest) }
        // a million 'a's (many blocks, a tail), through the ledger as a reader records it
        let url = try temporaryFolder("sha").appendingPathComponent("a.bin")
        try Data(repeating: 0x61, count: 1_000_000).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let entry = try InputLedger.shared.describe(path: url.path)
        #expect(entry.sha256 == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        #expect(entry.bytes == 1_000_000)
    }

    /// The digest is of the bytes the reader parsed: a file appended to afterwards is still
    /// described as it was read.
    @Test func theLedgerDescribesTheBytesRead() throws {
        let url = try temporaryFolder("ledger").appendingPathComponent("ledger.csv")
        try Data("upn\nA\n".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        _ = try DelimitedFile(path: url.path, threads: 2)
        let handle = try FileHandle(forWritingTo: url)
        handle.seekToEndOfFile()
        handle.write(Data("B\n".utf8))
        try handle.close()
        let entry = try #require(InputLedger.shared.entry(for: url.path))
        #expect(entry.bytes == 6)
        #expect(entry.sha256 == SHA256.hex(of: Array("upn\nA\n".utf8)))
    }
}
