/// Base16: the package's one hex encoder and decoder.
///
/// Lowercase is what SigV4 signatures, QLDB hashes and Ion Hash traces use; uppercase is what
/// percent-encoding (RFC 3986) requires, so both digit sets are here.
package enum Hex {
    /// `0123456789abcdef`.
    @usableFromInline static let lowercaseDigits: [UInt8] = Array("0123456789abcdef".utf8)
    /// `0123456789ABCDEF`.
    @usableFromInline static let uppercaseDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// The two lowercase digits of every byte, the first digit in the low byte: one table read
    /// and one two-byte store per byte (a SigV4 signature writes 96 bytes as hex).
    @usableFromInline static let lowercasePairs: [UInt16] = (0..<256).map { byte in
        UInt16(lowercaseDigits[byte >> 4]) | UInt16(lowercaseDigits[byte & 0x0F]) << 8
    }

    /// Writes the lowercase hex of `bytes` to `out`, which has room for twice as many bytes.
    @inlinable @inline(__always)
    package static func write(_ bytes: UnsafeRawBufferPointer, to out: UnsafeMutablePointer<UInt8>) {
        lowercasePairs.withUnsafeBufferPointer { pairs in
            let raw = UnsafeMutableRawPointer(out)
            for (i, byte) in bytes.enumerated() {
                raw.storeBytes(of: pairs[Int(byte)].littleEndian, toByteOffset: 2 * i, as: UInt16.self)
            }
        }
    }

    /// The lowercase hex of `bytes`.
    package static func encode(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
            if let base = buffer.baseAddress { write(bytes, to: base) }
            return bytes.count * 2
        }
    }

    /// The lowercase hex of `bytes`.
    @inlinable
    package static func encode(_ bytes: some Sequence<UInt8>) -> String {
        if let text = bytes.withContiguousStorageIfAvailable({ encode(UnsafeRawBufferPointer($0)) }) { return text }
        return Array(bytes).withUnsafeBytes { encode($0) }
    }

    /// The digit of `value` (0...15), lowercase or uppercase.
    @inlinable
    package static func digit(_ value: UInt8, uppercase: Bool = false) -> UInt8 {
        (uppercase ? uppercaseDigits : lowercaseDigits)[Int(value & 0x0F)]
    }

    /// The value of a hex digit of either case; `nil` for any other byte.
    @inlinable
    package static func value(of digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit &- UInt8(ascii: "A") &+ 10
        default: nil
        }
    }

    /// The bytes hex `text` of either case spells; `nil` for an odd length or a non-digit.
    package static func decode(_ text: some StringProtocol) -> [UInt8]? {
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
