/// The calls shared by every Ion writer, binary and text.
///
/// A writer receives values one at a time. Field names and annotations apply to the next value
/// written; ``stepIn(_:)`` and ``stepOut()`` open and close containers.
public protocol IonWriter {
    /// How many containers are open.
    var depth: Int { get }
    /// Sets the field name of the next value (required inside a struct).
    mutating func setFieldName(_ name: String)
    /// Sets the field name of the next value from a symbol token.
    mutating func setFieldName(_ name: IonSymbol) throws
    /// Adds an annotation to the next value.
    mutating func addAnnotation(_ text: String)
    /// Adds an annotation to the next value from a symbol token.
    mutating func addAnnotation(_ symbol: IonSymbol) throws
    /// Writes a null of the given type.
    mutating func writeNull(_ type: IonType) throws
    /// Writes a bool.
    mutating func write(bool value: Bool) throws
    /// Writes an int that fits in 64 bits.
    mutating func write(int value: Int64) throws
    /// Writes an int of any size.
    mutating func write(int value: IonInt) throws
    /// Writes a float.
    mutating func write(float value: Double) throws
    /// Writes a decimal.
    mutating func write(decimal value: IonDecimal) throws
    /// Writes a timestamp.
    mutating func write(timestamp value: IonTimestamp) throws
    /// Writes a symbol with known text.
    mutating func write(symbol text: String) throws
    /// Writes a symbol token.
    mutating func write(symbol: IonSymbol) throws
    /// Writes a string.
    mutating func write(string value: String) throws
    /// Writes a clob.
    mutating func write(clob bytes: some Collection<UInt8>) throws
    /// Writes a blob.
    mutating func write(blob bytes: some Collection<UInt8>) throws
    /// Opens a list, s-expression or struct.
    mutating func stepIn(_ type: IonType) throws
    /// Closes the innermost open container.
    mutating func stepOut() throws
}

extension IonWriter {
    /// Writes a value, with its annotations and everything it contains.
    public mutating func write(_ value: IonValue) throws {
        for annotation in value.annotations { try addAnnotation(annotation) }
        switch value.content {
        case .null(let type): try writeNull(type)
        case .bool(let v): try write(bool: v)
        case .int(let v): try write(int: v)
        case .float(let v): try write(float: v)
        case .decimal(let v): try write(decimal: v)
        case .timestamp(let v): try write(timestamp: v)
        case .symbol(let v): try write(symbol: v)
        case .string(let v): try write(string: v)
        case .clob(let v): try write(clob: v)
        case .blob(let v): try write(blob: v)
        case .list(let elements), .sexp(let elements):
            try stepIn(value.type)
            for element in elements { try write(element) }
            try stepOut()
        case .struct(let fields):
            try stepIn(.struct)
            for field in fields {
                try setFieldName(field.name)
                try write(field.value)
            }
            try stepOut()
        }
    }
}
