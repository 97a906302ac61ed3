import Foundation

/// `Decoder` straight over an ``IonBinaryReader``: no ``IonValue`` tree in between.
///
/// Each decoder holds a copy of the reader with its cursor on one value (a reader is a small
/// value: the input is shared). A keyed container steps into the struct and notes, once, each
/// field's name and cursor; decoding a field copies the reader and puts the cursor back on it, so
/// fields decode in any order and scalars are read from the input where they lie.
struct IonReaderDecoder: Decoder {
    var reader: IonBinaryReader
    let codingPath: [any CodingKey]
    let options: IonDecoder
    var userInfo: [CodingUserInfoKey: Any] { options.userInfo }

    var type: IonType { reader.type ?? .null }

    func mismatch<T>(_ type: T.Type, _ expected: String) -> DecodingError {
        DecodingError.typeMismatch(
            type,
            .init(
                codingPath: codingPath,
                debugDescription: "expected \(expected), found \(reader.isNull ? "null." : "")\(self.type)"))
    }

    /// A decoding error for an error of the reader (malformed input).
    func corrupted(_ error: any Error) -> DecodingError {
        DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "\(error)", underlyingError: error))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard self.type == .struct, !reader.isNull else { throw mismatch([String: Any].self, "a struct") }
        var fields = reader
        do {
            try fields.stepIn()
            var entries: [IonReaderField] = []
            let base = fields
            while try fields.next() != nil {
                entries.append(
                    .init(name: try fields.fieldName()?.text, current: fields.current!, position: fields.pos))
            }
            return KeyedDecodingContainer(
                IonReaderKeyedContainer<Key>(
                    base: base, cursor: IonReaderBox(base), fields: entries, codingPath: codingPath, options: options))
        } catch let error as IonError {
            throw corrupted(error)
        }
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard self.type == .list || self.type == .sexp, !reader.isNull else {
            throw mismatch([Any].self, "a list or sexp")
        }
        do {
            return try IonReaderUnkeyedContainer(list: reader, codingPath: codingPath, options: options)
        } catch let error as IonError {
            throw corrupted(error)
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func unbox<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            if type == IonValue.self {
                var copy = reader
                return try copy.value() as! T
            }
            if let special = try unboxSpecial(type) { return special }
        } catch let error as IonError {
            throw corrupted(error)
        }
        return try T(from: self)
    }

    private func unboxSpecial<T>(_ type: T.Type) throws -> T? {
        switch type {
        case is IonDecimal.Type:
            guard self.type == .decimal, !reader.isNull else { throw mismatch(type, "a decimal") }
            return (try reader.decimalValue() as! T)
        case is IonTimestamp.Type:
            guard self.type == .timestamp, !reader.isNull else { throw mismatch(type, "a timestamp") }
            return (try reader.timestampValue() as! T)
        case is IonInt.Type:
            guard self.type == .int, !reader.isNull else { throw mismatch(type, "an int") }
            return (try reader.intValue() as! T)
        case is IonSymbol.Type:
            guard self.type == .symbol, !reader.isNull else { throw mismatch(type, "a symbol") }
            return (try reader.symbolValue() as! T)
        case is Data.Type:
            guard self.type == .blob || self.type == .clob, !reader.isNull else {
                throw mismatch(type, "a blob or clob")
            }
            return (Data(try reader.lobValue()) as! T)
        case is Date.Type:
            guard self.type == .timestamp, !reader.isNull else { throw mismatch(type, "a timestamp") }
            return (try reader.timestampValue().date as! T)
        case is Decimal.Type:
            var copy = reader
            return try IonValueDecoderImpl(value: try copy.value(), codingPath: codingPath, options: options)
                .decode(Decimal.self) as? T
        default:
            return nil
        }
    }
}

extension IonReaderDecoder: IonScalarDecoding {
    func decodeNil() -> Bool { reader.isNull }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard self.type == .bool, !reader.isNull else { throw mismatch(type, "a bool") }
        do { return try reader.boolValue() } catch { throw corrupted(error) }
    }

    func decode(_ type: String.Type) throws -> String {
        guard !reader.isNull else { throw mismatch(type, "a string") }
        do {
            switch self.type {
            case .string: return try reader.stringValue()
            case .symbol:
                guard let text = try reader.symbolValue().text else { throw mismatch(type, "a symbol with text") }
                return text
            default: throw mismatch(type, "a string")
            }
        } catch let error as IonError {
            throw corrupted(error)
        }
    }

    func decode(_ type: Double.Type) throws -> Double {
        guard !reader.isNull else { throw mismatch(type, "a float") }
        switch self.type {
        case .float:
            do { return try reader.doubleValue() } catch { throw corrupted(error) }
        case .decimal, .int:
            var copy = reader
            let value: IonValue
            do { value = try copy.value() } catch { throw corrupted(error) }
            return try IonValueDecoderImpl(value: value, codingPath: codingPath, options: options).decode(type)
        default: throw mismatch(type, "a float")
        }
    }

    func ionInt<T>(for type: T.Type) throws -> IonInt {
        guard self.type == .int, !reader.isNull else { throw mismatch(type, "an int") }
        do { return try reader.intValue() } catch { throw corrupted(error) }
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try unbox(type) }
}

