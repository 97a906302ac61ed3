extension IonValue {
    /// Decodes every top-level value of an Ion text document (UTF-8).
    ///
    /// - Throws: ``IonError`` with the byte offset and the line and column of the first problem.
    public static func decode(text bytes: [UInt8], catalog: IonCatalog = IonCatalog(), maxDepth: Int = 200) throws
        -> [IonValue]
    {
        try bytes.withUnsafeBufferPointer { buf in
            var parser = IonTextParser(buf, catalog: catalog, maxDepth: maxDepth)
            do {
                return try parser.parseDocument()
            } catch let error as IonError {
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
