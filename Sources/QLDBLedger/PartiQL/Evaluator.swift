import Foundation
import Ion

/// Variables in scope while an expression is evaluated: FROM aliases, AT and BY variables.
/// `nil` stands for PartiQL's MISSING.
struct Bindings {
    var names: [(String, IonValue?)] = []
    /// Aliases whose values are searched for unqualified field names.
    var sources: [String] = []

    func lookup(_ name: String, quoted: Bool) -> IonValue?? {
        if let hit = names.last(where: { $0.0 == name }) { return .some(hit.1) }
        if !quoted, let hit = names.last(where: { $0.0.lowercased() == name.lowercased() }) { return .some(hit.1) }
        return .none
    }
}

/// Evaluates expressions with PartiQL's three-valued logic (MISSING and NULL are not true).
struct Evaluator {
    let parameters: [IonValue]

    func evaluate(_ expression: Expression, _ bindings: Bindings) throws(LedgerError) -> IonValue? {
        switch expression {
        case .literal(let v): return v
        case .missing: return nil
        case .parameter(let i):
            guard i < parameters.count else {
                throw LedgerError.badRequest(
                    "the statement has more ? placeholders than the \(parameters.count) parameters sent")
            }
            return parameters[i]
        case .variable(let name, let quoted):
            if let bound = bindings.lookup(name, quoted: quoted) { return bound }
            for source in bindings.sources {
                if let value = bindings.lookup(source, quoted: true), let structure = value?.structValue,
                    let field = structure[name]
                {
                    return field
                }
            }
            return nil
        case .field(let base, let name):
            return try evaluate(base, bindings)?.structValue?[name]
        case .index(let base, let index):
            guard let container = try evaluate(base, bindings), let key = try evaluate(index, bindings) else {
                return nil
            }
            if let i = key.intValue {
                switch container.content {
                case .list(let items), .sexp(let items): return i >= 0 && i < items.count ? items[i] : nil
                default: return nil
                }
            }
            if let name = key.stringValue { return container.structValue?[name] }
            return nil
        case .structure(let fields):
            var result = IonStruct()
            for (keyExpression, valueExpression) in fields {
                guard let key = try evaluate(keyExpression, bindings)?.stringValue else {
                    throw LedgerError.semantic("a struct field name must be a string")
                }
                if let value = try evaluate(valueExpression, bindings) {
                    result.append(name: IonSymbol(key), value: value)
                }
            }
            return .struct(result)
        case .list(let items):
            var values: [IonValue] = []
            for item in items { if let v = try evaluate(item, bindings) { values.append(v) } }
            return .list(values)
        case .bag(let items):
            var values: [IonValue] = []
            for item in items { if let v = try evaluate(item, bindings) { values.append(v) } }
            return IonValue.list(values).annotated(with: IonSymbol("$bag"))
        case .unary("NOT", let operand):
            guard let v = try evaluate(operand, bindings) else { return nil }
            guard let b = v.boolValue else { return .null }
            return .bool(!b)
        case .unary(_, let operand):
            guard let v = try evaluate(operand, bindings) else { return nil }
            return try arithmetic("-", .int(0), v)
        case .binary("AND", let l, let r):
            let left = truth(try evaluate(l, bindings))
            if left == false { return .bool(false) }
            let right = truth(try evaluate(r, bindings))
            if right == false { return .bool(false) }
            if left == true && right == true { return .bool(true) }
            return .null
        case .binary("OR", let l, let r):
            let left = truth(try evaluate(l, bindings))
            if left == true { return .bool(true) }
            let right = truth(try evaluate(r, bindings))
            if right == true { return .bool(true) }
            if left == false && right == false { return .bool(false) }
            return .null
        case .binary(let op, let l, let r):
            guard let left = try evaluate(l, bindings), let right = try evaluate(r, bindings) else { return nil }
            switch op {
            case "=": return left.isNull || right.isNull ? .null : .bool(Self.equal(left, right))
            case "<>": return left.isNull || right.isNull ? .null : .bool(!Self.equal(left, right))
            case "<", "<=", ">", ">=":
                guard let order = Self.compare(left, right) else { return .null }
                switch op {
                case "<": return .bool(order < 0)
                case "<=": return .bool(order <= 0)
                case ">": return .bool(order > 0)
                default: return .bool(order >= 0)
                }
            case "||":
                guard let a = left.stringValue, let b = right.stringValue else { return .null }
                return .string(a + b)
            default: return try arithmetic(op, left, right)
            }
        case .isNull(let operand, let negated):
            let v = try evaluate(operand, bindings)
            let isNull = v == nil || v!.isNull
            return .bool(isNull != negated)
        case .isMissing(let operand, let negated):
            return .bool((try evaluate(operand, bindings) == nil) != negated)
        case .inList(let operand, let list, let negated):
            guard let v = try evaluate(operand, bindings) else { return nil }
            guard let container = try evaluate(list, bindings) else { return nil }
            let items: [IonValue]
            switch container.content {
            case .list(let x), .sexp(let x): items = x
            default: items = [container]
            }
            let found = items.contains { Self.equal(v, $0) }
            return .bool(found != negated)
        case .between(let operand, let low, let high, let negated):
            guard let v = try evaluate(operand, bindings), let lo = try evaluate(low, bindings),
                let hi = try evaluate(high, bindings), let a = Self.compare(v, lo), let b = Self.compare(v, hi)
            else { return .null }
            return .bool((a >= 0 && b <= 0) != negated)
        case .like(let operand, let pattern, let negated):
            guard let text = try evaluate(operand, bindings)?.stringValue,
                let p = try evaluate(pattern, bindings)?.stringValue
            else { return .null }
            return .bool(Self.like(text, p) != negated)
        case .call(let name, let args):
            var values: [IonValue?] = []
            for arg in args { values.append(try evaluate(arg, bindings)) }
            return try call(name, values)
        case .countStar:
            throw LedgerError.semantic("COUNT(*) is allowed only as the whole SELECT list")
        }
    }

