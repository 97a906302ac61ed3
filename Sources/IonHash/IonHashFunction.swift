import Crypto

#if canImport(CLibCrypto)
import CLibCrypto
#endif

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

/// SHA-256, the hash function QLDB uses.
///
/// Ion Hash of a licence document takes 13 SHA-256 computations over a few dozen bytes each, so
/// the cost per hash matters more than throughput. On Linux the hasher keeps the system
/// libcrypto's `SHA256_CTX` inline (no allocation per hash); swift-crypto's `SHA256` allocates a
/// context object per hasher and copies it on `finalize()`, which measured 2.3x slower on this
/// workload (`docs/performance.md`). Elsewhere swift-crypto is used.
public struct SHA256IonHash: IonHashFunction {
    /// Creates the SHA-256 hash function.
    public init() {}

    public func makeHasher() -> Hasher { Hasher() }

    #if canImport(CLibCrypto)
    /// A running SHA-256 computation over the system libcrypto.
    ///
    /// Ion Hash feeds a hash in many small pieces (a marker, a type qualifier, a field name of a
    /// few bytes, another marker), so pieces are gathered here and passed to libcrypto a block
    /// at a time: each call into it costs more than copying a few bytes.
    public struct Hasher: IonHashFunctionHasher {
        @usableFromInline var context = SHA256_CTX()
        /// Bytes not yet passed to `context`: at most one 64-byte block.
        @usableFromInline var pending: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (
            0, 0, 0, 0, 0, 0, 0, 0
        )
        @usableFromInline var pendingCount = 0

        init() { SHA256_Init(&context) }

        @inlinable
        public mutating func update(_ bytes: UnsafeRawBufferPointer) {
            let blockSize = 64
            if pendingCount + bytes.count <= blockSize {
                let start = pendingCount
                withUnsafeMutableBytes(of: &pending) { buffer in
                    // Markers and type qualifiers are single bytes: a loop beats a call to memcpy.
                    if bytes.count <= 16 {
                        for i in 0..<bytes.count { buffer[start + i] = bytes[i] }
                    } else {
                        (buffer.baseAddress! + start).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
                    }
                }
                pendingCount += bytes.count
                return
            }
            flush()
            if bytes.count >= blockSize {
                SHA256_Update(&context, bytes.baseAddress, bytes.count)
            } else {
                withUnsafeMutableBytes(of: &pending) {
                    $0.baseAddress!.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
                }
                pendingCount = bytes.count
            }
        }

        @inlinable
        mutating func flush() {
            guard pendingCount > 0 else { return }
            let count = pendingCount
            withUnsafeBytes(of: &pending) { _ = SHA256_Update(&context, $0.baseAddress, count) }
            pendingCount = 0
        }

        public mutating func finalize() -> [UInt8] {
            flush()
            return [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
                SHA256_Final(buffer.baseAddress, &context)
                count = 32
            }
        }

        public mutating func finalize(into buffer: UnsafeMutableRawBufferPointer) {
            precondition(buffer.count >= 32, "a SHA-256 digest does not fit in \(buffer.count) bytes")
            flush()
            SHA256_Final(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), &context)
        }

        public mutating func finalize(appendingTo buffer: inout [UInt8]) {
            flush()
            var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            withUnsafeMutableBytes(of: &digest) {
                _ = SHA256_Final($0.baseAddress!.assumingMemoryBound(to: UInt8.self), &context)
            }
            withUnsafeBytes(of: &digest) { buffer.append(contentsOf: $0) }
        }
    }
    #else
    /// A running SHA-256 computation over swift-crypto.
    public struct Hasher: IonHashFunctionHasher {
        @usableFromInline var inner = SHA256()

        @inlinable
        public mutating func update(_ bytes: UnsafeRawBufferPointer) { inner.update(bufferPointer: bytes) }

        public mutating func finalize() -> [UInt8] { inner.finalize().withUnsafeBytes { Array($0) } }
    }
    #endif
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