/// One field of a struct: its name and where the cursor was on it.
struct IonReaderField {
    var name: String?
    var current: IonBinaryReader.Current
    var position: Int
}

/// A reader that scalar fields are read through in place (keyed containers' methods are not
/// `mutating`, and copying a reader for every field costs more than reading the field).
final class IonReaderBox {
    var reader: IonBinaryReader
    init(_ reader: IonBinaryReader) { self.reader = reader }
}

struct IonReaderKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    typealias Field = IonReaderField

    /// The reader stepped into the struct, before its first field.
    let base: IonBinaryReader
    /// A copy of `base` whose cursor scalar reads move from field to field.
    let cursor: IonReaderBox
    let fields: [Field]
    let codingPath: [any CodingKey]
    let options: IonDecoder

    var allKeys: [Key] { fields.compactMap { $0.name.flatMap(Key.init(stringValue:)) } }

    func contains(_ key: Key) -> Bool { field(key) != nil }

    /// The first field named as `key` (the mapping ``IonEncoder`` writes has one per name).
    func field(_ key: Key) -> Field? {
        let name = key.stringValue
        return fields.first { $0.name == name }
    }

    func child(_ key: Key) throws -> IonReaderDecoder {
        guard let field = field(key) else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "no field named '\(key.stringValue)'"))
        }
        var reader = base
        reader.current = field.current
        reader.pos = field.position
        return IonReaderDecoder(reader: reader, codingPath: codingPath + [key], options: options)
    }

    func decodeNil(forKey key: Key) throws -> Bool { try child(key).reader.isNull }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        if type == IonTimestamp.self, let value = fast(key, .timestamp, { try $0.timestampValue() }) {
            return value as! T
        }
        if type == IonDecimal.self, let value = fast(key, .decimal, { try $0.decimalValue() }) { return value as! T }
        let decoder = try child(key)
        if decoder.reader.isNull, !(T.self is any ExpressibleByNilLiteral.Type) {
            throw DecodingError.valueNotFound(
                type, .init(codingPath: decoder.codingPath, debugDescription: "field '\(key.stringValue)' is null"))
        }
        return try decoder.unbox(type)
    }

    /// Reads the field for `key` through the shared cursor when it is a non-null `expected`;
    /// `nil` otherwise, and the caller decodes it through a decoder of its own (which reports
    /// the error with its coding path).
    private func fast<T>(_ key: Key, _ expected: IonType, _ read: (inout IonBinaryReader) throws -> T) -> T? {
        guard let field = field(key), field.current.type == expected, !field.current.isNull else { return nil }
        cursor.reader.current = field.current
        cursor.reader.pos = field.position
        return try? read(&cursor.reader)
    }

    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        if let value = fast(key, .string, { try $0.stringValue() }) { return value }
        return try child(key).decode(type)
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        if let value = fast(key, .bool, { try $0.boolValue() }) { return value }
        return try child(key).decode(type)
    }

    func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
        if let value = fast(key, .int, { Int(exactly: try $0.int64Value()) }) ?? nil { return value }
        return try child(key).decode(type)
    }

    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 {
        if let value = fast(key, .int, { try $0.int64Value() }) { return value }
        return try child(key).decode(type)
    }

    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        if let value = fast(key, .float, { try $0.doubleValue() }) { return value }
        return try child(key).decode(type)
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
        guard let key = Key(stringValue: "super"), let decoder = try? child(key) else {
            return IonValueDecoderImpl(
                value: .null, codingPath: codingPath + [IonCodingKey(stringValue: "super")], options: options)
        }
        return decoder
    }

    func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
}

struct IonReaderUnkeyedContainer: UnkeyedDecodingContainer {
    /// Stepped into the list, its cursor on the next element (or at the end).
    var reader: IonBinaryReader
    let codingPath: [any CodingKey]
    let options: IonDecoder
    var currentIndex = 0
    var isAtEnd: Bool
    var count: Int? { nil }

    init(list: IonBinaryReader, codingPath: [any CodingKey], options: IonDecoder) throws {
        reader = list
        try reader.stepIn()
        isAtEnd = try reader.next() == nil
        self.codingPath = codingPath
        self.options = options
    }

    /// A decoder for the element under the cursor; the cursor moves on to the next one.
    mutating func next<T>(_ type: T.Type) throws -> IonReaderDecoder {
        let path = codingPath + [IonCodingKey(index: currentIndex)]
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                type, .init(codingPath: path, debugDescription: "the list has only \(currentIndex) elements"))
        }
        let decoder = IonReaderDecoder(reader: reader, codingPath: path, options: options)
        currentIndex += 1
        do { isAtEnd = try reader.next() == nil } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: path, debugDescription: "\(error)", underlyingError: error))
        }
        return decoder
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, reader.isNull else { return false }
        _ = try next(Any.self)
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = try next(type)
        if decoder.reader.isNull, !(T.self is any ExpressibleByNilLiteral.Type) {
            throw DecodingError.valueNotFound(
                type, .init(codingPath: decoder.codingPath, debugDescription: "element is null"))
        }
        return try decoder.unbox(type)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try next([String: Any].self).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next([Any].self).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder { try next(Any.self) }
}
