import Foundation

/// `Decoder` straight over Ion binary: no ``IonValue`` tree in between, and one instance for a
/// whole top-level value.
///
/// The decoder is a class that moves over the input as `Decodable` initialisers ask: it holds the
/// value being decoded (`value`, a position in the input) and its coding path as a stack, and
/// nested values are decoded by pushing the field or element onto both and popping it after, so
/// decoding a nested value allocates no decoder. A keyed container notes its struct's fields once
/// in a table the decoder keeps for each depth (reused from struct to struct, so it allocates
/// only while it grows) and finds a field by comparing names from the one after the previous
/// field found, so fields read in the order they were written cost one comparison each.
final class IonReaderDecoder: Decoder {
    // The mutable state is `@exclusivity(unchecked)`: a decoder is not `Sendable` (one thread
    // uses it), and no access to these properties overlaps another: each is a read, or a
    // modification (an append, an element store) that runs no other code while it lasts. The
    // dynamic checks were a tenth of the decoding time.

    /// The top-level reader on the value being decoded: the input, the symbols in scope.
    @exclusivity(unchecked) var reader: IonBinaryReader
    let options: IonDecoder
    /// The value being decoded.
    @exclusivity(unchecked) var value: IonBinaryReader.Current
    /// The coding path of `value`.
    @exclusivity(unchecked) var path: [any CodingKey] = []
    /// The fields that keyed containers noted: the tables of all depths one after another
    /// (entries past the deepest table's end are left from earlier structs).
    @exclusivity(unchecked) var fields = IonReaderScratch<IonBinaryReader.Current>(capacity: 32)
    /// For each depth below `tableCount`, which struct's fields lie where in `fields`. The
    /// tables are contiguous: each starts where the one a depth above ends.
    @exclusivity(unchecked) var tables = IonReaderScratch<IonReaderFieldTable>(capacity: 8)
    @exclusivity(unchecked) var tableCount = 0
    /// The last type `unbox` asked about for a list and whether it decodes as an array: the
    /// conformance lookup (a hash of the type and protocol, a dynamic cast) is done once for the
    /// lists of a type that follow one another.
    @exclusivity(unchecked) var lastListType: (type: ObjectIdentifier, array: (any IonReaderDecodableArray.Type)?)?

    init(reader: IonBinaryReader, value: IonBinaryReader.Current, options: IonDecoder) {
        self.reader = reader
        self.value = value
        self.options = options
    }

    deinit {
        fields.deallocate()
        tables.deallocate()
    }

    var codingPath: [any CodingKey] { path }
    var userInfo: [CodingUserInfoKey: Any] { options.userInfo }
    var type: IonType { value.type }

    /// The deepest nesting of containers decoded (the binary reader's own limit).
    static let maxDepth = IonBinaryReader.Options().maxDepth

    func mismatch<T>(_ type: T.Type, _ expected: String) -> DecodingError {
        DecodingError.typeMismatch(
            type,
            .init(
                codingPath: path,
                debugDescription: "expected \(expected), found \(value.isNull ? "null." : "")\(value.type)"))
    }

