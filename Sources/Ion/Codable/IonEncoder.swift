import Foundation
import QLDBPrimitives

/// Encodes `Encodable` values as Ion, in the manner of Foundation's `JSONEncoder`.
///
/// | Swift | Ion |
/// |---|---|
/// | `Bool`, integers, `Float`/`Double` | bool, int, float |
/// | `String` | string |
/// | `Date` | timestamp (UTC, millisecond precision by default) |
/// | `Data` | blob |
/// | `Foundation.Decimal`, ``IonDecimal`` | decimal |
/// | ``IonTimestamp``, ``IonValue``, ``IonInt`` | themselves |
/// | `nil` | null |
/// | arrays, keyed containers | list, struct |
///
/// ```swift
/// let bytes = try IonEncoder().encode(licence)            // Ion binary
/// let text = try IonEncoder().encodeText(licence)         // Ion text
/// ```
public struct IonEncoder: Sendable {
    /// How `Date` values become timestamps.
    public enum DateEncodingStrategy: Sendable {
        /// UTC (`Z`) with millisecond precision.
        case milliseconds
        /// UTC (`Z`) with whole-second precision.
        case seconds
    }

    /// How `Date` values are encoded; `.milliseconds` by default.
    public var dateEncodingStrategy: DateEncodingStrategy = .milliseconds
    /// Contextual information passed to `encode(to:)` implementations.
    public var userInfo: [CodingUserInfoKey: any Sendable] = [:]

    /// Creates an encoder with the default strategies.
    public init() {}

    /// Encodes a value as an ``IonValue``.
    public func encodeValue<T: Encodable>(_ value: T) throws -> IonValue {
        try IonValueEncoding.box(value, codingPath: [], options: self)
    }

    /// Encodes a value as an Ion binary document.
    ///
    /// The value is written straight to bytes, without building ``IonValue``s first; the bytes
    /// are those of ``encodeValue(_:)`` encoded with `IonValue.encode(binary:)`.
    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        try encodeAll(CollectionOfOne(value))
    }

    /// Encodes each value as a top-level value of one Ion binary document (a stream of
    /// documents, as ``IonDecoder/decodeAll(_:from:)`` reads them), with one symbol table.
    ///
    /// The values are written straight to bytes. An `encode(to:)` that a stream cannot follow
    /// (one that writes to a container after writing past it, encodes a key twice, or asks for
    /// a super encoder) is encoded through ``IonValue``s instead, with the same result as
    /// `IonValue.encode(binary: values.map(encodeValue))`.
    public func encodeAll<T: Encodable>(_ values: some Collection<T>) throws -> [UInt8] {
        let writer = IonWriterEncoder(options: self)
        for value in values {
            try writer.encodeTopLevel(value)
            if writer.needsTree { return try IonValue.encode(binary: values.map { try encodeValue($0) }) }
        }
        return writer.document()
    }

    /// Encodes a value as Ion text.
    public func encodeText<T: Encodable>(_ value: T, style: IonTextWriter.Style = .compact) throws -> String {
        try IonValue.encode(text: [try encodeValue(value)], style: style)
    }
}

/// A node of the value tree being built. Containers are classes so that nested encoders can
/// keep filling them after they are handed out.
final class IonEncodingNode {
    enum Kind {
        case value(IonValue)
        case list([IonEncodingNode])
        case fields([(String, IonEncodingNode)])
        case empty
    }
    var kind: Kind = .empty

    init() {}
    init(_ value: IonValue) { kind = .value(value) }

    var value: IonValue {
        switch kind {
        case .value(let v): return v
        case .list(let nodes): return .list(nodes.map(\.value))
        case .fields(let fields):
            return .struct(IonStruct(fields.map { IonStruct.Field(name: IonSymbol($0.0), value: $0.1.value) }))
        case .empty: return .struct([:])
        }
    }
}

enum IonValueEncoding {
    static func box<T: Encodable>(_ value: T, codingPath: [any CodingKey], options: IonEncoder) throws -> IonValue {
        if let special = try special(value, codingPath: codingPath, options: options) { return special }
        let node = IonEncodingNode()
        let encoder = IonValueEncoderImpl(node: node, codingPath: codingPath, options: options)
        try value.encode(to: encoder)
        return node.value
    }

