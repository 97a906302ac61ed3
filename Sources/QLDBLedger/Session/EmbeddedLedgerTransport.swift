import QLDBSession

/// Sends `SendCommand` bodies straight to an in-process ``LedgerService``: the driver runs
/// against an embedded ledger with no HTTP and no signing.
public struct EmbeddedLedgerTransport: QLDBTransport {
    /// The service that answers.
    public let service: LedgerService

    /// A transport to `service`.
    public init(service: LedgerService) { self.service = service }

    /// Hands the body to the service.
    public nonisolated(nonsending) func send(_ body: [UInt8]) async throws -> TransportResponse {
        try Task.checkCancellation()
        return await service.handle(body: body)
    }
}
