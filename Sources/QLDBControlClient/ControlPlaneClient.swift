import AsyncHTTPClient
import Foundation
import QLDBControl
import QLDBPrimitives
import SigV4

/// A client of QLDB's control plane (the `qldb` REST-JSON API): ledgers, tags, digests, blocks
/// and revisions with their proofs, journal exports. It speaks to Amazon QLDB's regional
/// endpoint (`https://qldb.REGION.amazonaws.com`) or to `qldb serve`, signing with SigV4 and
/// sending with AsyncHTTPClient. Every failure the service answers is a ``ControlPlaneError``.
public struct ControlPlaneClient: Sendable {
    let http: SignedHTTPClient

    /// A client for the endpoint at `endpoint`, signing for `region` with `credentials`;
    /// `httpClient` `nil` sends through `HTTPClient.shared`, which needs no shutdown.
    public init(
        endpoint: URL, region: String, credentials: any CredentialProvider, httpClient: HTTPClient? = nil,
        timeout: Duration = .seconds(30)
    ) {
        http = SignedHTTPClient(
            endpoint: endpoint, signer: SigV4Signer(service: "qldb", region: region), credentials: credentials,
            httpClient: httpClient, timeout: timeout)
    }

    // MARK: Ledgers

    /// CreateLedger.
    public func createLedger(_ request: CreateLedgerRequest) async throws -> LedgerDescription {
        try await call(.createLedger, body: request)
    }

    /// DescribeLedger.
    public func describeLedger(name: String) async throws -> LedgerDescription {
        try await call(.describeLedger, ["name": name])
    }

    /// ListLedgers: one page.
    public func listLedgers(maxResults: Int? = nil, nextToken: String? = nil) async throws -> ListLedgersResponse {
        try await call(.listLedgers, query: Self.page(maxResults, nextToken))
    }

    /// UpdateLedger.
    public func updateLedger(name: String, _ request: UpdateLedgerRequest) async throws -> LedgerDescription {
        try await call(.updateLedger, ["name": name], body: request)
    }

    /// UpdateLedgerPermissionsMode.
    public func updatePermissionsMode(name: String, _ mode: PermissionsMode) async throws -> LedgerDescription {
        try await call(
            .updateLedgerPermissionsMode, ["name": name],
            body: UpdateLedgerPermissionsModeRequest(permissionsMode: mode))
    }

    /// DeleteLedger.
    public func deleteLedger(name: String) async throws {
        let _: Empty = try await call(.deleteLedger, ["name": name])
    }

    // MARK: Tags

    /// TagResource.
    public func tagResource(arn: String, tags: [String: String]) async throws {
        let _: Empty = try await call(.tagResource, ["resourceArn": arn], body: ResourceTags(tags: tags))
    }

    /// UntagResource.
    public func untagResource(arn: String, keys: [String]) async throws {
        let query = keys.map { "tagKeys=\(PercentEncoding.encode($0.utf8, keepSlash: false))" }.joined(separator: "&")
        let _: Empty = try await call(.untagResource, ["resourceArn": arn], query: query)
    }

    /// ListTagsForResource.
    public func listTags(arn: String) async throws -> [String: String] {
        let tags: ResourceTags = try await call(.listTagsForResource, ["resourceArn": arn])
        return tags.tags
    }

    // MARK: Digests and proofs

    /// GetDigest.
    public func getDigest(ledger: String) async throws -> GetDigestResponse {
        try await call(.getDigest, ["name": ledger], body: Empty())
    }

    /// GetRevision.
    public func getRevision(ledger: String, _ request: GetRevisionRequest) async throws -> GetRevisionResponse {
        try await call(.getRevision, ["name": ledger], body: request)
    }

    /// GetBlock.
    public func getBlock(ledger: String, _ request: GetBlockRequest) async throws -> GetBlockResponse {
        try await call(.getBlock, ["name": ledger], body: request)
    }

    // MARK: Journal exports

    /// ExportJournalToS3.
    public func exportJournalToS3(ledger: String, _ request: ExportJournalToS3Request) async throws
        -> ExportJournalToS3Response
    {
        try await call(.exportJournalToS3, ["name": ledger], body: request)
    }

    /// DescribeJournalS3Export.
    public func describeJournalS3Export(ledger: String, exportID: String) async throws
        -> DescribeJournalS3ExportResponse
    {
        try await call(.describeJournalS3Export, ["name": ledger, "exportId": exportID])
    }

    /// ListJournalS3ExportsForLedger (with `ledger`) or ListJournalS3Exports: one page.
    public func listJournalS3Exports(ledger: String? = nil, maxResults: Int? = nil, nextToken: String? = nil)
        async throws -> ListJournalS3ExportsResponse
    {
        let query = Self.page(maxResults, nextToken)
        if let ledger { return try await call(.listJournalS3ExportsForLedger, ["name": ledger], query: query) }
        return try await call(.listJournalS3Exports, query: query)
    }

    // MARK: Sending

    private struct Empty: Codable {}

    private static func page(_ maxResults: Int?, _ nextToken: String?) -> String {
        var items: [String] = []
        if let maxResults { items.append("max_results=\(maxResults)") }
        if let nextToken { items.append("next_token=\(PercentEncoding.encode(nextToken.utf8, keepSlash: false))") }
        return items.joined(separator: "&")
    }

    private func call<Answer: Decodable>(
        _ operation: ControlPlaneOperation, _ parameters: [String: String] = [:], query: String = ""
    ) async throws -> Answer {
        try await send(operation, parameters, query: query, body: nil as Empty?)
    }

    private func call<Answer: Decodable>(
        _ operation: ControlPlaneOperation, _ parameters: [String: String] = [:], body: some Encodable
    ) async throws -> Answer {
        try await send(operation, parameters, query: "", body: body)
    }

    private func send<Answer: Decodable, Body: Encodable>(
        _ operation: ControlPlaneOperation, _ parameters: [String: String], query: String, body: Body?
    ) async throws -> Answer {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        let bytes = try body.map { Array(try encoder.encode($0)) } ?? []
        let response = try await http.send(
            method: operation.method, path: operation.path(parameters), query: query,
            headers: bytes.isEmpty ? [] : [(name: "Content-Type", value: "application/json")], body: bytes)
        guard (200..<300).contains(response.status) else {
            throw ControlPlaneError(
                status: response.status, errorTypeHeader: response.header("x-amzn-ErrorType"), body: response.body)
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return try decoder.decode(Answer.self, from: Data(response.body.isEmpty ? Array("{}".utf8) : response.body))
    }
}
