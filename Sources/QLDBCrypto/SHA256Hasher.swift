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

    #if canImport(CLibCrypto)
    /// A context as `SHA256_Init` leaves it: the initial hash value of FIPS 180-4 §5.3.3, no
    /// input counted, no bytes pending, a 32-byte digest. Made inline rather than by calling
    /// `SHA256_Init`, or copied from a global, whose every read goes through a `swift_once`.
    @inlinable
    static var initialContext: SHA256_CTX {
        var context = SHA256_CTX()
        context.h = (
            0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
        )
        context.md_len = 32
        return context
    }
    #endif

    /// The room ``hash(paddingInPlace:count:into:)`` needs after a message: its padding.
    public static let paddingRoom = 72

    /// The SHA-256 of the `count` bytes at `message`, written to the start of `out` (32 bytes,
    /// not overlapping the message and its padding). The padding (`0x80`, zeros, the length in
    /// bits) is written in place after the message, so the `paddingRoom` bytes after it must be
    /// writable and hold nothing the caller needs.
    ///
    /// On Linux the padded blocks go straight to libcrypto's compression (`SHA256_Transform` for
    /// one block, else `SHA256_Update` in one call, which compresses whole blocks from the
    /// buffer), and the digest is read from the context's state:
    /// no `SHA256_Final`, whose own padding, copy and wiping of the context cost as much as a
    /// short message's compression.
    @inlinable
    public static func hash(
        paddingInPlace message: UnsafeMutableRawPointer, count: Int, into out: UnsafeMutableRawPointer
    ) {
        #if canImport(CLibCrypto)
        message.storeBytes(of: 0x80, toByteOffset: count, as: UInt8.self)
        let lengthOffset = count + 1 + (55 &- count) & 63
        // Zeros a word at a time; the last word may run up to 7 bytes into the length field,
        // which is written next.
        var zero = count + 1
        while zero < lengthOffset {
            message.storeBytes(of: UInt64(0), toByteOffset: zero, as: UInt64.self)
            zero += 8
        }
        message.storeBytes(of: (UInt64(count) &* 8).bigEndian, toByteOffset: lengthOffset, as: UInt64.self)
        var context = initialContext
        if lengthOffset == 56 {
            // One block: `SHA256_Transform` compresses it and nothing else, where
            // `SHA256_Update` first counts the length and checks for buffered input.
            SHA256_Transform(&context, message.assumingMemoryBound(to: UInt8.self))
        } else {
            SHA256_Update(&context, message, lengthOffset + 8)
        }
        // The state words big-endian, two per store: callers read digests back as 64-bit words,
        // and a load spanning two smaller stores cannot be forwarded from them.
        let h = context.h
        out.storeBytes(of: (UInt64(h.0) << 32 | UInt64(h.1)).bigEndian, toByteOffset: 0, as: UInt64.self)
        out.storeBytes(of: (UInt64(h.2) << 32 | UInt64(h.3)).bigEndian, toByteOffset: 8, as: UInt64.self)
        out.storeBytes(of: (UInt64(h.4) << 32 | UInt64(h.5)).bigEndian, toByteOffset: 16, as: UInt64.self)
        out.storeBytes(of: (UInt64(h.6) << 32 | UInt64(h.7)).bigEndian, toByteOffset: 24, as: UInt64.self)
        #else
        hash(
            UnsafeRawBufferPointer(start: message, count: count),
            into: UnsafeMutableRawBufferPointer(start: out, count: 32))
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
