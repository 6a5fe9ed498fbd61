import Foundation
import KS2Core
import KS2Pipeline

/// The committed methodology file of a year (Data/methodology), as the pipeline loads it.
func methodologyForTests(_ year: Int) -> MethodologyYear {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    return try! loadMethodology(year: year, directory: root.appendingPathComponent("Data/methodology").path)
}
