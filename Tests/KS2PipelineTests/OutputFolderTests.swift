import Foundation
import TestSupport
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
        let final = try temporaryFolder("ks2out").path + "/out"
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

/// The job frame every command runs in: nothing at the output path until `finish`, then the
/// outputs, run.json and the marker that lets a later run replace them; a frame abandoned by an
/// error leaves nothing, and a folder holding an input is refused before anything runs.
@Suite struct JobFrameTests {
    @Test func finishWritesRunJSONAndTheMarker() throws {
        let root = try temporaryFolder("ks2frame").path
        let final = root + "/new/out"
        do {
            var frame = try JobFrame(command: "test", settings: RunSettings(outputDirectory: final), inputs: [])
            try frame.out.write("a.csv", text: "x\n")
            frame.manifest.parameters = ["k": 1]
            #expect(!FileManager.default.fileExists(atPath: final))
            try frame.finish()
        }
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: final))
        #expect(names == ["a.csv", "run.json", ".ks2progress-output"])
        let json = try String(contentsOfFile: final + "/run.json", encoding: .utf8)
        #expect(json.contains("\"command\" : \"test\"") && json.contains("\"tool\" : \"ks2progress\""))
        // abandoned: nothing left, and the parents it made are gone
        do {
            let frame = try JobFrame(command: "test", settings: RunSettings(outputDirectory: root + "/b/c"), inputs: [])
            try frame.out.write("a.csv", text: "x\n")
        }
        #expect(!FileManager.default.fileExists(atPath: root + "/b"))
        // an output folder holding an input is refused before anything is made
        #expect(throws: PipelineError.self) {
            _ = try JobFrame(command: "test", settings: RunSettings(outputDirectory: root), inputs: [final + "/a.csv"])
        }
    }
}
