import QLDBCrypto
import QLDBPrimitives

/// A byte buffer over scratch memory that the header signer writes the canonical request and the
/// string to sign into, so that a signature builds no intermediate strings.
struct SigningBuffer {
    let base: UnsafeMutablePointer<UInt8>
    let capacity: Int
    var count = 0

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        base = buffer.baseAddress!
        capacity = buffer.count
    }

    @inline(__always)
    mutating func byte(_ b: UInt8) {
        assert(count < capacity, "signing buffer overflow")
        base[count] = b
        count += 1
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            assert(count + utf8.count <= capacity, "signing buffer overflow")
            (base + count).update(from: utf8.baseAddress!, count: utf8.count)
            count += utf8.count
        }
    }

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { utf8 in
            assert(count + utf8.count <= capacity, "signing buffer overflow")
            (base + count).update(from: utf8.baseAddress!, count: utf8.count)
            count += utf8.count
        }
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress else { return }
        assert(count + bytes.count <= capacity, "signing buffer overflow")
        (base + count).update(from: source.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        count += bytes.count
    }

    /// Appends `range` of `bytes`.
    mutating func append(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) {
        append(UnsafeRawBufferPointer(rebasing: bytes[range]))
    }

    /// Appends a header value as SigV4 canonicalises it: trimmed, with every run of whitespace
    /// (folded lines included) made one space.
    mutating func appendHeaderValue(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            // Most values (content type, host, target, date, token) hold no byte at or below a
            // space: they are copied whole, found eight bytes at a time.
            if !Self.mayHoldWhitespace(UnsafeRawBufferPointer(utf8)) {
                append(UnsafeRawBufferPointer(utf8))
                return
            }
            var pendingSpace = false
            var wrote = false
            for b in utf8 {
                if SigV4Canonical.isSpace(b) {
                    pendingSpace = wrote
                } else {
                    if pendingSpace { byte(0x20) }
                    pendingSpace = false
                    byte(b)
                    wrote = true
                }
            }
        }
    }

    /// Appends the canonical headers block: `name:value\n` per distinct name, the values of a
    /// repeated name joined with `,`. `sorted` comes from `SigV4Canonical.sortedHeaders`.
    mutating func appendCanonicalHeaders(_ sorted: [SigV4Canonical.SortedHeader]) {
        var i = 0
        while i < sorted.count {
            let name = sorted[i].name
            append(name)
            byte(UInt8(ascii: ":"))
            appendHeaderValue(sorted[i].value)
            i += 1
            while i < sorted.count && sorted[i].name == name {
                byte(UInt8(ascii: ","))
                appendHeaderValue(sorted[i].value)
                i += 1
            }
            byte(0x0A)
        }
    }

    /// Appends the signed-headers list: the distinct names of `sorted`, joined with `;`.
    mutating func appendSignedHeaders(_ sorted: [SigV4Canonical.SortedHeader]) {
        var previous: String?
        for entry in sorted where entry.name != previous {
            if previous != nil { byte(UInt8(ascii: ";")) }
            append(entry.name)
            previous = entry.name
        }
    }

    /// Whether any byte is 0x20 or below (every whitespace byte SigV4 folds is).
    @inline(__always)
    static func mayHoldWhitespace(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let count = bytes.count
        while i + 8 <= count {
            if ByteWord.hasByte(bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self), lessThan: 0x21) { return true }
            i += 8
        }
        while i < count {
            if bytes[i] <= 0x20 { return true }
            i += 1
        }
        return false
    }

    /// Appends `text` lowercased (ASCII), as header names are.
    mutating func appendLowercased(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            for b in utf8 { byte(b >= 0x41 && b <= 0x5A ? b | 0x20 : b) }
        }
    }

    /// Appends the lowercase hex of `digest`.
    mutating func appendHex(_ digest: UnsafeRawBufferPointer) {
        assert(count + 2 * digest.count <= capacity, "signing buffer overflow")
        Hex.write(digest, to: base + count)
        count += 2 * digest.count
    }

    /// The SHA-256 of `range` as lowercase hex, appended.
    mutating func appendSHA256Hex(of range: Range<Int>) {
        appendSHA256Hex(of: UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count))
    }

    /// The SHA-256 of `bytes` as lowercase hex, appended.
    mutating func appendSHA256Hex(of bytes: UnsafeRawBufferPointer) {
        // A tuple of known size, so that the hex loop below unrolls.
        var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digest) { SHA256Hasher.hash(bytes, into: $0) }
        withUnsafeBytes(of: &digest) { appendHex($0) }
    }

    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(start: base + range.lowerBound, count: range.count), as: UTF8.self)
    }

    func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
    }
}
