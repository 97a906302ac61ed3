import Crypto

/// A hash function that Ion Hash is computed with: it makes fresh, independent hashers.
///
/// Ion Hash needs a new hasher for every struct field (each field is hashed on its own before the
/// field digests are sorted), so the function is a factory rather than a single hasher.
public protocol IonHashFunction: Sendable {
    /// The hasher this function makes.
    associatedtype Hasher: IonHashFunctionHasher
    /// A hasher with no input yet.
    func makeHasher() -> Hasher
}

/// One running hash computation.
public protocol IonHashFunctionHasher {
    /// Feeds bytes to the hash.
    mutating func update(_ bytes: UnsafeRawBufferPointer)
    /// Finishes the computation and returns the digest. The hasher is not used afterwards.
    mutating func finalize() -> [UInt8]
}

/// SHA-256, the hash function QLDB uses.
///
/// Backed by swift-crypto, which on Linux uses BoringSSL's assembly SHA-256; measured against the
/// system libcrypto for this workload (many hashes of under 100 bytes) it was as fast (see
/// `docs/performance.md`).
public struct SHA256IonHash: IonHashFunction {
    /// Creates the SHA-256 hash function.
    public init() {}

    public func makeHasher() -> Hasher { Hasher() }

    /// A running SHA-256 computation.
    public struct Hasher: IonHashFunctionHasher {
        @usableFromInline var inner = SHA256()

        @inlinable
        public mutating func update(_ bytes: UnsafeRawBufferPointer) { inner.update(bufferPointer: bytes) }

        public mutating func finalize() -> [UInt8] { Array(inner.finalize()) }
    }
}

/// MD5, which the Ion Hash test vectors use. Not for security.
public struct MD5IonHash: IonHashFunction {
    /// Creates the MD5 hash function.
    public init() {}

    public func makeHasher() -> Hasher { Hasher() }

    /// A running MD5 computation.
    public struct Hasher: IonHashFunctionHasher {
        var inner = Insecure.MD5()

        public mutating func update(_ bytes: UnsafeRawBufferPointer) { inner.update(bufferPointer: bytes) }

        public mutating func finalize() -> [UInt8] { Array(inner.finalize()) }
    }
}
