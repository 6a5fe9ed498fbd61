import Foundation
import Synchronization

/// A new, empty temporary folder named `prefix-UUID`, inside this test process's own folder: that
/// folder is removed when the process exits, so a test run leaves nothing in the temporary
/// directory (it used to leave thousands of folders a run). Set `KS2_KEEP_TEST_FILES=1` to keep
/// them for a look after a failure; the folder's path is then printed at exit.
public func temporaryFolder(_ prefix: String) throws -> URL {
    let url = testRunFolder.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// This process's folder of temporary test files, created on first use, removed at exit.
private let testRunFolder: URL = {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("ks2progress-tests-\(getpid())-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    testRunFolderPath.withLock { $0 = url.path }
    atexit {
        guard let path = testRunFolderPath.withLock({ $0 }) else { return }
        if ProcessInfo.processInfo.environment["KS2_KEEP_TEST_FILES"] != nil {
            FileHandle.standardError.write(Data("test files kept in \(path)\n".utf8))
        } else {
            try? FileManager.default.removeItem(atPath: path)
        }
    }
    return url
}()

/// The folder's path for the exit handler (a C function pointer cannot capture it).
private let testRunFolderPath = Mutex<String?>(nil)

/// The repository's root folder (for committed test data).
public let repositoryRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
