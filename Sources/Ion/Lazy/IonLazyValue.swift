/// An Ion binary value read lazily: it keeps its place in the input and decodes only what is
/// asked of it.
///
/// A lazy value is a small value (the shared input and the position of one value), so a whole
/// document of them costs one array, and reading a field of one value costs nothing for the
/// others. Scalars are decoded when read; a container's children are found when iterated
/// (``elements()``, ``fields()``, ``field(named:)``); ``materialize()`` turns a value into an
/// ``IonValue`` tree.
///
/// ```swift
/// for licence in try IonLazyValue.decode(binary: bytes) {
///     if let points = try licence.field(named: "penaltyPoints") { total += try points.int64Value() }
/// }
/// ```
///
/// The headers of top-level values are checked when the document is read; anything inside a
/// value is checked when it is read, and malformed bytes there raise ``IonError`` with their
/// offset then.
public struct IonLazyValue: Sendable {
    let input: IonLazyInput
    let current: IonBinaryReader.Current

    init(_ input: IonLazyInput, _ current: IonBinaryReader.Current) {
        self.input = input
        self.current = current
    }

    /// Reads the top-level values of an Ion binary document (system values skipped), each with
    /// the symbols in scope where it stands.
    ///
    /// - Throws: ``IonError`` when the version marker, a symbol table or a top-level header is
    ///   malformed.
    public static func decode(binary bytes: [UInt8], options: IonBinaryReader.Options = .init()) throws
        -> [IonLazyValue]
    {
        var reader = try IonBinaryReader(bytes, options: options)
        var values: [IonLazyValue] = []
        var input: IonLazyInput? = nil
        var inputSymbols = -1
        while try reader.next() != nil {
            if input == nil || inputSymbols != reader.symbolsChanges {
                input = IonLazyInput(bytes: reader.bytes, symbols: reader.symbols, options: options)
                inputSymbols = reader.symbolsChanges
            }
            values.append(IonLazyValue(input!, reader.current!))
        }
        return values
    }

    /// The value's Ion type.
    public var type: IonType { current.type }

    /// Whether the value is a null (of its type).
    public var isNull: Bool { current.isNull }

    /// The byte range of the value in the input, from its field name (if any) or annotation
    /// wrapper through the end of its body.
    public var byteRange: Range<Int> { current.offset..<current.bodyEnd }

    /// The value's annotations, in order.
    public func annotations() throws -> [IonSymbol] {
        guard current.annotationStart < current.annotationEnd else { return [] }
        return try input.withBytes { try IonBinaryReader.annotations($0, of: current, symbols: input.symbols) }
    }

    // MARK: Scalars

    @inline(__always)
    private func require(_ expected: IonType, _ accessor: String) throws {
        guard current.type == expected, !current.isNull else {
            throw IonError(
                .typeMismatch, "\(accessor) called on \(current.isNull ? "null." : "")\(current.type)",
                offset: current.offset)
        }
    }

    /// The value as `Bool`.
    public func boolValue() throws -> Bool {
        try require(.bool, "boolValue()")
        return input.withBytes { $0[current.headerOffset] & 0x0F == 1 }
    }

    /// The value as an integer of any size.
    public func intValue() throws -> IonInt {
        try require(.int, "intValue()")
        return try input.withBytes { try IonBinaryReader.decodeInt($0, current) }
    }

    /// The value as `Int64`.
    ///
    /// - Throws: ``IonError/Code/numericOverflow`` when the integer does not fit.
    public func int64Value() throws -> Int64 {
        guard let value = try intValue().int64Value else {
            throw IonError(.numericOverflow, "int does not fit in Int64", offset: current.offset)
        }
        return value
    }

    /// The value as `Double` (32-bit floats are widened exactly).
    public func doubleValue() throws -> Double {
        try require(.float, "doubleValue()")
        return input.withBytes { IonBinaryReader.decodeFloat($0, current) }
    }

    /// The value as a decimal.
    public func decimalValue() throws -> IonDecimal {
        try require(.decimal, "decimalValue()")
        return try input.withBytes {
            try IonBinaryReader.decodeDecimal($0, from: current.bodyStart, to: current.bodyEnd)
        }
    }

    /// The value as a timestamp.
    public func timestampValue() throws -> IonTimestamp {
        try require(.timestamp, "timestampValue()")
        return try input.withBytes { try IonBinaryReader.decodeTimestamp($0, current) }
    }

