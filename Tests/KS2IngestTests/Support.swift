import Foundation
import KS2Core
import TestSupport

@testable import KS2Ingest

/// A fresh temporary directory per test.
func tempDir() -> String {
    (try? temporaryFolder("ks2ingest").path) ?? NSTemporaryDirectory()
}

/// Writes `bytes` to `name` in a new temporary directory and returns the path.
func write(_ name: String, bytes: [UInt8]) -> String {
    let path = tempDir() + "/" + name
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    return path
}

func write(_ name: String, _ text: String) -> String { write(name, bytes: Array(text.utf8)) }

/// Valid UPNs (check letters computed by hand with the DfE weights 2..13, mod 23).
enum U {
    static let a = "Y936200419001"
    static let b = "M936200419002"
    static let c = "B936200419003"
    static let d = "Q936200419004"
    static let e = "Y850210019001"
    static let letterEnd = "J85021001900A"
}

let ks2Header =
    "upn,urn,laestab,la,school_name,year,gender,disadvantaged,eal,sen,read_score,read_code,read_ta,writ_ta,mat_score,mat_code,mat_ta,gps_score,gps_code"

/// One KS2 line in the columns of `ks2Header`.
func ks2Row(
    _ upn: String, urn: String = "100001", laestab: String = "9362004", la: String = "",
    school: String = "Hill School", year: String = "2019", gender: String = "M",
    disadvantaged: String = "N", eal: String = "N", sen: String = "N",
    read: String = "105", readCode: String = "", readTA: String = "EXS", writ: String = "EXS",
    mat: String = "101", matCode: String = "", matTA: String = "EXS",
    gps: String = "110", gpsCode: String = ""
) -> String {
    [
        upn, urn, laestab, la, school, year, gender, disadvantaged, eal, sen, read, readCode, readTA, writ,
        mat, matCode, matTA, gps, gpsCode,
    ].joined(separator: ",")
}

func ks2File(_ rows: [String], name: String = "ks2.csv") -> String {
    write(name, ([ks2Header] + rows).joined(separator: "\n") + "\n")
}

/// (line, upn, reason) of each reject, for compact expectations.
func summary(_ rejects: [Reject]) -> [String] {
    rejects.map { "\($0.file):\($0.line):\($0.upn):\($0.reason.rawValue)" }
}

/// A mapping saying the test file has no reading or maths results on purpose (files that only
/// exercise the scanner carry writing only).
let noReadingOrMaths = ["read_score": "", "mat_score": ""]

func inputError(_ body: () throws -> Void) -> InputError? {
    do { try body() } catch let e as InputError { return e } catch { return nil }
    return nil
}
