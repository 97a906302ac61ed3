import Crypto

#if canImport(CLibCrypto)
import CLibCrypto
#endif

/// The canonical forms SigV4 signs: URI, query, headers, request and string to sign.
public enum SigV4Canonical {
    static let unreserved: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8 { table[Int(c)] = true }
        return table
    }()
    static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Percent-encodes every byte but the unreserved ones (and `/` when `keepSlash`), with uppercase hex.
    public static func encode(_ text: some Collection<UInt8>, keepSlash: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        for b in text {
            if unreserved[Int(b)] || (keepSlash && b == UInt8(ascii: "/")) {
                out.append(b)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(b >> 4)])
                out.append(hexDigits[Int(b & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` sequences; anything else (including `+`) stays as it is.
    public static func percentDecode(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let hi = hexValue(bytes[i + 1]),
                let lo = hexValue(bytes[i + 2])
            {
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - 48
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - 87
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - 55
        default: nil
        }
    }

    /// The canonical URI: the wire path, normalised when asked (`.` and empty segments dropped,
    /// `..` resolved, a trailing slash kept), then percent-encoded once more byte by byte.
    public static func uri(_ path: String, normalize: Bool) -> String {
        if path.isEmpty || path == "/" { return "/" }
        var path = path
        if normalize {
            var segments: [Substring] = []
            for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
                if segment == "." { continue }
                if segment == ".." {
                    if !segments.isEmpty { segments.removeLast() }
                    continue
                }
                segments.append(segment)
            }
            let trailing = path.hasSuffix("/") && !segments.isEmpty
            path = "/" + segments.joined(separator: "/") + (trailing ? "/" : "")
        }
        return encode(path.utf8, keepSlash: true)
    }

    /// The canonical query: each name and value decoded then re-encoded, sorted by encoded name
    /// then encoded value; a parameter without a value keeps its `=`.
    public static func query(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        var pairs: [(String, String)] = []
        for item in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = encode(percentDecode(String(parts[0])), keepSlash: false)
            let value = parts.count > 1 ? encode(percentDecode(String(parts[1])), keepSlash: false) : ""
            pairs.append((name, value))
        }
        pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        return pairs.map { $0.0 + "=" + $0.1 }.joined(separator: "&")
    }

    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    /// A header value trimmed, with every run of whitespace (folded lines included) made one space.
    public static func headerValue(_ value: String) -> String {
        // Most values are already canonical: no edge spaces and no runs.
        var clean = true
        var previousSpace = true
        for b in value.utf8 {
            let space = isSpace(b)
            if space && (previousSpace || b != 0x20) {
                clean = false
                break
            }
            previousSpace = space
        }
        if clean && !previousSpace || value.isEmpty { return value }
        var out: [UInt8] = []
        var pendingSpace = false
        for b in value.utf8 {
            if isSpace(b) {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(0x20) }
                pendingSpace = false
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A header name in lowercase (ASCII), without a copy when it already is.
    static func lowercaseName(_ name: String) -> String {
        var scratch = name
        return scratch.withUTF8 { utf8 in
            guard utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else { return name }
            // Header names are ASCII tokens: lowercase bytewise rather than through Unicode case
            // mapping, straight into the new string (short names stay inline, unallocated).
            return String(unsafeUninitializedCapacity: utf8.count) { out in
                for (i, b) in utf8.enumerated() { out[i] = b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
                return utf8.count
            }
        }
    }

    /// The canonical headers block and the signed-headers list. Names are lowercased and sorted;
    /// values of repeated names are joined with `,` in the order sent.
    public static func headers(_ headers: [(name: String, value: String)]) -> (canonical: String, signed: String) {
        // Sort by name, keeping the sent order among repeats (the index breaks ties).
        let entries = headers.enumerated().map {
            (name: lowercaseName($0.element.name), value: $0.element.value, index: $0.offset)
        }
        .sorted { $0.name != $1.name ? $0.name < $1.name : $0.index < $1.index }
        var canonical = ""
        var signed = ""
        var i = 0
        while i < entries.count {
            let name = entries[i].name
            if !signed.isEmpty { signed += ";" }
            signed += name
            canonical += name
            canonical += ":"
            canonical += headerValue(entries[i].value)
            i += 1
            while i < entries.count && entries[i].name == name {
                canonical += ","
                canonical += headerValue(entries[i].value)
                i += 1
            }
            canonical += "\n"
        }
        return (canonical, signed)
    }

    /// Lowercase hex of SHA-256.
    public static func sha256Hex(_ bytes: some Sequence<UInt8>) -> String {
        #if canImport(CLibCrypto)
        if let hex = bytes.withContiguousStorageIfAvailable({ HMACSHA256.sha256Hex(UnsafeRawBufferPointer($0)) }) {
            return hex
        }
        #endif
        let digest =
            bytes.withContiguousStorageIfAvailable { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
            ?? SHA256.hash(data: Array(bytes))
        return digest.withUnsafeBytes { hex($0) }
    }

    /// Lowercase hex of SHA-256 of a string's UTF-8.
    public static func sha256Hex(_ text: String) -> String {
        var text = text
        #if canImport(CLibCrypto)
        return text.withUTF8 { HMACSHA256.sha256Hex(UnsafeRawBufferPointer($0)) }
        #else
        return text.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)).withUnsafeBytes { hex($0) } }
        #endif
    }

    /// The two lowercase hex digits of every byte, first digit in the low byte: one table read and
    /// one two-byte store per byte (a signature writes 96 bytes as hex).
    static let hexPairs: [UInt16] = {
        let digits = Array("0123456789abcdef".utf8)
        return (0..<256).map { b in UInt16(digits[b >> 4]) | UInt16(digits[b & 0x0F]) << 8 }
    }()

    /// Writes the lowercase hex of `bytes` to `out`, which must have room for twice as many bytes.
    @inline(__always)
    static func writeHex(_ bytes: UnsafeRawBufferPointer, to out: UnsafeMutablePointer<UInt8>) {
        hexPairs.withUnsafeBufferPointer { pairs in
            let raw = UnsafeMutableRawPointer(out)
            for (i, b) in bytes.enumerated() {
                raw.storeBytes(of: pairs[Int(b)].littleEndian, toByteOffset: 2 * i, as: UInt16.self)
            }
        }
    }

    static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
            writeHex(bytes, to: buffer.baseAddress!)
            return bytes.count * 2
        }
    }
}
