#if canImport(CLibCrypto)
import CLibCrypto

/// HMAC-SHA256 over the system libcrypto's inline SHA-256 contexts.
///
/// A signing key is used for a whole day, so its two padded key blocks are absorbed once: the
/// keyed state is two `SHA256_CTX` values, copied for each message. Signing then costs the
/// message's blocks plus one block for the outer hash, with no allocation.
struct HMACSHA256: Sendable {
    private var inner = SHA256_CTX()
    private var outer = SHA256_CTX()

    /// Absorbs `key` (at most 64 bytes, as every SigV4 key is) into the inner and outer states.
    init(key: UnsafeRawBufferPointer) {
        precondition(key.count <= 64, "SigV4 keys are at most 64 bytes")
        var ipad = [UInt8](repeating: 0x36, count: 64)
        var opad = [UInt8](repeating: 0x5C, count: 64)
        for i in 0..<key.count {
            ipad[i] ^= key[i]
            opad[i] ^= key[i]
        }
        SHA256_Init(&inner)
        SHA256_Update(&inner, ipad, 64)
        SHA256_Init(&outer)
        SHA256_Update(&outer, opad, 64)
    }

    /// The 32-byte MAC of `message`, written to `out`.
    func authenticate(_ message: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>) {
        var context = inner
        SHA256_Update(&context, message.baseAddress, message.count)
        var innerDigest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &innerDigest) {
            _ = SHA256_Final($0.baseAddress!.assumingMemoryBound(to: UInt8.self), &context)
        }
        var outerContext = outer
        withUnsafeBytes(of: &innerDigest) { _ = SHA256_Update(&outerContext, $0.baseAddress, 32) }
        SHA256_Final(out, &outerContext)
    }

    /// The MAC of `message` as 32 bytes.
    func authenticate(_ message: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
            authenticate(message, into: buffer.baseAddress!)
            count = 32
        }
    }

    /// SHA-256 of `bytes`, hex-encoded in lowercase.
    static func sha256Hex(_ bytes: UnsafeRawBufferPointer) -> String {
        var context = SHA256_CTX()
        SHA256_Init(&context)
        SHA256_Update(&context, bytes.baseAddress, bytes.count)
        var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digest) {
            _ = SHA256_Final($0.baseAddress!.assumingMemoryBound(to: UInt8.self), &context)
        }
        return withUnsafeBytes(of: &digest) { SigV4Canonical.hex($0) }
    }
}
#endif
