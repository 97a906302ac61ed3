/// Failures the driver itself reports (service and transport failures arrive as
/// `QLDBSessionError` and `QLDBTransportError`).
public struct QLDBDriverError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Hashable {
        /// No session became free within the acquire timeout.
        case sessionPoolTimeout
        /// The driver was closed.
        case driverClosed
        /// The commit digest the ledger echoed differs from the one computed here.
        case commitDigestMismatch
        /// A result was read after its transaction ended without it being buffered, or a
        /// statement was started after the transaction ended.
        case transactionEnded
        /// The ledger answered with something the protocol does not allow.
        case protocolViolation
    }

    /// What went wrong.
    public var kind: Kind
    /// A sentence saying what happened and what to do.
    public var message: String

    /// Creates an error.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
