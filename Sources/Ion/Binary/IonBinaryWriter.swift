/// A streaming writer of Ion binary.
///
/// Values are appended one at a time; containers are opened with ``stepIn(_:)`` and closed with
/// ``stepOut()``. Field names (``setFieldName(_:)``) and annotations (``addAnnotation(_:)``) apply
/// to the next value written. ``finish()`` returns the document: the version marker, a local
/// symbol table holding every symbol the values used, then the values.
///
/// Every value is written in its minimal encoding (Ion Hash relies on it). Container lengths are
/// not known until a container closes, so headers are recorded on the side and spliced in once
/// at ``finish()``: writing is linear in the output size however deep the nesting.
///
/// ```swift
/// var writer = IonBinaryWriter()
/// try writer.stepIn(.struct)
/// writer.setFieldName("name")
/// writer.write(string: "Alice")
/// try writer.stepOut()
/// let bytes = try writer.finish()
/// ```
public struct IonBinaryWriter: Sendable {
    /// A header that goes in front of the data byte at `offset` when the document is assembled.
    struct Splice: Sendable {
        var offset: Int
        var headerStart: Int
        var headerEnd: Int
    }

    struct OpenContainer: Sendable {
        var type: IonType
        /// Where the container's contents start in `data`.
        var start: Int
        /// Index of this container's header in `splices`.
        var splice: Int
        /// Bytes of headers spliced inside this container so far.
        var splicedInside: Int
        /// Annotation SIDs of the container, written into its header at close.
        var annotations: [Int]
    }

    private var data: [UInt8] = []
    private var headers: [UInt8] = []
    private var splices: [Splice] = []
    private var open: [OpenContainer] = []
    private var pendingField: Int? = nil
    private var pendingAnnotations: [Int] = []
    private var symbolIDs: [SymbolText: Int] = [:]
    private var symbolCache = SymbolIDCache()
    private var newSymbols: [String] = []
    private let imports: [SymbolContext.Import]
    private let firstLocalSID: Int
    private var scratch: [UInt8] = []
    private var bodyScratch: [UInt8] = []

    /// Creates a writer whose symbol table imports `imports` (shared tables given by name,
    /// version and the number of SIDs each takes). Symbols with unknown text from those tables are
    /// written with their SIDs; symbols with known text are added to the local symbol table.
    public init(imports: [SharedSymbolTableImport] = []) {
        (self.imports, self.firstLocalSID) = SymbolContext.declarations(for: imports)
        // Enough for a typical short document (a statement parameter); a long stream grows it
        // once and keeps the capacity across `finish()`.
        data.reserveCapacity(256)
    }

    /// The depth of the writer: 0 at top level.
    public var depth: Int { open.count }

    // MARK: Field names and annotations

    /// Sets the field name of the next value; required inside a struct, ignored elsewhere.
    public mutating func setFieldName(_ name: String) {
        pendingField = sid(for: name)
    }

    /// Sets the field name of the next value from a symbol token.
    public mutating func setFieldName(_ name: IonSymbol) throws {
        pendingField = try sid(for: name)
    }

    /// Adds an annotation to the next value.
    public mutating func addAnnotation(_ text: String) {
        pendingAnnotations.append(sid(for: text))
    }

    /// Adds an annotation to the next value from a symbol token.
    public mutating func addAnnotation(_ symbol: IonSymbol) throws {
        pendingAnnotations.append(try sid(for: symbol))
    }

    // MARK: Scalars

    /// Writes a null of the given type (`null.null` by default).
    public mutating func writeNull(_ type: IonType = .null) throws {
        let code: UInt8 = type == .null ? 0 : (type == .int ? 2 : type.rawValue)
        try scalar { $0.append(code << 4 | 0x0F) }
    }

    /// Writes a bool.
    public mutating func write(bool value: Bool) throws {
        try scalar { $0.append(value ? 0x11 : 0x10) }
    }

    /// Writes an int.
    public mutating func write(int value: Int64) throws {
        try scalar { out in
            let code: UInt8 = value < 0 ? 0x30 : 0x20
            out.append(code | UInt8(BinaryEncoding.uIntLength(value.magnitude)))
            BinaryEncoding.appendUInt(value.magnitude, to: &out)
        }
    }

    /// Writes an int of any size.
    @_disfavoredOverload
    public mutating func write(int value: IonInt) throws {
        if let small = value.int64Value { return try write(int: small) }
        try scalar { out in
            let magnitude = value.magnitudeBytes
            BinaryEncoding.appendTypeDescriptor(type: value.signum < 0 ? 3 : 2, length: magnitude.count, to: &out)
            out.append(contentsOf: magnitude)
        }
    }

