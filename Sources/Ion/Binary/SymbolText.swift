/// Symbol text compared and hashed as its UTF-8 bytes.
///
/// Ion symbols are sequences of code points: `"é"` (U+00E9) and `"e\u{301}"` are different
/// symbols, as are `"K"` and the Kelvin sign U+212A. Swift's `String` equality is canonical
/// equivalence, under which each pair is equal, so a symbol table keyed by `String` would give
/// the second text the first one's ID and change the data. Writers key their tables by this.
struct SymbolText: Hashable, Sendable {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (a: SymbolText, b: SymbolText) -> Bool { same(a.text, b.text) }

    func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Whether two texts have the same UTF-8 bytes. Lengths are compared first, which rejects
    /// most pairs of field names at once; then eight bytes at a time, straight from the strings'
    /// storage (field names are short, and the generic `elementsEqual`, or copying the strings to
    /// call `withUTF8`, cost more than the rest of the symbol lookup).
    @inline(__always)
    static func same(_ a: String, _ b: String) -> Bool {
        let count = a.utf8.count
        guard count == b.utf8.count else { return false }
        let compared = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in equalBytes(x, y, count: count) }
        }
        if let compared, let result = compared { return result }
        return a.utf8.elementsEqual(b.utf8)
    }

    @inline(__always)
    private static func equalBytes(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>, count: Int) -> Bool
    {
        guard count > 0, let p = x.baseAddress, let q = y.baseAddress else { return true }
        var i = 0
        while i + 8 <= count {
            let left = UnsafeRawPointer(p).loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if left != UnsafeRawPointer(q).loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i += 8
        }
        while i < count {
            if p[i] != q[i] { return false }
            i += 1
        }
        return true
    }
}
