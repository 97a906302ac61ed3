/// A small cache from symbol text to symbol ID, in front of the writer's dictionary.
///
/// Documents repeat the same field names constantly, and hashing each one through `Dictionary`
/// (SipHash over the text) was a measurable share of encoding. This cache picks a slot from the
/// text's length and first and last bytes, and confirms a hit by comparing the bytes
/// (`SymbolText.same`), so it never answers for a different text. A miss falls back to the
/// dictionary, which stays the authority.
struct SymbolIDCache: Sendable {
    private static let size = 64
    // Allocated on the first insert: a writer that never repeats a symbol never pays for them.
    private var texts: [String] = []
    private var values: [Int] = []

    @inline(__always)
    private static func slot(_ text: String) -> Int {
        var text = text
        let mixed = text.withUTF8 { utf8 -> UInt64 in
            let count = utf8.count
            guard count > 0 else { return 0 }
            var word = UInt64(truncatingIfNeeded: count)
            if count >= 8 {
                word ^= UnsafeRawBufferPointer(utf8).loadUnaligned(as: UInt64.self)
            } else {
                for i in 0..<count { word ^= UInt64(utf8[i]) << (8 * UInt64(i) + 8) }
            }
            return word ^ UInt64(utf8[count - 1]) << 56
        }
        return Int(truncatingIfNeeded: (mixed &* 0x9E37_79B9_7F4A_7C15) >> 58)
    }

    @inline(__always)
    func lookup(_ text: String) -> Int? {
        guard !values.isEmpty else { return nil }
        let i = Self.slot(text)
        return values[i] >= 0 && SymbolText.same(texts[i], text) ? values[i] : nil
    }

    @inline(__always)
    mutating func insert(_ text: String, _ sid: Int) {
        if values.isEmpty {
            texts = [String](repeating: "", count: Self.size)
            values = [Int](repeating: -1, count: Self.size)
        }
        let i = Self.slot(text)
        texts[i] = text
        values[i] = sid
    }

    mutating func removeAll() {
        for i in values.indices { values[i] = -1 }
    }
}