    /// Writes a float (4 bytes when a 32-bit float holds it exactly, otherwise 8).
    public mutating func write(float value: Double) throws {
        try scalar { out in
            var body: [UInt8] = []
            BinaryEncoding.appendFloatBody(value, to: &body)
            out.append(0x40 | UInt8(body.count))
            out.append(contentsOf: body)
        }
    }

    /// Writes a decimal.
    public mutating func write(decimal value: IonDecimal) throws {
        try scalarWithBody(type: 5) { BinaryEncoding.appendDecimalBody(value, to: &$0) }
    }

    /// Writes a timestamp.
    public mutating func write(timestamp value: IonTimestamp) throws {
        try scalarWithBody(type: 6) { BinaryEncoding.appendTimestampBody(value, to: &$0) }
    }

    /// Writes a symbol with known text.
    public mutating func write(symbol text: String) throws {
        let id = sid(for: text)
        try writeSymbolID(id)
    }

    /// Writes a symbol token.
    public mutating func write(symbol: IonSymbol) throws {
        try writeSymbolID(try sid(for: symbol))
    }

    private mutating func writeSymbolID(_ id: Int) throws {
        try scalar { out in
            out.append(0x70 | UInt8(BinaryEncoding.uIntLength(UInt64(id))))
            BinaryEncoding.appendUInt(UInt64(id), to: &out)
        }
    }

    /// Writes a string.
    public mutating func write(string value: String) throws {
        var value = value
        try value.withUTF8 { utf8 in
            try scalar { out in
                BinaryEncoding.appendTypeDescriptor(type: 8, length: utf8.count, to: &out)
                out.append(contentsOf: utf8)
            }
        }
    }

    /// Writes a clob.
    public mutating func write(clob bytes: some Collection<UInt8>) throws {
        try scalar { out in
            BinaryEncoding.appendTypeDescriptor(type: 9, length: bytes.count, to: &out)
            out.append(contentsOf: bytes)
        }
    }

    /// Writes a blob.
    public mutating func write(blob bytes: some Collection<UInt8>) throws {
        try scalar { out in
            BinaryEncoding.appendTypeDescriptor(type: 10, length: bytes.count, to: &out)
            out.append(contentsOf: bytes)
        }
    }

    // MARK: Containers

    /// Opens a list, s-expression or struct; values written until the matching ``stepOut()`` go into it.
    public mutating func stepIn(_ type: IonType) throws {
        guard type.isContainer else {
            throw IonError(.invalidState, "stepIn(_:) needs list, sexp or struct, not \(type)")
        }
        try writeFieldNameIfNeeded()
        let annotations = pendingAnnotations
        pendingAnnotations.removeAll(keepingCapacity: true)
        if splices.capacity == 0 {
            // Room for a document's usual nesting at once, instead of growing 1, 2, 4, 8.
            splices.reserveCapacity(16)
            open.reserveCapacity(8)
        }
        splices.append(Splice(offset: data.count, headerStart: 0, headerEnd: 0))
        open.append(
            OpenContainer(
                type: type, start: data.count, splice: splices.count - 1, splicedInside: 0, annotations: annotations))
    }

    /// Closes the innermost open container.
    public mutating func stepOut() throws {
        guard let container = open.popLast() else {
            throw IonError(.invalidState, "stepOut() called with no open container")
        }
        guard pendingField == nil || container.type != .struct, pendingAnnotations.isEmpty else {
            throw IonError(.invalidState, "a field name or annotation was set but no value followed it")
        }
        pendingField = nil
        let length = data.count - container.start + container.splicedInside
        let headerStart = headers.count
        let code: UInt8 = container.type == .list ? 11 : (container.type == .sexp ? 12 : 13)
        if container.annotations.isEmpty {
            BinaryEncoding.appendTypeDescriptor(type: code, length: length, to: &headers)
        } else {
            scratch.removeAll(keepingCapacity: true)
            BinaryEncoding.appendTypeDescriptor(type: code, length: length, to: &scratch)
            appendAnnotationWrapper(container.annotations, valueLength: scratch.count + length, to: &headers)
            headers.append(contentsOf: scratch)
        }
        splices[container.splice].headerStart = headerStart
        splices[container.splice].headerEnd = headers.count
        let added = headers.count - headerStart + container.splicedInside
        if !open.isEmpty { open[open.count - 1].splicedInside += added }
    }

    // MARK: Finishing

