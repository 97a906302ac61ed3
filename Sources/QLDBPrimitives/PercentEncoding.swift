/// RFC 3986 percent-encoding as AWS uses it: every byte but the unreserved characters
/// (`A–Z a–z 0–9 - . _ ~`) as `%XX` with uppercase hex. SigV4's canonical forms, the control
/// plane's URI labels and S3 object keys all use this one implementation.
public enum PercentEncoding {
    @usableFromInline static let unreserved: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8 { table[Int(c)] = true }
        return table
    }()

    /// Percent-encodes every byte but the unreserved ones (and `/` when `keepSlash`).
    public static func encode(_ text: some Collection<UInt8>, keepSlash: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        for b in text {
            if unreserved[Int(b)] || (keepSlash && b == UInt8(ascii: "/")) {
                out.append(b)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(Hex.digit(b >> 4, uppercase: true))
                out.append(Hex.digit(b & 0x0F, uppercase: true))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` sequences; anything else (including `+`) stays as it is.
    public static func decode(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let hi = Hex.value(of: bytes[i + 1]),
                let lo = Hex.value(of: bytes[i + 2])
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
}
