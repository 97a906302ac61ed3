/// Reading Ion documents whose encoding is not known in advance.
public enum IonDocument {
    /// Whether `bytes` is Ion binary: it starts with the Ion 1.0 binary version marker.
    public static func isBinary(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.starts(with: BinaryEncoding.versionMarker)
    }

    /// Decodes the top-level values of a binary or text Ion document one at a time, handing each
    /// to `body` as soon as it is read: for streaming a long document through in constant memory
    /// beside its bytes.
    ///
    /// - Throws: ``IonError`` for the first problem (the values before it have been handed on),
    ///   or what `body` throws.
    public static func forEachValue(
        _ bytes: [UInt8], catalog: IonCatalog = IonCatalog(), _ body: (IonValue) throws(IonError) -> Void
    ) throws(IonError) {
        if isBinary(bytes) || bytes.isEmpty {
            do {
                var reader = try IonBinaryReader(bytes, options: .init(catalog: catalog))
                try reader.forEachValue { value in try body(value) }
            } catch let error as IonError {
                throw error
            } catch {
                // The reader and `body` throw only IonError.
                throw IonError(.invalidState, "\(error)")
            }
            return
        }
        try IonValue.forEach(text: bytes, catalog: catalog, body)
    }

    /// Decodes every top-level value of a binary or text Ion document.
    public static func decode(_ bytes: [UInt8], catalog: IonCatalog = IonCatalog()) throws -> [IonValue] {
        if isBinary(bytes) || bytes.isEmpty {
            return try IonValue.decode(binary: bytes, options: .init(catalog: catalog))
        }
        return try IonValue.decode(text: bytes, catalog: catalog)
    }
}