    /// The value as a symbol token.
    public func symbolValue() throws -> IonSymbol {
        try require(.symbol, "symbolValue()")
        return try input.withBytes { buf in
            guard let sid = BinaryPrimitives.readUInt64(buf, from: current.bodyStart, to: current.bodyEnd),
                sid <= UInt64(Int.max)
            else {
                throw IonError(.unknownSymbol, "symbol ID does not fit in 63 bits", offset: current.headerOffset)
            }
            return try input.symbol(Int(sid), at: current.headerOffset, role: "symbol value")
        }
    }

    /// The value as a string.
    public func stringValue() throws -> String {
        try require(.string, "stringValue()")
        return try input.withBytes { try IonBinaryReader.decodeString($0, current) }
    }

    /// The bytes of a blob or clob.
    public func lobValue() throws -> [UInt8] {
        guard current.type == .blob || current.type == .clob, !current.isNull else {
            throw IonError(
                .typeMismatch, "lobValue() called on \(current.isNull ? "null." : "")\(current.type)",
                offset: current.offset)
        }
        return input.withBytes { Array(UnsafeRawBufferPointer(rebasing: $0[current.bodyStart..<current.bodyEnd])) }
    }

    // MARK: Containers

    /// The elements of a list or sexp, found as they are iterated.
    public func elements() throws -> IonLazyChildren {
        guard current.type == .list || current.type == .sexp, !current.isNull else {
            throw IonError(
                .typeMismatch, "elements() called on \(current.isNull ? "null." : "")\(current.type)",
                offset: current.offset)
        }
        return IonLazyChildren(input: input, position: current.bodyStart, end: current.bodyEnd, inStruct: false)
    }

    /// The fields of a struct, in the order they are written, found as they are iterated; each
    /// field's name is its ``fieldName()``.
    public func fields() throws -> IonLazyChildren {
        try require(.struct, "fields()")
        return IonLazyChildren(input: input, position: current.bodyStart, end: current.bodyEnd, inStruct: true)
    }

    /// The first field of a struct named `name`, or `nil` when it has none.
    public func field(named name: String) throws -> IonLazyValue? {
        var fields = try fields()
        while let field = try fields.next() {
            if input.symbols.hasText(name, forID: field.current.fieldSID) { return field }
        }
        return nil
    }

    /// The field name of a value read from a struct's ``fields()``; `nil` for any other value.
    ///
    /// - Throws: ``IonError/Code/unknownSymbol`` when the name's symbol ID is not defined.
    public func fieldName() throws -> IonSymbol? {
        guard current.fieldSID >= 0 else { return nil }
        return try input.symbol(current.fieldSID, at: current.offset, role: "field name")
    }

    /// The value, with its annotations and everything it contains, as an ``IonValue``.
    public func materialize() throws -> IonValue {
        var reader = try IonBinaryReader(input.bytes, options: input.options)
        reader.symbols = input.symbols
        reader.current = current
        return try reader.value()
    }
}

/// The children of a lazy container, in the order they are written: `next()` finds the
/// following one (a struct's fields carry their names: ``IonLazyValue/fieldName()``).
public struct IonLazyChildren: Sendable {
    let input: IonLazyInput
    var position: Int
    let end: Int
    let inStruct: Bool

    /// The next child, or `nil` after the last.
    ///
    /// - Throws: ``IonError`` when the child's header is malformed.
    public mutating func next() throws -> IonLazyValue? {
        let end = self.end
        let inStruct = self.inStruct
        var p = position
        let found = try input.withBytes { try IonBinaryReader.nextValue($0, &p, end: end, inStruct: inStruct) }
        position = p
        return found.map { IonLazyValue(input, $0) }
    }
}

/// What lazy values of one stretch of a document share: the input and the symbols in scope.
final class IonLazyInput: Sendable {
    let bytes: ArraySlice<UInt8>
    let symbols: SymbolContext
    let options: IonBinaryReader.Options

    init(bytes: ArraySlice<UInt8>, symbols: SymbolContext, options: IonBinaryReader.Options) {
        self.bytes = bytes
        self.symbols = symbols
        self.options = options
    }

    @inline(__always)
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes(body)
    }

    func symbol(_ sid: Int, at offset: Int, role: String) throws -> IonSymbol {
        try symbols.resolve(sid, at: offset, role: role)
    }
}
