import Foundation

/// Locates the read-only material in `../shared` beside the repository root, for tests that read
/// conformance suites and vectors. Tests skip themselves when a path is absent.
public enum SharedFixtures {
    /// The repository root (this file is `Tests/SharedFixtures/SharedFixtures.swift`).
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/<relativePath>`, resolved.
    public static func url(_ relativePath: String) -> URL {
        repositoryRoot.appendingPathComponent("../shared/" + relativePath).standardizedFileURL
    }

    /// Whether `../shared/<relativePath>` exists.
    public static func exists(_ relativePath: String) -> Bool {
        FileManager.default.fileExists(atPath: url(relativePath).path)
    }
}
