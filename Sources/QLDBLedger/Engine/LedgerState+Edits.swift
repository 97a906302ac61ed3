import Foundation
import Ion
import QLDBHashing

/// UPDATE's SET and REMOVE: the paths they name and their application to a document.
extension LedgerState {
    func path(_ expression: Expression, target: FromItem, bindings: Bindings, evaluator: Evaluator)
        throws(LedgerError) -> [PathComponent]
    {
        switch expression {
        case .variable(let name, _):
            if name == target.alias { return [] }
            return [.field(name)]
        case .field(let base, let name):
            return try path(base, target: target, bindings: bindings, evaluator: evaluator) + [.field(name)]
        case .index(let base, let index):
            let prefix = try path(base, target: target, bindings: bindings, evaluator: evaluator)
            guard let key = try evaluator.evaluate(index, bindings) else {
                throw LedgerError.semantic("a path index is MISSING")
            }
            if let i = key.intValue { return prefix + [.index(i)] }
            if let s = key.stringValue { return prefix + [.field(s)] }
            throw LedgerError.semantic("a path index must be an integer or a string")
        default:
            throw LedgerError.semantic("the target of SET, REMOVE or INSERT INTO must be a path into \(target.alias)")
        }
    }

    func apply(
        _ edit: Edit, to document: inout IonValue, target: FromItem, bindings: Bindings, evaluator: Evaluator
    )
        throws(LedgerError)
    {
        switch edit {
        case .set(let pathExpression, let valueExpression):
            let components = try path(pathExpression, target: target, bindings: bindings, evaluator: evaluator)
            guard !components.isEmpty else { throw LedgerError.semantic("SET cannot replace the whole document") }
            let value = try evaluator.evaluate(valueExpression, bindings)
            try Self.set(&document, components[...], value: value)
        case .remove(let pathExpression):
            let components = try path(pathExpression, target: target, bindings: bindings, evaluator: evaluator)
            guard !components.isEmpty else {
                throw LedgerError.semantic("REMOVE cannot remove the whole document; use DELETE")
            }
            try Self.set(&document, components[...], value: nil)
        case .insert(let pathExpression, let valueExpression, let at):
            let components = try path(pathExpression, target: target, bindings: bindings, evaluator: evaluator)
            guard let value = try evaluator.evaluate(valueExpression, bindings) else { return }
            let key = try at.map { e throws(LedgerError) in try evaluator.evaluate(e, bindings) } ?? nil
            var container = Self.get(document, components[...])
            switch container?.content {
            case .list(var items):
                if let i = key?.intValue {
                    guard i >= 0 && i <= items.count else {
                        throw LedgerError.badRequest("INSERT INTO position \(i) is outside the list")
                    }
                    items.insert(value, at: i)
                } else {
                    items.append(value)
                }
                container = IonValue(.list(items), annotations: container!.annotations)
            case .struct(var fields):
                guard let name = key?.stringValue else {
                    throw LedgerError.badRequest("INSERT INTO a struct needs AT with the field name")
                }
                guard fields[name] == nil else {
                    throw LedgerError.badRequest("INSERT INTO: the field \(name) already exists")
                }
                fields[name] = value
                container = IonValue(.struct(fields), annotations: container!.annotations)
            default:
                throw LedgerError.badRequest("INSERT INTO needs a list or a struct at the path")
            }
            if components.isEmpty {
                document = container!
            } else {
                try Self.set(&document, components[...], value: container)
            }
        }
    }
}
