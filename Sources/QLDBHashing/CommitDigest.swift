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
    /// The running digest. Kept inline: a transaction takes a hash per statement and parameter
    /// and a `dot` for each, and a `QLDBHash` (a heap array) for every one of them was most of
    /// the commit digest's cost.
    private var state: InlineHash

    /// The digest so far.
    public var digest: QLDBHash { state.hash }

    /// Starts the digest of a transaction.
    public init(transactionID: String) {
        state = InlineHash(ionHashOf: .string(transactionID))
    }

    /// The Ion hash (SHA-256) of a value.
    public static func ionHash(_ value: IonValue) -> QLDBHash {
        QLDBHash(IonHasher.sha256.digest(of: value))
    }

    /// The hash of one statement with its parameters, as it enters the digest.
    public static func statementHash(_ statement: String, parameterHashes: [QLDBHash]) -> QLDBHash {
        var s = ionHash(.string(statement))
        for p in parameterHashes { s = QLDBHash.dot(s, p) }
        return s
    }

    /// Adds a statement and its parameters, in send order.
    public mutating func add(statement: String, parameters: [IonValue]) {
        var s = InlineHash(ionHashOf: .string(statement))
        for parameter in parameters { s = s.dot(InlineHash(ionHashOf: parameter)) }
        state = state.dot(s)
    }

    /// Adds a statement whose parameters are already Ion-hashed.
    public mutating func add(statement: String, parameterHashes: [QLDBHash]) {
        guard parameterHashes.allSatisfy({ $0.bytes.count == 32 }) else {
            // ``QLDBHash/dot(_:_:)``'s rule for other lengths (an empty operand) applies; the
            // statement hash it gives is a SHA-256 again, so the running digest stays inline.
            state = state.dot(InlineHash(Self.statementHash(statement, parameterHashes: parameterHashes)))
            return
        }
        var s = InlineHash(ionHashOf: .string(statement))
        for hash in parameterHashes { s = s.dot(InlineHash(hash)) }
        state = state.dot(s)
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

/// A 32-byte SHA-256 hash held in place, with the `dot` of ``QLDBHash/dot(_:_:)``.
struct InlineHash: Sendable, Hashable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// The Ion hash of `value`.
    init(ionHashOf value: IonValue) {
        withUnsafeMutableBytes(of: &words) { IonHasher.sha256.digest(of: value, into: $0) }
    }

    /// A copy of a 32-byte hash.
    init(_ hash: QLDBHash) {
        precondition(hash.bytes.count == 32, "a commit digest operand has \(hash.bytes.count) bytes, not 32")
        withUnsafeMutableBytes(of: &words) { $0.copyBytes(from: hash.bytes) }
    }

    var hash: QLDBHash { withUnsafeBytes(of: words) { QLDBHash(Array($0)) } }

    /// SHA-256 of the two hashes concatenated in QLDB's order (``QLDBHash/compare(_:_:)``).
    func dot(_ other: InlineHash) -> InlineHash {
        var result = InlineHash()
        withUnsafeBytes(of: words) { a in
            withUnsafeBytes(of: other.words) { b in
                withUnsafeMutableBytes(of: &result.words) { QLDBHash.dot(bytes: a, b, into: $0) }
            }
        }
        return result
    }

    private init() {}

    static func == (a: InlineHash, b: InlineHash) -> Bool { a.words == b.words }

    func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }
}