    /// Returns the document written so far (version marker, symbol table, values) and resets the
    /// writer for a new document with the same imports.
    ///
    /// - Throws: ``IonError/Code/invalidState`` if a container is still open.
    public mutating func finish() throws -> [UInt8] {
        guard open.isEmpty else {
            throw IonError(.invalidState, "finish() called with \(open.count) container(s) still open")
        }
        var out: [UInt8] = []
        out.reserveCapacity(data.count + headers.count + 64 + newSymbols.count * 8)
        out.append(contentsOf: BinaryEncoding.versionMarker)
        appendSymbolTable(to: &out)
        var copied = 0
        for splice in splices {
            out.append(contentsOf: data[copied..<splice.offset])
            out.append(contentsOf: headers[splice.headerStart..<splice.headerEnd])
            copied = splice.offset
        }
        out.append(contentsOf: data[copied...])
        data.removeAll(keepingCapacity: true)
        headers.removeAll(keepingCapacity: true)
        splices.removeAll(keepingCapacity: true)
        symbolIDs.removeAll(keepingCapacity: true)
        symbolCache.removeAll()
        newSymbols.removeAll(keepingCapacity: true)
        return out
    }

    /// The local symbol table of this writer's document: its imports and new symbols.
    private func appendSymbolTable(to out: inout [UInt8]) {
        guard !newSymbols.isEmpty || !imports.isEmpty else { return }
        var importsField: [UInt8] = []
        if !imports.isEmpty {
            var list: [UInt8] = []
            for i in imports {
                var entry: [UInt8] = [0x84]  // name
                var name = i.name
                name.withUTF8 { utf8 in
                    BinaryEncoding.appendTypeDescriptor(type: 8, length: utf8.count, to: &entry)
                    entry.append(contentsOf: utf8)
                }
                entry.append(0x85)  // version
                entry.append(0x20 | UInt8(BinaryEncoding.uIntLength(UInt64(i.version))))
                BinaryEncoding.appendUInt(UInt64(i.version), to: &entry)
                entry.append(0x88)  // max_id
                entry.append(0x20 | UInt8(BinaryEncoding.uIntLength(UInt64(i.maxID))))
                BinaryEncoding.appendUInt(UInt64(i.maxID), to: &entry)
                BinaryEncoding.appendTypeDescriptor(type: 13, length: entry.count, to: &list)
                list.append(contentsOf: entry)
            }
            importsField.append(0x86)  // imports
            BinaryEncoding.appendTypeDescriptor(type: 11, length: list.count, to: &importsField)
            importsField.append(contentsOf: list)
        }
        Self.appendLocalSymbolTable(importsField: importsField, symbols: newSymbols, to: &out)
    }

    /// `$ion_symbol_table::{imports:[…], symbols:[…]}`, written straight into `out` (nothing when
    /// both are empty): the lengths are summed first, so the table needs no buffer of its own.
    /// `importsField` is the encoded `imports` field, if any (imports are rare).
    static func appendLocalSymbolTable(importsField: [UInt8], symbols: [String], to out: inout [UInt8]) {
        guard !symbols.isEmpty || !importsField.isEmpty else { return }
        func descriptorLength(_ length: Int) -> Int { length < 14 ? 1 : 1 + BinaryEncoding.varUIntLength(length) }
        var symbolsLength = 0
        for symbol in symbols { symbolsLength += descriptorLength(symbol.utf8.count) + symbol.utf8.count }
        let symbolsField = symbols.isEmpty ? 0 : 1 + descriptorLength(symbolsLength) + symbolsLength
        let structBodyLength = importsField.count + symbolsField
        let structLength = descriptorLength(structBodyLength) + structBodyLength
        BinaryEncoding.appendTypeDescriptor(type: 14, length: 2 + structLength, to: &out)
        out.append(0x81)  // one byte of annotation SIDs:
        out.append(0x83)  // $ion_symbol_table
        BinaryEncoding.appendTypeDescriptor(type: 13, length: structBodyLength, to: &out)
        out.append(contentsOf: importsField)
        guard !symbols.isEmpty else { return }
        out.append(0x87)  // symbols
        BinaryEncoding.appendTypeDescriptor(type: 11, length: symbolsLength, to: &out)
        for symbol in symbols {
            var text = symbol
            text.withUTF8 { utf8 in
                BinaryEncoding.appendTypeDescriptor(type: 8, length: utf8.count, to: &out)
                out.append(contentsOf: utf8)
            }
        }
    }

    // MARK: Internals

