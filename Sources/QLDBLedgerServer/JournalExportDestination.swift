/// Where journal exports write their objects: an S3 bucket (`qldb serve --s3-endpoint`), or
/// anything else that stores named objects.
public protocol JournalExportDestination: Sendable {
    /// Stores `body` as `key` in `bucket`, replacing any object there; `headers` are the S3
    /// headers to send with it (server-side encryption).
    func putObject(bucket: String, key: String, body: [UInt8], headers: [(name: String, value: String)]) async throws
}
