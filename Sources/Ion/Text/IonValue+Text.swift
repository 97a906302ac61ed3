extension IonValue {
    /// Decodes every top-level value of an Ion text document (UTF-8).
    ///
    /// - Throws: ``IonError`` with the byte offset and the line and column of the first problem.
    public static func decode(text bytes: [UInt8], catalog: IonCatalog = IonCatalog(), maxDepth: Int = 200) throws
        -> [IonValue]
    {
        var values: [IonValue] = []
        try forEach(text: bytes, catalog: catalog, maxDepth: maxDepth) { values.append($0) }
        return values
    }

    /// Decodes the top-level values of an Ion text document (UTF-8) one at a time, handing each
    /// to `body` as soon as it is read: the document's values are never all in memory at once.
    ///
    /// - Throws: ``IonError`` with the byte offset and the line and column of the first problem
    ///   (values before it have been handed on), or what `body` throws.
    public static func forEach(
        text bytes: [UInt8], catalog: IonCatalog = IonCatalog(), maxDepth: Int = 200,
        _ body: (IonValue) throws(IonError) -> Void
    ) throws(IonError) {
        try bytes.withUnsafeBufferPointer { buf throws(IonError) in
            var parser = IonTextParser(buf, catalog: catalog, maxDepth: maxDepth)
            do throws(IonError) {
                try parser.parseDocument(body)
            } catch {
                throw IonError(
                    error.code, error.reason, offset: error.offset,
                    location: error.offset.map { Self.lineAndColumn(buf, $0) })
            }
        }
    }

    /// Decodes every top-level value of an Ion text document.
    public static func decode(text: String, catalog: IonCatalog = IonCatalog()) throws -> [IonValue] {
        try decode(text: Array(text.utf8), catalog: catalog)
    }

    static func lineAndColumn(_ buf: UnsafeBufferPointer<UInt8>, _ offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        var i = 0
        let end = min(offset, buf.count)
        while i < end {
            if buf[i] == 0x0A || (buf[i] == 0x0D && (i + 1 >= buf.count || buf[i + 1] != 0x0A)) {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        return (line, end - lineStart + 1)
    }
}
