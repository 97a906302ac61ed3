/// Encodes `IonValue` trees as one Ion binary document in two passes, without splices.
///
/// ``IonBinaryWriter`` streams: it learns a container's length only when the container closes,
/// so it keeps headers aside and splices them in at the end, and it finds symbol IDs through a
/// dictionary. A tree already in memory can be measured first. The first pass assigns symbol IDs
/// in the order the writer does (a field's name, then its value's annotations, then the value,
/// depth first) and records every container's body length and the bodies of floats, decimals,
/// timestamps and big ints; the second pass writes the document front to back into a buffer
/// reserved once. The bytes are the writer's, byte for byte.
///
/// Symbols with unknown text from shared tables need the tables declared as imports, which only
/// the writer does; ``encode(_:)`` returns `nil` for them.
struct IonBinaryDocumentEncoder {
    /// Local symbols in order of first use.
    private var symbols = LocalSymbolAssignment()
    /// SIDs of field names, annotations and symbol values, in the order they are written.
    private var sids: [Int] = []
    /// Body lengths of containers and of bodies kept in `bodies`, and content lengths of
    /// annotated values, in the order they are written.
    private var lengths: [Int] = []
    /// Bodies of floats, decimals, timestamps and big ints, in the order they are written.
    private var bodies: [UInt8] = []
    private var nextSID = 0
    private var nextLength = 0
    private var nextBody = 0

    /// `values` as one document (version marker, local symbol table, values); `nil` when a
    /// symbol with unknown text comes from a shared table.
    static func encode(_ values: some Sequence<IonValue>) -> [UInt8]? {
        var encoder = IonBinaryDocumentEncoder()
        var valuesLength = 0
        for value in values {
            guard let length = encoder.measure(value) else { return nil }
            valuesLength += length
        }
        var symbolsLength = 0
        for symbol in encoder.symbols.texts { symbolsLength += symbol.utf8.count + 2 }
        var out: [UInt8] = []
        // Room for the version marker, the table's headers and a few multi-byte symbol lengths.
        out.reserveCapacity(BinaryEncoding.versionMarker.count + 16 + symbolsLength + valuesLength)
        out.append(contentsOf: BinaryEncoding.versionMarker)
        IonBinaryWriter.appendLocalSymbolTable(importsField: [], symbols: encoder.symbols.texts, to: &out)
        for value in values { encoder.write(value, to: &out) }
        return out
    }

    /// The length of the document ``encode(_:)`` makes of `values`, measured without writing
    /// it; `nil` when ``encode(_:)`` would return `nil`.
    static func encodedCount(_ values: some Sequence<IonValue>) -> Int? {
        var encoder = IonBinaryDocumentEncoder()
        var valuesLength = 0
        for value in values {
            guard let length = encoder.measure(value) else { return nil }
            valuesLength += length
        }
        var table: [UInt8] = []
        IonBinaryWriter.appendLocalSymbolTable(importsField: [], symbols: encoder.symbols.texts, to: &table)
        return BinaryEncoding.versionMarker.count + table.count + valuesLength
    }

    // MARK: Measuring

    /// The encoded length of `value`, annotation wrapper included (not its field name).
    private mutating func measure(_ value: IonValue) -> Int? {
        if value.annotations.isEmpty { return measureContent(value.content) }
        let slot = lengths.count
        lengths.append(0)
        var annotationsLength = 0
        for annotation in value.annotations {
            guard let sid = sid(for: annotation) else { return nil }
            sids.append(sid)
            annotationsLength += BinaryEncoding.varUIntLength(sid)
        }
        guard let contentLength = measureContent(value.content) else { return nil }
        lengths[slot] = contentLength
        let wrapperLength = BinaryEncoding.varUIntLength(annotationsLength) + annotationsLength + contentLength
        return Self.descriptorLength(wrapperLength) + wrapperLength
    }

    private mutating func measureContent(_ content: IonValue.Content) -> Int? {
        switch content {
        case .null, .bool:
            return 1
        case .int(let value):
            if let small = value.int64Value { return 1 + BinaryEncoding.uIntLength(small.magnitude) }
            return keepBody { $0.append(contentsOf: value.magnitudeBytes) }
        case .float(let value):
            return keepBody { BinaryEncoding.appendFloatBody(value, to: &$0) }
        case .decimal(let value):
            return keepBody { BinaryEncoding.appendDecimalBody(value, to: &$0) }
        case .timestamp(let value):
            return keepBody { BinaryEncoding.appendTimestampBody(value, to: &$0) }
        case .symbol(let symbol):
            guard let sid = sid(for: symbol) else { return nil }
            sids.append(sid)
            return 1 + BinaryEncoding.uIntLength(UInt64(sid))
        case .string(let text):
            let length = text.utf8.count
            return Self.descriptorLength(length) + length
        case .clob(let bytes), .blob(let bytes):
            return Self.descriptorLength(bytes.count) + bytes.count
        case .list(let elements), .sexp(let elements):
            let slot = lengths.count
            lengths.append(0)
            var length = 0
            for element in elements {
                guard let elementLength = measure(element) else { return nil }
                length += elementLength
            }
            lengths[slot] = length
            return Self.descriptorLength(length) + length
        case .struct(let fields):
            let slot = lengths.count
            lengths.append(0)
            var length = 0
            for field in fields.fields {
                guard let sid = sid(for: field.name) else { return nil }
                sids.append(sid)
                guard let valueLength = measure(field.value) else { return nil }
                length += BinaryEncoding.varUIntLength(sid) + valueLength
            }
            lengths[slot] = length
            return Self.descriptorLength(length) + length
        }
    }

