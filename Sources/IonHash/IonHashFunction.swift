import Crypto
import QLDBCrypto

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
    /// Finishes the computation and appends the digest to `buffer` (avoids an array per digest).
    mutating func finalize(appendingTo buffer: inout [UInt8])
    /// Finishes the computation and writes the digest to the start of `buffer`, which must have
    /// room for it (32 bytes for SHA-256).
    mutating func finalize(into buffer: UnsafeMutableRawBufferPointer)
}

extension IonHashFunctionHasher {
    public mutating func finalize(appendingTo buffer: inout [UInt8]) {
        buffer.append(contentsOf: finalize())
    }

    public mutating func finalize(into buffer: UnsafeMutableRawBufferPointer) {
        let digest = finalize()
        precondition(
            buffer.count >= digest.count, "a \(digest.count)-byte digest does not fit in \(buffer.count) bytes")
        buffer.copyBytes(from: digest)
    }
}

/// SHA-256, the hash function QLDB uses (the package's one SHA-256, `SHA256Hasher`: libcrypto's
/// inline context on Linux, swift-crypto elsewhere).
public struct SHA256IonHash: IonHashFunction {
    /// Creates the SHA-256 hash function.
    public init() {}

    public func makeHasher() -> Hasher { Hasher() }

    /// A running SHA-256 computation.
    public struct Hasher: IonHashFunctionHasher {
        @usableFromInline var inner = SHA256Hasher()

        init() {}

        @inlinable
        public mutating func update(_ bytes: UnsafeRawBufferPointer) { inner.update(bytes) }

        public mutating func finalize() -> [UInt8] { inner.finalize() }

        public mutating func finalize(into buffer: UnsafeMutableRawBufferPointer) { inner.finalize(into: buffer) }

        public mutating func finalize(appendingTo buffer: inout [UInt8]) { inner.finalize(appendingTo: &buffer) }
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
