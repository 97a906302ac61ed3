import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The HTTP calls credential providers make (container endpoint, IMDS). Injectable for tests.
public protocol CredentialHTTPClient: Sendable {
    /// Sends a request and returns the status and body.
    func send(method: String, url: URL, headers: [String: String], timeout: TimeInterval) async throws -> (
        status: Int, body: Data
    )
}

/// ``CredentialHTTPClient`` over AsyncHTTPClient (`HTTPClient.shared` unless another client is
/// given). Redirects are not followed and bodies over 1 MiB are refused: a credential document
/// is a few hundred bytes.
///
/// The providers use this rather than Foundation's `URLSession` because on Linux `URLSession`
/// lives in FoundationNetworking, which links libcurl: a fully static executable (the Lambda
/// `bootstrap`) cannot be linked with it.
public struct AsyncHTTPCredentialClient: CredentialHTTPClient {
    let client: HTTPClient

    /// Creates the client; `nil` sends through `HTTPClient.shared`, which needs no shutdown.
    public init(httpClient: HTTPClient? = nil) { client = httpClient ?? HTTPClient.shared }

    public func send(method: String, url: URL, headers: [String: String], timeout: TimeInterval) async throws -> (
        status: Int, body: Data
    ) {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await client.execute(request, timeout: .milliseconds(Int64((timeout * 1000).rounded())))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), Data(body.readableBytesView))
    }
}

/// The credential document the container endpoint and IMDS return.
// swift-format-ignore: AlwaysUseLowerCamelCase
// The members mirror the document's JSON keys, which Decodable matches by name.
struct CredentialDocument: Decodable {
    var AccessKeyId: String
    var SecretAccessKey: String
    var Token: String?
    var Expiration: String?

    func credentials(provider: String) throws -> AWSCredentials {
        var expiration: Date? = nil
        if let text = Expiration {
            guard let date = ISO8601.parse(text) else {
                throw CredentialProviderError(
                    provider: provider, reason: "Expiration '\(text)' is not an ISO 8601 time")
            }
            expiration = date
        }
        return AWSCredentials(
            accessKeyID: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: Token, expiration: expiration)
    }
}

/// ISO 8601 times as AWS credential endpoints write them (`2024-01-15T12:00:00Z`, optional fraction).
enum ISO8601 {
    static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
