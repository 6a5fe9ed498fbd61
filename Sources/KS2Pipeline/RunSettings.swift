import Foundation
import KS2Core
import KS2Ingest
import KS2Reports

/// The one object that owns a run's I/O policy: where outputs go, threads, workbooks, where the
/// methodology data lives, and how progress is shown. Jobs take it; nothing else decides these.
public struct RunSettings: Sendable {
    public var outputDirectory: String
    public var threads: Int
    public var writeWorkbooks: Bool
    /// Folder of per-year methodology files; nil = the project's `Data/methodology`.
    public var methodologyDirectory: String?
    /// Show progress on stderr for stages longer than about two seconds (false: `--quiet`).
    public var showProgress: Bool
    /// The run's date (seconds since 1970, UTC), taken once: every workbook of the run carries it.
    public var runDate: Int

    public init(
        outputDirectory: String, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
        writeWorkbooks: Bool = true, methodologyDirectory: String? = nil,
        showProgress: Bool = true, runDate: Int = RunSettings.currentRunDate()
    ) {
        self.outputDirectory = outputDirectory
        self.threads = min(max(1, threads), 1024)
        self.writeWorkbooks = writeWorkbooks
        self.methodologyDirectory = methodologyDirectory
        self.showProgress = showProgress
        self.runDate = runDate
    }

    /// Now, or `$SOURCE_DATE_EPOCH` when set (the reproducible-builds convention: a rerun with it
    /// gives byte-identical workbooks; the tests use it).
    public static func currentRunDate() -> Int {
        if let text = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let seconds = Int(text), seconds >= 0 {
            return seconds
        }
        return Int(Date().timeIntervalSince1970)
    }
}

/// Finds the project's `Data/` folder: `$KS2PROGRESS_DATA`, else `PREFIX/share/ks2progress` beside
/// an installed binary (`make install`), else the nearest `Data/methodology` above the working
/// directory or above the executable (a build inside the checkout).
public enum ProjectData {
    public static func directory() -> String? {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["KS2PROGRESS_DATA"], !env.isEmpty { return env }
        var executableFolders: [String] = []
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        executableFolders.append(exe.deletingLastPathComponent().path)
        if let self_ = try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            executableFolders.append((self_ as NSString).deletingLastPathComponent)
        }
        for folder in executableFolders.reversed() {
            let installed = folder + "/../share/ks2progress"
            if fm.fileExists(atPath: installed + "/methodology") { return installed }
        }
        let starts = [fm.currentDirectoryPath] + executableFolders
        for s in starts {
            var url = URL(fileURLWithPath: s)
            for _ in 0..<8 {
                let candidate = url.appendingPathComponent("Data")
                if fm.fileExists(atPath: candidate.appendingPathComponent("methodology").path) { return candidate.path }
                url.deleteLastPathComponent()
            }
        }
        return nil
    }

    public static func methodologyDirectory(_ settings: RunSettings) throws -> String {
        if let d = settings.methodologyDirectory { return d }
        guard let d = directory() else {
            throw PipelineError.invalid(
                "cannot find the methodology data: install with `make install PREFIX=…`, "
                    + "run from the project folder, or set KS2PROGRESS_DATA")
        }
        return d + "/methodology"
    }

    /// The DfE LA code list (`LEA`, `LA Name`), code → name; empty when absent.
    public static func localAuthorityNames() -> [String: String] {
        guard let d = directory(),
            let t = try? DelimitedText.readText(path: d + "/published/la_and_region_codes_meta.csv"),
            let code = t.column("LEA"), let name = t.column("LA Name")
        else { return [:] }
        var names: [String: String] = [:]
        for row in t.rows where row.count > max(code, name) {
            names[row[code].trimmingCharacters(in: .whitespaces)] = row[name].trimmingCharacters(in: .whitespaces)
        }
        return names
    }
}

/// Seconds per stage, in the order the stages ran (run.json), and the progress display: a stage
/// that runs longer than about two seconds shows progress on stderr (never stdout) — a bar with
/// count, rate and time left on a terminal, a line every five seconds otherwise.
public struct StageClock: Sendable {
    public private(set) var stages: [(String, Double)] = []
    /// The processor seconds of each stage in `stages`, on every thread (user and system): beside
    /// the wall seconds they show how well a stage uses the cores (2 threads busy: twice the wall).
    public private(set) var processorSeconds: [Double] = []
    private var started = DispatchTime.now()
    private var startedProcessor = 0.0
    private var current: String? = nil
    private let display: ProgressDisplay.Mode
    private var shown: ProgressDisplay? = nil

    /// `progress` false (`--quiet`) shows nothing.
    public init(progress: Bool) {
        display = progress ? (isatty(2) == 1 ? .terminal : .lines) : .off
    }

    /// Ends the running stage (if any) and starts `name`; with `items`, returns the counter the
    /// stage advances as it finishes items (shown as a bar with a rate and the time left).
    @discardableResult
    public mutating func begin(_ name: String, items: Int? = nil) -> WorkProgress? {
        end()
        current = name
        started = DispatchTime.now()
        startedProcessor = StageClock.processorTime()
        let work = items.map { WorkProgress(total: $0) }
        if display != .off { shown = ProgressDisplay(stage: name, work: work, mode: display) }
        return work
    }

    public mutating func end() {
        guard let c = current else { return }
        let s = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        stages.append((c, s))
        processorSeconds.append(StageClock.processorTime() - startedProcessor)
        current = nil
        shown?.finish(seconds: s)
        shown = nil
    }

    /// The process's processor time so far, all threads, in seconds.
    private static func processorTime() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}

/// For the command line, at start: libxlsxwriter's own stderr prints are silenced (its failures
/// reach the user as one plain line each).
public func silenceLibraryMessages() {
    KS2Reports.silenceLibraryMessages()
}
