import Foundation

/// `Encoder` straight to Ion binary: no ``IonValue`` tree in between, one instance for a whole
/// document.
///
/// Values are written front to back into one buffer as `encode(to:)` implementations hand them
/// over. A container's type descriptor is reserved as one byte when it opens and completed when
/// it closes (the body is moved up by the one or two bytes a length of 14 or more needs, a short
/// move). A container closes when a container outside it is written to again, or when the value
/// it belongs to is done. Symbol IDs are given in order of first use by the same assignment the
/// tree encoder uses, so both write the same bytes.
///
/// What a stream cannot write (a container written to after a container outside it moved on, a
/// key encoded twice in one struct, a super encoder, an error caught inside `encode(to:)`, a
/// symbol from a shared table) sets ``needsTree``: the caller then encodes the values through the
/// tree, whose semantics (a repeated key replaces the first) are the reference.
final class IonWriterEncoder: Encoder {
    // The mutable state is `@exclusivity(unchecked)`: an encoder is not `Sendable` (one thread
    // uses it), and no access to these properties overlaps another: each is a read, or a
    // modification (an append, an element store) that runs no other code while it lasts.

    let options: IonEncoder
    /// The values written so far: the document without its version marker and symbol table.
    @exclusivity(unchecked) var out: [UInt8] = []
    @exclusivity(unchecked) var symbols = LocalSymbolAssignment()
    /// The coding path of the value being written.
    @exclusivity(unchecked) var path: [any CodingKey] = []
    /// The containers open, outermost first.
    @exclusivity(unchecked) var open: [IonWriterOpenContainer] = []
    /// The field names written in the open structs, each struct's after its parent's.
    @exclusivity(unchecked) var fieldSIDs: [Int] = []
    /// Where the value being written starts in `out`, and how many containers were open then.
    @exclusivity(unchecked) var valueStart = 0
    @exclusivity(unchecked) var valueLevel = 0
    @exclusivity(unchecked) var nextToken = 0
    /// Whether the values must be encoded through the tree instead (see the type's notes).
    @exclusivity(unchecked) private(set) var needsTree = false

    init(options: IonEncoder) { self.options = options }

    var codingPath: [any CodingKey] { path }
    var userInfo: [CodingUserInfoKey: Any] { options.userInfo }

    /// Writes `value` as the next top-level value.
    func encodeTopLevel<T: Encodable>(_ value: T) throws {
        path.removeAll(keepingCapacity: true)
        try box(value)
    }

    /// The document: version marker, local symbol table, values.
    func document() -> [UInt8] {
        var result: [UInt8] = []
        var symbolsLength = 0
        for symbol in symbols.texts { symbolsLength += symbol.utf8.count + 2 }
        // Room for the version marker, the table's headers and a few multi-byte symbol lengths.
        result.reserveCapacity(BinaryEncoding.versionMarker.count + 16 + symbolsLength + out.count)
        result.append(contentsOf: BinaryEncoding.versionMarker)
        IonBinaryWriter.appendLocalSymbolTable(importsField: [], symbols: symbols.texts, to: &result)
        result.append(contentsOf: out)
        return result
    }

    /// Gives up on the stream for these values: the caller encodes them through the tree.
    func fallBack() { needsTree = true }

    // MARK: Values

    /// Writes `value` as one value: natively for the types Ion has, else through `encode(to:)`.
    func box<T: Encodable>(_ value: T) throws {
        let savedStart = valueStart
        let savedLevel = valueLevel
        valueStart = out.count
        valueLevel = open.count
        defer {
            valueStart = savedStart
            valueLevel = savedLevel
        }
        do {
            if try writeNative(value) { return }
            try value.encode(to: self)
        } catch {
            // The tree drops a value whose encoding failed (its field name with it); if the
            // caller catches the error and goes on, only the tree writes what it would.
            needsTree = true
            throw error
        }
        close(downTo: valueLevel)
        // A value that wrote nothing is an empty struct, as in the tree.
        if out.count == valueStart { out.append(0xD0) }
    }

