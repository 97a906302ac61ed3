extension IonBinaryWriter: IonWriter {}

extension IonValue {
    /// Encodes values as one Ion binary document.
    ///
    /// Symbols with unknown text that come from shared tables (as read from a stream whose imports
    /// the catalog lacked) are written against the same imports, declared with the highest
    /// position used in each table as its `max_id`.
    public static func encode(binary values: [IonValue]) throws -> [UInt8] {
        try encode(binaryOf: values)
    }

    /// The number of bytes ``encode(binary:)`` gives for `values`, counted without making them
    /// where it can (a document size checked against a limit, for one).
    package static func encodedBinaryCount(_ values: [IonValue]) throws -> Int {
        if let count = IonBinaryDocumentEncoder.encodedCount(values) { return count }
        return try encode(binaryOf: values).count
    }

    /// Encodes a sequence of values; a single value needs no array.
    static func encode(binaryOf values: some Sequence<IonValue>) throws -> [UInt8] {
        if let document = IonBinaryDocumentEncoder.encode(values) { return document }
        // Only symbols with unknown text from shared tables stop the encoder (they are rare): the
        // streaming writer declares those tables as imports.
        var writer = IonBinaryWriter(imports: sharedImports(of: Array(values)))
        for value in values { try writer.write(value) }
        return try writer.finish()
    }

    /// The shared tables that symbols with unknown text in `values` come from, each declared with
    /// the highest position used in it as its `max_id`, in order of first use.
    public static func sharedImports(of values: [IonValue]) -> [SharedSymbolTableImport] {
        var highest: [String: Int] = [:]
        var order: [String] = []
        func collect(_ symbol: IonSymbol) {
            guard symbol.text == nil, let location = symbol.importLocation else { return }
            if highest[location.tableName] == nil { order.append(location.tableName) }
            highest[location.tableName] = max(highest[location.tableName] ?? 0, location.position)
        }
        func visit(_ value: IonValue) {
            value.annotations.forEach(collect)
            switch value.content {
            case .symbol(let s): collect(s)
            case .list(let e), .sexp(let e): e.forEach(visit)
            case .struct(let s):
                for field in s.fields {
                    collect(field.name)
                    visit(field.value)
                }
            default: break
            }
        }
        values.forEach(visit)
        return order.map { SharedSymbolTableImport(name: $0, maxID: highest[$0]!) }
    }

    /// This value encoded as an Ion binary document.
    public func binaryEncoded() throws -> [UInt8] { try IonValue.encode(binaryOf: CollectionOfOne(self)) }
}
