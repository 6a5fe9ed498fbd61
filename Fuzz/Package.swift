// swift-tools-version:6.1
import Foundation
import PackageDescription

/// The libFuzzer target for the CSV reader and row cleaners, kept out of the main package so a
/// normal `swift build` never needs the fuzzer runtime. Built by `make fuzz` with
/// `swift build -c release --sanitize=fuzzer --sanitize=address`.
/// A path dependency's identity is its folder's name, so it is read from this file's location.
let mainPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let mainIdentity = mainPackage.lastPathComponent.lowercased()

let package = Package(
    name: "KS2Fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: mainPackage.path)
    ],
    targets: [
        .executableTarget(
            name: "ks2fuzz",
            dependencies: [
                .product(name: "KS2Ingest", package: mainIdentity),
                .product(name: "KS2Core", package: mainIdentity),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        )
    ],
    swiftLanguageModes: [.v6]
)