    /// Writes the types with a native Ion form, told apart by the identity of their metatypes
    /// (`same` is sound because the identities were compared); `false` for any other.
    private func writeNative<T: Encodable>(_ value: T) throws -> Bool {
        @inline(__always) func same<U>(_ type: U.Type) -> U { unsafeBitCast(value, to: U.self) }
        switch ObjectIdentifier(T.self) {
        case ObjectIdentifier(String.self): write(string: same(String.self))
        case ObjectIdentifier(IonDecimal.self): write(decimal: same(IonDecimal.self))
        case ObjectIdentifier(IonTimestamp.self): write(timestamp: same(IonTimestamp.self))
        case ObjectIdentifier(IonInt.self): write(int: same(IonInt.self))
        case ObjectIdentifier(IonSymbol.self): write(symbol: same(IonSymbol.self))
        case ObjectIdentifier(IonValue.self): write(tree: same(IonValue.self))
        case ObjectIdentifier(Data.self): write(lob: 10, same(Data.self))
        case ObjectIdentifier(Date.self):
            write(timestamp: try IonValueEncoding.timestamp(same(Date.self), options.dateEncodingStrategy, path))
        case ObjectIdentifier(Decimal.self): write(decimal: try IonDecimal(same(Decimal.self)))
        default: return false
        }
        return true
    }

    /// Runs `body` with the path of a container `depth` deep (its own, when it keeps one) and
    /// `key` pushed onto it.
    @inline(__always)
    func withChild<R>(
        key: any CodingKey, depth: Int, ownPath: [any CodingKey]?, _ body: (IonWriterEncoder) throws -> R
    ) throws -> R {
        let savedPath: [any CodingKey]?
        if let ownPath {
            savedPath = path
            path = ownPath
        } else if path.count != depth {
            savedPath = path
            path = Array(path.prefix(depth))
        } else {
            savedPath = nil
        }
        path.append(key)
        defer {
            if let savedPath { path = savedPath } else { path.removeLast() }
        }
        return try body(self)
    }

    // MARK: Scalars

    func writeNull() { out.append(0x0F) }

    func write(bool: Bool) { out.append(bool ? 0x11 : 0x10) }

    func write(int value: Int64) {
        out.append((value < 0 ? 0x30 : 0x20) | UInt8(BinaryEncoding.uIntLength(value.magnitude)))
        BinaryEncoding.appendUInt(value.magnitude, to: &out)
    }

    func write(int value: IonInt) {
        if let small = value.int64Value { return write(int: small) }
        withLength(type: value.signum < 0 ? 3 : 2) { $0.append(contentsOf: value.magnitudeBytes) }
    }

    func write<T: FixedWidthInteger>(integer value: T) {
        if let small = Int64(exactly: value) { write(int: small) } else { write(int: IonInt(value)) }
    }

    func write(float value: Double) { withLength(type: 4) { BinaryEncoding.appendFloatBody(value, to: &$0) } }

    func write(string: String) {
        var string = string
        string.withUTF8 { utf8 in
            BinaryEncoding.appendTypeDescriptor(type: 8, length: utf8.count, to: &out)
            out.append(contentsOf: utf8)
        }
    }

    func write(decimal: IonDecimal) { withLength(type: 5) { BinaryEncoding.appendDecimalBody(decimal, to: &$0) } }

    func write(timestamp: IonTimestamp) {
        withLength(type: 6) { BinaryEncoding.appendTimestampBody(timestamp, to: &$0) }
    }

    func write(symbol: IonSymbol) {
        guard let sid = sid(for: symbol) else { return fallBack() }
        out.append(0x70 | UInt8(BinaryEncoding.uIntLength(UInt64(sid))))
        BinaryEncoding.appendUInt(UInt64(sid), to: &out)
    }

    func write(lob type: UInt8, _ bytes: some Collection<UInt8>) {
        BinaryEncoding.appendTypeDescriptor(type: type, length: bytes.count, to: &out)
        out.append(contentsOf: bytes)
    }

    /// The ID of a symbol; `nil` for one with unknown text from a shared table (only the
    /// streaming writer declares imports).
    private func sid(for symbol: IonSymbol) -> Int? {
        switch symbol.storage {
        case .text(let text): symbols.sid(for: text)
        case .zero: 0
        case .imported: nil
        }
    }

