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
    /// most pairs of field names at once.
    @inline(__always)
    static func same(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        var a = a
        var b = b
        return a.withUTF8 { x in b.withUTF8 { y in x.elementsEqual(y) } }
    }
}
