import QLDBPrimitives

extension IonTextWriter {
    /// Writes a value, with its annotations and everything it contains.
    ///
    /// Compact and line styles take a direct path: one recursive pass over the tree appending
    /// bytes, with no per-value dispatch through the ``IonWriter`` requirements and no pending
    /// field name or annotation state (the generic path, which the pretty style keeps, costs
    /// about twice as much per value).
    public mutating func write(_ value: IonValue) throws {
        guard style != .pretty else { return try Self.writeThroughRequirements(&self, value) }
        try begin()
        try appendCompact(value)
    }

    /// Writes `values` as Ion text at the end of `buffer`, top-level values separated as `style`
    /// separates them: for callers that keep one buffer for many documents (cleared with
    /// `removeAll(keepingCapacity: true)`), which then neither grows nor faults its pages in
    /// again, and never goes through a `String`.
    ///
    /// ```swift
    /// var text: [UInt8] = []
    /// for batch in batches {
    ///     text.removeAll(keepingCapacity: true)
    ///     try IonTextWriter.append(batch, to: &text)
    ///     try output.write(contentsOf: text)
    /// }
    /// ```
    public static func append(_ values: some Sequence<IonValue>, style: Style = .compact, to buffer: inout [UInt8])
        throws
    {
        var writer = IonTextWriter(style: style)
        // The writer takes the caller's storage for the time of the call: no copy either way.
        swap(&writer.out, &buffer)
        defer { swap(&writer.out, &buffer) }
        for value in values { try writer.write(value) }
        try writer.endDocument()
    }

    /// The pretty style's path: ``IonWriter``'s generic `write(_:)`, one requirement call per
    /// value (reached through a generic context, since this type's own `write(_:)` hides it).
    private static func writeThroughRequirements<W: IonWriter>(_ writer: inout W, _ value: IonValue) throws {
        try writer.write(value)
    }

    /// Appends `value` (annotations first) in compact form; the separator before it is written.
    private mutating func appendCompact(_ value: IonValue) throws {
        for annotation in value.annotations {
            try appendSymbolOrID(annotation)
            out.append(UInt8(ascii: ":"))
            out.append(UInt8(ascii: ":"))
        }
        switch value.content {
        case .null(let type):
            if type == .null {
                Self.append("null", to: &out)
            } else {
                Self.append("null.", to: &out)
                Self.append(type.description, to: &out)
            }
        case .bool(let v): Self.append(v ? "true" : "false", to: &out)
        case .int(let v):
            if let small = v.int64Value {
                Self.appendDecimalDigits(small, to: &out)
            } else {
                Self.append(v.description, to: &out)
            }
        case .float(let v): Self.append(Self.floatText(v), to: &out)
        case .decimal(let v): Self.appendDecimal(v, to: &out)
        case .timestamp(let v): Self.appendTimestamp(v, to: &out)
        case .symbol(let v): try appendSymbolOrID(v)
        case .string(let v): Self.appendQuoted(v, quote: UInt8(ascii: "\""), to: &out)
        case .clob(let bytes): Self.appendClob(bytes, to: &out)
        case .blob(let bytes): Self.appendBlob(bytes, to: &out)
        case .list(let elements), .sexp(let elements):
            let isList = value.type == .list
            out.append(isList ? UInt8(ascii: "[") : UInt8(ascii: "("))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(isList ? UInt8(ascii: ",") : UInt8(ascii: " ")) }
                try appendCompact(element)
            }
            out.append(isList ? UInt8(ascii: "]") : UInt8(ascii: ")"))
        case .struct(let fields):
            out.append(UInt8(ascii: "{"))
            var first = true
            for field in fields {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                try appendSymbolOrID(field.name)
                out.append(UInt8(ascii: ":"))
                try appendCompact(field.value)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private mutating func appendSymbolOrID(_ symbol: IonSymbol) throws {
        if let text = symbol.text {
            Self.appendSymbol(text, to: &out)
        } else {
            Self.append(try sidText(symbol), to: &out)
        }
    }

    /// Appends the UTF-8 of `text`, in one copy when its storage is contiguous.
    @inline(__always)
    static func append(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { out.append(contentsOf: $0) }
    }
}
