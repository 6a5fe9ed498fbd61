import Foundation
import KS2Core
import KS2Pipeline

/// The committed methodology file of a year (Data/methodology), as the pipeline loads it.
public func methodologyForTests(_ year: Int) -> MethodologyYear {
    try! loadMethodology(year: year, directory: repositoryRoot.appendingPathComponent("Data/methodology").path)
}
