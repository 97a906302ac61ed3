import Ion
import IonHash
import QLDBPrimitives

/// A 32-byte SHA-256 hash as QLDB uses it: commit digests, revision and block hashes, proofs.
///
/// A 32-byte hash is held in place (four words, no heap): a transaction takes a hash per
/// statement and parameter and a `dot` for each, and the ledger one per revision and block.
/// Other lengths (the empty Merkle root; whatever a damaged journal or a remote peer supplies)
/// are kept as they are, so every hash round-trips through ``bytes``.
public struct QLDBHash: Sendable, Hashable, CustomStringConvertible {
    @usableFromInline enum Storage: Sendable {
        case sha256(UInt64, UInt64, UInt64, UInt64)
        /// Any length but 32 (the representation is canonical by length).
        case other([UInt8])
    }

    @usableFromInline var storage: Storage

    /// The hash bytes (32 for every hash QLDB computes; empty only for the empty Merkle root).
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// The number of bytes.
    public var count: Int {
        switch storage {
        case .sha256: 32
        case .other(let bytes): bytes.count
        }
    }

    /// Whether the hash is empty (the Merkle root of no hashes).
    public var isEmpty: Bool { count == 0 }

    /// Calls `body` with the hash bytes.
    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch storage {
        case .sha256(let a, let b, let c, let d):
            let words = (a, b, c, d)
            return try Swift.withUnsafeBytes(of: words, body)
        case .other(let bytes):
            return try bytes.withUnsafeBytes(body)
        }
    }

    /// Wraps hash bytes.
    public init(_ bytes: [UInt8]) {
        if bytes.count == 32 {
            self.init(writing: { out in bytes.withUnsafeBytes { out.copyMemory(from: $0) } })
        } else {
            self.init(storage: .other(bytes))
        }
    }

    private init(storage: Storage) { self.storage = storage }

    /// A 32-byte hash that `write` stores into the 32 bytes it is given.
    init(writing write: (UnsafeMutableRawBufferPointer) -> Void) {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        Swift.withUnsafeMutableBytes(of: &words, write)
        self.init(storage: .sha256(words.0, words.1, words.2, words.3))
    }

    /// The SHA-256 of `data`.
    public static func sha256(_ data: some Sequence<UInt8>) -> QLDBHash {
        // Ion Hash's SHA-256 keeps its context inline (no allocation per hash on Linux).
        var hasher = SHA256IonHash().makeHasher()
        if data.withContiguousStorageIfAvailable({ hasher.update(UnsafeRawBufferPointer($0)) }) == nil {
            Array(data).withUnsafeBytes { hasher.update($0) }
        }
        return QLDBHash(writing: { hasher.finalize(into: $0) })
    }

    /// The Ion hash (SHA-256) of a value.
    static func ionHash(of value: IonValue) -> QLDBHash {
        QLDBHash(writing: { IonHasher.sha256.digest(of: value, into: $0) })
    }

    /// Whether the two hashes have the same bytes.
    public static func == (a: QLDBHash, b: QLDBHash) -> Bool {
        switch (a.storage, b.storage) {
        case (.sha256(let a0, let a1, let a2, let a3), .sha256(let b0, let b1, let b2, let b3)):
            a0 == b0 && a1 == b1 && a2 == b2 && a3 == b3
        case (.other(let a), .other(let b)): a == b
        default: false
        }
    }

    /// Hashes the bytes.
    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// Parses lowercase or uppercase hex; `nil` if malformed.
    public init?(hex: String) {
        guard let bytes = Hex.decode(hex) else { return nil }
        self.init(bytes)
    }

    /// Lowercase hex.
    public var hex: String { withUnsafeBytes { Hex.encode($0) } }

    /// Standard base64, as `CommitDigest` travels in JSON.
    public var base64: String { withUnsafeBytes { Base64.encode($0) } }

    public var description: String { hex }
}

extension QLDBHash {
    /// QLDB's ordering of hashes: bytes compared from the last to the first as signed 8-bit
    /// integers (Java's `Byte.compare` from index 31 down). Negative when `a` sorts first.
    public static func compare(_ a: QLDBHash, _ b: QLDBHash) -> Int {
        a.withUnsafeBytes { a in b.withUnsafeBytes { b in compare(bytes: a, b) } }
    }

    /// ``compare(_:_:)`` over raw bytes.
    static func compare(bytes a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        var i = min(a.count, b.count) - 1
        var j = (a.count - 1, b.count - 1)
        // Hashes are always 32 bytes; for other lengths compare aligned from the end.
        while i >= 0 {
            let d = Int(Int8(bitPattern: a[j.0])) - Int(Int8(bitPattern: b[j.1]))
            if d != 0 { return d }
            i -= 1
            j = (j.0 - 1, j.1 - 1)
        }
        return a.count - b.count
    }

    /// The QLDB `dot` operator the drivers use for commit digests: SHA-256 of the two hashes
    /// concatenated in ``compare(_:_:)`` order. An empty operand gives SHA-256 of the other.
    ///
    /// `dot` is commutative, but a left fold of it is not associative: statement and parameter
    /// order change a commit digest.
    public static func dot(_ a: QLDBHash, _ b: QLDBHash) -> QLDBHash {
        if a.isEmpty { return sha256(b.bytes) }
        if b.isEmpty { return sha256(a.bytes) }
        return QLDBHash(writing: { out in
            a.withUnsafeBytes { a in b.withUnsafeBytes { b in dot(bytes: a, b, into: out) } }
        })
    }

    /// SHA-256 of two non-empty hashes concatenated in ``compare(_:_:)`` order, written to `out`
    /// (32 bytes). Two updates instead of hashing a concatenated copy: a commit digest takes a
    /// `dot` per statement and per parameter.
    static func dot(
        bytes a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer
    ) {
        let aFirst = compare(bytes: a, b) < 0
        var hasher = SHA256IonHash().makeHasher()
        hasher.update(aFirst ? a : b)
        hasher.update(aFirst ? b : a)
        hasher.finalize(into: out)
    }

    /// The `dot` of QLDB's journal verifier (Merkle roots, block chains, proofs): as ``dot(_:_:)``
    /// except that an empty operand gives the other hash unchanged.
    public static func journalDot(_ a: QLDBHash, _ b: QLDBHash) -> QLDBHash {
        if a.isEmpty { return b }
        if b.isEmpty { return a }
        return dot(a, b)
    }
}
