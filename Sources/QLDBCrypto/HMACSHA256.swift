#if canImport(CLibCrypto)
import CLibCrypto
#else
import Crypto
#endif

/// HMAC-SHA256 (RFC 2104) with a key absorbed once: the package's one implementation, used to
/// derive and apply SigV4 signing keys.
///
/// A signing key is used for a whole day, so its two padded key blocks are absorbed once: on
/// Linux the keyed state is two inline `SHA256_CTX` values, copied for each message, so a MAC
/// costs the message's blocks plus one block for the outer hash, with no allocation. Elsewhere
/// swift-crypto's `HMAC<SHA256>` is used.
public struct HMACSHA256: Sendable {
    #if canImport(CLibCrypto)
    @usableFromInline var inner = SHA256_CTX()
    @usableFromInline var outer = SHA256_CTX()
    #else
    @usableFromInline let key: SymmetricKey
    #endif

    /// Absorbs `key` (at most 64 bytes, the SHA-256 block size, as every SigV4 key is).
    public init(key: UnsafeRawBufferPointer) {
        precondition(key.count <= 64, "HMAC keys here are at most 64 bytes")
        #if canImport(CLibCrypto)
        var ipad: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        var opad = ipad
        withUnsafeMutableBytes(of: &ipad) { ipad in
            withUnsafeMutableBytes(of: &opad) { opad in
                for i in 0..<64 {
                    let byte = i < key.count ? key[i] : 0
                    ipad[i] = byte ^ 0x36
                    opad[i] = byte ^ 0x5C
                }
            }
        }
        SHA256_Init(&inner)
        withUnsafeBytes(of: &ipad) { _ = SHA256_Update(&inner, $0.baseAddress, 64) }
        SHA256_Init(&outer)
        withUnsafeBytes(of: &opad) { _ = SHA256_Update(&outer, $0.baseAddress, 64) }
        #else
        self.key = SymmetricKey(data: key)
        #endif
    }

    /// Writes the 32-byte MAC of `message` to the start of `out`.
    @inlinable
    public func authenticate(_ message: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) {
        precondition(out.count >= 32, "an HMAC-SHA256 does not fit in \(out.count) bytes")
        #if canImport(CLibCrypto)
        var context = inner
        SHA256_Update(&context, message.baseAddress, message.count)
        var innerDigest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &innerDigest) {
            _ = SHA256_Final($0.baseAddress!.assumingMemoryBound(to: UInt8.self), &context)
        }
        var outerContext = outer
        withUnsafeBytes(of: &innerDigest) { _ = SHA256_Update(&outerContext, $0.baseAddress, 32) }
        SHA256_Final(out.baseAddress!.assumingMemoryBound(to: UInt8.self), &outerContext)
        #else
        HMAC<Crypto.SHA256>.authenticationCode(for: message, using: key).withUnsafeBytes {
            out.copyMemory(from: $0)
        }
        #endif
    }

    /// Calls `body` with the MAC of `message`, held on the stack.
    @inlinable @inline(__always)
    public func withAuthenticationCode<R>(
        for message: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> R
    ) rethrows -> R {
        var mac: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &mac) { authenticate(message, into: $0) }
        return try withUnsafeBytes(of: &mac, body)
    }
}
