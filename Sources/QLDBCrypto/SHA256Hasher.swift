#if canImport(CLibCrypto)
import CLibCrypto
#else
import Crypto
#endif

/// SHA-256: the package's one implementation, used by Ion Hash, QLDB's hashes and SigV4.
///
/// This file and `HMACSHA256.swift` hold the package's only platform switch for hashing. On
/// Linux it keeps the system libcrypto's `SHA256_CTX` inline (no allocation per hash):
/// swift-crypto's `SHA256` allocates a context object per hasher and copies it on `finalize()`,
/// which measured 2.3x slower on Ion Hash's workload of many short hashes
/// (`docs/performance.md`). Elsewhere swift-crypto is used.
///
/// Callers feed hashes in many small pieces (Ion Hash: a marker, a type qualifier, a field name
/// of a few bytes, another marker), so on Linux pieces are gathered and passed to libcrypto a
/// block at a time: each call into it costs more than copying a few bytes.
public struct SHA256Hasher {
    /// The digest length in bytes.
    public static let byteCount = 32

    #if canImport(CLibCrypto)
    @usableFromInline var context = SHA256_CTX()
    /// Bytes not yet passed to `context`: at most one 64-byte block.
    @usableFromInline var pending: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (
        0, 0, 0, 0, 0, 0, 0, 0
    )
    @usableFromInline var pendingCount = 0

    /// A hasher with no input yet.
    @inlinable
    public init() { SHA256_Init(&context) }

    /// Feeds `bytes` to the hash.
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

    /// Finishes the hash and writes the 32-byte digest to the start of `out`. The hasher is not
    /// used afterwards.
    @inlinable
    public mutating func finalize(into out: UnsafeMutableRawBufferPointer) {
        precondition(out.count >= 32, "a SHA-256 digest does not fit in \(out.count) bytes")
        flush()
        SHA256_Final(out.baseAddress!.assumingMemoryBound(to: UInt8.self), &context)
    }
    #else
    @usableFromInline var inner = Crypto.SHA256()

    /// A hasher with no input yet.
    @inlinable
    public init() {}

    /// Feeds `bytes` to the hash.
    @inlinable
    public mutating func update(_ bytes: UnsafeRawBufferPointer) { inner.update(bufferPointer: bytes) }

    /// Finishes the hash and writes the 32-byte digest to the start of `out`. The hasher is not
    /// used afterwards.
    public mutating func finalize(into out: UnsafeMutableRawBufferPointer) {
        precondition(out.count >= Self.byteCount, "a SHA-256 digest does not fit in \(out.count) bytes")
        inner.finalize().withUnsafeBytes { out.copyMemory(from: $0) }
    }
    #endif

    /// Finishes the hash and returns the digest.
    public mutating func finalize() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: Self.byteCount) { buffer, count in
            finalize(into: UnsafeMutableRawBufferPointer(buffer))
            count = Self.byteCount
        }
    }

    /// Finishes the hash and appends the digest to `buffer` (no array per digest).
    @inlinable
    public mutating func finalize(appendingTo buffer: inout [UInt8]) {
        var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digest) { finalize(into: $0) }
        withUnsafeBytes(of: &digest) { buffer.append(contentsOf: $0) }
    }

    /// The SHA-256 of `bytes`, written to the start of `out` (32 bytes).
    @inlinable
    public static func hash(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) {
        precondition(out.count >= 32, "a SHA-256 digest does not fit in \(out.count) bytes")
        #if canImport(CLibCrypto)
        // One message in one call: no gathering, so no pending block to set up.
        var context = SHA256_CTX()
        SHA256_Init(&context)
        SHA256_Update(&context, bytes.baseAddress, bytes.count)
        SHA256_Final(out.baseAddress!.assumingMemoryBound(to: UInt8.self), &context)
        #else
        var hasher = SHA256Hasher()
        hasher.update(bytes)
        hasher.finalize(into: out)
        #endif
    }

    /// Calls `body` with the SHA-256 of `bytes`, held on the stack.
    @inlinable @inline(__always)
    public static func withHash<R>(
        of bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> R
    ) rethrows -> R {
        var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digest) { hash(bytes, into: $0) }
        return try withUnsafeBytes(of: &digest, body)
    }
}
