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

/// ISO 8601 times as AWS credential endpoints write them: `2024-01-15T12:00:00Z`, with an
/// optional fraction of a second and `Z` or an offset such as `+01:00`.
enum ISO8601 {
    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for b in bytes[start..<start + count] {
                guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(b - UInt8(ascii: "0"))
            }
            return value
        }
        func byte(_ i: Int) -> UInt8? { i < bytes.count ? bytes[i] : nil }
        guard let year = number(0, 4), byte(4) == UInt8(ascii: "-"), let month = number(5, 2),
            byte(7) == UInt8(ascii: "-"), let day = number(8, 2),
            byte(10) == UInt8(ascii: "T") || byte(10) == UInt8(ascii: "t"),
            let hour = number(11, 2), byte(13) == UInt8(ascii: ":"), let minute = number(14, 2),
            byte(16) == UInt8(ascii: ":"), let second = number(17, 2),
            let whole = HTTPDate.date(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        else { return nil }
        var i = 19
        var fraction = 0.0
        if byte(i) == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            let start = i
            while let b = byte(i), b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") {
                fraction += Double(b - UInt8(ascii: "0")) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        var offset = 0
        switch byte(i) {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            i += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard let hours = number(i + 1, 2), byte(i + 3) == UInt8(ascii: ":"), let minutes = number(i + 4, 2),
                hours < 24, minutes < 60
            else { return nil }
            offset = (hours * 60 + minutes) * 60 * (byte(i) == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        default:
            return nil
        }
        guard i == bytes.count else { return nil }
        return Date(timeIntervalSince1970: whole.timeIntervalSince1970 - TimeInterval(offset) + fraction)
    }
}
