// swift-tools-version:6.1
import PackageDescription

/// Stages meet only through KS2Core's types: ingest → analysis → reports, orchestrated by KS2Pipeline.
let package = Package(
    name: "ks2progress",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ks2progress", targets: ["ks2progress"]),
        // Libraries for the fuzz package in Fuzz/ (it depends on this package by path).
        .library(name: "KS2Core", targets: ["KS2Core"]),
        .library(name: "KS2Ingest", targets: ["KS2Ingest"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CXLSXWriter", pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev", "zlib1g-dev"])]),
        // libxlsxwriter's packaging tuned: the deflate level of its zip entries, its parts in memory
        .target(name: "CXLSXPackaging", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        .target(name: "KS2Core"),
        .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "KS2Ingest", dependencies: ["KS2Core", "CLibCrypto"]),
        .target(name: "KS2Analysis", dependencies: ["KS2Core"]),
        .target(name: "KS2Reports", dependencies: ["KS2Core", "CXLSXWriter", "CXLSXPackaging"]),
        .target(name: "KS2Synth", dependencies: ["KS2Core"]),
        .target(
            name: "KS2Pipeline",
            dependencies: [
                "KS2Core", "KS2Ingest", "KS2Analysis", "KS2Reports", "KS2Synth",
                .product(name: "Yams", package: "Yams"),
            ]),
        .executableTarget(
            name: "ks2progress",
            dependencies: [
                "KS2Pipeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // helpers shared by the test suites (zip reading, temporary folders, committed methodology)
        .target(name: "TestSupport", dependencies: ["KS2Core", "KS2Pipeline"], path: "Tests/TestSupport"),
        .testTarget(name: "KS2CoreTests", dependencies: ["KS2Core"]),
        .testTarget(
            name: "KS2IngestTests", dependencies: ["KS2Ingest", "KS2Core", "TestSupport"], exclude: ["FuzzRegressions"]),
        .testTarget(name: "KS2AnalysisTests", dependencies: ["KS2Analysis", "KS2Core", "TestSupport"]),
        .testTarget(
            name: "KS2ReportsTests", dependencies: ["KS2Reports", "KS2Core", "CXLSXPackaging", "TestSupport"]),
        .testTarget(name: "KS2SynthTests", dependencies: ["KS2Synth", "KS2Core", "TestSupport"]),
        .testTarget(
            name: "KS2PipelineTests",
            dependencies: ["KS2Pipeline", "KS2Core", "KS2Analysis", "KS2Reports", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["ks2progress", "TestSupport"], exclude: ["Corpus"]),
    ],
    swiftLanguageModes: [.v6]
)
