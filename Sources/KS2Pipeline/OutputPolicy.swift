import Foundation
import KS2Reports

/// Which folders a run may replace: a folder that does not exist, an empty folder, or a previous
/// ks2progress output (its marker file lists everything the tool wrote there, and nothing else is
/// in it). Anything else — a file, a folder of the user's, `.`, the home folder, `/`, a folder
/// holding an input or the working folder — is refused before anything is touched, because
/// replacing an output folder deletes what was in it.
enum OutputPolicy {
    /// The file a finished run leaves in its output folder: a signature line, then every file and
    /// folder the run wrote (folders end in `/`).
    static let markerName = ".ks2progress-output"
    static let signature = "ks2progress output folder"

    /// The absolute path the run will write to, and whether something is there now; throws a
    /// one-line reason when the policy refuses it.
    static func check(_ given: String, inputs: [String]) throws -> (path: String, exists: Bool) {
        func refuse(_ why: String) -> PipelineError {
            .invalid("output folder \"\(given)\" refused: \(why); nothing was changed")
        }
        if given.trimmingCharacters(in: .whitespaces).isEmpty {
            throw PipelineError.invalid("no output folder given: expected a folder name (e.g. Reports/2019)")
        }
        if given.hasPrefix("~") {
            throw refuse("ks2progress does not expand `~`; write the folder's full path")
        }
        let path = canonical(given)
        if path == "/" { throw refuse("it is the root folder") }
        let working = canonical(".")
        if contains(path, working) { throw refuse("it is the working folder or holds it") }
        for home in homeFolders() where contains(path, canonical(home)) {
            throw refuse("it is the home folder or holds it")
        }
        var info = stat()
        let exists = lstat(path, &info) == 0
        if !exists && errno != ENOENT { throw refuse(String(cString: strerror(errno))) }
        if exists {
            switch info.st_mode & S_IFMT {
            case S_IFDIR: break
            case S_IFLNK: throw refuse("it is a symbolic link; give the folder itself")
            default: throw refuse("it is a file, not a folder")
            }
        }
        for input in inputs where !input.isEmpty && contains(path, canonical(input)) {
            throw refuse("it holds the input \(input)")
        }
        if !exists { return (path, false) }
        let entries = listTree(path)
        if entries.isEmpty { return (path, true) }
        if entries.contains(markerName) {
            guard let listed = readMarker(path + "/" + markerName) else {
                throw refuse("its \(markerName) file is not one ks2progress wrote")
            }
            if let extra = entries.first(where: { $0 != markerName && !listed.contains($0) }) {
                throw refuse("it holds \(extra), which ks2progress did not write; move it or choose another folder")
            }
            return (path, true)
        }
        if isLegacyOutput(path, entries) { return (path, true) }
        let example = entries.sorted().first!
        throw refuse(
            "it is not empty (it holds \(example)) and is not a ks2progress output; "
                + "choose a new or empty folder")
    }

    /// True when `folder` is `path` or one of its ancestors.
    static func contains(_ folder: String, _ path: String) -> Bool {
        folder == path || path.hasPrefix(folder == "/" ? "/" : folder + "/")
    }

    /// Home folders as the environment and the password file name them.
    static func homeFolders() -> [String] {
        var homes: [String] = []
        if let env = ProcessInfo.processInfo.environment["HOME"], !env.isEmpty { homes.append(env) }
        if let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir {
            homes.append(String(cString: dir))
        }
        return homes
    }

    /// The absolute form of `path`: symbolic links and `..` resolved in the part that exists,
    /// `.` and `..` resolved by name in the rest. `~` is never expanded.
    static func canonical(_ path: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        let absolute = path.hasPrefix("/") ? path : cwd + "/" + path
        let parts = absolute.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        for k in stride(from: parts.count, through: 0, by: -1) {
            let prefix = "/" + parts[0..<k].joined(separator: "/")
            guard let resolved = realpath(prefix, nil) else { continue }
            var result = String(cString: resolved).split(separator: "/").map(String.init)
            free(resolved)
            for part in parts[k...] {
                if part == "." { continue }
                if part == ".." {
                    _ = result.popLast()
                } else {
                    result.append(part)
                }
            }
            return "/" + result.joined(separator: "/")
        }
        return absolute
    }

