import Foundation
import QLDBSession
import Synchronization

/// Passes every exchange through to another transport and keeps it, for writing a recording
/// that ``ReplayTransport`` can play back.
public final class RecordingTransport: QLDBTransport {
    private let upstream: any QLDBTransport
    private let recorded = Mutex<[RecordedExchange]>([])

    /// Records what `upstream` sends and receives.
    public init(upstream: any QLDBTransport) { self.upstream = upstream }

    /// Sends through the upstream transport and records the exchange (failures without a
    /// response are not recorded).
    public nonisolated(nonsending) func send(_ body: [UInt8]) async throws -> TransportResponse {
        let response = try await upstream.send(body)
        recorded.withLock {
            $0.append(
                RecordedExchange(
                    sequence: $0.count + 1, request: body, status: response.status, response: response.body))
        }
        return response
    }

    /// The exchanges so far.
    public var exchanges: [RecordedExchange] { recorded.withLock { $0 } }

    /// The exchanges so far, one JSON line each.
    public func jsonLines() throws -> String {
        try exchanges.map { try $0.jsonLine() }.joined(separator: "\n") + "\n"
    }

    /// Shuts down the upstream transport.
    public func shutdown() async throws { try await upstream.shutdown() }
}
