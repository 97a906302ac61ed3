/// A cursor over values already in memory, with the same calls as ``IonBinaryReader``.
///
/// Useful to run reader-based code (hashing, custom decoders) over values parsed from text or
/// built in code.
public struct IonValueReader: IonReader, Sendable {
    struct Level: Sendable {
        var values: [IonValue]
        var names: [IonSymbol?]
        var index: Int
    }

    private var levels: [Level]

    /// Creates a reader over top-level values.
    public init(_ values: [IonValue]) {
        levels = [Level(values: values, names: Array(repeating: nil, count: values.count), index: -1)]
    }

    /// Creates a reader over an Ion text document.
    public init(text: [UInt8], catalog: IonCatalog = IonCatalog()) throws {
        self.init(try IonValue.decode(text: text, catalog: catalog))
    }

    private var currentValue: IonValue? {
        let level = levels[levels.count - 1]
        // Spelled out: `IonValue` is itself ExpressibleByNilLiteral, so a bare `nil` in a
        // conditional expression would become Ion null instead of "no value".
        guard level.index >= 0 && level.index < level.values.count else { return Optional.none }
        return level.values[level.index]
    }

    public var depth: Int { levels.count - 1 }
    public var type: IonType? { currentValue?.type }
    public var isNull: Bool { currentValue?.isNull ?? false }

    public mutating func next() throws -> IonType? {
        let last = levels.count - 1
        if levels[last].index < levels[last].values.count { levels[last].index += 1 }
        return currentValue?.type
    }

    public mutating func stepIn() throws {
        guard let value = currentValue, !value.isNull else {
            throw IonError(.invalidState, "stepIn() needs the cursor on a non-null container")
        }
        switch value.content {
        case .list(let e), .sexp(let e):
            levels.append(Level(values: e, names: Array(repeating: nil, count: e.count), index: -1))
        case .struct(let s):
            levels.append(Level(values: s.fields.map(\.value), names: s.fields.map(\.name), index: -1))
        default:
            throw IonError(.invalidState, "stepIn() needs the cursor on a non-null container")
        }
    }

    public mutating func stepOut() throws {
        guard levels.count > 1 else { throw IonError(.invalidState, "stepOut() called at top level") }
        levels.removeLast()
    }

    public func fieldName() throws -> IonSymbol? {
        let level = levels[levels.count - 1]
        guard level.index >= 0 && level.index < level.names.count else { return Optional.none }
        return level.names[level.index]
    }

    public func annotations() throws -> [IonSymbol] { currentValue?.annotations ?? [] }

    private func require<T>(_ extract: (IonValue) -> T?, _ name: String) throws -> T {
        guard let value = currentValue else {
            throw IonError(.invalidState, "\(name) called with no value under the cursor")
        }
        guard let result = extract(value) else {
            throw IonError(.typeMismatch, "\(name) called on \(value.isNull ? "null." : "")\(value.type)")
        }
        return result
    }

    public func boolValue() throws -> Bool { try require(\.boolValue, "boolValue()") }
    public func intValue() throws -> IonInt { try require(\.ionIntValue, "intValue()") }
    public func doubleValue() throws -> Double { try require(\.doubleValue, "doubleValue()") }
    public func decimalValue() throws -> IonDecimal { try require(\.decimalValue, "decimalValue()") }
    public func timestampValue() throws -> IonTimestamp { try require(\.timestampValue, "timestampValue()") }
    public func symbolValue() throws -> IonSymbol { try require(\.symbolValue, "symbolValue()") }
    public func stringValue() throws -> String {
        try require({ if case .string(let s) = $0.content { s } else { nil } }, "stringValue()")
    }
    public func lobValue() throws -> [UInt8] { try require(\.bytesValue, "lobValue()") }
    public mutating func value() throws -> IonValue { try require({ $0 }, "value()") }
}
