/// Base64 (RFC 4648, standard alphabet, padded) for Ion blobs.
enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        var iterator = bytes.makeIterator()
        while let a = iterator.next() {
            let b = iterator.next()
            let c = b == nil ? nil : iterator.next()
            out.append(alphabet[Int(a >> 2)])
            out.append(alphabet[Int((a & 0x03) << 4 | (b ?? 0) >> 4)])
            out.append(b.map { alphabet[Int(($0 & 0x0F) << 2 | (c ?? 0) >> 6)] } ?? UInt8(ascii: "="))
            out.append(c.map { alphabet[Int($0 & 0x3F)] } ?? UInt8(ascii: "="))
        }
    }

    static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    /// Decodes base64 text (whitespace already removed); `nil` when malformed.
    static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        let chars = Array(text)
        guard chars.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 4 * 3)
        var i = 0
        while i < chars.count {
            let isLast = i + 4 == chars.count
            let c0 = values[Int(chars[i])]
            let c1 = values[Int(chars[i + 1])]
            guard c0 != 0xFF, c1 != 0xFF else { return nil }
            let p2 = chars[i + 2] == UInt8(ascii: "=")
            let p3 = chars[i + 3] == UInt8(ascii: "=")
            guard !p2 || (p3 && isLast), !p3 || isLast else { return nil }
            let c2 = p2 ? 0 : values[Int(chars[i + 2])]
            let c3 = p3 ? 0 : values[Int(chars[i + 3])]
            guard c2 != 0xFF, c3 != 0xFF else { return nil }
            out.append(c0 << 2 | c1 >> 4)
            if !p2 { out.append((c1 & 0x0F) << 4 | c2 >> 2) } else if c1 & 0x0F != 0 { return nil }
            if !p3 { out.append((c2 & 0x03) << 6 | c3) } else if !p2 && c2 & 0x03 != 0 { return nil }
            i += 4
        }
        return out
    }
}
