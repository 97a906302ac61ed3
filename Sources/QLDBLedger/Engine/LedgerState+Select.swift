import Foundation
import Ion
import QLDBHashing

/// SELECT: the rows of the FROM sources, filtered, projected, read through indexes where it can.
extension LedgerState {
    func select(_ query: Query, evaluator: Evaluator, txn: inout LedgerTransaction) throws(LedgerError)
        -> [IonValue]
    {
        var rows: [Bindings] = [Bindings()]
        let single = query.from.count == 1
        for item in query.from {
            var next: [Bindings] = []
            let source = try rowsOf(
                item, query: query, singleSource: single, evaluator: evaluator, outer: rows, txn: &txn)
            for outer in rows {
                for (value, id, position) in try source(outer) {
                    var bindings = outer
                    bindings.names.append((item.alias, value))
                    bindings.sources.append(item.alias)
                    if let by = item.byVariable { bindings.names.append((by, id.map { .string($0) } ?? .null)) }
                    if let at = item.atVariable { bindings.names.append((at, position.map { .int($0) } ?? nil)) }
                    if let condition = item.condition,
                        evaluator.truth(try evaluator.evaluate(condition, bindings)) != true
                    {
                        continue
                    }
                    next.append(bindings)
                }
            }
            rows = next
        }
        if let condition = query.whereClause {
            var kept: [Bindings] = []
            for row in rows where evaluator.truth(try evaluator.evaluate(condition, row)) == true { kept.append(row) }
            rows = kept
        }
        switch query.projection {
        case .star:
            var results: [IonValue] = []
            for row in rows {
                let values = row.sources.compactMap { row.lookup($0, quoted: true) ?? nil }
                if values.count == 1 {
                    results.append(values[0])
                } else {
                    var merged = IonStruct()
                    for value in values {
                        for field in value.structValue ?? IonStruct() {
                            merged.append(name: field.name, value: field.value)
                        }
                    }
                    results.append(.struct(merged))
                }
            }
            return results
        case .value(let expression):
            var results: [IonValue] = []
            for row in rows { if let v = try evaluator.evaluate(expression, row) { results.append(v) } }
            return results
        case .items(let items):
            if items.count == 1, case .countStar = items[0].0 {
                return [.struct(IonStruct([.init(name: IonSymbol(items[0].1 ?? "_1"), value: .int(rows.count))]))]
            }
            var results: [IonValue] = []
            for row in rows {
                var out = IonStruct()
                for (index, (expression, alias)) in items.enumerated() {
                    let name = alias ?? Self.defaultName(expression) ?? "_\(index + 1)"
                    if let value = try evaluator.evaluate(expression, row) {
                        out.append(name: IonSymbol(name), value: value)
                    }
                }
                results.append(.struct(out))
            }
            return results
        }
    }

    static func defaultName(_ expression: Expression) -> String? {
        switch expression {
        case .variable(let name, _), .field(_, let name): name
        default: nil
        }
    }

    /// A function giving the rows of a FROM item for the bindings of the items before it.
    func rowsOf(
        _ item: FromItem, query: Query, singleSource: Bool, evaluator: Evaluator, outer: [Bindings],
        txn: inout LedgerTransaction
    ) throws(LedgerError) -> (Bindings) throws(LedgerError) -> [(IonValue, String?, Int?)] {
        switch item.kind {
        case .table(let name):
            if name.lowercased() == "information_schema.user_tables" { break }
            let table = try self.table(named: name, in: &txn)
            let plan = plan(
                for: item, table: table, whereClause: query.whereClause, singleSource: singleSource,
                evaluator: evaluator)
            let rows = documents(of: table, plan: plan, txn: &txn).map { ($0.data, Optional($0.id), Int?.none) }
            return { _ in rows }
        case .committed(let name):
            let table = try self.table(named: name, in: &txn)
            txn.reads.tables.insert(table.id)
            let rows = table.order.compactMap { id -> (IonValue, String?, Int?)? in
                table.document(id, at: txn.snapshot).map { ($0.ionValue, id, nil) }
            }
            return { _ in rows }
        case .history(let name, let start, let end):
            txn.reads.catalog = true
            guard
                let table = activeTable(named: name, in: txn) ?? tables[name]
                    ?? tables.values.first(where: { $0.name == name })
            else {
                throw LedgerError.semantic("No such table: \(name)")
            }
            txn.reads.tables.insert(table.id)
            let from = try start.map { e throws(LedgerError) in try evaluator.evaluate(e, Bindings())?.timestampValue }
            let to = try end.map { e throws(LedgerError) in try evaluator.evaluate(e, Bindings())?.timestampValue }
            let rows = table.history.compactMap { revision -> (IonValue, String?, Int?)? in
                guard revision.blockAddress.sequenceNo <= txn.snapshot else { return nil }
                if let from = from ?? nil, revision.transactionTime.date < from.date { return nil }
                if let to = to ?? nil, revision.transactionTime.date > to.date { return nil }
                return (revision.ionValue, revision.documentID, nil)
            }
            return { _ in rows }
        case .userTables:
            txn.reads.catalog = true
            var all = Array(tables.values) + Array(txn.createdTables.values)
            all.sort { $0.name < $1.name }
            let rows = all.map { table -> (IonValue, String?, Int?) in
                let indexes: [IonValue] = table.indexes.map {
                    ["indexId": .string($0.id), "expr": .string("[\($0.field)]"), "status": "ONLINE"]
                }
                let value: IonValue = [
                    "tableId": .string(table.id), "name": .string(table.name), "indexes": .list(indexes),
                    "status": .string(table.active ? "ACTIVE" : "INACTIVE"),
                ]
                return (value, nil, nil)
            }
            return { _ in rows }
        case .expression(let expression):
            return { bindings throws(LedgerError) in
                guard let value = try evaluator.evaluate(expression, bindings) else { return [] }
                switch value.content {
                case .list(let items), .sexp(let items): return items.enumerated().map { ($1, nil, $0) }
                default: return [(value, nil, nil)]
                }
            }
        }
        return { _ in [] }
    }
}
