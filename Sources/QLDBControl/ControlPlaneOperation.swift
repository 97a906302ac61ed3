import QLDBPrimitives

/// The operations of QLDB's `qldb` REST-JSON API (version 2019-01-02) and their routes, shared by
/// the server that answers them and the client that calls them.
public enum ControlPlaneOperation: String, Sendable, Hashable, CaseIterable {
    case createLedger = "CreateLedger"
    case listLedgers = "ListLedgers"
    case describeLedger = "DescribeLedger"
    case updateLedger = "UpdateLedger"
    case deleteLedger = "DeleteLedger"
    case updateLedgerPermissionsMode = "UpdateLedgerPermissionsMode"
    case getDigest = "GetDigest"
    case getRevision = "GetRevision"
    case getBlock = "GetBlock"
    case exportJournalToS3 = "ExportJournalToS3"
    case listJournalS3ExportsForLedger = "ListJournalS3ExportsForLedger"
    case describeJournalS3Export = "DescribeJournalS3Export"
    case listJournalS3Exports = "ListJournalS3Exports"
    case tagResource = "TagResource"
    case untagResource = "UntagResource"
    case listTagsForResource = "ListTagsForResource"
    case streamJournalToKinesis = "StreamJournalToKinesis"
    case listJournalKinesisStreamsForLedger = "ListJournalKinesisStreamsForLedger"
    case describeJournalKinesisStream = "DescribeJournalKinesisStream"
    case cancelJournalKinesisStream = "CancelJournalKinesisStream"

    /// The HTTP method.
    public var method: String {
        switch self {
        case .createLedger, .getDigest, .getRevision, .getBlock, .exportJournalToS3, .tagResource,
            .streamJournalToKinesis:
            "POST"
        case .updateLedger, .updateLedgerPermissionsMode: "PATCH"
        case .deleteLedger, .untagResource, .cancelJournalKinesisStream: "DELETE"
        case .listLedgers, .describeLedger, .listJournalS3ExportsForLedger, .describeJournalS3Export,
            .listJournalS3Exports, .listTagsForResource, .listJournalKinesisStreamsForLedger,
            .describeJournalKinesisStream:
            "GET"
        }
    }

    /// The path template: literal segments and `{name}`, `{exportId}`, `{resourceArn}`,
    /// `{streamId}` parameters.
    public var pathTemplate: [String] {
        switch self {
        case .createLedger, .listLedgers: ["ledgers"]
        case .describeLedger, .updateLedger, .deleteLedger: ["ledgers", "{name}"]
        case .updateLedgerPermissionsMode: ["ledgers", "{name}", "permissions-mode"]
        case .getDigest: ["ledgers", "{name}", "digest"]
        case .getRevision: ["ledgers", "{name}", "revision"]
        case .getBlock: ["ledgers", "{name}", "block"]
        case .exportJournalToS3, .listJournalS3ExportsForLedger: ["ledgers", "{name}", "journal-s3-exports"]
        case .describeJournalS3Export: ["ledgers", "{name}", "journal-s3-exports", "{exportId}"]
        case .listJournalS3Exports: ["journal-s3-exports"]
        case .tagResource, .untagResource, .listTagsForResource: ["tags", "{resourceArn}"]
        case .streamJournalToKinesis, .listJournalKinesisStreamsForLedger:
            ["ledgers", "{name}", "journal-kinesis-streams"]
        case .describeJournalKinesisStream, .cancelJournalKinesisStream:
            ["ledgers", "{name}", "journal-kinesis-streams", "{streamId}"]
        }
    }

    /// The operation a request names, with its path parameters percent-decoded; `nil` when no
    /// operation has this method and path. `path` is as sent (percent-encoded, no query).
    public static func match(method: String, path: String) -> (ControlPlaneOperation, [String: String])? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for operation in allCases where operation.method == method {
            let template = operation.pathTemplate
            guard template.count == segments.count else { continue }
            var parameters: [String: String] = [:]
            var matched = true
            for (part, segment) in zip(template, segments) {
                if part.hasPrefix("{") {
                    guard !segment.isEmpty else {
                        matched = false
                        break
                    }
                    parameters[String(part.dropFirst().dropLast())] = String(
                        decoding: PercentEncoding.decode(String(segment)), as: UTF8.self)
                } else if part != segment {
                    matched = false
                    break
                }
            }
            if matched { return (operation, parameters) }
        }
        return nil
    }

    /// The path of a request, its parameters percent-encoded as botocore encodes URI labels
    /// (everything but unreserved characters).
    public func path(_ parameters: [String: String]) -> String {
        "/"
            + pathTemplate.map { part in
                guard part.hasPrefix("{") else { return part }
                return PercentEncoding.encode(
                    (parameters[String(part.dropFirst().dropLast())] ?? "").utf8, keepSlash: false)
            }.joined(separator: "/")
    }
}
