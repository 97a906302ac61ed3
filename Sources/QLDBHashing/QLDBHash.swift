import IonHash

/// A 32-byte SHA-256 hash as QLDB uses it: commit digests, revision and block hashes, proofs.
public struct QLDBHash: Sendable, Hashable, CustomStringConvertible {
    /// The hash bytes (32 for every hash QLDB computes; empty only for the empty Merkle root).
    public let bytes: [UInt8]

    /// Wraps hash bytes.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The SHA-256 of `data`.
    public static func sha256(_ data: some Sequence<UInt8>) -> QLDBHash {
        // Ion Hash's SHA-256 keeps its context inline (no allocation per hash on Linux).
        var hasher = SHA256IonHash().makeHasher()
        if data.withContiguousStorageIfAvailable({ hasher.update(UnsafeRawBufferPointer($0)) }) == nil {
            Array(data).withUnsafeBytes { hasher.update($0) }
        }
        return QLDBHash(hasher.finalize())
    }

    /// Parses lowercase or uppercase hex; `nil` if malformed.
    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let hi = Self.nibble(utf8[i]), let lo = Self.nibble(utf8[i + 1]) else { return nil }
            bytes.append(hi << 4 | lo)
            i += 2
        }
        self.bytes = bytes
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Lowercase hex.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Standard base64, as `CommitDigest` travels in JSON.
    public var base64: String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let a = bytes[i]
            let b = i + 1 < bytes.count ? bytes[i + 1] : 0
            let c = i + 2 < bytes.count ? bytes[i + 2] : 0
            out.append(alphabet[Int(a >> 2)])
            out.append(alphabet[Int((a & 0x03) << 4 | b >> 4)])
            out.append(i + 1 < bytes.count ? alphabet[Int((b & 0x0F) << 2 | c >> 6)] : UInt8(ascii: "="))
            out.append(i + 2 < bytes.count ? alphabet[Int(c & 0x3F)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { hex }
}

extension QLDBHash {
    /// QLDB's ordering of hashes: bytes compared from the last to the first as signed 8-bit
    /// integers (Java's `Byte.compare` from index 31 down). Negative when `a` sorts first.
    public static func compare(_ a: QLDBHash, _ b: QLDBHash) -> Int {
        a.bytes.withUnsafeBytes { a in b.bytes.withUnsafeBytes { b in compare(bytes: a, b) } }
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
        if a.bytes.isEmpty { return sha256(b.bytes) }
        if b.bytes.isEmpty { return sha256(a.bytes) }
        let digest = [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
            a.bytes.withUnsafeBytes { a in
                b.bytes.withUnsafeBytes { b in dot(bytes: a, b, into: UnsafeMutableRawBufferPointer(buffer)) }
            }
            count = 32
        }
        return QLDBHash(digest)
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
        if a.bytes.isEmpty { return b }
        if b.bytes.isEmpty { return a }
        return dot(a, b)
    }
}
