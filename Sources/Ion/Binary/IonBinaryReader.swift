/// A streaming cursor over Ion binary data.
///
/// The reader walks the input in place: it never copies the input, and it decodes a value only
/// when asked. ``next()`` moves to the next value at the current depth and returns its type (or
/// `nil` at the end of the container or stream), ``stepIn()`` and ``stepOut()`` move between
/// depths, and the typed accessors (``intValue()``, ``stringValue()``, …) decode the value under
/// the cursor. The system layer is handled for you: version markers, local symbol tables and NOP
/// padding never reach the caller.
///
/// ```swift
/// var reader = try IonBinaryReader(bytes)
/// while let type = try reader.next() {
///     if type == .struct {
///         try reader.stepIn()
///         while try reader.next() != nil {
///             print(try reader.fieldName()?.text ?? "$0", try reader.value())
///         }
///         try reader.stepOut()
///     }
/// }
/// ```
///
/// Malformed input raises ``IonError`` with the byte offset of the problem; lengths are checked
/// against the bytes actually present before anything is read or allocated.
public struct IonBinaryReader: Sendable {
    /// Options for reading.
    public struct Options: Sendable {
        /// Shared symbol tables that local symbol tables may import.
        public var catalog: IonCatalog
        /// The deepest nesting of containers accepted (the top level is depth 0).
        public var maxDepth: Int

        /// Creates options. The defaults are an empty catalog and a depth limit of 200.
        public init(catalog: IonCatalog = IonCatalog(), maxDepth: Int = 200) {
            self.catalog = catalog
            self.maxDepth = maxDepth
        }
    }

    @usableFromInline
    struct Frame: Sendable {
        var end: Int
        var resume: Int
        var container: IonType?
    }

    /// What the cursor knows about the value it is on.
    @usableFromInline
    struct Current: Sendable {
        var type: IonType
        var typeCode: UInt8
        var isNull: Bool
        /// Where the value starts, including its field name and annotations.
        var offset: Int
        var headerOffset: Int
        var bodyStart: Int
        var bodyEnd: Int
        var annotationStart: Int
        var annotationEnd: Int
        var fieldSID: Int
    }

    @usableFromInline let bytes: ArraySlice<UInt8>
    @usableFromInline var pos: Int
    @usableFromInline var end: Int
    @usableFromInline var frames: [Frame] = []
    @usableFromInline var container: IonType? = nil
    @usableFromInline var current: Current? = nil
    /// The symbols in scope at the cursor.
    package internal(set) var symbols = SymbolContext() {
        didSet { symbolsChanges &+= 1 }
    }
    /// How many times ``symbols`` changed: equal counts on one reader mean the same symbols.
    package private(set) var symbolsChanges = 0
    let options: Options

    /// Creates a reader over Ion binary bytes, which must start with the Ion 1.0 version marker.
    ///
    /// - Throws: ``IonError`` with ``IonError/Code/invalidVersionMarker`` when the marker is missing.
    public init(_ bytes: [UInt8], options: Options = Options()) throws {
        try self.init(bytes[...], options: options)
    }

    /// Creates a reader over a slice of bytes; offsets in errors count from the slice's start.
    public init(_ bytes: ArraySlice<UInt8>, options: Options = Options()) throws {
        self.bytes = bytes
        self.options = options
        self.pos = 0
        self.end = bytes.count
        if !bytes.isEmpty && !bytes.starts(with: BinaryEncoding.versionMarker) {
            let shown = bytes.prefix(4).map { String($0, radix: 16) }.joined(separator: " ")
            throw IonError(.invalidVersionMarker, "binary Ion must start with E0 01 00 EA, found \(shown)", offset: 0)
        }
    }

    /// The depth of the cursor: 0 at top level, one more inside each container stepped into.
    public var depth: Int { frames.count }

    /// The type of the value under the cursor, or `nil` before the first ``next()`` or at an end.
    public var type: IonType? { current?.type }

    /// Whether the value under the cursor is a null.
    public var isNull: Bool { current?.isNull ?? false }

    /// The byte offset where the value under the cursor starts (its field name or annotations included).
    public var valueOffset: Int? { current?.offset }

    /// The byte range of the value under the cursor in the input, from its field name (if any) or
    /// annotation wrapper through the end of its body.
    public var valueByteRange: Range<Int>? { current.map { $0.offset..<$0.bodyEnd } }

    // MARK: Moving

    /// Moves to the next value at this depth and returns its type, or `nil` at the end of the
    /// container (or of the stream at top level).
    @inlinable
    public mutating func next() throws -> IonType? {
        try bytes.withUnsafeBytes { buf in try self.advance(buf) }
    }

    @usableFromInline
    mutating func advance(_ buf: UnsafeRawBufferPointer) throws -> IonType? {
        current = nil
        while true {
            switch try Self.nextChild(buf, &pos, end: end, inStruct: container == .struct, atTopLevel: frames.isEmpty) {
            case .end:
                return nil
            case .versionMarker:
                try readVersionMarker(buf)
            case .value(let c):
                current = c
                if frames.isEmpty, try isSystemValue(buf, c) { continue }
                return c.type
            }
        }
    }