    /// An ``IonValue``, with its annotations, written as the tree encoder writes it.
    func write(tree value: IonValue) {
        if value.annotations.isEmpty { return write(content: value) }
        var annotationSIDs: [Int] = []
        annotationSIDs.reserveCapacity(value.annotations.count)
        for annotation in value.annotations {
            guard let sid = sid(for: annotation) else { return fallBack() }
            annotationSIDs.append(sid)
        }
        withLength(type: 14) { out in
            var length = 0
            for sid in annotationSIDs { length += BinaryEncoding.varUIntLength(sid) }
            BinaryEncoding.appendVarUInt(length, to: &out)
            for sid in annotationSIDs { BinaryEncoding.appendVarUInt(sid, to: &out) }
        } then: {
            self.write(content: value)
        }
    }

    private func write(content value: IonValue) {
        switch value.content {
        case .null(let type): out.append((type == .null ? 0 : type.rawValue) << 4 | 0x0F)
        case .bool(let flag): write(bool: flag)
        case .int(let int): write(int: int)
        case .float(let double): write(float: double)
        case .decimal(let decimal): write(decimal: decimal)
        case .timestamp(let timestamp): write(timestamp: timestamp)
        case .symbol(let symbol): write(symbol: symbol)
        case .string(let string): write(string: string)
        case .clob(let bytes): write(lob: 9, bytes)
        case .blob(let bytes): write(lob: 10, bytes)
        case .list(let elements), .sexp(let elements):
            withLength(type: value.type == .list ? 11 : 12) { _ in
            } then: {
                for element in elements { self.write(tree: element) }
            }
        case .struct(let fields):
            withLength(type: 13) { _ in
            } then: {
                for field in fields.fields {
                    guard let sid = self.sid(for: field.name) else { return self.fallBack() }
                    BinaryEncoding.appendVarUInt(sid, to: &self.out)
                    self.write(tree: field.value)
                }
            }
        }
    }

    // MARK: Lengths

    /// Writes a value of Ion type code `type` whose length is known once its body is written:
    /// `body` appends to the output, then `then` writes more of the body through the encoder.
    @inline(__always)
    private func withLength(type: UInt8, _ body: (inout [UInt8]) -> Void, then: () -> Void = {}) {
        let start = out.count
        out.append(type << 4)
        body(&out)
        then()
        completeDescriptor(at: start, type: type)
    }

    /// Completes the type descriptor reserved at `start` (one byte) with the length of what
    /// follows it, moving the body up when the length takes more bytes.
    func completeDescriptor(at start: Int, type: UInt8) {
        let length = out.count - start - 1
        if length < 14 {
            out[start] = type << 4 | UInt8(length)
            return
        }
        let extra = BinaryEncoding.varUIntLength(length)
        out.append(contentsOf: repeatElement(0, count: extra))
        out.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            (base + start + 1 + extra).update(from: base + start + 1, count: length)
            base[start] = type << 4 | 14
            // A VarUInt: seven bits a byte, most significant first, the last byte's high bit set.
            for i in 0..<extra {
                base[start + 1 + i] = UInt8(truncatingIfNeeded: length >> (7 * (extra - 1 - i))) & 0x7F
            }
            base[start + extra] |= 0x80
        }
    }

    // MARK: Containers

    /// Opens a container of Ion type code `type` (11 list, 13 struct); returns its level.
    func openContainer(type: UInt8) -> Int {
        nextToken &+= 1
        open.append(
            IonWriterOpenContainer(start: out.count, type: type, token: nextToken, fieldsStart: fieldSIDs.count))
        out.append(type << 4)
        return open.count - 1
    }

    /// Closes the containers from the innermost down to `level` (which stays open).
    func close(downTo level: Int) {
        while open.count > level {
            let container = open.removeLast()
            completeDescriptor(at: container.start, type: container.type)
            fieldSIDs.removeLast(fieldSIDs.count - container.fieldsStart)
        }
    }

    /// Whether the container at `level` with `token` may be written to now: it is still open and
    /// belongs to the value being written (or one it contains). Closes the containers inside it.
    @inline(__always)
    func enter(level: Int, token: Int) -> Bool {
        guard !needsTree, level >= valueLevel, level < open.count, open[level].token == token else {
            needsTree = true
            return false
        }
        if open.count > level + 1 { close(downTo: level + 1) }
        return true
    }

    /// The container the value being written asked for as `type`: its own, if it asked before.
    private func valueContainer(type: UInt8) -> (level: Int, token: Int) {
        if !needsTree, open.count > valueLevel, open[valueLevel].start == valueStart, open[valueLevel].type == type {
            return (valueLevel, open[valueLevel].token)
        }
        guard !needsTree, open.count == valueLevel, out.count == valueStart else {
            needsTree = true
            return (-1, -1)
        }
        let level = openContainer(type: type)
        return (level, open[level].token)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let (level, token) = valueContainer(type: 13)
        return KeyedEncodingContainer(
            IonWriterKeyedContainer<Key>(
                place: .init(encoder: self, level: level, token: token, depth: path.count, ownPath: nil)))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let (level, token) = valueContainer(type: 11)
        return IonWriterUnkeyedContainer(
            place: .init(encoder: self, level: level, token: token, depth: path.count, ownPath: nil))
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    /// Whether a single value may be written for the value being written: nothing was yet.
    @inline(__always)
    func fresh() -> Bool {
        guard !needsTree, open.count == valueLevel, out.count == valueStart else {
            needsTree = true
            return false
        }
        return true
    }

    /// An encoder whose writes go nowhere, for a super encoder (the stream has given up on the
    /// values; the tree encodes them again).
    func discardingEncoder(_ path: [any CodingKey]) -> any Encoder {
        needsTree = true
        return IonValueEncoderImpl(node: IonEncodingNode(), codingPath: path, options: options)
    }
}