    /// A decoding error for an error of the reader (malformed input).
    func corrupted(_ error: any Error) -> DecodingError {
        DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "\(error)", underlyingError: error))
    }

    /// Runs `body` over the input's bytes, turning the reader's errors into `dataCorrupted`.
    @inline(__always)
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        do {
            return try reader.bytes.withUnsafeBytes(body)
        } catch let error as IonError {
            throw corrupted(error)
        }
    }

    /// Runs `body` with the decoder on `c`, reached through `key` from a container `depth` deep
    /// (whose coding path is `ownPath` when it keeps one): pushes the child, runs, pops.
    ///
    /// A container made by `container(keyedBy:)` or `unkeyedContainer()` finds its path on the
    /// decoder's stack, as long as it is used while its value is being decoded; one made by a
    /// `nested…Container` call outlives the push of its key and keeps its path.
    @inline(__always)
    func withChild<R>(
        _ c: IonBinaryReader.Current, key: any CodingKey, depth: Int, ownPath: [any CodingKey]?,
        _ body: (IonReaderDecoder) throws -> R
    ) throws -> R {
        let savedValue = value
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
        value = c
        path.append(key)
        defer {
            value = savedValue
            if let savedPath { path = savedPath } else { path.removeLast() }
        }
        return try body(self)
    }

    /// Checks that a container may be opened at this depth; returns the depth.
    @inline(__always)
    func enterContainer() throws -> Int {
        let depth = path.count
        guard depth < Self.maxDepth else {
            throw corrupted(
                IonError(.nestingTooDeep, "containers nest deeper than \(Self.maxDepth)", offset: value.offset))
        }
        return depth
    }

    /// Notes the fields of the struct whose body is `body` in the table for `depth`, checking
    /// every field's header and name (as the tree decoder does, so that a malformed field is
    /// reported even when nothing asks for it).
    func noteFields(of body: Range<Int>, depth: Int) throws {
        while tableCount <= depth {
            tables.reserve(tableCount + 1)
            tables[tableCount] = IonReaderFieldTable(start: tableCount == 0 ? 0 : tables[tableCount - 1].end)
            tableCount += 1
        }
        let start = tables[depth].start
        // The tables deeper than this one lie after it: they belong to structs done with (or are
        // noted again when used), and are emptied below.
        tables[depth].owner = -1
        let maxID = reader.symbols.maxID
        var end = start
        do {
            try withBytes { buf in
                var p = body.lowerBound
                while case .value(let field) = try IonBinaryReader.nextChild(
                    buf, &p, end: body.upperBound, inStruct: true, atTopLevel: false)
                {
                    guard field.fieldSID <= maxID else {
                        throw reader.symbols.undefined(field.fieldSID, at: field.offset, role: "field name")
                    }
                    fields.reserve(end + 1)
                    fields[end] = field
                    end += 1
                }
            }
        } catch {
            // Malformed: this table and the deeper ones are left empty (a caller may go on).
            for d in depth..<tableCount { tables[d] = IonReaderFieldTable(start: start) }
            throw error
        }
        tables[depth] = IonReaderFieldTable(owner: body.lowerBound, start: start, count: end - start)
        for d in depth + 1..<tableCount { tables[d] = IonReaderFieldTable(start: end) }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        try keyedContainer(keyedBy: type, ownPath: nil)
    }

    /// A keyed container over the struct under the decoder; `ownPath` for one that keeps its path.
    func keyedContainer<Key: CodingKey>(keyedBy type: Key.Type, ownPath: [any CodingKey]?) throws
        -> KeyedDecodingContainer<Key>
    {
        guard value.type == .struct, !value.isNull else { throw mismatch([String: Any].self, "a struct") }
        let depth = try enterContainer()
        let c = value
        try noteFields(of: c.bodyStart..<c.bodyEnd, depth: depth)
        return KeyedDecodingContainer(
            IonReaderKeyedContainer<Key>(
                decoder: self, bodyStart: c.bodyStart, bodyEnd: c.bodyEnd, depth: depth, ownPath: ownPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try listContainer(ownPath: nil)
    }

    /// An unkeyed container over the list or sexp under the decoder; `ownPath` for one that keeps
    /// its path.
    func listContainer(ownPath: [any CodingKey]?) throws -> IonReaderUnkeyedContainer {
        guard value.type == .list || value.type == .sexp, !value.isNull else {
            throw mismatch([Any].self, "a list or sexp")
        }
        _ = try enterContainer()
        return try IonReaderUnkeyedContainer(decoder: self, ownPath: ownPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func unbox<T: Decodable>(_ type: T.Type) throws -> T {
        // The types with a native Ion form, told apart by the identity of their metatypes: no
        // dynamic cast and no `Optional<T>` (whose metadata a generic function looks up at run
        // time) for every value. `same` is sound because the identities were compared.
        @inline(__always) func same<U>(_ value: U) -> T { unsafeBitCast(value, to: T.self) }
        switch ObjectIdentifier(type) {
        case ObjectIdentifier(IonDecimal.self):
            guard value.type == .decimal, !value.isNull else { throw mismatch(type, "a decimal") }
            return same(
                try withBytes { try IonBinaryReader.decodeDecimal($0, from: value.bodyStart, to: value.bodyEnd) })
        case ObjectIdentifier(IonTimestamp.self):
            guard value.type == .timestamp, !value.isNull else { throw mismatch(type, "a timestamp") }
            return same(try withBytes { try IonBinaryReader.decodeTimestamp($0, value) })
        case ObjectIdentifier(IonInt.self):
            return same(try ionInt(for: type))
        case ObjectIdentifier(IonSymbol.self):
            guard value.type == .symbol, !value.isNull else { throw mismatch(type, "a symbol") }
            return same(try symbol())
        case ObjectIdentifier(IonValue.self):
            return same(try tree())
        case ObjectIdentifier(Data.self):
            guard value.type == .blob || value.type == .clob, !value.isNull else {
                throw mismatch(type, "a blob or clob")
            }
            return same(try withBytes { Data(UnsafeRawBufferPointer(rebasing: $0[value.bodyStart..<value.bodyEnd])) })
        case ObjectIdentifier(Date.self):
            guard value.type == .timestamp, !value.isNull else { throw mismatch(type, "a timestamp") }
            return same(try withBytes { try IonBinaryReader.decodeTimestamp($0, value) }.date)
        case ObjectIdentifier(Decimal.self):
            return same(
                try IonValueDecoderImpl(value: try tree(), codingPath: path, options: options).decode(Decimal.self))
        default:
            // Arrays decode with their storage allocated once; the conformance is looked up only
            // for a list, so other values pay nothing for it.
            if value.type == .list || value.type == .sexp, !value.isNull, let arrayType = arrayType(type) {
                return try decodeArray(arrayType)
            }
            return try T(from: self)
        }
    }

    /// `type` as an array type, or nil.
    private func arrayType<T>(_ type: T.Type) -> (any IonReaderDecodableArray.Type)? {
        let id = ObjectIdentifier(type)
        if let last = lastListType, last.type == id { return last.array }
        let array = type as? any IonReaderDecodableArray.Type
        lastListType = (id, array)
        return array
    }

    /// `unbox` of an array type: `A` is `T` (the metatype came from `T.self`).
    private func decodeArray<T, A: IonReaderDecodableArray>(_ type: A.Type) throws -> T {
        unsafeBitCast(try A.decodeIonList(from: self), to: T.self)
    }

    /// The value under the decoder as an ``IonValue`` (for the conversions the tree decoder owns).
    func tree() throws -> IonValue {
        var copy = reader
        copy.current = value
        do { return try copy.value() } catch { throw corrupted(error) }
    }

    func symbol() throws -> IonSymbol {
        try withBytes { try reader.decodeSymbol($0, value) }
    }
}

extension IonReaderDecoder: IonScalarDecoding {
    func decodeNil() -> Bool { value.isNull }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard value.type == .bool, !value.isNull else { throw mismatch(type, "a bool") }
        return try withBytes { $0[value.headerOffset] & 0x0F == 1 }
    }

    func decode(_ type: String.Type) throws -> String {
        guard !value.isNull else { throw mismatch(type, "a string") }
        switch value.type {
        case .string: return try withBytes { try IonBinaryReader.decodeString($0, value) }
        case .symbol:
            guard let text = try symbol().text else { throw mismatch(type, "a symbol with text") }
            return text
        default: throw mismatch(type, "a string")
        }
    }

    func decode(_ type: Double.Type) throws -> Double {
        guard !value.isNull else { throw mismatch(type, "a float") }
        switch value.type {
        case .float: return try withBytes { IonBinaryReader.decodeFloat($0, value) }
        case .decimal, .int:
            return try IonValueDecoderImpl(value: try tree(), codingPath: path, options: options).decode(type)
        default: throw mismatch(type, "a float")
        }
    }

    func ionInt<T>(for type: T.Type) throws -> IonInt {
        guard value.type == .int, !value.isNull else { throw mismatch(type, "an int") }
        return try withBytes { try IonBinaryReader.decodeInt($0, value) }
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try unbox(type) }
}

struct IonReaderKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: IonReaderDecoder
    /// The struct's body.
    let bodyStart: Int
    let bodyEnd: Int
    /// The struct's depth: the length of its coding path, and its slot in the decoder's tables.
    let depth: Int
    /// The coding path, for a container made by a `nested…Container` call.
    let ownPath: [any CodingKey]?

    var codingPath: [any CodingKey] { ownPath ?? Array(decoder.path.prefix(depth)) }

    var allKeys: [Key] {
        var keys: [Key] = []
        try? decoder.withBytes { buf in
            var p = bodyStart
            while case .value(let c) = try IonBinaryReader.nextChild(
                buf, &p, end: bodyEnd, inStruct: true, atTopLevel: false)
            {
                if let text = decoder.reader.symbols.symbol(forID: c.fieldSID)?.text, let key = Key(stringValue: text) {
                    keys.append(key)
                }
            }
        }
        return keys
    }

    func contains(_ key: Key) -> Bool { (try? field(key)) != nil }

    /// The first field named as `key` (the mapping ``IonEncoder`` writes has one per name),
    /// looked for from the field after the previous one found: fields read in the order they
    /// were written cost one comparison each.
    func field(_ key: Key) throws -> IonBinaryReader.Current? {
        guard let i = try fieldIndex(key) else { return nil }
        return decoder.fields[i]
    }

    /// Where ``field(_:)`` finds `key` in the decoder's `fields` (this struct's table is noted
    /// again first if another struct at this depth took it since).
    @inline(__always)
    func fieldIndex(_ key: Key) throws -> Int? {
        if depth >= decoder.tableCount || decoder.tables[depth].owner != bodyStart {
            try decoder.noteFields(of: bodyStart..<bodyEnd, depth: depth)
        }
        let table = decoder.tables[depth]
        let name = key.stringValue
        var i = table.next
        for _ in 0..<table.count {
            if i == table.count { i = 0 }
            if decoder.reader.symbols.hasText(name, forID: decoder.fields[table.start + i].fieldSID) {
                decoder.tables[depth].next = i + 1
                return table.start + i
            }
            i += 1
        }
        return nil
    }

    func require(_ key: Key) throws -> IonBinaryReader.Current {
        guard let i = try fieldIndex(key) else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "no field named '\(key.stringValue)'"))
        }
        return decoder.fields[i]
    }

    func decodeNil(forKey key: Key) throws -> Bool { try require(key).isNull }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let c = try require(key)
        if !c.isNull {
            // Timestamps and decimals are read in place, as the scalars below are; anything
            // unexpected goes the general way, which reports it with its coding path.
            @inline(__always) func same<U>(_ value: U) -> T { unsafeBitCast(value, to: T.self) }
            switch ObjectIdentifier(type) {
            case ObjectIdentifier(IonTimestamp.self) where c.type == .timestamp:
                if let value = try? decoder.reader.bytes.withUnsafeBytes({
                    try IonBinaryReader.decodeTimestamp($0, c)
                }) {
                    return same(value)
                }
            case ObjectIdentifier(IonDecimal.self) where c.type == .decimal:
                if let value = try? decoder.reader.bytes.withUnsafeBytes({
                    try IonBinaryReader.decodeDecimal($0, from: c.bodyStart, to: c.bodyEnd)
                }) {
                    return same(value)
                }
            default:
                break
            }
        }
        if c.isNull, !(T.self is any ExpressibleByNilLiteral.Type) {
            throw DecodingError.valueNotFound(
                type,
                .init(codingPath: codingPath + [key], debugDescription: "field '\(key.stringValue)' is null"))
        }
        return try child(c, key) { try $0.unbox(type) }
    }

    /// Runs `body` with the decoder on the field `c`.
    @inline(__always)
    private func child<R>(_ c: IonBinaryReader.Current, _ key: Key, _ body: (IonReaderDecoder) throws -> R) throws -> R
    {
        try decoder.withChild(c, key: key, depth: depth, ownPath: ownPath, body)
    }

    /// Reads the field for `key` in place when it is a non-null `expected`; anything else is
    /// decoded through the single-value path, which converts or reports it with its coding path.
    @inline(__always)
    private func scalar<T: Decodable>(
        _ type: T.Type, _ key: Key, _ expected: IonType,
        _ read: (UnsafeRawBufferPointer, IonBinaryReader.Current) throws -> T
    ) throws -> T {
        let c = try require(key)
        guard c.type == expected, !c.isNull else { return try child(c, key) { try $0.unbox(type) } }
        do {
            return try decoder.reader.bytes.withUnsafeBytes { try read($0, c) }
        } catch {
            // A malformed or out-of-range value: the single-value path names it with its path.
            return try child(c, key) { try $0.unbox(type) }
        }
    }

    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try scalar(type, key, .string) { try IonBinaryReader.decodeString($0, $1) }
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        try scalar(type, key, .bool) { buf, c in buf[c.headerOffset] & 0x0F == 1 }
    }

    func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
        try scalar(type, key, .int) { buf, c in
            guard let v = try IonBinaryReader.decodeInt(buf, c).int64Value, let int = Int(exactly: v) else {
                throw IonError(.numericOverflow, "int does not fit in Int", offset: c.offset)
            }
            return int
        }
    }

    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 {
        try scalar(type, key, .int) { buf, c in
            guard let v = try IonBinaryReader.decodeInt(buf, c).int64Value else {
                throw IonError(.numericOverflow, "int does not fit in Int64", offset: c.offset)
            }
            return v
        }
    }

    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try scalar(type, key, .float) { IonBinaryReader.decodeFloat($0, $1) }
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try child(try require(key), key) { try $0.keyedContainer(keyedBy: type, ownPath: $0.path) }
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try child(try require(key), key) { try $0.listContainer(ownPath: $0.path) }
    }

    func superDecoder() throws -> any Decoder {
        try superDecoder(forKey: Key(stringValue: "super") ?? IonReaderSuperKey.key())
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        // A decoder of its own: the caller may keep it past this container's next lookup.
        let sub = IonReaderDecoder(reader: decoder.reader, value: try require(key), options: decoder.options)
        sub.path = codingPath + [key]
        return sub
    }
}

