/// The cursor calls shared by Ion readers.
///
/// ``IonBinaryReader`` reads binary in place; ``IonValueReader`` walks values already in memory
/// (for example, parsed from text). Code written against this protocol, such as Ion Hash's
/// streaming hasher, works with either.
public protocol IonReader {
    /// Moves to the next value at this depth; `nil` at the end of the container or stream.
    mutating func next() throws -> IonType?
    /// Steps into the container under the cursor.
    mutating func stepIn() throws
    /// Steps out of the current container.
    mutating func stepOut() throws
    /// The depth of the cursor; 0 at top level.
    var depth: Int { get }
    /// The type of the value under the cursor.
    var type: IonType? { get }
    /// Whether the value under the cursor is a null.
    var isNull: Bool { get }
    /// The field name of the value under the cursor, inside a struct.
    func fieldName() throws -> IonSymbol?
    /// The annotations of the value under the cursor.
    func annotations() throws -> [IonSymbol]
    /// The value under the cursor as a bool.
    func boolValue() throws -> Bool
    /// The value under the cursor as an int.
    func intValue() throws -> IonInt
    /// The value under the cursor as a float.
    func doubleValue() throws -> Double
    /// The value under the cursor as a decimal.
    func decimalValue() throws -> IonDecimal
    /// The value under the cursor as a timestamp.
    func timestampValue() throws -> IonTimestamp
    /// The value under the cursor as a symbol.
    func symbolValue() throws -> IonSymbol
    /// The value under the cursor as a string.
    func stringValue() throws -> String
    /// The bytes of the clob or blob under the cursor.
    func lobValue() throws -> [UInt8]
    /// The whole value under the cursor.
    mutating func value() throws -> IonValue
}

extension IonBinaryReader: IonReader {}

extension IonReader {
    /// The content of the scalar (or null) under the cursor, decoded through the typed accessors.
    public func scalarContent() throws -> IonValue.Content {
        guard let type else { throw IonError(.invalidState, "no value under the cursor") }
        if isNull { return .null(type) }
        switch type {
        case .null: return .null(.null)
        case .bool: return .bool(try boolValue())
        case .int: return .int(try intValue())
        case .float: return .float(try doubleValue())
        case .decimal: return .decimal(try decimalValue())
        case .timestamp: return .timestamp(try timestampValue())
        case .symbol: return .symbol(try symbolValue())
        case .string: return .string(try stringValue())
        case .clob: return .clob(try lobValue())
        case .blob: return .blob(try lobValue())
        case .list, .sexp, .struct:
            throw IonError(.typeMismatch, "scalarContent() called on a \(type)")
        }
    }
}
