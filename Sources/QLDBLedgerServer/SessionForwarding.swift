import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import QLDBLedger
import QLDBSession

/// How a frontend that shares its ledgers with others (through a shared store) answers a
/// command for a session another frontend holds: a session lives in the memory of the frontend
/// that started it (its token starts with that frontend's id), and any other frontend forwards
/// the command to it, after checking the signature itself. A load balancer may therefore send
/// any request anywhere.
public struct SessionForwarding: Sendable {
    /// This frontend's id: the prefix of the session tokens it hands out.
    public var frontendID: String
    /// The secret frontends show each other on forwarded commands (every frontend of a cluster
    /// reads the same one from the shared store).
    public var secret: String
    /// Where the frontend with an id listens for forwarded commands; `nil` when it is unknown
    /// (it stopped): the session is then gone, as when a QLDB session ends.
    public var peer: @Sendable (String) async -> URL?

    /// Creates the forwarding settings.
    public init(frontendID: String, secret: String, peer: @escaping @Sendable (String) async -> URL?) {
        self.frontendID = frontendID
        self.secret = secret
        self.peer = peer
    }

    /// The route forwarded commands arrive on.
    static let path = "/internal/session-command"
    static let secretHeader = "X-Qldb-Forward-Secret"
    static let principalHeader = "X-Qldb-Principal"

    /// The frontend id a request body's session token names, when it is another frontend's.
    func owner(ofTokenIn body: [UInt8]) -> String? {
        guard
            let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let token = object["SessionToken"] as? String, let dot = token.firstIndex(of: ".")
        else { return nil }
        let owner = String(token[..<dot])
        return owner == frontendID ? nil : owner
    }

    /// Sends a command to the frontend holding its session and returns that frontend's answer;
    /// a frontend that is gone answers as QLDB does for an ended session.
    func forward(_ body: [UInt8], principal: String?, to owner: String, logger: Logger) async -> TransportResponse {
        guard let base = await peer(owner) else {
            return LedgerService.errorResponse(.invalidSession("No such session"))
        }
        var request = HTTPClientRequest(url: base.appendingPathComponent(Self.path).absoluteString)
        request.method = .POST
        request.headers.add(name: Self.secretHeader, value: secret)
        if let principal { request.headers.add(name: Self.principalHeader, value: principal) }
        request.headers.add(name: "Content-Type", value: "application/x-amz-json-1.0")
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
            return TransportResponse(
                status: Int(response.status.code), body: Array(bytes.readableBytesView),
                errorType: response.headers.first(name: "x-amzn-ErrorType"))
        } catch {
            logger.warning(
                "the frontend holding a session did not answer a forwarded command",
                metadata: ["frontend": "\(owner)", "url": "\(base)", "error": "\(error)"])
            return LedgerService.errorResponse(.invalidSession("No such session"))
        }
    }
}
