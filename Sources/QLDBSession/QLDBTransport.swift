/// The bytes of one `SendCommand` exchange as the HTTP layer saw them.
public struct TransportResponse: Sendable, Hashable {
    /// The HTTP status.
    public var status: Int
    /// The response body, exactly as received.
    public var body: [UInt8]
    /// The `x-amzn-ErrorType` header, if the server sent one.
    public var errorType: String?

    /// Creates a response.
    public init(status: Int, body: [UInt8], errorType: String? = nil) {
        self.status = status
        self.body = body
        self.errorType = errorType
    }
}

/// Carries `SendCommand` request bodies to a ledger and brings back the responses.
///
/// A transport sends each body once: it never retries, because a resent `ExecuteStatement` could
/// run twice or put the commit digest out of step with the server. Retrying is the driver's job.
/// Implementations: ``HTTPTransport`` (SigV4-signed HTTP), the embedded ledger's in-process
/// transport, and the recording, replaying and scripted transports of `QLDBTesting`.
public protocol QLDBTransport: Sendable {
    /// Sends one awsJson1_0 `SendCommand` body and returns the response, whatever its status.
    ///
    /// - Throws: ``QLDBTransportError`` when no response arrived (connection refused or reset,
    ///   timeout), or `CancellationError` when the calling task was cancelled.
    nonisolated(nonsending) func send(_ body: [UInt8]) async throws -> TransportResponse

    /// Releases the transport's resources (connection pools). The default does nothing.
    func shutdown() async throws
}

extension QLDBTransport {
    /// Does nothing: the transport holds nothing to release.
    public func shutdown() async throws {}
}

/// A request that got no response: the driver treats these as retryable.
public struct QLDBTransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why no response arrived.
    public enum Kind: Sendable, Hashable {
        /// The connection could not be made, or was closed or reset.
        case connection
        /// Connecting or reading took longer than the configured timeout.
        case timeout
    }

    /// Why no response arrived.
    public var kind: Kind
    /// What the HTTP layer reported.
    public var message: String

    /// Creates an error.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String {
        switch kind {
        case .connection: "QLDB transport: connection failed: \(message)"
        case .timeout: "QLDB transport: timed out: \(message)"
        }
    }
}