/// The `super` key when a container's key type has none.
enum IonReaderSuperKey {
    static func key<Key: CodingKey>() throws -> Key {
        throw DecodingError.keyNotFound(
            IonCodingKey(stringValue: "super"),
            .init(codingPath: [], debugDescription: "the key type \(Key.self) has no 'super' key"))
    }
}

/// A collection `IonReaderDecoder` decodes from a list itself: `Array`'s own `init(from:)`
/// appends element by element through code not specialised for the element type, growing its
/// storage and looking up the storage type's metadata on each append; here the elements are
/// counted first and initialised in storage allocated once.
protocol IonReaderDecodableArray {
    /// The list under `decoder`, as `Array.init(from:)` decodes it (same containers, paths and
    /// errors).
    static func decodeIonList(from decoder: IonReaderDecoder) throws -> Self
}

extension Array: IonReaderDecodableArray where Element: Decodable {
    static func decodeIonList(from decoder: IonReaderDecoder) throws -> [Element] {
        var elements = try decoder.listContainer(ownPath: nil)
        let count = try elements.remainingCount()
        return try [Element](unsafeUninitializedCapacity: count) { storage, initialized in
            while !elements.isAtEnd {
                precondition(initialized < count, "a list has more elements than were counted")
                (storage.baseAddress! + initialized).initialize(to: try elements.decode(Element.self))
                initialized += 1
            }
        }
    }
}