    /// What comes next inside a container (or at top level).
    @usableFromInline
    enum Child {
        case value(Current)
        case versionMarker
        case end
    }

    /// Reads the field name, annotations and header of the next value at `pos`, skipping NOP
    /// padding, and leaves `pos` after the value. At top level a version marker is reported, not
    /// consumed; anywhere else it is an error.
    @usableFromInline
    @inline(__always)
    static func nextChild(
        _ buf: UnsafeRawBufferPointer, _ pos: inout Int, end: Int, inStruct: Bool, atTopLevel: Bool
    ) throws(IonError) -> Child {
        while pos < end {
            let start = pos
            var fieldSID = -1
            if inStruct {
                fieldSID = try BinaryPrimitives.readVarUInt(buf, &pos, end: end, what: "a field name")
                guard pos < end else { throw IonError.truncated("a struct field", at: start) }
            }
            if buf[pos] == 0xE0 {
                guard atTopLevel else {
                    throw IonError(
                        .invalidVersionMarker, "an Ion version marker appears inside a container", offset: pos)
                }
                return .versionMarker
            }
            let header = try parseHeader(buf, at: pos, end: end)
            var c = Current(
                type: .null, typeCode: header.typeCode, isNull: header.isNull, offset: start, headerOffset: pos,
                bodyStart: header.bodyStart, bodyEnd: header.bodyEnd, annotationStart: 0, annotationEnd: 0,
                fieldSID: fieldSID)
            pos = header.bodyEnd
            if header.typeCode == 0 && !header.isNull {
                continue  // NOP padding
            }
            if header.typeCode == 14 {
                try unwrapAnnotations(buf, &c, header: header)
            }
            c.type = ionType(forTypeCode: c.typeCode)
            return .value(c)
        }
        return .end
    }

    /// The next value inside a container (NOP padding skipped), or `nil` at its end.
    @inline(__always)
    static func nextValue(_ buf: UnsafeRawBufferPointer, _ pos: inout Int, end: Int, inStruct: Bool) throws(IonError)
        -> Current?
    {
        guard case .value(let c) = try nextChild(buf, &pos, end: end, inStruct: inStruct, atTopLevel: false) else {
            return nil
        }
        return c
    }

    @usableFromInline
    mutating func readVersionMarker(_ buf: UnsafeRawBufferPointer) throws {
        guard end - pos >= 4 else { throw IonError.truncated("an Ion version marker", at: pos) }
        guard buf[pos + 1] == 1, buf[pos + 2] == 0, buf[pos + 3] == 0xEA else {
            throw IonError(
                .invalidVersionMarker,
                "unsupported Ion version marker E0 \(String(buf[pos + 1], radix: 16)) \(String(buf[pos + 2], radix: 16)) \(String(buf[pos + 3], radix: 16))",
                offset: pos)
        }
        pos += 4
        symbols = SymbolContext()
    }

    /// Handles a top-level local symbol table or `$ion_1_0` symbol; returns whether `c` was one.
    mutating func isSystemValue(_ buf: UnsafeRawBufferPointer, _ c: Current) throws -> Bool {
        if c.annotationStart < c.annotationEnd {
            guard c.type == .struct, !c.isNull else { return false }
            var p = c.annotationStart
            let first = try BinaryPrimitives.readVarUInt(buf, &p, end: c.annotationEnd, what: "an annotation")
            guard first == 3 || symbols.symbol(forID: first)?.text == "$ion_symbol_table" else { return false }
            try loadLocalSymbolTable()
            return true
        }
        // An unannotated top-level symbol whose text is `$ion_1_0` is a system value, not data,
        // however its ID is spelled (padded, or mapped by a local symbol table).
        if c.type == .symbol, !c.isNull, let sid = BinaryPrimitives.readUInt64(buf, from: c.bodyStart, to: c.bodyEnd),
            let symbolID = Int(exactly: sid), symbols.symbol(forID: symbolID)?.text == "$ion_1_0"
        {
            return true
        }
        return false
    }

    /// Steps into the container under the cursor.
    ///
    /// - Throws: ``IonError/Code/invalidState`` if the cursor is not on a non-null container, or
    ///   ``IonError/Code/nestingTooDeep`` past ``Options/maxDepth``.
    public mutating func stepIn() throws {
        guard let c = current, c.type.isContainer, !c.isNull else {
            throw IonError(.invalidState, "stepIn() needs the cursor on a non-null container", offset: current?.offset)
        }
        guard frames.count < options.maxDepth else {
            throw IonError(.nestingTooDeep, "containers nest deeper than \(options.maxDepth)", offset: c.offset)
        }
        frames.append(Frame(end: end, resume: pos, container: container))
        pos = c.bodyStart
        end = c.bodyEnd
        container = c.type
        current = nil
    }

    /// Steps out of the current container, skipping any values not yet visited.
    public mutating func stepOut() throws {
        guard let frame = frames.popLast() else {
            throw IonError(.invalidState, "stepOut() called at top level")
        }
        pos = frame.resume
        end = frame.end
        container = frame.container
        current = nil
    }

    // MARK: Headers

