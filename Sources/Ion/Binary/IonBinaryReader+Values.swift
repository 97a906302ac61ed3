extension IonBinaryReader {
    /// Decodes the value under the cursor, with its annotations, into an ``IonValue``.
    ///
    /// A container is read completely, with everything it contains; the cursor stays on it, so a
    /// following ``next()`` moves past it.
    public mutating func value() throws -> IonValue {
        guard let c = current else {
            throw IonError(.invalidState, "value() called with no value under the cursor")
        }
        let bytes = self.bytes
        return try bytes.withUnsafeBytes { buf in try materialise(buf, c, depth: frames.count) }
    }

    private mutating func materialise(_ buf: UnsafeRawBufferPointer, _ c: Current, depth: Int) throws -> IonValue {
        var annotations: [IonSymbol] = []
        if c.annotationStart < c.annotationEnd { annotations = try Self.annotations(buf, of: c, symbols: symbols) }
        if c.isNull { return IonValue(.null(c.type), annotations: annotations) }
        let content: IonValue.Content
        switch c.type {
        case .null: content = .null(.null)
        case .bool: content = .bool(buf[c.headerOffset] & 0x0F == 1)
        case .int: content = .int(try Self.decodeInt(buf, c))
        case .float: content = .float(Self.decodeFloat(buf, c))
        case .decimal: content = .decimal(try Self.decodeDecimal(buf, from: c.bodyStart, to: c.bodyEnd))
        case .timestamp: content = .timestamp(try Self.decodeTimestamp(buf, c))
        case .symbol: content = .symbol(try decodeSymbol(buf, c))
        case .string: content = .string(try Self.decodeString(buf, c))
        case .clob: content = .clob(Array(UnsafeRawBufferPointer(rebasing: buf[c.bodyStart..<c.bodyEnd])))
        case .blob: content = .blob(Array(UnsafeRawBufferPointer(rebasing: buf[c.bodyStart..<c.bodyEnd])))
        case .list, .sexp:
            let elements = try materialiseElements(buf, c, depth: depth + 1)
            content = c.type == .list ? .list(elements) : .sexp(elements)
        case .struct:
            content = .struct(try materialiseFields(buf, c, depth: depth + 1))
        }
        return IonValue(content, annotations: annotations)
    }

    /// How many values a container holds, found by walking their headers, so that its array is
    /// allocated once at its final size.
    private static func countChildren(_ buf: UnsafeRawBufferPointer, _ c: Current, inStruct: Bool) throws -> Int {
        var count = 0
        var p = c.bodyStart
        while case .value = try nextChild(buf, &p, end: c.bodyEnd, inStruct: inStruct, atTopLevel: false) { count += 1 }
        return count
    }

    private mutating func checkDepth(_ depth: Int, _ c: Current) throws {
        guard depth <= options.maxDepth else {
            throw IonError(.nestingTooDeep, "containers nest deeper than \(options.maxDepth)", offset: c.offset)
        }
    }

    private mutating func materialiseElements(_ buf: UnsafeRawBufferPointer, _ c: Current, depth: Int) throws
        -> [IonValue]
    {
        try checkDepth(depth, c)
        var elements: [IonValue] = []
        elements.reserveCapacity(try Self.countChildren(buf, c, inStruct: false))
        var p = c.bodyStart
        while case .value(let child) = try Self.nextChild(buf, &p, end: c.bodyEnd, inStruct: false, atTopLevel: false) {
            elements.append(try materialise(buf, child, depth: depth))
        }
        return elements
    }

    private mutating func materialiseFields(_ buf: UnsafeRawBufferPointer, _ c: Current, depth: Int) throws -> IonStruct
    {
        try checkDepth(depth, c)
        var fields: [IonStruct.Field] = []
        fields.reserveCapacity(try Self.countChildren(buf, c, inStruct: true))
        var p = c.bodyStart
        while case .value(let child) = try Self.nextChild(buf, &p, end: c.bodyEnd, inStruct: true, atTopLevel: false) {
            let name = try resolve(child.fieldSID, at: child.offset, role: "field name")
            fields.append(IonStruct.Field(name: name, value: try materialise(buf, child, depth: depth)))
        }
        return IonStruct(fields)
    }

    /// Reads every remaining value at the current depth.
    public mutating func readAll() throws -> [IonValue] {
        var values: [IonValue] = []
        try forEachValue { values.append($0) }
        return values
    }

    /// Reads the remaining top-level values one at a time, handing each to `body` as soon as it
    /// is read.
    public mutating func forEachValue(_ body: (IonValue) throws -> Void) throws {
        while try next() != nil {
            try body(try value())
        }
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