struct IonReaderUnkeyedContainer: UnkeyedDecodingContainer {
    let decoder: IonReaderDecoder
    /// The list's end and the position of the element after the current one.
    let end: Int
    var position: Int
    /// The element under the cursor, `nil` at the end.
    var current: IonBinaryReader.Current?
    /// The list's depth: the length of its coding path.
    let depth: Int
    /// The coding path, for a container made by a `nested…Container` call.
    let ownPath: [any CodingKey]?
    var currentIndex = 0

    var codingPath: [any CodingKey] { ownPath ?? Array(decoder.path.prefix(depth)) }
    var isAtEnd: Bool { current == nil }
    var count: Int? { nil }

    init(decoder: IonReaderDecoder, ownPath: [any CodingKey]?) throws {
        self.decoder = decoder
        self.ownPath = ownPath
        depth = decoder.path.count
        end = decoder.value.bodyEnd
        position = decoder.value.bodyStart
        try advance()
    }

    /// The number of elements from the cursor to the end of the list (their headers are
    /// checked as they will be when read).
    func remainingCount() throws -> Int {
        guard current != nil else { return 0 }
        let end = self.end
        var p = position
        var count = 1
        try decoder.withBytes { buf in
            while try IonBinaryReader.nextValue(buf, &p, end: end, inStruct: false) != nil { count += 1 }
        }
        return count
    }

