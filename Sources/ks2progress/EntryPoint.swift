import ArgumentParser
import Foundation
import KS2Pipeline

/// The command line is a thin frontend: it parses arguments into a job and RunSettings, runs it,
/// and maps outcomes to exit statuses (0 success, 1 failed run, 2 bad usage).
@main
enum EntryPoint {
    static func main() {
        MemoryPolicy.apply()
        Interruptions.install()
        silenceLibraryMessages()
        var command: ParsableCommand
        do {
            command = try KS2Progress.parseAsRoot()
        } catch {
            let code = KS2Progress.exitCode(for: error)
            let message = KS2Progress.fullMessage(for: error)
            if code == .success {
                print(message)
                exit(0)
            }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            exit(2)
        }
        do {
            try command.run()
            exit(0)  // results kept by the jobs are returned to the system with the process
        } catch let e as PipelineError {
            fail(plainDescription(of: e))
        } catch {
            // help and version requests surface here too; usage errors exit 2, anything else 1
            switch KS2Progress.exitCode(for: error) {
            case .success:
                print(KS2Progress.fullMessage(for: error))
                exit(0)
            case .validationFailure:
                FileHandle.standardError.write(Data((KS2Progress.fullMessage(for: error) + "\n").utf8))
                exit(2)
            default:
                fail(plainDescription(of: error))
            }
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data(("error: " + message + "\n").utf8))
        exit(1)
    }
}

struct KS2Progress: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ks2progress",
        abstract: "KS1→KS2 progress (DfE value added) for schools, LAs and project cohorts.",
        discussion: """
            Reads KS2 result exports, KS1 prior attainment and DfE published school tables; writes CSV
            summaries, an impact workbook and one workbook per school. See README.md.
            """,
        version: ks2progressVersion,
        subcommands: [
            RunCommand.self, ValidateCommand.self, ProgressCommand.self, PublishedCommand.self,
            TargetsCommand.self, SynthCommand.self, WhatIfCommand.self,
            TrackCommand.self, SynthTrackingCommand.self,
        ])
}

/// Options every run shares.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "Output folder (written whole or not at all).")
    var out: String

    @Option(name: .long, help: "Worker threads (default: all cores).")
    var threads: Int?

    @Flag(name: .customLong("no-xlsx"), help: "Skip the XLSX workbooks.")
    var noXlsx = false

    @Option(name: .long, help: "Folder of per-year methodology files (default: Data/methodology).")
    var methodology: String?

    @Flag(help: "Show no progress on stderr for long stages.")
    var quiet = false

    func settings() -> RunSettings {
        RunSettings(
            outputDirectory: out, threads: threads ?? ProcessInfo.processInfo.activeProcessorCount,
            writeWorkbooks: !noXlsx, methodologyDirectory: methodology, showProgress: !quiet)
    }

    func validate() throws {
        try validateThreads(threads)
        try validateOutput(out)
    }
}

/// `--threads` as pipeline files take it: 1 to 1024.
func validateThreads(_ threads: Int?) throws {
    if let t = threads, !(1...1024).contains(t) {
        throw ValidationError("--threads \(t): expected 1 to 1024")
    }
}

/// `--out` must name a folder; `~` is never expanded (the output policy refuses the rest).
func validateOutput(_ out: String) throws {
    if out.trimmingCharacters(in: .whitespaces).isEmpty {
        throw ValidationError("--out is empty: expected a folder name (e.g. --out Reports/2019)")
    }
    if out.hasPrefix("~") {
        throw ValidationError("--out \(out): ks2progress does not expand `~`; write the folder's full path")
    }
}

/// Years the methodology covers (KS2 tests were not taken in 2020 and 2021).
func validateYear(_ year: Int?) throws {
    if let y = year, !(2016...2035).contains(y) {
        throw ValidationError("--year \(y): expected a KS2 year from 2016 to 2035")
    }
}