    /// Types with a native Ion form. Generic rather than `Any`, so that a value larger than an
    /// existential's inline buffer (an `IonValue`) is not boxed just to be cast.
    static func special<T>(_ value: T, codingPath: [any CodingKey], options: IonEncoder) throws -> IonValue? {
        switch value {
        case let v as IonValue: return v
        case let v as String: return .string(v)
        case let v as IonDecimal: return .decimal(v)
        case let v as IonTimestamp: return .timestamp(v)
        case let v as IonInt: return .int(v)
        case let v as IonSymbol: return .symbol(v)
        case let v as Data: return .blob(Array(v))
        case let v as Date: return .timestamp(try timestamp(v, options.dateEncodingStrategy, codingPath))
        case let v as Decimal: return .decimal(try IonDecimal(v))
        default: return nil
        }
    }

    static func timestamp(_ date: Date, _ strategy: IonEncoder.DateEncodingStrategy, _ codingPath: [any CodingKey])
        throws -> IonTimestamp
    {
        let interval = date.timeIntervalSince1970
        guard interval.isFinite else {
            throw EncodingError.invalidValue(
                date, .init(codingPath: codingPath, debugDescription: "date is not finite"))
        }
        let millis = Int64((interval * 1000).rounded(.down))
        let (minutes, rest) = millis.quotientAndRemainder(dividingBy: 60_000)
        let adjust = rest < 0 ? 1 : 0
        let minute = Int(minutes) - adjust
        let msInMinute = Int(rest) + adjust * 60_000
        let f = CivilCalendar.fields(fromMinutesSinceEpoch: minute)
        do {
            switch strategy {
            case .seconds:
                return try IonTimestamp(
                    year: f.year, month: f.month, day: f.day, hour: f.hour, minute: f.minute, second: msInMinute / 1000,
                    offsetMinutes: 0, precision: .second)
            case .milliseconds:
                return try IonTimestamp(
                    year: f.year, month: f.month, day: f.day, hour: f.hour, minute: f.minute, second: msInMinute / 1000,
                    fraction: IonDecimal(coefficient: .int64(Int64(msInMinute % 1000)), exponent: -3), offsetMinutes: 0,
                    precision: .fractionalSecond)
            }
        } catch {
            throw EncodingError.invalidValue(
                date, .init(codingPath: codingPath, debugDescription: "date is outside Ion's range: \(error)"))
        }
    }
}

struct IonValueEncoderImpl: Encoder {
    let node: IonEncodingNode
    let codingPath: [any CodingKey]
    let options: IonEncoder
    var userInfo: [CodingUserInfoKey: Any] { options.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .fields = node.kind {} else { node.kind = .fields([]) }
        return KeyedEncodingContainer(
            IonKeyedEncodingContainer<Key>(node: node, codingPath: codingPath, options: options))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .list = node.kind {} else { node.kind = .list([]) }
        return IonUnkeyedEncodingContainer(node: node, codingPath: codingPath, options: options)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        IonSingleValueEncodingContainer(node: node, codingPath: codingPath, options: options)
    }
}

struct IonKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: IonEncodingNode
    let codingPath: [any CodingKey]
    let options: IonEncoder

    func append(_ key: Key, _ child: IonEncodingNode) {
        guard case .fields(var fields) = node.kind else { return }
        node.kind = .empty  // release the array so the append below does not copy it
        if let i = fields.firstIndex(where: { $0.0 == key.stringValue }) {
            fields[i].1 = child
        } else {
            fields.append((key.stringValue, child))
        }
        node.kind = .fields(fields)
    }

    func encodeNil(forKey key: Key) throws { append(key, IonEncodingNode(.null)) }
    func encode(_ value: Bool, forKey key: Key) throws { append(key, IonEncodingNode(.bool(value))) }
    func encode(_ value: String, forKey key: Key) throws { append(key, IonEncodingNode(.string(value))) }
    func encode(_ value: Double, forKey key: Key) throws { append(key, IonEncodingNode(.float(value))) }
    func encode(_ value: Float, forKey key: Key) throws { append(key, IonEncodingNode(.float(Double(value)))) }
    func encode(_ value: Int, forKey key: Key) throws { append(key, IonEncodingNode(.int(value))) }
    func encode(_ value: Int64, forKey key: Key) throws { append(key, IonEncodingNode(.int(value))) }
    func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        append(key, IonEncodingNode(try IonValueEncoding.box(value, codingPath: codingPath + [key], options: options)))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        let child = IonEncodingNode()
        child.kind = .fields([])
        append(key, child)
        return KeyedEncodingContainer(
            IonKeyedEncodingContainer<NestedKey>(node: child, codingPath: codingPath + [key], options: options))
    }

    func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = IonEncodingNode()
        child.kind = .list([])
        append(key, child)
        return IonUnkeyedEncodingContainer(node: child, codingPath: codingPath + [key], options: options)
    }

    func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }
    func superEncoder(forKey key: Key) -> any Encoder {
        let child = IonEncodingNode()
        append(key, child)
        return IonValueEncoderImpl(node: child, codingPath: codingPath + [key], options: options)
    }
}

