import Crypto
import QLDBCrypto
import Synchronization

/// Derived SigV4 signing keys, cached by secret, date, region and service.
///
/// Deriving a key is four HMACs, most of a signature's cost; a Lambda signs every request with
/// the same key for a day. The secret is part of the cache key so that rotated credentials never
/// reuse a stale key (aws/aws-sdk-go-v2#3350).
public final class SigningKeyCache: Sendable {
    struct Key: Hashable {
        var secret: String
        var date: String
        var region: String
        var service: String
    }

    private let keys = Mutex<[Key: [UInt8]]>([:])
    private let capacity: Int

    /// Creates a cache holding at most `capacity` keys (the oldest day's keys are dropped first).
    public init(capacity: Int = 64) { self.capacity = capacity }

    /// The signing key for these inputs, derived once.
    public func key(secret: String, date: String, region: String, service: String) -> SymmetricKey {
        let cacheKey = Key(secret: secret, date: date, region: region, service: service)
        if let cached = keys.withLock({ $0[cacheKey] }) { return SymmetricKey(data: cached) }
        let derived = Self.derive(secret: secret, date: date, region: region, service: service)
        let bytes = derived.withUnsafeBytes { Array($0) }
        let limit = capacity
        keys.withLock { keys in
            if keys.count >= limit { keys.removeAll() }
            keys[cacheKey] = bytes
        }
        return derived
    }

    private let macs = Mutex<[Key: HMACSHA256]>([:])
    private let lastMAC = Mutex<(Key, HMACSHA256)?>(nil)

    /// The keyed HMAC state for these inputs, derived once; the last one used is found without hashing.
    func mac(secret: String, date: String, region: String, service: String) -> HMACSHA256 {
        let cacheKey = Key(secret: secret, date: date, region: region, service: service)
        if let (key, mac) = lastMAC.withLock({ $0 }), key == cacheKey { return mac }
        let mac: HMACSHA256
        if let cached = macs.withLock({ $0[cacheKey] }) {
            mac = cached
        } else {
            let derived = self.key(secret: secret, date: date, region: region, service: service)
            mac = derived.withUnsafeBytes { HMACSHA256(key: $0) }
            let limit = capacity
            macs.withLock { macs in
                if macs.count >= limit { macs.removeAll() }
                macs[cacheKey] = mac
            }
        }
        lastMAC.withLock { $0 = (cacheKey, mac) }
        return mac
    }

    /// The number of keys held.
    public var count: Int { keys.withLock { $0.count } }

    /// `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
    public static func derive(secret: String, date: String, region: String, service: String) -> SymmetricKey {
        var key = Array(("AWS4" + secret).utf8)
        for part in [date, region, service, "aws4_request"] {
            var part = part
            let mac = key.withUnsafeBytes { HMACSHA256(key: $0) }
            key = part.withUTF8 { message in
                mac.withAuthenticationCode(for: UnsafeRawBufferPointer(message)) { Array($0) }
            }
        }
        return SymmetricKey(data: key)
    }
}
