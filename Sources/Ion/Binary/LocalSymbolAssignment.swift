/// The local symbols of a document being written: symbol IDs in order of first use, the first
/// local one 10 (no imports), system symbols answered with their own IDs. Both encoders that
/// write a whole document at once (``IonBinaryDocumentEncoder`` for trees, ``IonWriterEncoder``
/// for `Encodable` values) assign IDs here, so they write the same bytes for the same values.
struct LocalSymbolAssignment {
    /// The local symbols in SID order.
    private(set) var texts: [String] = []
    /// The UTF-8 length of each symbol: a scan compares these, and text only when they match.
    private var lengths: [Int] = []
    /// Symbol IDs by text, built only once a document has more symbols than a scan suits.
    private var index: [SymbolText: Int] = [:]

    /// Field names of a typical document are found faster by comparing a few strings than by
    /// hashing each one.
    static let scanLimit = 16

    /// The ID of `text`, given the next local ID if it has none yet.
    @inline(__always)
    mutating func sid(for text: String) -> Int {
        let length = text.utf8.count
        if index.isEmpty {
            for i in lengths.indices where lengths[i] == length && SymbolText.same(texts[i], text) {
                return 10 + i
            }
        } else if let sid = index[SymbolText(text)] {
            return sid
        }
        return assign(text, length: length)
    }

    /// The ID of a text not yet among the local symbols: a system symbol's, or the next local one.
    private mutating func assign(_ text: String, length: Int) -> Int {
        if let system = IonBinaryWriter.systemSID(text) { return system }
        let sid = 10 + texts.count
        if texts.isEmpty {
            texts.reserveCapacity(Self.scanLimit)
            lengths.reserveCapacity(Self.scanLimit)
        }
        texts.append(text)
        lengths.append(length)
        if !index.isEmpty {
            index[SymbolText(text)] = sid
        } else if texts.count > Self.scanLimit {
            index.reserveCapacity(2 * texts.count)
            for (i, known) in texts.enumerated() { index[SymbolText(known)] = 10 + i }
        }
        return sid
    }

    /// Forgets every local symbol (for the next document), keeping the storage.
    mutating func removeAll() {
        texts.removeAll(keepingCapacity: true)
        lengths.removeAll(keepingCapacity: true)
        index.removeAll(keepingCapacity: true)
    }
}