struct IonUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let node: IonEncodingNode
    let codingPath: [any CodingKey]
    let options: IonEncoder

    var count: Int {
        if case .list(let nodes) = node.kind { return nodes.count }
        return 0
    }

    func append(_ child: IonEncodingNode) {
        guard case .list(var nodes) = node.kind else { return }
        node.kind = .empty
        nodes.append(child)
        node.kind = .list(nodes)
    }

    var nextKey: any CodingKey { IonCodingKey(index: count) }

    func encodeNil() throws { append(IonEncodingNode(.null)) }
    func encode(_ value: Bool) throws { append(IonEncodingNode(.bool(value))) }
    func encode(_ value: String) throws { append(IonEncodingNode(.string(value))) }
    func encode(_ value: Double) throws { append(IonEncodingNode(.float(value))) }
    func encode(_ value: Int) throws { append(IonEncodingNode(.int(value))) }
    func encode<T: Encodable>(_ value: T) throws {
        append(IonEncodingNode(try IonValueEncoding.box(value, codingPath: codingPath + [nextKey], options: options)))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = IonEncodingNode()
        child.kind = .fields([])
        let key = nextKey
        append(child)
        return KeyedEncodingContainer(
            IonKeyedEncodingContainer<NestedKey>(node: child, codingPath: codingPath + [key], options: options))
    }

    func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = IonEncodingNode()
        child.kind = .list([])
        let key = nextKey
        append(child)
        return IonUnkeyedEncodingContainer(node: child, codingPath: codingPath + [key], options: options)
    }

    func superEncoder() -> any Encoder {
        let child = IonEncodingNode()
        let key = nextKey
        append(child)
        return IonValueEncoderImpl(node: child, codingPath: codingPath + [key], options: options)
    }
}

struct IonSingleValueEncodingContainer: SingleValueEncodingContainer {
    let node: IonEncodingNode
    let codingPath: [any CodingKey]
    let options: IonEncoder

    func encodeNil() throws { node.kind = .value(.null) }
    func encode(_ value: Bool) throws { node.kind = .value(.bool(value)) }
    func encode(_ value: String) throws { node.kind = .value(.string(value)) }
    func encode(_ value: Double) throws { node.kind = .value(.float(value)) }
    func encode(_ value: Float) throws { node.kind = .value(.float(Double(value))) }
    func encode(_ value: Int) throws { node.kind = .value(.int(value)) }
    func encode(_ value: Int8) throws { node.kind = .value(.int(value)) }
    func encode(_ value: Int16) throws { node.kind = .value(.int(value)) }
    func encode(_ value: Int32) throws { node.kind = .value(.int(value)) }
    func encode(_ value: Int64) throws { node.kind = .value(.int(value)) }
    func encode(_ value: UInt) throws { node.kind = .value(.int(value)) }
    func encode(_ value: UInt8) throws { node.kind = .value(.int(value)) }
    func encode(_ value: UInt16) throws { node.kind = .value(.int(value)) }
    func encode(_ value: UInt32) throws { node.kind = .value(.int(value)) }
    func encode(_ value: UInt64) throws { node.kind = .value(.int(value)) }
    func encode<T: Encodable>(_ value: T) throws {
        node.kind = .value(try IonValueEncoding.box(value, codingPath: codingPath, options: options))
    }
}

/// A coding key for keys made up at run time, and for list positions (``IonIndexKey``).
struct IonCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    init(intValue: Int) {
        self.stringValue = "Index \(intValue)"
        self.intValue = intValue
    }

    init(index: Int) { self.init(intValue: index) }
}

/// The coding key of a list position: one word, so that it fits an existential's inline buffer
/// (every element of every list decoded gets one), with its text ("Index 3", as Foundation's
/// coders name it) made only when asked for.
struct IonIndexKey: CodingKey {
    let index: Int

    init(index: Int) { self.index = index }
    init?(stringValue: String) { nil }
    init(intValue: Int) { index = intValue }

    var stringValue: String { "Index \(index)" }
    var intValue: Int? { index }
}
