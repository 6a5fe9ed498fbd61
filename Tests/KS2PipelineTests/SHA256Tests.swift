import Foundation
import Testing
@testable import KS2Pipeline

/// run.json's input digests: FIPS 180-4 test vectors, through both compression paths.
@Suite(.serialized) struct SHA256Tests {
    static let vectors: [(String, String)] = [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ]

    @Test(arguments: [false, true]) func knownVectors(portable: Bool) throws {
        SHA256.forcePortable = portable
        defer { SHA256.forcePortable = false }
        for (text, digest) in Self.vectors { #expect(SHA256.hex(of: Array(text.utf8)) == digest) }
        // a million 'a's, through the file path (many blocks, a tail)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString)")
        try Data(repeating: 0x61, count: 1_000_000).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try SHA256.hex(ofFile: url.path) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
