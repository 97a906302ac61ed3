/// A small cache from symbol text to symbol ID, in front of the writer's dictionary.
///
/// Documents repeat the same field names constantly, and hashing each one through `Dictionary`
/// was a measurable share of encoding. This cache is keyed by the bits of the `String` value
/// itself: equal bits mean the same string (an inline small string or a shared buffer), so a hit
/// needs no hashing of the text. A miss falls back to the dictionary, which stays the authority.
struct SymbolIDCache: Sendable {
    private static let size = 64
    // Allocated on the first insert: a writer that never repeats a symbol never pays for them.
    private var keys: [(UInt64, UInt64)] = []
    private var values: [Int] = []

    @inline(__always)
    private static func bits(_ text: String) -> (UInt64, UInt64) {
        // Only read, never retained through these bits. The writer caches the bits of its
        // dictionary's keys only, which stay alive while cached: equal bits are then the same
        // live buffer (or the same inline small string), hence the same text.
        unsafeBitCast(text, to: (UInt64, UInt64).self)
    }

    @inline(__always)
    private static func slot(_ key: (UInt64, UInt64)) -> Int {
        Int(truncatingIfNeeded: ((key.0 ^ (key.1 &* 0x9E37_79B9_7F4A_7C15)) &* 0xBF58_476D_1CE4_E5B9) >> 58)
    }

    @inline(__always)
    func lookup(_ text: String) -> Int? {
        guard !keys.isEmpty else { return nil }
        let key = Self.bits(text)
        let i = Self.slot(key)
        return keys[i] == key && values[i] >= 0 ? values[i] : nil
    }

    @inline(__always)
    mutating func insert(_ text: String, _ sid: Int) {
        if keys.isEmpty {
            keys = [(UInt64, UInt64)](repeating: (0, 0), count: Self.size)
            values = [Int](repeating: -1, count: Self.size)
        }
        let key = Self.bits(text)
        let i = Self.slot(key)
        keys[i] = key
        values[i] = sid
    }

    mutating func removeAll() {
        for i in values.indices { values[i] = -1 }
    }
}
