extension IonBinaryReader {
    /// Decodes the value under the cursor, with its annotations, into an ``IonValue``.
    ///
    /// A container is read completely, with everything it contains; the cursor stays on it, so a
    /// following ``next()`` moves past it.
    public mutating func value() throws -> IonValue {
        guard let c = current else {
            throw IonError(.invalidState, "value() called with no value under the cursor")
        }
        let annotations = try annotations()
        if c.isNull { return IonValue(.null(c.type), annotations: annotations) }
        let content: IonValue.Content
        switch c.type {
        case .null: content = .null(.null)
        case .bool: content = .bool(try boolValue())
        case .int: content = .int(try bytes.withUnsafeBytes { try Self.decodeInt($0, c) })
        case .float: content = .float(bytes.withUnsafeBytes { Self.decodeFloat($0, c) })
        case .decimal: content = .decimal(try bytes.withUnsafeBytes { try Self.decodeDecimal($0, from: c.bodyStart, to: c.bodyEnd) })
        case .timestamp: content = .timestamp(try bytes.withUnsafeBytes { try Self.decodeTimestamp($0, c) })
        case .symbol: content = .symbol(try bytes.withUnsafeBytes { try self.decodeSymbol($0, c) })
        case .string: content = .string(try bytes.withUnsafeBytes { try Self.decodeString($0, c) })
        case .clob: content = .clob(try lobValue())
        case .blob: content = .blob(try lobValue())
        case .list: content = .list(try readElements())
        case .sexp: content = .sexp(try readElements())
        case .struct: content = .struct(try readFields())
        }
        return IonValue(content, annotations: annotations)
    }

    private mutating func readElements() throws -> [IonValue] {
        try stepIn()
        var elements: [IonValue] = []
        while try next() != nil {
            elements.append(try value())
        }
        try stepOut()
        return elements
    }

    private mutating func readFields() throws -> IonStruct {
        try stepIn()
        var fields: [IonStruct.Field] = []
        while try next() != nil {
            let name = try fieldName() ?? .zero
            fields.append(IonStruct.Field(name: name, value: try value()))
        }
        try stepOut()
        return IonStruct(fields)
    }

    /// Reads every remaining value at the current depth.
    public mutating func readAll() throws -> [IonValue] {
        var values: [IonValue] = []
        while try next() != nil {
            values.append(try value())
        }
        return values
    }
}

extension IonValue {
    /// Decodes every top-level value of an Ion binary document.
    ///
    /// - Throws: ``IonError`` describing the first problem found, with its byte offset.
    public static func decode(binary bytes: [UInt8], options: IonBinaryReader.Options = .init()) throws -> [IonValue] {
        var reader = try IonBinaryReader(bytes, options: options)
        return try reader.readAll()
    }
}
