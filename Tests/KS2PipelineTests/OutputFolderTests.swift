import Foundation
import Testing

@testable import KS2Pipeline

/// The streamed writer: parts of several files, formatted on any number of workers, land in each
/// file in order, and nothing is visible at the final path before `commit`.
@Suite struct OutputFolderTests {
    /// Parts of uneven size (so workers finish out of order), each naming its file and index.
    static func parts(_ file: String, _ count: Int) -> [@Sendable () -> [UInt8]] {
        (0..<count).map { k in
            { Array(String(repeating: "\(file) part \(k)\n", count: 1 + (k * 7919) % 97).utf8) }
        }
    }

    @Test(arguments: [1, 2, 5])
    func partsLandInOrder(threads: Int) throws {
        let final = NSTemporaryDirectory() + "ks2out-" + UUID().uuidString
        let out = try OutputFolder(final)
        try out.write(
            [
                PartFile(name: "a.csv", parts: Self.parts("a", 300)),
                PartFile(name: "b.csv", parts: Self.parts("b", 7), mode: OutputFolder.pupilFileMode),
                PartFile(name: "empty.csv", parts: []),
            ], threads: threads)
        #expect(!FileManager.default.fileExists(atPath: final))
        try out.commit()
        for (name, count) in [("a", 300), ("b", 7)] {
            let expected = Self.parts(name, count).flatMap { $0() }
            let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: final + "/\(name).csv")))
            #expect(written == expected)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: final + "/empty.csv")).isEmpty)
        let mode = try FileManager.default.attributesOfItem(atPath: final + "/b.csv")[.posixPermissions] as? Int
        #expect(mode == 0o640)
        try? FileManager.default.removeItem(atPath: final)
    }
}