    private mutating func sid(for text: String) -> Int {
        if let id = symbolCache.lookup(text) { return id }
        if let index = symbolIDs.index(forKey: SymbolText(text)) {
            // A symbol's second use: cache it. Caching on first use would cost every short
            // document (a statement parameter) a cache it never reads. Cache only the
            // dictionary's own copy of the key: its buffer stays alive as long as the entry, so
            // no other string can later show the same bits with different text.
            let (key, id) = symbolIDs[index]
            symbolCache.insert(key.text, id)
            return id
        }
        let id: Int
        if let system = Self.systemSID(text) {
            id = system
        } else {
            if newSymbols.capacity == 0 {
                // A struct's field names arrive one by one: size the table once for a typical document.
                newSymbols.reserveCapacity(16)
                symbolIDs.reserveCapacity(16)
            }
            id = firstLocalSID + newSymbols.count
            newSymbols.append(text)
        }
        symbolIDs[SymbolText(text)] = id
        return id
    }

    /// The SID of `text` in the system symbol table, if it is a system symbol. Only texts of a
    /// system symbol's length are compared, and then with the nine texts directly: field names
    /// of those lengths (`lastName`, `events`) are common and should not pay for hashing.
    @inline(__always)
    static func systemSID(_ text: String) -> Int? {
        let length = text.utf8.count
        guard length < 64 && systemSymbolLengths & (1 << UInt64(length)) != 0 else { return nil }
        for (i, system) in systemTexts.enumerated() where SymbolText.same(system, text) { return i + 1 }
        return nil
    }

    private static let systemTexts: [String] = SharedSymbolTable.system.symbols.map { $0! }

    /// Bit `n` is set when a system symbol is `n` bytes long.
    private static let systemSymbolLengths: UInt64 = systemTexts.reduce(0) { mask, text in
        mask | (1 << UInt64(text.utf8.count))
    }

    private mutating func sid(for symbol: IonSymbol) throws -> Int {
        if let text = symbol.text { return sid(for: text) }
        guard let location = symbol.importLocation else { return 0 }
        guard let table = imports.first(where: { $0.name == location.tableName }), location.position <= table.maxID
        else {
            throw IonError(
                .unknownSymbol,
                "symbol with unknown text from '\(location.tableName)' position \(location.position) needs that table among the writer's imports"
            )
        }
        return table.firstSID + location.position - 1
    }

    private mutating func writeFieldNameIfNeeded() throws {
        if open.last?.type == .struct {
            guard let field = pendingField else {
                throw IonError(.invalidState, "a value inside a struct needs a field name; call setFieldName(_:) first")
            }
            BinaryEncoding.appendVarUInt(field, to: &data)
        }
        pendingField = nil
    }

    /// Writes a scalar whose complete encoding (type descriptor included) `encode` appends.
    @inline(__always)
    private mutating func scalar(_ encode: (inout [UInt8]) throws -> Void) throws {
        try writeFieldNameIfNeeded()
        if pendingAnnotations.isEmpty {
            try encode(&data)
            return
        }
        scratch.removeAll(keepingCapacity: true)
        try encode(&scratch)
        appendAnnotationWrapper(pendingAnnotations, valueLength: scratch.count, to: &data)
        data.append(contentsOf: scratch)
        pendingAnnotations.removeAll(keepingCapacity: true)
    }

    /// Writes a scalar of type code `type` whose body `body` appends.
    @inline(__always)
    private mutating func scalarWithBody(type: UInt8, _ body: (inout [UInt8]) -> Void) throws {
        // Move the reusable buffer out so that filling it does not copy it.
        var bodyBytes = bodyScratch
        bodyScratch = []
        bodyBytes.removeAll(keepingCapacity: true)
        body(&bodyBytes)
        defer { bodyScratch = bodyBytes }
        try scalar { out in
            BinaryEncoding.appendTypeDescriptor(type: type, length: bodyBytes.count, to: &out)
            out.append(contentsOf: bodyBytes)
        }
    }

    private func appendAnnotationWrapper(_ annotations: [Int], valueLength: Int, to out: inout [UInt8]) {
        var annotationLength = 0
        for a in annotations { annotationLength += BinaryEncoding.varUIntLength(a) }
        let wrapperLength = BinaryEncoding.varUIntLength(annotationLength) + annotationLength + valueLength
        BinaryEncoding.appendTypeDescriptor(type: 14, length: wrapperLength, to: &out)
        BinaryEncoding.appendVarUInt(annotationLength, to: &out)
        for a in annotations { BinaryEncoding.appendVarUInt(a, to: &out) }
    }
}

/// A shared symbol table that an ``IonBinaryWriter`` declares as an import.
public struct SharedSymbolTableImport: Sendable, Hashable {
    /// The table name.
    public var name: String
    /// The table version.
    public var version: Int
    /// How many symbol IDs the import occupies.
    public var maxID: Int

    /// Creates an import declaration.
    public init(name: String, version: Int = 1, maxID: Int) {
        self.name = name
        self.version = version
        self.maxID = maxID
    }
}
