import Foundation

/// Decodes `Decodable` values from Ion, in the manner of Foundation's `JSONDecoder`.
///
/// Accepts Ion binary or text (told apart by the binary version marker), or an ``IonValue``.
/// The mapping is the one ``IonEncoder`` writes; in addition numbers convert where no precision
/// is lost (an int decodes as `Double`, a decimal as `Double` or `Decimal`), symbols decode as
/// `String`, and any typed null decodes as `nil`. Problems are `DecodingError`s carrying the
/// coding path.
public struct IonDecoder: Sendable {
    /// Contextual information passed to `init(from:)` implementations.
    public var userInfo: [CodingUserInfoKey: any Sendable] = [:]
    /// Shared symbol tables for documents that import them.
    public var catalog = IonCatalog()

    /// Creates a decoder.
    public init() {}

    /// Decodes a value from an Ion binary or text document holding exactly one top-level value.
    ///
    /// Ion binary is decoded straight from the bytes, without building ``IonValue``s first.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        let all = try decodeAll(type, from: bytes)
        guard all.count == 1 else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [], debugDescription: "expected one top-level Ion value, found \(all.count)"))
        }
        return all[0]
    }

    /// Decodes every top-level value of an Ion binary or text document (a stream of documents, as
    /// a journal or a `.10n` file holds them).
    ///
    /// Ion binary is decoded straight from the bytes, without building ``IonValue``s first.
    public func decodeAll<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> [T] {
        guard bytes.starts(with: BinaryEncoding.versionMarker) else {
            return try IonDocument.decode(bytes, catalog: catalog).map { try decode(type, from: $0) }
        }
        var reader: IonBinaryReader
        do { reader = try IonBinaryReader(bytes, options: .init(catalog: catalog)) } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [], debugDescription: "\(error)", underlyingError: error))
        }
        var results: [T] = []
        // The top-level values are counted first (their headers only), so that the results are
        // allocated once.
        var counter = reader
        var count = 0
        while (try? counter.next()) != nil { count += 1 }
        results.reserveCapacity(count)
        var decoder: IonReaderDecoder? = nil
        while true {
            do {
                guard try reader.next() != nil else { break }
            } catch {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: [], debugDescription: "\(error)", underlyingError: error))
            }
            // One decoder for the whole stream, given the reader again only when a top-level
            // value changed the symbols in scope.
            if let decoder {
                if decoder.reader.symbolsChanges != reader.symbolsChanges { decoder.reader = reader }
                decoder.value = reader.current!
                decoder.path.removeAll(keepingCapacity: true)
            } else {
                decoder = IonReaderDecoder(reader: reader, value: reader.current!, options: self)
            }
            results.append(try decoder!.unbox(type))
        }
        return results
    }

    /// Decodes a value from an ``IonValue``.
    public func decode<T: Decodable>(_ type: T.Type, from value: IonValue) throws -> T {
        try IonValueDecoderImpl(value: value, codingPath: [], options: self).unbox(type)
    }
}

struct IonValueDecoderImpl: Decoder {
    let value: IonValue
    let codingPath: [any CodingKey]
    let options: IonDecoder
    var userInfo: [CodingUserInfoKey: Any] { options.userInfo }

    func mismatch<T>(_ type: T.Type, _ expected: String) -> DecodingError {
        DecodingError.typeMismatch(
            type,
            .init(
                codingPath: codingPath,
                debugDescription: "expected \(expected), found \(value.isNull ? "null." : "")\(value.type)"))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .struct(let fields) = value.content else { throw mismatch([String: Any].self, "a struct") }
        return KeyedDecodingContainer(
            IonKeyedDecodingContainer<Key>(fields: fields, codingPath: codingPath, options: options))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard let elements = value.elements, !value.isNull else { throw mismatch([Any].self, "a list or sexp") }
        return IonUnkeyedDecodingContainer(elements: elements, codingPath: codingPath, options: options)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func unbox<T: Decodable>(_ type: T.Type) throws -> T {
        if type == IonValue.self { return value as! T }
        if let special = try unboxSpecial(type) { return special }
        return try T(from: self)
    }

    private func unboxSpecial<T>(_ type: T.Type) throws -> T? {
        switch type {
        case is IonDecimal.Type:
            guard let d = value.decimalValue else { throw mismatch(type, "a decimal") }
            return (d as! T)
        case is IonTimestamp.Type:
            guard let t = value.timestampValue else { throw mismatch(type, "a timestamp") }
            return (t as! T)
        case is IonInt.Type:
            guard let i = value.ionIntValue else { throw mismatch(type, "an int") }
            return (i as! T)
        case is IonSymbol.Type:
            guard let s = value.symbolValue else { throw mismatch(type, "a symbol") }
            return (s as! T)
        case is Data.Type:
            guard let bytes = value.bytesValue else { throw mismatch(type, "a blob or clob") }
            return (Data(bytes) as! T)
        case is Date.Type:
            guard let t = value.timestampValue else { throw mismatch(type, "a timestamp") }
            return (t.date as! T)
        case is Decimal.Type:
            switch value.content {
            case .decimal(let d):
                guard let decimal = Decimal(d) else {
                    throw DecodingError.dataCorrupted(
                        .init(codingPath: codingPath, debugDescription: "decimal \(d) does not fit Foundation.Decimal"))
                }
                return (decimal as! T)
            case .int(let i):
                return (Decimal(string: i.description)! as! T)
            default:
                throw mismatch(type, "a decimal")
            }
        default:
            return nil
        }
    }
}

extension IonValueDecoderImpl: IonScalarDecoding {
    func decodeNil() -> Bool { value.isNull }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard let b = value.boolValue else { throw mismatch(type, "a bool") }
        return b
    }

