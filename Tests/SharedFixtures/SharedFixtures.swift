import Foundation

/// Locates the read-only material in `../shared` beside the repository root, for tests that read
/// conformance suites and vectors.
///
/// A suite that reads `../shared/<path>` is gated with
/// `.enabled(if: SharedFixtures.isAvailable("<path>"), "needs ../shared/<path> beside the repository")`,
/// and the functions that list its vectors for `@Test(arguments:)` return `[]` when the path is
/// absent, so test discovery never fails on a checkout without `../shared`.
public enum SharedFixtures {
    /// The repository root (this file is `Tests/SharedFixtures/SharedFixtures.swift`).
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/<relativePath>`, resolved.
    public static func url(_ relativePath: String) -> URL {
        repositoryRoot.appendingPathComponent("../shared/" + relativePath).standardizedFileURL
    }

    /// Whether `../shared/<relativePath>` (a file or a folder) exists: the condition of the
    /// `.enabled(if:)` traits of the tests that read it.
    public static func isAvailable(_ relativePath: String) -> Bool {
        FileManager.default.fileExists(atPath: url(relativePath).path)
    }

    /// The files under `../shared/<relativeFolder>`, at any depth, whose names end with one of
    /// `suffixes`, as paths relative to that folder, sorted; `[]` when the folder is absent.
    public static func files(under relativeFolder: String, withSuffixes suffixes: [String]) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: url(relativeFolder).path) else { return [] }
        var result: [String] = []
        while let entry = walker.nextObject() as? String {
            if suffixes.contains(where: { entry.hasSuffix($0) }) { result.append(entry) }
        }
        return result.sorted()
    }
}
