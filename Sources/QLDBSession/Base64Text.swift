/// Standard, padded base64 as `Data(base64Encoded:)` accepts it, decoded from bytes: the
/// blobs of `SendCommand` bodies (`IonBinary`, `CommitDigest`), read by both the request and the
/// response readers.
enum Base64Text {
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(character)] = UInt8(index)
        }
        return table
    }()

    /// The decoded bytes, or `nil` when `text` is not padded base64.
    static func decodeBytes(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard text.count % 4 == 0 else { return nil }
        if text.isEmpty { return [] }
        var padding = 0
        if text[text.count - 1] == UInt8(ascii: "=") { padding += 1 }
        if text[text.count - 2] == UInt8(ascii: "=") { padding += 1 }
        let count = text.count / 4 * 3 - padding
        var data = [UInt8](repeating: 0, count: count)
        let valid = values.withUnsafeBufferPointer { table in
            data.withUnsafeMutableBytes { (out: UnsafeMutableRawBufferPointer) -> Bool in
                var o = 0
                var g = 0
                while g < text.count {
                    let last = g + 4 == text.count
                    let c0 = table[Int(text[g])]
                    let c1 = table[Int(text[g + 1])]
                    let p2 = last && padding == 2
                    let p3 = last && padding >= 1
                    let c2 = p2 ? 0 : table[Int(text[g + 2])]
                    let c3 = p3 ? 0 : table[Int(text[g + 3])]
                    guard c0 < 64, c1 < 64, c2 < 64, c3 < 64 else { return false }
                    out[o] = c0 << 2 | c1 >> 4
                    if !p2 { out[o + 1] = (c1 & 0x0F) << 4 | c2 >> 2 }
                    if !p3 { out[o + 2] = (c2 & 0x03) << 6 | c3 }
                    o += 3
                    g += 4
                }
                return true
            }
        }
        return valid ? data : nil
    }

    /// The decoded bytes of `text`, or `nil` when it is not padded base64.
    static func decodeBytes(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { decodeBytes($0) }
    }
}
