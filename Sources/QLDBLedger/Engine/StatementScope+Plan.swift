import Ion
import QLDBPartiQL

extension StatementScope {
    /// The narrowest read the WHERE clause allows for a table item: the documents named by an
    /// equality (or IN) on its `BY` variable, or the documents an equality (or IN) on an indexed
    /// top-level field with constant values selects; otherwise a scan. Only conjuncts of the
    /// top-level AND are used, so every row the clause can accept is read.
    static func plan(
        for item: FromItem, table: TableDefinition, whereClause: Expression?, isOnlySource: Bool, evaluator: Evaluator
    ) -> ReadPlan {
        guard let whereClause else { return .scan }
        var conjuncts: [Expression] = []
        var pending = [whereClause]
        while let e = pending.popLast() {
            if case .binary(.and, let l, let r) = e.kind {
                pending.append(r)
                pending.append(l)
            } else {
                conjuncts.append(e)
            }
        }
        let indexed = Set(table.indexes.map(\.field))
        /// The field (or BY variable) an operand names: `alias.field`, `alias["field"]`, or for a
        /// single source an unqualified `field`.
        func field(_ e: Expression) -> String? {
            switch e.kind {
            case .path(let base, let steps):
                guard steps.count == 1, case .field(let name, _) = steps[0],
                    case .variable(let root, _, _) = base.kind, root == item.alias
                else { return nil }
                return name
            case .variable(let name, _, let scopeOnly):
                if name == item.byVariable { return name }
                return isOnlySource && !scopeOnly && name != item.alias ? name : nil
            default: return nil
            }
        }
        func constant(_ e: Expression) -> IonValue? {
            switch e.kind {
            case .literal, .parameter: return (try? evaluator.evaluate(e, in: Environment())) ?? nil
            default: return nil
            }
        }
        var best: ReadPlan = .scan
        for conjunct in conjuncts {
            var target: String?
            var values: [IonValue] = []
            switch conjunct.kind {
            case .binary(.equal, let l, let r):
                if let f = field(l), let v = constant(r) {
                    target = f
                    values = [v]
                } else if let f = field(r), let v = constant(l) {
                    target = f
                    values = [v]
                }
            case .inCollection(let l, let r, negated: false):
                guard let f = field(l) else { break }
                if case .list(let items) = r.kind {
                    let constants = items.compactMap(constant)
                    if constants.count == items.count {
                        target = f
                        values = constants
                    }
                } else if case .parameter = r.kind, let list = constant(r), case .list(let items) = list.content {
                    target = f
                    values = items
                }
            default: break
            }
            guard let target else { continue }
            if let by = item.byVariable, target == by {
                return .documents(Set(values.compactMap(\.stringValue)))
            }
            if indexed.contains(target), case .scan = best { best = .values(field: target, values: values) }
        }
        return best
    }
}
