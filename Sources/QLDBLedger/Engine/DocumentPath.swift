import Ion
import QLDBPartiQL

extension StatementScope {
    static func get(_ value: IonValue, _ path: ArraySlice<PathComponent>) -> IonValue? {
        guard let first = path.first else { return value }
        switch (first, value.content) {
        case (.field(let name), .struct(let fields)): return fields[name].flatMap { get($0, path.dropFirst()) }
        case (.index(let i), .list(let items)): return i >= 0 && i < items.count ? get(items[i], path.dropFirst()) : nil
        default: return nil
        }
    }

    /// Sets (or with `nil` removes) the value at a path, creating missing structs on the way.
    static func set(_ value: inout IonValue, _ path: ArraySlice<PathComponent>, value newValue: IonValue?)
        throws(LedgerError)
    {
        guard let first = path.first else { return }
        let rest = path.dropFirst()
        switch first {
        case .field(let name):
            var fields: IonStruct
            switch value.content {
            case .struct(let existing): fields = existing
            case .null:
                if newValue == nil { return }
                fields = IonStruct()
            default:
                if newValue == nil { return }
                throw LedgerError.badRequest("cannot set field \(name) of a \(value.type)")
            }
            if rest.isEmpty {
                fields[name] = newValue
            } else {
                var child = fields[name] ?? .null
                if fields[name] == nil && newValue == nil { return }
                try set(&child, rest, value: newValue)
                fields[name] = child
            }
            value = IonValue(.struct(fields), annotations: value.annotations)
        case .index(let i):
            guard case .list(var items) = value.content, i >= 0, i < items.count else {
                if newValue == nil { return }
                throw LedgerError.badRequest("position \(i) is outside the list")
            }
            if rest.isEmpty {
                if let newValue { items[i] = newValue } else { items.remove(at: i) }
            } else {
                try set(&items[i], rest, value: newValue)
            }
            value = IonValue(.list(items), annotations: value.annotations)
        }
    }
}
