/// One Ion value with its annotations: the owned, in-memory form of the Ion data model.
///
/// ```swift
/// let licence: IonValue = ["name": "Alice", "penaltyPoints": 3, "events": [["eventName": "LicenceCreated"]]]
/// let points = licence["penaltyPoints"]?.intValue   // 3
/// ```
///
/// `==` is Ion equivalence as the Ion specification defines it (see ``IonValue/isEquivalent(to:)``):
/// annotations, decimal precision, timestamp precision and offset all count, all NaNs are equal,
/// and structs compare as multisets of fields.
public struct IonValue: Sendable {
    /// The annotations on the value, in order.
    public var annotations: [IonSymbol]
    /// The value itself.
    public var content: Content

    /// The content of an Ion value, one case per Ion type.
    public enum Content: Sendable {
        /// A typed null such as `null.int`; `.null(.null)` is plain `null`.
        case null(IonType)
        case bool(Bool)
        case int(IonInt)
        case float(Double)
        case decimal(IonDecimal)
        case timestamp(IonTimestamp)
        case symbol(IonSymbol)
        case string(String)
        case clob([UInt8])
        case blob([UInt8])
        case list([IonValue])
        case sexp([IonValue])
        case `struct`(IonStruct)
    }

    /// Creates a value with annotations.
    @inlinable
    public init(_ content: Content, annotations: [IonSymbol] = []) {
        self.content = content
        self.annotations = annotations
    }

    /// The Ion type of the value (for a typed null, the type of the null).
    public var type: IonType {
        switch content {
        case .null(let t): t
        case .bool: .bool
        case .int: .int
        case .float: .float
        case .decimal: .decimal
        case .timestamp: .timestamp
        case .symbol: .symbol
        case .string: .string
        case .clob: .clob
        case .blob: .blob
        case .list: .list
        case .sexp: .sexp
        case .struct: .struct
        }
    }

    /// Whether the value is a null of any type.
    public var isNull: Bool {
        if case .null = content { return true }
        return false
    }

    /// A copy of this value with the given annotations in place of its own.
    public func annotated(with annotations: IonSymbol...) -> IonValue {
        IonValue(content, annotations: annotations)
    }
}

// MARK: - Constructors

extension IonValue {
    /// `null`.
    public static let null = IonValue(.null(.null))
    /// A typed null such as `null.string`.
    public static func null(_ type: IonType) -> IonValue { IonValue(.null(type)) }
    /// A bool.
    public static func bool(_ v: Bool) -> IonValue { IonValue(.bool(v)) }
    /// An int.
    public static func int(_ v: some BinaryInteger) -> IonValue { IonValue(.int(IonInt(v))) }
    /// An int.
    public static func int(_ v: IonInt) -> IonValue { IonValue(.int(v)) }
    /// A 64-bit float.
    public static func float(_ v: Double) -> IonValue { IonValue(.float(v)) }
    /// A decimal.
    public static func decimal(_ v: IonDecimal) -> IonValue { IonValue(.decimal(v)) }
    /// A timestamp.
    public static func timestamp(_ v: IonTimestamp) -> IonValue { IonValue(.timestamp(v)) }
    /// A symbol with known text.
    public static func symbol(_ text: String) -> IonValue { IonValue(.symbol(IonSymbol(text))) }
    /// A symbol.
    public static func symbol(_ v: IonSymbol) -> IonValue { IonValue(.symbol(v)) }
    /// A string.
    public static func string(_ v: String) -> IonValue { IonValue(.string(v)) }
    /// A clob.
    public static func clob(_ bytes: [UInt8]) -> IonValue { IonValue(.clob(bytes)) }
    /// A blob.
    public static func blob(_ bytes: [UInt8]) -> IonValue { IonValue(.blob(bytes)) }
    /// A list.
    public static func list(_ elements: [IonValue]) -> IonValue { IonValue(.list(elements)) }
    /// An s-expression.
    public static func sexp(_ elements: [IonValue]) -> IonValue { IonValue(.sexp(elements)) }
    /// A struct.
    public static func `struct`(_ fields: IonStruct) -> IonValue { IonValue(.struct(fields)) }
}

// MARK: - Accessors

extension IonValue {
    /// The value as `Bool`, if it is a non-null bool.
    public var boolValue: Bool? { if case .bool(let v) = content { v } else { nil } }
    /// The value as `Int`, if it is a non-null int that fits.
    public var intValue: Int? { if case .int(let v) = content, let s = v.int64Value { Int(exactly: s) } else { nil } }
    /// The value as ``IonInt``, if it is a non-null int.
    public var ionIntValue: IonInt? { if case .int(let v) = content { v } else { nil } }
    /// The value as `Double`, if it is a non-null float.
    public var doubleValue: Double? { if case .float(let v) = content { v } else { nil } }
    /// The value as ``IonDecimal``, if it is a non-null decimal.
    public var decimalValue: IonDecimal? { if case .decimal(let v) = content { v } else { nil } }
    /// The value as ``IonTimestamp``, if it is a non-null timestamp.
    public var timestampValue: IonTimestamp? { if case .timestamp(let v) = content { v } else { nil } }
    /// The text of a non-null string or of a symbol with known text.
    public var stringValue: String? {
        switch content {
        case .string(let s): s
        case .symbol(let s): s.text
        default: nil
        }
    }
    /// The value as ``IonSymbol``, if it is a non-null symbol.
    public var symbolValue: IonSymbol? { if case .symbol(let v) = content { v } else { nil } }
    /// The bytes of a non-null blob or clob.
    public var bytesValue: [UInt8]? {
        switch content {
        case .blob(let b), .clob(let b): b
        default: nil
        }
    }
    /// The elements of a non-null list or s-expression.
    public var elements: [IonValue]? {
        switch content {
        case .list(let e), .sexp(let e): e
        default: nil
        }
    }
    /// The fields of a non-null struct.
    public var structValue: IonStruct? { if case .struct(let s) = content { s } else { nil } }

    /// The first field with this name, if the value is a struct that has one.
    public subscript(field name: String) -> IonValue? { structValue?[name] }

    /// The first field with this name, if the value is a struct that has one.
    public subscript(_ name: String) -> IonValue? { structValue?[name] }

    /// The element at `index`, if the value is a list or s-expression that long.
    public subscript(_ index: Int) -> IonValue? {
        guard let e = elements, e.indices.contains(index) else { return nil }
        return e[index]
    }
}
