/// Base16: the package's one hex encoder and decoder.
///
/// Lowercase is what SigV4 signatures, QLDB hashes and Ion Hash traces use; uppercase is what
/// percent-encoding (RFC 3986) requires, so both digit sets are here.
public enum Hex {
    /// The two lowercase digits of every byte, in byte order: `0001…feff`. A literal, so the
    /// loop below reads static memory with no reference counting (a global array read from
    /// another module is retained and released for every byte).
    @inlinable
    static var lowercasePairs: StaticString {
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"
    }

    /// Writes the lowercase hex of `bytes` to `out`, which has room for twice as many bytes: one
    /// two-byte load and one two-byte store per byte.
    @inlinable @inline(__always)
    public static func write(_ bytes: UnsafeRawBufferPointer, to out: UnsafeMutablePointer<UInt8>) {
        let pairs = UnsafeRawPointer(lowercasePairs.utf8Start)
        let raw = UnsafeMutableRawPointer(out)
        for (i, byte) in bytes.enumerated() {
            let pair = pairs.loadUnaligned(fromByteOffset: 2 * Int(byte), as: UInt16.self)
            raw.storeBytes(of: pair, toByteOffset: 2 * i, as: UInt16.self)
        }
    }

    /// The lowercase hex of `bytes`.
    public static func encode(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
            if let base = buffer.baseAddress { write(bytes, to: base) }
            return bytes.count * 2
        }
    }

    /// The lowercase hex of `bytes`.
    @inlinable
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        if let text = bytes.withContiguousStorageIfAvailable({ encode(UnsafeRawBufferPointer($0)) }) { return text }
        return Array(bytes).withUnsafeBytes { encode($0) }
    }

    /// The digit of the low four bits of `value`, lowercase or uppercase.
    @inlinable
    public static func digit(_ value: UInt8, uppercase: Bool = false) -> UInt8 {
        let nibble = value & 0x0F
        return nibble < 10
            ? UInt8(ascii: "0") + nibble : (uppercase ? UInt8(ascii: "A") : UInt8(ascii: "a")) + nibble - 10
    }

    /// The value of a hex digit of either case; `nil` for any other byte.
    @inlinable
    public static func value(of digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit &- UInt8(ascii: "A") &+ 10
        default: nil
        }
    }

    /// The bytes hex `text` of either case spells; `nil` for an odd length or a non-digit.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let high = value(of: utf8[i]), let low = value(of: utf8[i + 1]) else { return nil }
            bytes.append(high << 4 | low)
            i += 2
        }
        return bytes
    }
}
