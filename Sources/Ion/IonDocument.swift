/// Reading Ion documents whose encoding is not known in advance.
public enum IonDocument {
    /// Whether `bytes` is Ion binary: it starts with the Ion 1.0 binary version marker.
    public static func isBinary(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.starts(with: BinaryEncoding.versionMarker)
    }

    /// Decodes every top-level value of a binary or text Ion document.
    public static func decode(_ bytes: [UInt8], catalog: IonCatalog = IonCatalog()) throws -> [IonValue] {
        if isBinary(bytes) || bytes.isEmpty {
            return try IonValue.decode(binary: bytes, options: .init(catalog: catalog))
        }
        return try IonValue.decode(text: bytes, catalog: catalog)
    }
}
