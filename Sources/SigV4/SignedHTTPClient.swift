import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Sends requests signed with SigV4 over AsyncHTTPClient: the transport of the package's REST
/// clients (QLDB's control plane, S3). Never FoundationNetworking, which would link libcurl into
/// a static executable.
package struct SignedHTTPClient: Sendable {
    /// An answer: status, headers and the whole body.
    package struct Response: Sendable {
        package var status: Int
        package var headers: [(name: String, value: String)]
        package var body: [UInt8]

        /// The first value of a header, by case-insensitive name.
        package func header(_ name: String) -> String? {
            let wanted = name.lowercased()
            return headers.first { $0.name.lowercased() == wanted }?.value
        }
    }

    /// Scheme, host and port requests go to (its path is put before every request's).
    package let endpoint: URL
    package let signer: SigV4Signer
    package let credentials: any CredentialProvider
    package let client: HTTPClient
    package let timeout: Duration
    package let maxResponseBytes: Int

    /// A client; `httpClient` `nil` sends through `HTTPClient.shared`, which needs no shutdown.
    package init(
        endpoint: URL, signer: SigV4Signer, credentials: any CredentialProvider, httpClient: HTTPClient? = nil,
        timeout: Duration = .seconds(30), maxResponseBytes: Int = 64 << 20
    ) {
        self.endpoint = endpoint
        self.signer = signer
        self.credentials = credentials
        self.client = httpClient ?? HTTPClient.shared
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
    }

    /// The `Host` header for the endpoint: the port only when it is not the scheme's default.
    var host: String {
        var host = endpoint.host ?? "localhost"
        if let port = endpoint.port,
            !((endpoint.scheme == "https" && port == 443) || (endpoint.scheme == "http" && port == 80))
        {
            host += ":\(port)"
        }
        return host
    }

    /// Signs and sends one request.
    ///
    /// - Parameters:
    ///   - method: the HTTP method.
    ///   - path: the path as sent, percent-encoded.
    ///   - signingPath: the path the signer canonicalises (it percent-encodes it once more);
    ///     `nil` for `path` itself, as every service but S3 wants. S3 signs its path encoded once,
    ///     so its client passes the unencoded path here.
    ///   - query: the query string as sent, without `?`.
    ///   - headers: headers to send and sign besides `Host` and the signer's own.
    ///   - body: the body.
    /// - Returns: the answer, whatever its status.
    /// - Throws: what the credential provider or AsyncHTTPClient throws.
    package func send(
        method: String, path: String, signingPath: String? = nil, query: String = "",
        headers: [(name: String, value: String)] = [], body: [UInt8] = []
    ) async throws -> Response {
        let prefix = endpoint.path.hasSuffix("/") ? String(endpoint.path.dropLast()) : endpoint.path
        var signed = [(name: "Host", value: host)] + headers
        let request = SigV4Request(
            method: method, path: prefix + (signingPath ?? path), query: query, headers: signed, payload: .bytes(body))
        let signature = signer.sign(request, credentials: try await credentials.credentials())
        signed += signature.headersToAdd
        var url = "\(endpoint.scheme ?? "https")://\(host)\(prefix)\(path)"
        if !query.isEmpty { url += "?\(query)" }
        var outgoing = HTTPClientRequest(url: url)
        outgoing.method = HTTPMethod(rawValue: method)
        for (name, value) in signed where name != "Host" { outgoing.headers.add(name: name, value: value) }
        outgoing.headers.add(name: "Host", value: host)
        outgoing.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(outgoing, timeout: .init(timeout))
        let bytes = try await response.body.collect(upTo: maxResponseBytes)
        if response.status.code == 403, let date = response.headers.first(name: "Date") {
            // A skew rejection: later signatures use the server's clock.
            _ = signer.clock.update(serverDateHeader: date)
        }
        return Response(
            status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
            body: Array(bytes.readableBytesView))
    }
}
