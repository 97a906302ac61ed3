import Ion

/// PartiQL's equality and ordering of Ion values.
///
/// Numbers compare by value across int, decimal and float; strings and symbols by text;
/// timestamps by instant (whatever their precision or offset); lists element-wise; structs as
/// unordered sets of fields. Annotations are ignored. NULL and MISSING are handled by the callers.
enum ValueComparison {
    static func equal(_ a: IonValue, _ b: IonValue) -> Bool {
        if let x = Number(a), let y = Number(b) { return x.compare(y) == 0 }
        switch (a.content, b.content) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.timestamp(let x), .timestamp(let y)): return x.isSameInstant(as: y)
        case (.string, _), (.symbol, _):
            guard b.type.isText, let x = a.stringValue, let y = b.stringValue else { return false }
            return x == y
        case (.blob(let x), .blob(let y)), (.clob(let x), .clob(let y)): return x == y
        case (.list(let x), .list(let y)), (.sexp(let x), .sexp(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.struct(let x), .struct(let y)):
            guard x.count == y.count else { return false }
            var unmatched = Array(y)
            for field in x {
                guard let i = unmatched.firstIndex(where: { $0.name == field.name && equal($0.value, field.value) })
                else { return false }
                unmatched.remove(at: i)
            }
            return true
        default: return false
        }
    }

    /// -1, 0 or 1 for values PartiQL can order (numbers, text, timestamps, booleans, bytes);
    /// `nil` for values of types that do not compare.
    static func compare(_ a: IonValue, _ b: IonValue) -> Int? {
        if let x = Number(a), let y = Number(b) { return x.compare(y) }
        switch (a.content, b.content) {
        case (.bool(let x), .bool(let y)): return x == y ? 0 : (!x ? -1 : 1)
        case (.timestamp(let x), .timestamp(let y)):
            return x.isSameInstant(as: y) ? 0 : (TimestampMath.precedes(x, y) ? -1 : 1)
        case (.blob(let x), .blob(let y)), (.clob(let x), .clob(let y)):
            return x == y ? 0 : (x.lexicographicallyPrecedes(y) ? -1 : 1)
        default:
            guard a.type.isText, b.type.isText, let x = a.stringValue, let y = b.stringValue else { return nil }
            return x == y ? 0 : (x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars) ? -1 : 1)
        }
    }
}

extension IonType {
    var isText: Bool { self == .string || self == .symbol }
}
