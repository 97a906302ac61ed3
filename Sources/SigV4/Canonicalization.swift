import QLDBCrypto
import QLDBPrimitives

/// The canonical forms SigV4 signs: URI, query, headers, request and string to sign.
package enum SigV4Canonical {
    /// Percent-encodes every byte but the unreserved ones (and `/` when `keepSlash`), with uppercase hex.
    package static func encode(_ text: some Collection<UInt8>, keepSlash: Bool) -> String {
        PercentEncoding.encode(text, keepSlash: keepSlash)
    }

    /// Decodes `%XX` sequences; anything else (including `+`) stays as it is.
    package static func percentDecode(_ text: String) -> [UInt8] { PercentEncoding.decode(text) }

    /// The canonical URI: the wire path, normalised when asked (`.` and empty segments dropped,
    /// `..` resolved, a trailing slash kept), then percent-encoded once more byte by byte.
    package static func uri(_ path: String, normalize: Bool) -> String {
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
    package static func query(_ query: String) -> String {
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
    package static func headerValue(_ value: String) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(value.utf8.count, 1)) { scratch in
            var buffer = SigningBuffer(scratch)
            buffer.appendHeaderValue(value)
            return buffer.string(0..<buffer.count)
        }
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

    /// A header as SigV4 orders it: its lowercased name, its value, and its place among those sent.
    typealias SortedHeader = (name: String, value: String, order: Int)

    /// Headers as SigV4 orders them: names lowercased, sorted by name, the sent order kept among
    /// repeats.
    static func sortedHeaders(_ headers: [(name: String, value: String)]) -> [SortedHeader] {
        var entries: [SortedHeader] = []
        entries.reserveCapacity(headers.count)
        for (name, value) in headers { entries.append((lowercaseName(name), value, entries.count)) }
        sortHeaders(&entries)
        return entries
    }

    /// Sorts lowercased headers by name, keeping the sent order (`order`) among repeats. Signing,
    /// preparing and verifying all sort through this.
    static func sortHeaders(_ entries: inout [SortedHeader]) {
        guard entries.count > 16 else {
            // Insertion sort: a request has a handful of headers, and this allocates nothing.
            for i in entries.indices.dropFirst() {
                let item = entries[i]
                var j = i - 1
                while j >= 0
                    && (entries[j].name > item.name || (entries[j].name == item.name && entries[j].order > item.order))
                {
                    entries[j + 1] = entries[j]
                    j -= 1
                }
                entries[j + 1] = item
            }
            return
        }
        entries.sort { $0.name != $1.name ? $0.name < $1.name : $0.order < $1.order }
    }

    /// The canonical headers block and the signed-headers list. Names are lowercased and sorted;
    /// values of repeated names are joined with `,` in the order sent.
    package static func headers(_ headers: [(name: String, value: String)]) -> (canonical: String, signed: String) {
        let sorted = sortedHeaders(headers)
        let capacity = sorted.reduce(0) { $0 + 2 * $1.name.utf8.count + $1.value.utf8.count + 3 }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(capacity, 1)) { scratch in
            var buffer = SigningBuffer(scratch)
            buffer.appendCanonicalHeaders(sorted)
            let block = buffer.string(0..<buffer.count)
            let signedStart = buffer.count
            buffer.appendSignedHeaders(sorted)
            return (block, buffer.string(signedStart..<buffer.count))
        }
    }

    /// Lowercase hex of SHA-256.
    package static func sha256Hex(_ bytes: some Sequence<UInt8>) -> String {
        if let hex = bytes.withContiguousStorageIfAvailable({
            SHA256Hasher.withHash(of: UnsafeRawBufferPointer($0)) { Hex.encode($0) }
        }) {
            return hex
        }
        return Array(bytes).withUnsafeBytes { SHA256Hasher.withHash(of: $0) { Hex.encode($0) } }
    }

    /// Lowercase hex of SHA-256 of a string's UTF-8.
    package static func sha256Hex(_ text: String) -> String {
        var text = text
        return text.withUTF8 { SHA256Hasher.withHash(of: UnsafeRawBufferPointer($0)) { Hex.encode($0) } }
    }
}
