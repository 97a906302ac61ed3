/// The thirteen types of the Ion 1.0 data model.
public enum IonType: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The type of `null` (`null.null`).
    case null = 0
    case bool = 1
    case int = 2
    case float = 4
    case decimal = 5
    case timestamp = 6
    case symbol = 7
    case string = 8
    case clob = 9
    case blob = 10
    case list = 11
    case sexp = 12
    case `struct` = 13

    /// Whether values of this type contain other values.
    public var isContainer: Bool { self == .list || self == .sexp || self == .struct }

    /// The name Ion text uses for this type, as in `null.timestamp`.
    public var description: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .int: "int"
        case .float: "float"
        case .decimal: "decimal"
        case .timestamp: "timestamp"
        case .symbol: "symbol"
        case .string: "string"
        case .clob: "clob"
        case .blob: "blob"
        case .list: "list"
        case .sexp: "sexp"
        case .struct: "struct"
        }
    }
}
