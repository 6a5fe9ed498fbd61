import CXLSXPackaging
import Foundation
import KS2Core
import Synchronization
import TestSupport
import Testing

@testable import KS2Reports

/// How workbooks are packed (deflate level, temporary files) and fed to the workers: the XML
/// inside is the same whatever the packing.
@Suite struct WorkbookPackagingTests {
    /// `unzip -v`'s method column per member (e.g. "Defl:S" for deflate at level 1 or 2).
    func methods(_ file: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for line in try unzip(["-v", file]).split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 8, fields[1].hasPrefix("Defl") || fields[1] == "Stored" else { continue }
            out[fields[7...].joined(separator: " ")] = String(fields[1])
        }
        return out
    }

    /// Every XML part of a workbook, by member name.
    func parts(_ file: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for m in try zipMembers(file) { out[m] = try unzipText(file, m) }
        return out
    }

    #if os(Linux)
        @Test func partsDeflatedAtLevelOne() throws {
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let path = dir + "/book.xlsx"
            try writeSchoolWorkbook(WorkbookTests().schoolData(), to: path)
            let found = try methods(path)
            #expect(found.count == (try zipMembers(path)).count && found.count > 10)
            // minizip marks level 1 "superfast" (S); zlib's default level would be "normal" (N)
            for (member, method) in found { #expect(method == "Defl:S", "\(member)") }
        }

        /// libxlsxwriter's parts never touch the temporary directory: a workbook is written even
        /// when the directory given does not exist (libxlsxwriter's own temporary files would fail).
        @Test func partsWrittenInMemory() throws {
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let book = try Workbook(path: dir + "/book.xlsx", title: "T", temporaryDirectory: dir + "/missing")
            let sheet = try book.addWorksheet("Pupils")
            for r in 0..<2_000 { try sheet.write(r, 0, Double(r) + 0.5, .dp2) }
            try book.close()
            #expect(ks2_xlsx_parts_in_memory() == 1)
            let sheetXML = try parts(dir + "/book.xlsx")["xl/worksheets/sheet1.xml"] ?? ""
            #expect(sheetXML.contains("<v>0.5</v>") && sheetXML.contains("<v>1999.5</v>"))
        }

        @Test func temporaryFilesInMemoryWhenThereIsRoom() {
            var info = stat()
            let shm = stat("/dev/shm", &info) == 0 && access("/dev/shm", W_OK | X_OK) == 0
            #expect(Workbook.memoryTemporaryDirectory == (shm ? "/dev/shm" : nil))
        }
    #endif

    @Test func temporaryDirectoryGivenLeavesNothingAndChangesNothing() throws {
        let dir = try temporaryDirectory()
        let scratch = try temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: dir)
            try? FileManager.default.removeItem(atPath: scratch)
        }
        func write(_ path: String, temporaryDirectory: String?) throws {
            let book = try Workbook(path: path, title: "T", temporaryDirectory: temporaryDirectory)
            let sheet = try book.addWorksheet("Pupils")
            try sheet.write(0, 0, "=1+1", .header)
            try sheet.write(1, 0, 2.5, .dp2)
            try book.close()
        }
        try write(dir + "/given.xlsx", temporaryDirectory: scratch)
        try write(dir + "/system.xlsx", temporaryDirectory: nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).isEmpty)
        let given = try parts(dir + "/given.xlsx")
        #expect(given["xl/worksheets/sheet1.xml"]?.contains("<v>2.5</v>") == true)
        #expect(given == (try parts(dir + "/system.xlsx")))
    }

    @Test func workbooksBuiltWhenWrittenOncePerSchool() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let calls = Mutex<[Int]>([])
        let base = WorkbookTests().schoolData()
        try writeSchoolWorkbooks(count: 7, directory: dir, threads: 2) { i in
            calls.withLock { $0.append(i) }
            var d = base
            d.school.id = "20000\(i)"
            d.school.name = "School \(i)"
            d.pupils = Array(base.pupils.prefix(i % 3 + 1))
            return d
        }
        #expect(calls.withLock { $0.sorted() } == Array(0..<7))
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(files == (0..<7).map { "20000\($0) School \($0).xlsx" })
        // each workbook holds the pupils its own call gave: school 2 has three, school 3 one
        let three = try unzipText(dir + "/200002 School 2.xlsx", "xl/sharedStrings.xml")
        let one = try unzipText(dir + "/200003 School 3.xlsx", "xl/sharedStrings.xml")
        #expect(three.contains("C201200110003") && three.contains("B201200110002"))
        #expect(one.contains("A201200110001") && !one.contains("B201200110002"))
    }
}
