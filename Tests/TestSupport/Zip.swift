import Foundation

/// Reads workbooks back in the tests: /usr/bin/unzip (installed by `make test`).
public func unzip(_ arguments: [String]) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/unzip")
    p.arguments = arguments
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// A member of a zip file as text.
public func unzipText(_ file: String, _ member: String) throws -> String {
    try unzip(["-p", file, member])
}

/// The names of the members of a zip file.
public func zipMembers(_ file: String) throws -> [String] {
    try unzip(["-Z1", file]).split(separator: "\n").map(String.init)
}