    func decode(_ type: String.Type) throws -> String {
        switch value.content {
        case .string(let s): return s
        case .symbol(let s) where s.text != nil: return s.text!
        default: throw mismatch(type, "a string")
        }
    }

    func decode(_ type: Double.Type) throws -> Double {
        switch value.content {
        case .float(let d): return d
        case .decimal(let d):
            guard let v = Double(d.exponentText) else {
                throw mismatch(type, "a number")
            }
            return v
        case .int(let i):
            guard let v = Double(exactly: i.int64Value ?? Int64.max), i.int64Value != nil else {
                return Double(i.description)!
            }
            return v
        default: throw mismatch(type, "a float")
        }
    }

    func ionInt<T>(for type: T.Type) throws -> IonInt {
        guard case .int(let i) = value.content else { throw mismatch(type, "an int") }
        return i
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try unbox(type) }
}

struct IonKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let fields: IonStruct
    let codingPath: [any CodingKey]
    let options: IonDecoder

    var allKeys: [Key] { fields.compactMap { $0.name.text.flatMap(Key.init(stringValue:)) } }

    func contains(_ key: Key) -> Bool { fields[key.stringValue] != nil }

    func child(_ key: Key) throws -> IonValueDecoderImpl {
        guard let value = fields[key.stringValue] else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "no field named '\(key.stringValue)'"))
        }
        return IonValueDecoderImpl(value: value, codingPath: codingPath + [key], options: options)
    }

    func decodeNil(forKey key: Key) throws -> Bool { try child(key).value.isNull }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let decoder = try child(key)
        if decoder.value.isNull, !(T.self is any ExpressibleByNilLiteral.Type) {
            throw DecodingError.valueNotFound(
                type, .init(codingPath: decoder.codingPath, debugDescription: "field '\(key.stringValue)' is null"))
        }
        return try decoder.unbox(type)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try child(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try child(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        IonValueDecoderImpl(
            value: fields["super"] ?? .null, codingPath: codingPath + [IonCodingKey(stringValue: "super")],
            options: options)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
}

struct IonUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    let elements: [IonValue]
    let codingPath: [any CodingKey]
    let options: IonDecoder
    var currentIndex = 0

    init(elements: [IonValue], codingPath: [any CodingKey], options: IonDecoder) {
        self.elements = elements
        self.codingPath = codingPath
        self.options = options
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    mutating func next<T>(_ type: T.Type) throws -> IonValueDecoderImpl {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                type,
                .init(
                    codingPath: codingPath + [IonCodingKey(index: currentIndex)],
                    debugDescription: "the list has only \(elements.count) elements"))
        }
        defer { currentIndex += 1 }
        return IonValueDecoderImpl(
            value: elements[currentIndex], codingPath: codingPath + [IonCodingKey(index: currentIndex)],
            options: options)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = try next(type)
        if decoder.value.isNull, !(T.self is any ExpressibleByNilLiteral.Type) {
            throw DecodingError.valueNotFound(
                type, .init(codingPath: decoder.codingPath, debugDescription: "element is null"))
        }
        return try decoder.unbox(type)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<
        NestedKey
    > {
        try next([String: Any].self).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next([Any].self).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder { try next(Any.self) }
}
