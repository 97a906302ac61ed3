import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The HTTP calls credential providers make (container endpoint, IMDS). Injectable for tests.
public protocol CredentialHTTPClient: Sendable {
    /// Sends a request and returns the status and body.
    func send(method: String, url: URL, headers: [String: String], timeout: TimeInterval) async throws -> (status: Int, body: Data)
}

/// ``CredentialHTTPClient`` over Foundation's `URLSession`, with no caching and no cookies.
public struct URLSessionCredentialHTTPClient: CredentialHTTPClient {
    /// Creates the client.
    public init() {}

    public func send(method: String, url: URL, headers: [String: String], timeout: TimeInterval) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        return try await withCheckedThrowingContinuation { continuation in
            session.dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(throwing: error)
                } else {
                    continuation.resume(returning: ((response as? HTTPURLResponse)?.statusCode ?? 0, data ?? Data()))
                }
            }.resume()
        }
    }
}

/// The credential document the container endpoint and IMDS return.
struct CredentialDocument: Decodable {
    var AccessKeyId: String
    var SecretAccessKey: String
    var Token: String?
    var Expiration: String?

    func credentials(provider: String) throws -> AWSCredentials {
        var expiration: Date? = nil
        if let text = Expiration {
            guard let date = ISO8601.parse(text) else {
                throw CredentialProviderError(provider: provider, reason: "Expiration '\(text)' is not an ISO 8601 time")
            }
            expiration = date
        }
        return AWSCredentials(accessKeyID: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: Token, expiration: expiration)
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
