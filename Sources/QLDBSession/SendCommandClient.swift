import Foundation

/// Sends typed `SendCommand` requests through a transport: serialises the request once, and turns
/// a non-2xx response into a ``QLDBSessionError``.
public struct SendCommandClient: Sendable {
    /// The transport the bodies travel on.
    public let transport: any QLDBTransport

    /// Creates a client on a transport.
    public init(transport: any QLDBTransport) { self.transport = transport }

    /// Sends a request and decodes its result.
    ///
    /// - Throws: ``QLDBSessionError`` for an error response, ``QLDBTransportError`` when no
    ///   response came, `DecodingError` when a 2xx body is not a `SendCommand` result.
    public nonisolated(nonsending) func send(_ request: SendCommandRequest) async throws -> SendCommandResponse {
        let body = try SendCommandJSON.encode(request)
        let response = try await transport.send(body)
        guard (200..<300).contains(response.status) else {
            throw QLDBSessionError(status: response.status, body: response.body, errorTypeHeader: response.errorType)
        }
        return try SendCommandJSON.decodeResponse(response.body)
    }
}

extension SendCommandJSON {
    /// Serialises a request body (compact JSON, members in the model's order).
    public static func encode(_ request: SendCommandRequest) throws -> [UInt8] {
        SendCommandWireCodec.encode(request)
    }

    /// Parses a request body (what a ledger receives).
    ///
    /// - Throws: an error naming the byte offset for malformed JSON, or the member that has the wrong shape.
    public static func decodeRequest(_ body: [UInt8]) throws -> SendCommandRequest {
        try SendCommandWireCodec.decodeRequest(body)
    }

    /// Serialises a response body (what a ledger sends).
    public static func encode(_ response: SendCommandResponse) throws -> [UInt8] {
        SendCommandWireCodec.encode(response)
    }

    /// Parses a response body.
    public static func decodeResponse(_ body: [UInt8]) throws -> SendCommandResponse {
        try SendCommandWireCodec.decodeResponse(body)
    }
}