    func truth(_ value: IonValue?) -> Bool? { value?.boolValue }

    private func call(_ name: String, _ args: [IonValue?]) throws(LedgerError) -> IonValue? {
        func arity(_ n: Int) throws(LedgerError) {
            guard args.count == n else {
                throw LedgerError.semantic("\(name) takes \(n) argument(s), got \(args.count)")
            }
        }
        switch name {
        case "UPPER":
            try arity(1)
            return args[0]?.stringValue.map { .string($0.uppercased()) } ?? .null
        case "LOWER":
            try arity(1)
            return args[0]?.stringValue.map { .string($0.lowercased()) } ?? .null
        case "CHAR_LENGTH", "CHARACTER_LENGTH":
            try arity(1)
            return args[0]?.stringValue.map { .int($0.count) } ?? .null
        case "SIZE", "CARDINALITY":
            try arity(1)
            switch args[0]?.content {
            case .list(let x), .sexp(let x): return .int(x.count)
            case .struct(let s): return .int(s.count)
            default: return .null
            }
        case "EXISTS":
            try arity(1)
            switch args[0]?.content {
            case .list(let x), .sexp(let x): return .bool(!x.isEmpty)
            default: return .bool(false)
            }
        case "COALESCE":
            return args.first { $0 != nil && !$0!.isNull } ?? .null
        default:
            throw LedgerError.semantic("the function \(name) is not supported")
        }
    }

    private func arithmetic(_ op: String, _ left: IonValue, _ right: IonValue) throws(LedgerError) -> IonValue {
        if left.isNull || right.isNull { return .null }
        if let a = left.ionIntValue?.int64Value, let b = right.ionIntValue?.int64Value {
            switch op {
            case "+":
                let (r, o) = a.addingReportingOverflow(b)
                if !o { return .int(r) }
            case "-":
                let (r, o) = a.subtractingReportingOverflow(b)
                if !o { return .int(r) }
            case "*":
                let (r, o) = a.multipliedReportingOverflow(by: b)
                if !o { return .int(r) }
            case "/":
                guard b != 0 else { throw LedgerError.badRequest("Division by zero") }
                return .int(a / b)
            case "%":
                guard b != 0 else { throw LedgerError.badRequest("Division by zero") }
                return .int(a % b)
            default: break
            }
            throw LedgerError.badRequest("Integer overflow in \(a) \(op) \(b)")
        }
        guard let a = Self.number(left), let b = Self.number(right) else {
            throw LedgerError.badRequest("\(op) needs numbers, got \(left.type) and \(right.type)")
        }
        switch op {
        case "+": return .float(a + b)
        case "-": return .float(a - b)
        case "*": return .float(a * b)
        case "/": return .float(a / b)
        default: return .float(a.truncatingRemainder(dividingBy: b))
        }
    }

    static func number(_ value: IonValue) -> Double? {
        switch value.content {
        case .int(let i): return i.int64Value.map(Double.init) ?? Double(i.description)
        case .float(let d): return d
        case .decimal(let d): return Double(d.description.replacingOccurrences(of: "d", with: "e"))
        default: return nil
        }
    }

    /// PartiQL equality: numbers compare by value across int, decimal and float; other values by
    /// Ion equivalence without annotations.
    static func equal(_ a: IonValue, _ b: IonValue) -> Bool {
        if let x = number(a), let y = number(b) {
            if let i = a.ionIntValue, let j = b.ionIntValue { return i == j }
            return x == y
        }
        if let x = a.stringValue, let y = b.stringValue, a.type == b.type || (a.type.isText && b.type.isText) {
            return x == y
        }
        if let x = a.timestampValue, let y = b.timestampValue { return x.isSameInstant(as: y) }
        return IonValue(a.content) == IonValue(b.content)
    }

    /// Ordering of comparable values (numbers, text, timestamps, booleans); `nil` when they are not comparable.
    static func compare(_ a: IonValue, _ b: IonValue) -> Int? {
        if let x = number(a), let y = number(b) {
            if let i = a.ionIntValue, let j = b.ionIntValue { return i == j ? 0 : (i < j ? -1 : 1) }
            return x == y ? 0 : (x < y ? -1 : 1)
        }
        if a.type.isText, b.type.isText, let x = a.stringValue, let y = b.stringValue {
            return x == y ? 0 : (x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars) ? -1 : 1)
        }
        if let x = a.timestampValue, let y = b.timestampValue {
            let dx = x.date
            let dy = y.date
            return dx == dy ? 0 : (dx < dy ? -1 : 1)
        }
        if let x = a.boolValue, let y = b.boolValue { return x == y ? 0 : (!x ? -1 : 1) }
        return nil
    }

    static func like(_ text: String, _ pattern: String) -> Bool {
        let t = Array(text)
        let p = Array(pattern)
        func match(_ i: Int, _ j: Int) -> Bool {
            if j == p.count { return i == t.count }
            if p[j] == "%" { return (i...t.count).contains { match($0, j + 1) } }
            guard i < t.count else { return false }
            return (p[j] == "_" || p[j] == t[i]) && match(i + 1, j + 1)
        }
        return match(0, 0)
    }
}

extension IonType {
    var isText: Bool { self == .string || self == .symbol }
}