    private mutating func advance() throws {
        let end = self.end
        var p = position
        current = try decoder.withBytes { try IonBinaryReader.nextValue($0, &p, end: end, inStruct: false) }
        position = p
    }

    /// The element under the cursor; the cursor moves on to the next one.
    private mutating func next<T>(_ type: T.Type) throws -> (IonBinaryReader.Current, IonIndexKey) {
        let key = IonIndexKey(index: currentIndex)
        guard let c = current else {
            throw DecodingError.valueNotFound(
                type,
                .init(codingPath: codingPath + [key], debugDescription: "the list has only \(currentIndex) elements"))
        }
        currentIndex += 1
        try advance()
        return (c, key)
    }

    mutating func decodeNil() throws -> Bool {
        guard let c = current, c.isNull else { return false }
        _ = try next(Any.self)
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (c, key) = try next(type)
        if c.isNull, !(T.self is any ExpressibleByNilLiteral.Type) {
            throw DecodingError.valueNotFound(
                type, .init(codingPath: codingPath + [key], debugDescription: "element is null"))
        }
        return try decoder.withChild(c, key: key, depth: depth, ownPath: ownPath) { try $0.unbox(type) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        let (c, key) = try next([String: Any].self)
        return try decoder.withChild(c, key: key, depth: depth, ownPath: ownPath) {
            try $0.keyedContainer(keyedBy: type, ownPath: $0.path)
        }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (c, key) = try next([Any].self)
        return try decoder.withChild(c, key: key, depth: depth, ownPath: ownPath) {
            try $0.listContainer(ownPath: $0.path)
        }
    }

    mutating func superDecoder() throws -> any Decoder {
        let (c, key) = try next(Any.self)
        let sub = IonReaderDecoder(reader: decoder.reader, value: c, options: decoder.options)
        sub.path = codingPath + [key]
        return sub
    }
}

/// Where the fields of one struct lie in the decoder's `fields`, noted when a keyed container
/// opens it.
struct IonReaderFieldTable {
    /// Where the struct's body starts (structs at one depth never share it); -1 for none.
    var owner = -1
    var start: Int
    var count = 0
    /// The entry after the last one found.
    var next = 0