    /// Appends a body that is costly to compute twice and returns the value's encoded length.
    private mutating func keepBody(_ append: (inout [UInt8]) -> Void) -> Int {
        let start = bodies.count
        append(&bodies)
        let length = bodies.count - start
        lengths.append(length)
        return Self.descriptorLength(length) + length
    }

    private static func descriptorLength(_ length: Int) -> Int {
        length < 14 ? 1 : 1 + BinaryEncoding.varUIntLength(length)
    }

    private mutating func sid(for symbol: IonSymbol) -> Int? {
        switch symbol.storage {
        case .text(let text): sid(for: text)
        case .zero: 0
        case .imported: nil
        }
    }

    @inline(__always)
    private mutating func sid(for text: String) -> Int {
        if sids.isEmpty {
            // Sized once for a typical document instead of growing 1, 2, 4, 8, 16.
            sids.reserveCapacity(2 * LocalSymbolAssignment.scanLimit)
            lengths.reserveCapacity(LocalSymbolAssignment.scanLimit)
        }
        return symbols.sid(for: text)
    }

    // MARK: Writing

    private mutating func takeSID() -> Int {
        defer { nextSID += 1 }
        return sids[nextSID]
    }

    private mutating func takeLength() -> Int {
        defer { nextLength += 1 }
        return lengths[nextLength]
    }

    private mutating func write(_ value: IonValue, to out: inout [UInt8]) {
        if !value.annotations.isEmpty {
            let contentLength = takeLength()
            let first = nextSID
            nextSID += value.annotations.count
            var annotationsLength = 0
            for sid in sids[first..<nextSID] { annotationsLength += BinaryEncoding.varUIntLength(sid) }
            let wrapperLength = BinaryEncoding.varUIntLength(annotationsLength) + annotationsLength + contentLength
            BinaryEncoding.appendTypeDescriptor(type: 14, length: wrapperLength, to: &out)
            BinaryEncoding.appendVarUInt(annotationsLength, to: &out)
            for sid in sids[first..<nextSID] { BinaryEncoding.appendVarUInt(sid, to: &out) }
        }
        switch value.content {
        case .null(let type):
            let code: UInt8 = type == .null ? 0 : (type == .int ? 2 : type.rawValue)
            out.append(code << 4 | 0x0F)
        case .bool(let flag):
            out.append(flag ? 0x11 : 0x10)
        case .int(let value):
            if let small = value.int64Value {
                out.append((small < 0 ? 0x30 : 0x20) | UInt8(BinaryEncoding.uIntLength(small.magnitude)))
                BinaryEncoding.appendUInt(small.magnitude, to: &out)
            } else {
                copyBody(type: value.signum < 0 ? 3 : 2, to: &out)
            }
        case .float:
            copyBody(type: 4, to: &out)
        case .decimal:
            copyBody(type: 5, to: &out)
        case .timestamp:
            copyBody(type: 6, to: &out)
        case .symbol:
            let sid = UInt64(takeSID())
            out.append(0x70 | UInt8(BinaryEncoding.uIntLength(sid)))
            BinaryEncoding.appendUInt(sid, to: &out)
        case .string(var text):
            text.withUTF8 { utf8 in
                BinaryEncoding.appendTypeDescriptor(type: 8, length: utf8.count, to: &out)
                out.append(contentsOf: utf8)
            }
        case .clob(let bytes):
            BinaryEncoding.appendTypeDescriptor(type: 9, length: bytes.count, to: &out)
            out.append(contentsOf: bytes)
        case .blob(let bytes):
            BinaryEncoding.appendTypeDescriptor(type: 10, length: bytes.count, to: &out)
            out.append(contentsOf: bytes)
        case .list(let elements), .sexp(let elements):
            BinaryEncoding.appendTypeDescriptor(type: value.type == .list ? 11 : 12, length: takeLength(), to: &out)
            for element in elements { write(element, to: &out) }
        case .struct(let fields):
            BinaryEncoding.appendTypeDescriptor(type: 13, length: takeLength(), to: &out)
            for field in fields.fields {
                BinaryEncoding.appendVarUInt(takeSID(), to: &out)
                write(field.value, to: &out)
            }
        }
    }

    private mutating func copyBody(type: UInt8, to out: inout [UInt8]) {
        let length = takeLength()
        BinaryEncoding.appendTypeDescriptor(type: type, length: length, to: &out)
        out.append(contentsOf: bodies[nextBody..<nextBody + length])
        nextBody += length
    }
}