extension IonWriterEncoder: SingleValueEncodingContainer {
    func encodeNil() throws { if fresh() { writeNull() } }
    func encode(_ value: Bool) throws { if fresh() { write(bool: value) } }
    func encode(_ value: String) throws { if fresh() { write(string: value) } }
    func encode(_ value: Double) throws { if fresh() { write(float: value) } }
    func encode(_ value: Float) throws { if fresh() { write(float: Double(value)) } }
    func encode(_ value: Int) throws { if fresh() { write(int: Int64(value)) } }
    func encode(_ value: Int8) throws { if fresh() { write(integer: value) } }
    func encode(_ value: Int16) throws { if fresh() { write(integer: value) } }
    func encode(_ value: Int32) throws { if fresh() { write(integer: value) } }
    func encode(_ value: Int64) throws { if fresh() { write(int: value) } }
    func encode(_ value: UInt) throws { if fresh() { write(integer: value) } }
    func encode(_ value: UInt8) throws { if fresh() { write(integer: value) } }
    func encode(_ value: UInt16) throws { if fresh() { write(integer: value) } }
    func encode(_ value: UInt32) throws { if fresh() { write(integer: value) } }
    func encode(_ value: UInt64) throws { if fresh() { write(integer: value) } }
    func encode<T: Encodable>(_ value: T) throws { if fresh() { try box(value) } }
}

/// A container the encoder has open.
struct IonWriterOpenContainer {
    /// Where its type descriptor is reserved in the output.
    var start: Int
    /// Its Ion type code: 11 list, 13 struct.
    var type: UInt8
    /// Tells it from the containers opened before at the same level.
    var token: Int
    /// Where its field names start in the encoder's `fieldSIDs`.
    var fieldsStart: Int
    /// How many elements a list holds so far.
    var count = 0
}

/// Where a container writes: its place among the encoder's open containers, and its coding path.
struct IonWriterContainerPlace {
    let encoder: IonWriterEncoder
    /// The container's place among the open ones (-1 when the stream gave up) and identity.
    let level: Int
    let token: Int
    /// The length of the coding path, and the path itself for a nested container.
    let depth: Int
    let ownPath: [any CodingKey]?

    var codingPath: [any CodingKey] { ownPath ?? Array(encoder.path.prefix(depth)) }

    /// Whether the container may be written to now (`IonWriterEncoder.enter`).
    @inline(__always)
    func enter() -> Bool { encoder.enter(level: level, token: token) }

    /// A container of Ion type code `type` for the child at `key`, opened when its field name
    /// or element was `written`; otherwise one that writes nothing.
    func nested(_ type: UInt8, key: any CodingKey, written: Bool) -> IonWriterContainerPlace {
        let opened = written ? encoder.openContainer(type: type) : -1
        return IonWriterContainerPlace(
            encoder: encoder, level: opened, token: opened >= 0 ? encoder.open[opened].token : -1, depth: depth + 1,
            ownPath: codingPath + [key])
    }

