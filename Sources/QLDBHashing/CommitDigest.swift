import Ion
import IonHash

/// The running commit digest of a QLDB transaction.
///
/// ```
/// digest = H(transactionId)
/// for each statement, in the order sent:
///     s = H(statement); for each parameter p, in order: s = dot(s, H(p))
///     digest = dot(digest, s)
/// ```
///
/// `H` is Ion Hash with SHA-256; the transaction id and the statement are hashed as Ion strings.
/// The driver sends the final digest with `CommitTransaction`, and the ledger computes it from
/// what it received: a mismatch fails the commit with `BadRequestException` code 412.
public struct CommitDigest: Sendable, Hashable {
    /// The digest so far (held in place, like every 32-byte ``QLDBHash``).
    public private(set) var digest: QLDBHash

    /// Starts the digest of a transaction.
    public init(transactionID: String) {
        digest = QLDBHash.ionHash(of: .string(transactionID))
    }

    /// The Ion hash (SHA-256) of a value.
    public static func ionHash(_ value: IonValue) -> QLDBHash { QLDBHash.ionHash(of: value) }

    /// The hash of one statement with its parameters, as it enters the digest.
    public static func statementHash(_ statement: String, parameterHashes: [QLDBHash]) -> QLDBHash {
        var s = ionHash(.string(statement))
        for p in parameterHashes { s = QLDBHash.dot(s, p) }
        return s
    }

    /// Adds a statement and its parameters, in send order.
    public mutating func add(statement: String, parameters: [IonValue]) {
        var s = Self.ionHash(.string(statement))
        for parameter in parameters { s = QLDBHash.dot(s, Self.ionHash(parameter)) }
        digest = QLDBHash.dot(digest, s)
    }

    /// Adds a statement whose parameters are already Ion-hashed.
    public mutating func add(statement: String, parameterHashes: [QLDBHash]) {
        add(statementHash: Self.statementHash(statement, parameterHashes: parameterHashes))
    }

    /// Adds the hash of a statement with its parameters (``statementHash(_:parameterHashes:)``),
    /// for a caller that keeps it too.
    public mutating func add(statementHash: QLDBHash) {
        digest = QLDBHash.dot(digest, statementHash)
    }

    /// Adds a statement whose parameters are Ion binary documents of one value each (as sent on
    /// the wire), hashing each while reading it.
    public mutating func add(statement: String, binaryParameters: [[UInt8]]) throws {
        let hashes = try binaryParameters.map { bytes -> QLDBHash in
            var reader = try IonBinaryReader(bytes)
            guard try reader.next() != nil else {
                throw IonError(.invalidState, "a statement parameter holds no Ion value")
            }
            let hash = QLDBHash(try IonHasher.sha256.digest(of: &reader))
            guard try reader.next() == nil else {
                throw IonError(.invalidState, "a statement parameter holds more than one Ion value")
            }
            return hash
        }
        add(statement: statement, parameterHashes: hashes)
    }
}
