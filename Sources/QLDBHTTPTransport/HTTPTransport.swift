import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import QLDBSession
import SigV4
import Synchronization

/// Sends `SendCommand` over HTTP(S) with AsyncHTTPClient, signing each request with SigV4.
///
/// One request per call, never retried at the HTTP level. Connections are pooled by the
/// underlying `HTTPClient`.
public final class HTTPTransport: QLDBTransport {
    /// Where and how to connect.
    public struct Configuration: Sendable {
        /// The endpoint URL: `https://session.qldb.<region>.amazonaws.com/`, a VPC endpoint, or a
        /// local `http://127.0.0.1:8000/`.
        public var endpoint: URL
        /// The signing region.
        public var region: String
        /// Time allowed to establish a connection, for a transport made with
        /// ``HTTPTransport/withOwnClient(configuration:credentials:)``.
        public var connectTimeout: Duration = .seconds(5)
        /// Time allowed for the whole request and response once sent.
        public var requestTimeout: Duration = .seconds(35)
        /// Most connections kept open to the endpoint, for a transport made with
        /// ``HTTPTransport/withOwnClient(configuration:credentials:)`` (the shared client keeps its own limit).
        public var maxConnections: Int = 50
        /// Sent as `User-Agent`.
        public var userAgent: String = SwiftQLDBVersion.userAgent
        /// Largest response body accepted.
        public var maxResponseBytes: Int = 64 * 1024 * 1024
        /// A PEM file of the certificate authorities to trust for HTTPS instead of the system's
        /// (for a ledger with its own CA, as `qldb serve --tls-certificate` may have). Defaults
        /// to `$AWS_CA_BUNDLE`, as the AWS SDKs read it.
        public var caBundle: String?

        /// A configuration for an endpoint and region.
        public init(endpoint: URL, region: String) {
            self.endpoint = endpoint
            self.region = region
            self.caBundle = ProcessInfo.processInfo.environment["AWS_CA_BUNDLE"].flatMap { $0.isEmpty ? nil : $0 }
        }

        /// The regional QLDB session endpoint.
        public static func regional(_ region: String) -> Configuration {
            Configuration(endpoint: URL(string: "https://session.qldb.\(region).amazonaws.com/")!, region: region)
        }
    }

    /// The configuration in use.
    public let configuration: Configuration
    /// The signer (service `qldb`); its clock learns skew from rejected requests.
    public let signer: SigV4Signer
    private let credentials: any CredentialProvider
    private let client: HTTPClient
    private let ownsClient = Mutex(false)
    private let host: String
    private let path: String
    /// Every command is the same `POST` with these headers and a new body: canonicalised once.
    private let sendCommand: SigV4Signer.PreparedRequest

    /// Creates a transport.
    ///
    /// - Parameters:
    ///   - configuration: endpoint, region, timeouts.
    ///   - credentials: where signing credentials come from (``CredentialProviderChain/default`` for the AWS chain).
    ///   - httpClient: the client to send with; `nil` uses `HTTPClient.shared`, which needs no
    ///     shutdown (its connect timeout is AsyncHTTPClient's default; the request timeout applies
    ///     per request). See ``withOwnClient(configuration:credentials:)`` for a dedicated client.
    public init(configuration: Configuration, credentials: any CredentialProvider, httpClient: HTTPClient? = nil) {
        self.configuration = configuration
        self.credentials = credentials
        self.signer = SigV4Signer(service: "qldb", region: configuration.region)
        let url = configuration.endpoint
        var host = url.host ?? "localhost"
        if let port = url.port, !((url.scheme == "https" && port == 443) || (url.scheme == "http" && port == 80)) {
            host += ":\(port)"
        }
        self.host = host
        self.path = url.path.isEmpty ? "/" : url.path
        self.sendCommand = signer.prepare(
            method: "POST", path: path,
            headers: [
                ("Content-Type", "application/x-amz-json-1.0"),
                ("Host", host),
                ("X-Amz-Target", "QLDBSession.SendCommand"),
            ])
        client = httpClient ?? configuration.caBundle.map(Self.sharedClient(trusting:)) ?? HTTPClient.shared
    }

    /// One client per CA bundle for the life of the process, like `HTTPClient.shared` (never shut down).
    private static let bundleClients = Mutex<[String: HTTPClient]>([:])

    private static func sharedClient(trusting bundle: String) -> HTTPClient {
        bundleClients.withLock { clients in
            if let client = clients[bundle] { return client }
            var config = HTTPClient.Configuration()
            config.tlsConfiguration = Self.tls(trusting: bundle)
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
            clients[bundle] = client
            return client
        }
    }

    /// TLS for a client that trusts the certificate authorities in the PEM file `bundle`.
    static func tls(trusting bundle: String) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(bundle)
        return tls
    }

    /// Creates a transport with its own `HTTPClient` built from the configuration's connect
    /// timeout and connection limit. Call ``shutdown()`` before releasing it.
    public static func withOwnClient(configuration: Configuration, credentials: any CredentialProvider) -> HTTPTransport
    {
        var config = HTTPClient.Configuration(
            timeout: .init(connect: .init(configuration.connectTimeout), read: .init(configuration.requestTimeout)))
        config.connectionPool = .init(
            idleTimeout: .seconds(50), concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.maxConnections)
        config.decompression = .disabled
        if let bundle = configuration.caBundle { config.tlsConfiguration = tls(trusting: bundle) }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
        return HTTPTransport(configuration: configuration, credentials: credentials, client: client, owns: true)
    }

    private convenience init(
        configuration: Configuration, credentials: any CredentialProvider, client: HTTPClient, owns: Bool
    ) {
        self.init(configuration: configuration, credentials: credentials, httpClient: client)
        ownsClient.withLock { $0 = owns }
    }

    /// Signs and sends one body.
    public nonisolated(nonsending) func send(_ body: [UInt8]) async throws -> TransportResponse {
        let credentials = try await credentials.credentials()
        let signature = signer.sign(sendCommand, payload: .bytes(body), credentials: credentials)
        var request = HTTPClientRequest(url: configuration.endpoint.absoluteString)
        request.method = .POST
        for (name, value) in sendCommand.headers + signature.headersToAdd {
            request.headers.add(name: name, value: value)
        }
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: .init(configuration.requestTimeout))
            var buffer = try await response.body.collect(upTo: configuration.maxResponseBytes)
            let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            if response.status.code == 403, let date = response.headers.first(name: "Date") {
                // A skew rejection: later signatures use the server's clock.
                _ = signer.clock.update(serverDateHeader: date)
            }
            return TransportResponse(
                status: Int(response.status.code), body: bytes,
                errorType: response.headers.first(name: "x-amzn-ErrorType"))
        } catch {
            throw Self.classify(error)
        }
    }

    static func classify(_ error: any Error) -> any Error {
        if error is CancellationError { return error }
        if let error = error as? HTTPClientError {
            switch error {
            case .cancelled: return CancellationError()
            case .connectTimeout, .readTimeout, .deadlineExceeded, .writeTimeout:
                return QLDBTransportError(.timeout, String(describing: error))
            default: return QLDBTransportError(.connection, String(describing: error))
            }
        }
        return QLDBTransportError(.connection, String(describing: error))
    }

    /// Shuts down the HTTP client if this transport created it.
    public func shutdown() async throws {
        if ownsClient.withLock({ $0 }) { try await client.shutdown() }
    }
}