    /// Writes the child value at `key`.
    @inline(__always)
    func box<T: Encodable>(_ value: T, key: any CodingKey) throws {
        try encoder.withChild(key: key, depth: depth, ownPath: ownPath) { try $0.box(value) }
    }
}

struct IonWriterKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let place: IonWriterContainerPlace
    var encoder: IonWriterEncoder { place.encoder }
    var codingPath: [any CodingKey] { place.codingPath }

    /// Writes `key` as the next field name; `false` when the stream cannot (then nothing is
    /// written and the tree encodes the values).
    @inline(__always)
    private func field(_ key: Key) -> Bool {
        guard place.enter() else { return false }
        let sid = encoder.symbols.sid(for: key.stringValue)
        for i in encoder.open[place.level].fieldsStart..<encoder.fieldSIDs.count where encoder.fieldSIDs[i] == sid {
            // A key encoded again replaces the first in the tree.
            encoder.fallBack()
            return false
        }
        encoder.fieldSIDs.append(sid)
        BinaryEncoding.appendVarUInt(sid, to: &encoder.out)
        return true
    }

    func encodeNil(forKey key: Key) throws { if field(key) { encoder.writeNull() } }
    func encode(_ value: Bool, forKey key: Key) throws { if field(key) { encoder.write(bool: value) } }
    func encode(_ value: String, forKey key: Key) throws { if field(key) { encoder.write(string: value) } }
    func encode(_ value: Double, forKey key: Key) throws { if field(key) { encoder.write(float: value) } }
    func encode(_ value: Float, forKey key: Key) throws { if field(key) { encoder.write(float: Double(value)) } }
    func encode(_ value: Int, forKey key: Key) throws { if field(key) { encoder.write(int: Int64(value)) } }
    func encode(_ value: Int64, forKey key: Key) throws { if field(key) { encoder.write(int: value) } }

    func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        if field(key) { try place.box(value, key: key) }
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        KeyedEncodingContainer(
            IonWriterKeyedContainer<NestedKey>(place: place.nested(13, key: key, written: field(key))))
    }

    func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        IonWriterUnkeyedContainer(place: place.nested(11, key: key, written: field(key)))
    }

    func superEncoder() -> any Encoder { encoder.discardingEncoder(codingPath + [IonCodingKey(stringValue: "super")]) }
    func superEncoder(forKey key: Key) -> any Encoder { encoder.discardingEncoder(codingPath + [key]) }
}

struct IonWriterUnkeyedContainer: UnkeyedEncodingContainer {
    let place: IonWriterContainerPlace
    var encoder: IonWriterEncoder { place.encoder }
    var codingPath: [any CodingKey] { place.codingPath }

    var count: Int {
        let (level, open) = (place.level, encoder.open)
        guard level >= 0, level < open.count, open[level].token == place.token else { return 0 }
        return open[level].count
    }

    /// Makes room for the next element; its key, or `nil` when the stream cannot write it.
    @inline(__always)
    private func element() -> IonIndexKey? {
        guard place.enter() else { return nil }
        encoder.open[place.level].count += 1
        return IonIndexKey(index: encoder.open[place.level].count - 1)
    }

    func encodeNil() throws { if element() != nil { encoder.writeNull() } }
    func encode(_ value: Bool) throws { if element() != nil { encoder.write(bool: value) } }
    func encode(_ value: String) throws { if element() != nil { encoder.write(string: value) } }
    func encode(_ value: Double) throws { if element() != nil { encoder.write(float: value) } }
    func encode(_ value: Int) throws { if element() != nil { encoder.write(int: Int64(value)) } }

    func encode<T: Encodable>(_ value: T) throws {
        if let key = element() { try place.box(value, key: key) }
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let key = element()
        return KeyedEncodingContainer(
            IonWriterKeyedContainer<NestedKey>(
                place: place.nested(13, key: key ?? IonIndexKey(index: count), written: key != nil)))
    }

    func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let key = element()
        return IonWriterUnkeyedContainer(
            place: place.nested(11, key: key ?? IonIndexKey(index: count), written: key != nil))
    }

    func superEncoder() -> any Encoder { encoder.discardingEncoder(codingPath + [IonIndexKey(index: count)]) }
}
