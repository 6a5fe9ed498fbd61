import ArgumentParser
import Foundation
import KS2Pipeline

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a declared pipeline (YAML).",
        discussion: "Example: ks2progress run Pipelines/demo.yml")

    @Argument(help: "The pipeline file.")
    var pipeline: String

    @Option(name: .long, help: "Worker threads (default: all cores).")
    var threads: Int?

    @Flag(help: "Show no progress on stderr for long stages.")
    var quiet = false

    func validate() throws { try validateThreads(threads) }

    func run() throws {
        print(try PipelineRun.load(pipeline).run(threads: threads, quiet: quiet))
    }
}

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Read and clean only: rejects.csv, run.json and a summary.",
        discussion: "Example: ks2progress validate --ks2 ks2.csv --ks1 ks1.csv --year 2019 --out Reports/check")

    @Option(help: "KS2 results file.") var ks2: String
    @Option(help: "KS1 prior attainment file.") var ks1: String?
    @Option(help: "The KS2 year (rows of another year are rejected).") var year: Int?
    @OptionGroup var common: CommonOptions

    func validate() throws { try validateYear(year) }

    func run() throws {
        print(try ValidateJob(ks2: ks2, ks1: ks1, year: year).run(common.settings()))
    }
}

struct ProgressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "progress", abstract: "Pupil-level progress for one year.",
        discussion: """
            Without --estimates the input is the national cohort: estimates.csv and national.csv are written.
            Example: ks2progress progress --ks2 ks2.csv --ks1 ks1.csv --year 2019 --out Reports/2019
            """)

    @Option(help: "KS2 results file.") var ks2: String
    @Option(help: "KS1 prior attainment file.") var ks1: String
    @Option(help: "The KS2 year.") var year: Int
    @Option(help: "A national run's folder (estimates.csv + national.csv) or its estimates.csv.") var estimates: String?
    @Option(help: "Project cohorts (urn,cohort,baseline_year,outcome_year).") var cohorts: String?
    @OptionGroup var common: CommonOptions

    func validate() throws { try validateYear(year) }

    func run() throws {
        print(
            try ProgressJob(ks2: ks2, ks1: ks1, year: year, estimates: estimates, cohorts: cohorts)
                .run(common.settings()))
    }
}

struct PublishedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "published", abstract: "DfE school-level tables in: schools.csv, cohorts.csv and workbooks out.",
        discussion:
            "Example: ks2progress published Data/published/ks2final-2017-850.csv Data/published/ks2final-2018-850.csv --cohorts Data/published/hampshire-cohort.csv --out Reports/impact"
    )

    @Argument(help: "DfE 'final KS2' school-level files (wide or long format).") var files: [String]
    @Option(
        help: """
            The year of files that do not say it (each file's prior-year columns or time_period tell its year; \
            a --year that contradicts a file stops the run).
            """) var year: Int?
    @Option(help: "Project cohorts (urn,cohort,baseline_year,outcome_year).") var cohorts: String?
    @OptionGroup var common: CommonOptions

    func validate() throws {
        try validateYear(year)
        if files.isEmpty { throw ValidationError("give at least one DfE table") }
    }

    func run() throws {
        print(try PublishedJob(files: files, year: year, cohorts: cohorts).run(common.settings()))
    }
}

struct WhatIfCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whatif",
        abstract: "A school's progress with chosen pupils removed (what-if, not an official figure).",
        discussion: """
            --remove lists upn[,subject] (subject read, writ, mat, or empty/all for every subject); a UPN not in
            the run is rejected (unknown_upn). Same national estimates, σ and band thresholds as --estimates.
            Example: ks2progress whatif --ks2 Data/sample/ks2-2019.csv --ks1 Data/sample/ks1-2019.csv --year 2019
              --estimates Data/sample/national-2019 --remove Data/sample/whatif-remove.csv --out Reports/whatif
            """)

    @Option(help: "KS2 results file.") var ks2: String
    @Option(help: "KS1 prior attainment file.") var ks1: String
    @Option(help: "The KS2 year.") var year: Int
    @Option(help: "A national run's folder (estimates.csv + national.csv) or its estimates.csv.") var estimates: String
    @Option(help: "Pupils to remove: upn[,subject].") var remove: String
    @OptionGroup var common: CommonOptions

    func validate() throws { try validateYear(year) }

    func run() throws {
        print(
            try WhatIfJob(ks2: ks2, ks1: ks1, year: year, estimates: estimates, remove: remove)
                .run(common.settings()))
    }
}

struct TargetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "targets", abstract: "Targets and focus pupils for a current cohort.",
        discussion:
            "Example: ks2progress targets --cohort current.csv --estimates Data/sample/national-2023 --out Reports/targets"
    )

    @Option(help: "Current cohort file (KS1 outcomes, urn, optional predictions).") var cohort: String
    @Option(help: "A national run's folder or estimates.csv.") var estimates: String
    @Option(help: "Whole scaled-score points added to reading and maths targets.") var stretch: Int = 0
    @OptionGroup var common: CommonOptions

    func validate() throws {
        if !(0...TargetsJob.maximumStretch).contains(stretch) {
            throw ValidationError("--stretch must be from 0 to \(TargetsJob.maximumStretch)")
        }
    }

    func run() throws {
        print(try TargetsJob(cohort: cohort, estimates: estimates, stretch: stretch).run(common.settings()))
    }
}

struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth", abstract: "Deterministic synthetic KS2 and KS1 exports (ks2.csv, ks1.csv).",
        discussion: "Example: ks2progress synth --schools 16800 --year 2019 --seed 1 --out /tmp/national")

    @Option(help: "Number of schools (about 30 pupils each).") var schools: Int
    @Option(help: "The KS2 year.") var year: Int
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Restrict to these LA codes (comma-separated), e.g. 850.") var la: String?
    @Flag(help: "Add the messy rows of formats.md's Rejects table.") var edge = false
    @Flag(help: "Write current-cohort.csv (pupils taking KS2 in --year, for targets) instead.") var currentCohort =
        false
    @Option(help: "Header names of another system's export: canonical, npd, pag or ncer (docs/ALIASES.md).")
    var layout: String = "canonical"
    @Option(help: "Demo story: a cohort file whose schools' maths rises by --project-effect in their outcome year.")
    var projectCohorts: String?
    @Option(help: "Scaled-score points added to project schools' maths (with --project-cohorts).")
    var projectEffect: Double = 0.6
    @Flag(help: "Demo story: disadvantaged pupils' results −0.5 points, others' +0.17 (a gap near the national 0.9).")
    var disadvantagedGap = false
    @Option(help: "Output folder.") var out: String
    @Option(help: "Worker threads.") var threads: Int?

    func validate() throws {
        try validateYear(year)
        try validateThreads(threads)
        try validateOutput(out)
        if !(1...100_000).contains(schools) { throw ValidationError("--schools \(schools): expected 1 to 100000") }
        if ExportLayout(rawValue: layout) == nil {
            let names = ExportLayout.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--layout \(layout): expected one of \(names)")
        }
    }

    func run() throws {
        let las = la.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        let settings = RunSettings(
            outputDirectory: out, threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        var job = SynthJob(schools: schools, year: year, seed: seed, edge: edge, localAuthorities: las)
        job.currentCohort = currentCohort
        job.layout = ExportLayout(rawValue: layout) ?? .canonical
        job.projectCohorts = projectCohorts
        job.projectEffect = projectEffect
        job.disadvantagedGap = disadvantagedGap
        print(try job.run(settings))
    }
}