    init(owner: Int = -1, start: Int, count: Int = 0) {
        self.owner = owner
        self.start = start
        self.count = count
    }

    var end: Int { start + count }
}

/// A growable array of plain values (no references: copied as bytes) that its owner frees: its
/// entries are read and written through a pointer, with none of an `Array`'s uniqueness checks.
/// The owner writes an entry before it reads it; reading one never written is refused.
struct IonReaderScratch<Element> {
    private var base: UnsafeMutablePointer<Element>
    private var capacity: Int
    /// The entries below this were written at least once.
    private var written = 0

    init(capacity: Int) {
        precondition(_isPOD(Element.self), "IonReaderScratch holds plain values only")
        base = .allocate(capacity: capacity)
        self.capacity = capacity
    }

    /// Makes room for `count` entries.
    @inline(__always)
    mutating func reserve(_ count: Int) {
        guard count > capacity else { return }
        let grown = max(count, 2 * capacity)
        let moved = UnsafeMutablePointer<Element>.allocate(capacity: grown)
        moved.moveInitialize(from: base, count: written)
        base.deallocate()
        base = moved
        capacity = grown
    }

    @inline(__always)
    subscript(index: Int) -> Element {
        get {
            precondition(index >= 0 && index < written, "entry \(index) was never written")
            return base[index]
        }
        set {
            precondition(index >= 0 && index < capacity && index <= written, "entry \(index) is out of place")
            (base + index).initialize(to: newValue)
            if index == written { written += 1 }
        }
    }

    func deallocate() { base.deallocate() }
}
