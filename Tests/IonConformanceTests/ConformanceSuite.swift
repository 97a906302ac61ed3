import Foundation
import SharedFixtures
import Testing

/// Locates `../shared/conformance/ion-tests/iontestdata` beside the repository root.
enum ConformanceSuite {
    static let suitePath = "conformance/ion-tests/iontestdata"
    static let root = SharedFixtures.url(suitePath)

    static var isAvailable: Bool { SharedFixtures.isAvailable(suitePath) }

    static let unavailableMessage: Comment =
        "needs ../shared/conformance/ion-tests/iontestdata beside the repository: the Ion conformance suite is skipped"

    /// Every file under `folder` (recursively) whose name ends with one of `suffixes`, as paths
    /// relative to the suite root (`good/equivs/ints.ion`), sorted; `[]` when the suite is absent.
    static func files(under folder: String, suffixes: [String]) -> [String] {
        SharedFixtures.files(under: suitePath + "/" + folder, withSuffixes: suffixes).map { folder + "/" + $0 }
    }

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(relativePath)))
    }
}

/// One file of the suite: a test case, named in results by its path relative to `iontestdata`.
struct ConformanceFile: Sendable, CustomTestStringConvertible {
    /// The path relative to the suite root, e.g. `good/equivs/ints.ion`.
    var path: String

    var testDescription: String { path }
}
