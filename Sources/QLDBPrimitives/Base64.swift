/// Base64 as RFC 4648 §4 defines it (standard alphabet, padded): the package's one encoder and
/// decoder, for Ion blobs, `SendCommand` bodies, hashes and tokens.
///
/// Encoding writes into caller-sized memory, so hot paths encode on the stack and append once.
/// Decoding takes padded text without whitespace (callers strip it where their format allows it)
/// and returns `nil` when it is malformed; whether non-zero bits in the last character before
/// padding are an error is the caller's choice, since Ion requires canonical text while
/// `Data(base64Encoded:)`, and so the AWS SDKs, accept them.
public enum Base64 {
    @usableFromInline static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The value of each byte as a base64 digit; `0xFF` for bytes that are not digits (`=`
    /// included).
    @usableFromInline static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, character) in alphabet.enumerated() { table[Int(character)] = UInt8(index) }
        return table
    }()

    /// The length of the encoding of `count` bytes.
    @inlinable
    public static func encodedCount(of count: Int) -> Int { (count + 2) / 3 * 4 }

    /// Writes the encoding of `bytes` to `buffer`, which holds exactly
    /// ``encodedCount(of:)`` bytes.
    public static func encode(_ bytes: UnsafeRawBufferPointer, into buffer: UnsafeMutableBufferPointer<UInt8>) {
        precondition(buffer.count == encodedCount(of: bytes.count), "the buffer must hold exactly the encoding")
        alphabet.withUnsafeBufferPointer { alphabet in
            var o = 0
            var i = 0
            while i + 3 <= bytes.count {
                let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
                buffer[o] = alphabet[Int(n >> 18 & 63)]
                buffer[o + 1] = alphabet[Int(n >> 12 & 63)]
                buffer[o + 2] = alphabet[Int(n >> 6 & 63)]
                buffer[o + 3] = alphabet[Int(n & 63)]
                o += 4
                i += 3
            }
            let rest = bytes.count - i
            if rest > 0 {
                let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
                buffer[o] = alphabet[Int(n >> 18 & 63)]
                buffer[o + 1] = alphabet[Int(n >> 12 & 63)]
                buffer[o + 2] = rest == 2 ? alphabet[Int(n >> 6 & 63)] : UInt8(ascii: "=")
                buffer[o + 3] = UInt8(ascii: "=")
            }
        }
    }

    /// Appends the encoding of `bytes` to `out`.
    public static func encode(_ bytes: UnsafeRawBufferPointer, appendingTo out: inout [UInt8]) {
        let count = encodedCount(of: bytes.count)
        guard count > 0 else { return }
        // Encoded on the stack and appended as one copy: an array cannot grow uninitialised.
        if count <= 4096 {
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { buffer in
                encode(bytes, into: buffer)
                out.append(contentsOf: buffer)
            }
        } else {
            let start = out.count
            out.append(contentsOf: repeatElement(0, count: count))
            out.withUnsafeMutableBufferPointer {
                encode(bytes, into: UnsafeMutableBufferPointer(rebasing: $0[start...]))
            }
        }
    }

    /// Appends the encoding of `bytes` to `out`.
    @inlinable
    public static func encode(_ bytes: some Collection<UInt8>, appendingTo out: inout [UInt8]) {
        if let done: Void = bytes.withContiguousStorageIfAvailable({
            encode(UnsafeRawBufferPointer($0), appendingTo: &out)
        }) {
            return done
        }
        Array(bytes).withUnsafeBytes { encode($0, appendingTo: &out) }
    }

    /// The encoding of `bytes`.
    @inlinable
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(encodedCount(of: bytes.count))
        encode(bytes, appendingTo: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes `text` encodes, or `nil` when it is not padded base64. With
    /// `requireCanonical`, bits that the last digit before padding carries beyond the data must
    /// be zero, as Ion requires.
    public static func decode(_ text: UnsafeBufferPointer<UInt8>, requireCanonical: Bool = false) -> [UInt8]? {
        guard text.count % 4 == 0 else { return nil }
        if text.isEmpty { return [] }
        var padding = 0
        if text[text.count - 1] == UInt8(ascii: "=") { padding += 1 }
        if text[text.count - 2] == UInt8(ascii: "=") { padding += 1 }
        // "=x" at the end: the "=" is not padding and fails as a digit below.
        if padding == 1, text[text.count - 1] != UInt8(ascii: "=") { padding = 0 }
        var data = [UInt8](repeating: 0, count: text.count / 4 * 3 - padding)
        let valid = values.withUnsafeBufferPointer { table in
            data.withUnsafeMutableBufferPointer { out -> Bool in
                var o = 0
                var g = 0
                while g < text.count {
                    let last = g + 4 == text.count
                    let p2 = last && padding == 2
                    let p3 = last && padding >= 1
                    let c0 = table[Int(text[g])]
                    let c1 = table[Int(text[g + 1])]
                    let c2 = p2 ? 0 : table[Int(text[g + 2])]
                    let c3 = p3 ? 0 : table[Int(text[g + 3])]
                    guard c0 < 64, c1 < 64, c2 < 64, c3 < 64 else { return false }
                    out[o] = c0 << 2 | c1 >> 4
                    if p2 {
                        if requireCanonical, c1 & 0x0F != 0 { return false }
                    } else {
                        out[o + 1] = (c1 & 0x0F) << 4 | c2 >> 2
                    }
                    if p3 {
                        if requireCanonical, !p2, c2 & 0x03 != 0 { return false }
                    } else {
                        out[o + 2] = (c2 & 0x03) << 6 | c3
                    }
                    o += 3
                    g += 4
                }
                return true
            }
        }
        return valid ? data : nil
    }

    /// The bytes `text` encodes, or `nil` when it is not padded base64 (see
    /// the `UnsafeBufferPointer` form).
    @inlinable
    public static func decode(_ text: some Collection<UInt8>, requireCanonical: Bool = false) -> [UInt8]? {
        if let decoded = text.withContiguousStorageIfAvailable({ decode($0, requireCanonical: requireCanonical) }) {
            return decoded
        }
        return Array(text).withUnsafeBufferPointer { decode($0, requireCanonical: requireCanonical) }
    }

    /// The bytes `text` encodes, or `nil` when it is not padded base64.
    public static func decode(_ text: String, requireCanonical: Bool = false) -> [UInt8]? {
        var text = text
        return text.withUTF8 { decode($0, requireCanonical: requireCanonical) }
    }
}