    /// Every file and folder below `root`, relative to it (folders end in `/`); links are listed,
    /// never followed.
    static func listTree(_ root: String) -> [String] {
        var out: [String] = []
        func walk(_ relative: String) {
            guard let dir = opendir(root + (relative.isEmpty ? "" : "/" + relative)) else { return }
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
                }
                if name == "." || name == ".." { continue }
                let child = relative.isEmpty ? name : relative + "/" + name
                var info = stat()
                guard lstat(root + "/" + child, &info) == 0 else { continue }
                if info.st_mode & S_IFMT == S_IFDIR {
                    out.append(child + "/")
                    walk(child)
                } else {
                    out.append(child)
                }
            }
        }
        walk("")
        return out
    }

    /// The names a marker file lists, or nil when it does not carry the signature.
    static func readMarker(_ path: String) -> Set<String>? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard let first = lines.first, first.hasPrefix(signature) else { return nil }
        return Set(lines.dropFirst())
    }

    /// Writes the marker listing everything in the finished working folder.
    static func writeMarker(in folder: String) throws {
        let entries = listTree(folder).filter { $0 != markerName }.sorted()
        let text =
            signature + " — written by ks2progress \(ks2progressVersion); a later run into this folder "
            + "replaces it whole. It lists what the run wrote:\n" + entries.map { $0 + "\n" }.joined()
        let path = folder + "/" + markerName
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw PipelineError.io("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        try writeAll(fd, Array(text.utf8), path: path)
    }

    /// Outputs of ks2progress versions before the marker: a run.json with the tool's signature
    /// and only the files those versions wrote.
    static func isLegacyOutput(_ path: String, _ entries: [String]) -> Bool {
        guard let json = try? String(contentsOfFile: path + "/run.json", encoding: .utf8),
            json.contains("\"tool\" : \"ks2progress\"")
        else { return false }
        return entries.allSatisfy { entry in
            if ["schools/", "targets/"].contains(entry) { return true }
            if entry.hasPrefix("schools/") || entry.hasPrefix("targets/") {
                return entry.hasSuffix(".xlsx") && !entry.dropFirst(8).contains("/")
            }
            return !entry.contains("/") && (entry.hasSuffix(".csv") || entry.hasSuffix(".xlsx") || entry == "run.json")
        }
    }

    /// Creates the missing folders of `parent`; returns those it created, outermost first.
    static func makeParents(_ parent: String) throws -> [String] {
        var missing: [String] = []
        var probe = parent
        var info = stat()
        while !probe.isEmpty && probe != "/" && stat(probe, &info) != 0 {
            missing.append(probe)
            probe = (probe as NSString).deletingLastPathComponent
        }
        var created: [String] = []
        for folder in missing.reversed() {
            if mkdir(folder, 0o755) != 0 && errno != EEXIST {
                let reason = String(cString: strerror(errno))
                removeParents(created)
                throw PipelineError.io("cannot create \(folder): \(reason)")
            }
            created.append(folder)
        }
        return created
    }

    /// Removes folders this run created, innermost first, each only when empty.
    static func removeParents(_ created: [String]) {
        for folder in created.reversed() { rmdir(folder) }
    }

    /// Creates `path` and takes an exclusive lock on it; nil when the name is taken or the lock
    /// was lost to another run's clean-up in the moment between (the caller tries another name).
    static func makeLockedFolder(_ path: String) throws -> (path: String, lock: Int32)? {
        if mkdir(path, 0o750) != 0 {
            if errno == EEXIST { return nil }
            let parent = (path as NSString).deletingLastPathComponent
            throw PipelineError.io("cannot write in \(parent): \(String(cString: strerror(errno)))")
        }
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var opened = stat()
        var named = stat()
        guard flock(fd, LOCK_EX | LOCK_NB) == 0, fstat(fd, &opened) == 0, lstat(path, &named) == 0,
            opened.st_ino == named.st_ino, opened.st_dev == named.st_dev
        else {
            close(fd)
            return nil
        }
        return (path, fd)
    }

    /// Removes working folders of earlier runs into `name` that no live process holds (their
    /// lock is free: the run was killed), wherever that process ran.
    static func removeLeftovers(in parent: String, of name: String) {
        let prefix = ".\(name).partial-"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for entry in entries where entry.hasPrefix(prefix) {
            let path = parent + "/" + entry
            let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { continue }
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { removeTree(path) }
            close(fd)
        }
    }

    /// A random suffix for working folder names (process ids repeat across containers).
    static func nonce() -> String {
        String(UInt32.random(in: 0...UInt32.max), radix: 16)
    }

    /// Removes `path` and everything below it, never following links; errors are ignored (what
    /// is left is a leftover a later run removes).
    static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if info.st_mode & S_IFMT == S_IFDIR {
            for entry in listTree(path).sorted(by: { $0.count > $1.count }) {
                let full = path + "/" + entry
                if entry.hasSuffix("/") { rmdir(full) } else { unlink(full) }
            }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}

/// Writes all of `bytes` to `fd` (KS2Reports' one write loop), as a pipeline error naming `path`.
func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
    let failed = writeAllBytes(fd, bytes)
    if failed != 0 { throw PipelineError.io("cannot write \(path): \(String(cString: strerror(failed)))") }
}