    @usableFromInline
    struct Header {
        var typeCode: UInt8
        var isNull: Bool
        var bodyStart: Int
        var bodyEnd: Int
    }

    @usableFromInline
    static func ionType(forTypeCode t: UInt8) -> IonType {
        switch t {
        case 0: .null
        case 1: .bool
        case 2, 3: .int
        case 4: .float
        case 5: .decimal
        case 6: .timestamp
        case 7: .symbol
        case 8: .string
        case 9: .clob
        case 10: .blob
        case 11: .list
        case 12: .sexp
        default: .struct
        }
    }

    /// Parses the type descriptor (and length) at `p`, checking the length against `end`.
    @usableFromInline
    static func parseHeader(_ buf: UnsafeRawBufferPointer, at p: Int, end: Int) throws(IonError) -> Header {
        let td = buf[p]
        let t = td >> 4
        let l = td & 0x0F
        var bodyStart = p + 1
        var length = Int(l)
        if l == 15 {
            guard t < 14 else {
                throw IonError(
                    .invalidTypeDescriptor,
                    "type descriptor 0x\(String(td, radix: 16, uppercase: true)) is not defined by Ion 1.0", offset: p)
            }
            return Header(typeCode: t, isNull: true, bodyStart: bodyStart, bodyEnd: bodyStart)
        }
        switch t {
        case 1:
            guard l <= 1 else {
                throw IonError(
                    .invalidTypeDescriptor,
                    "bool type descriptor 0x\(String(td, radix: 16, uppercase: true)) has length \(l)", offset: p)
            }
            return Header(typeCode: 1, isNull: false, bodyStart: bodyStart, bodyEnd: bodyStart)
        case 3 where l == 0:
            throw IonError(.invalidInt, "negative int with no magnitude (negative zero)", offset: p)
        case 4 where l != 0 && l != 4 && l != 8:
            throw IonError(.invalidFloat, "float length must be 0, 4 or 8, found \(l)", offset: p)
        case 6 where l < 2:
            throw IonError(.invalidTimestamp, "timestamp length \(l) cannot hold an offset and a year", offset: p)
        case 13 where l == 1:
            // An ordered struct: the length always follows as a VarUInt and may not be zero.
            length = try BinaryPrimitives.readVarUInt(buf, &bodyStart, end: end, what: "a struct length")
            guard length > 0 else {
                throw IonError(.invalidLength, "ordered struct (0xD1) is empty", offset: p)
            }
        case 14 where l < 3:
            throw IonError(
                .invalidAnnotation, "annotation wrapper length \(l) cannot hold an annotation and a value", offset: p)
        case 15:
            throw IonError(
                .invalidTypeDescriptor,
                "type descriptor 0x\(String(td, radix: 16, uppercase: true)) uses reserved type 15", offset: p)
        default:
            if l == 14 {
                length = try BinaryPrimitives.readVarUInt(buf, &bodyStart, end: end, what: "a length")
            }
        }
        guard length <= end - bodyStart else {
            throw IonError(
                .truncated,
                "a \(ionType(forTypeCode: t)) declares \(length) bytes but only \(max(0, end - bodyStart)) remain",
                offset: p)
        }
        return Header(typeCode: t, isNull: false, bodyStart: bodyStart, bodyEnd: bodyStart + length)
    }

    @usableFromInline
    static func unwrapAnnotations(_ buf: UnsafeRawBufferPointer, _ c: inout Current, header: Header) throws(IonError) {
        var p = header.bodyStart
        let annotationLength = try BinaryPrimitives.readVarUInt(
            buf, &p, end: header.bodyEnd, what: "an annotation length")
        guard annotationLength > 0 else {
            throw IonError(.invalidAnnotation, "annotation wrapper declares no annotations", offset: c.headerOffset)
        }
        guard annotationLength < header.bodyEnd - p else {
            throw IonError(.invalidAnnotation, "annotation wrapper has no room for its value", offset: c.headerOffset)
        }
        c.annotationStart = p
        c.annotationEnd = p + annotationLength
        let valueOffset = c.annotationEnd
        if buf[valueOffset] == 0xE0 {
            throw IonError(
                .invalidVersionMarker, "an Ion version marker appears inside an annotation wrapper", offset: valueOffset
            )
        }
        let inner = try parseHeader(buf, at: valueOffset, end: header.bodyEnd)
        if inner.typeCode == 14 {
            throw IonError(
                .invalidAnnotation, "annotation wrapper contains another annotation wrapper", offset: valueOffset)
        }
        if inner.typeCode == 0 && !inner.isNull {
            throw IonError(.invalidAnnotation, "annotation wrapper contains NOP padding", offset: valueOffset)
        }
        guard inner.bodyEnd == header.bodyEnd else {
            throw IonError(
                .invalidAnnotation,
                "annotation wrapper length disagrees with its value: the value ends \(header.bodyEnd - inner.bodyEnd) bytes before the wrapper",
                offset: c.headerOffset)
        }
        c.headerOffset = valueOffset
        c.typeCode = inner.typeCode
        c.isNull = inner.isNull
        c.bodyStart = inner.bodyStart
        c.bodyEnd = inner.bodyEnd
    }
}
