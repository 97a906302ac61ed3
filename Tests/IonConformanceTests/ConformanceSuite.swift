import Foundation
import SharedFixtures
import Testing

/// Locates `../shared/conformance/ion-tests/iontestdata` beside the repository root.
enum ConformanceSuite {
    static let root = SharedFixtures.url("conformance/ion-tests/iontestdata")

    static var isAvailable: Bool { FileManager.default.fileExists(atPath: root.path) }

    static let unavailableMessage: Comment =
        "../shared/conformance/ion-tests/iontestdata is absent: the Ion conformance suite is skipped"

    /// Every file under `folder` (recursively) whose name ends with `suffix`, as paths relative to the suite root.
    static func files(under folder: String, suffix: String) -> [String] {
        let base = root.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(atPath: base.path) else { return [] }
        var result: [String] = []
        while let entry = walker.nextObject() as? String {
            if entry.hasSuffix(suffix) { result.append(folder + "/" + entry) }
        }
        return result.sorted()
    }

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(relativePath)))
    }
}

/// Pass/fail/skip counts for one part of the suite, printed as a closing line.
struct Tally {
    var passed = 0
    var failed: [String] = []
    var skipped: [(String, String)] = []

    mutating func record(_ file: String, _ body: () throws -> String?) {
        do {
            if let problem = try body() {
                failed.append("\(file): \(problem)")
            } else {
                passed += 1
            }
        } catch {
            failed.append("\(file): \(error)")
        }
    }

    func report(_ name: String) {
        print("\(name): \(passed) passed, \(failed.count) failed, \(skipped.count) skipped")
        for (file, reason) in skipped { print("  skipped \(file): \(reason)") }
        for failure in failed { print("  FAILED \(failure)") }
    }
}
