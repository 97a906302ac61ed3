/// The package version sent in `User-Agent`.
public enum SwiftQLDBVersion {
    /// The version of this package.
    public static let current = "0.1.0"
    /// `swift-qldb/<version>`.
    public static let userAgent = "swift-qldb/\(current)"
}
