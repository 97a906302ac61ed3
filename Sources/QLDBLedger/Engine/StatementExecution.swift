import Foundation
import Ion
import QLDBHashing

/// A path inside a document: field names and list positions.
enum PathComponent {
    case field(String)
    case index(Int)
}

extension LedgerState {
    /// Runs one parsed statement inside `txn` and returns its result values.
    func execute(_ statement: Statement, parameters: [IonValue], txn: inout LedgerTransaction) throws(LedgerError)
        -> [IonValue]
    {
        let evaluator = Evaluator(parameters: parameters)
        switch statement {
        case .createTable(let name):
            txn.reads.catalog = true
            guard activeTable(named: name, in: txn) == nil else {
                throw LedgerError.badRequest("Table with name: \(name) already exists")
            }
            let all = tables.count + txn.createdTables.count
            let active = tables.values.filter(\.active).count + txn.createdTables.count
            guard active < limits.activeTables, all < limits.totalTables else {
                throw LedgerError.badRequest(
                    "Exceeded the limit of \(limits.activeTables) active tables or \(limits.totalTables) tables in all")
            }
            let id = LedgerIdentifiers.random()
            txn.createdTables[id] = TableState(id: id, name: name)
            txn.catalogChanges.append(.createTable(id: id, name: name))
            return [["tableId": .string(id)]]
        case .createIndex(let tableName, let field):
            var table = try self.table(named: tableName, in: &txn)
            guard !table.indexes.contains(where: { $0.field == field }) else {
                throw LedgerError.badRequest("An index on \(field) already exists on table \(tableName)")
            }
            guard table.indexes.count < limits.indexesPerTable else {
                throw LedgerError.badRequest(
                    "Exceeded the limit of \(limits.indexesPerTable) indexes on table \(tableName)")
            }
            let index = IndexDefinition(id: LedgerIdentifiers.random(), field: field)
            if txn.createdTables[table.id] != nil {
                table.addIndex(index)
                txn.createdTables[table.id] = table
            }
            txn.catalogChanges.append(.createIndex(table: table.id, index: index))
            return [["tableId": .string(table.id)]]
        case .dropIndex(let indexID, let tableName):
            let table = try self.table(named: tableName, in: &txn)
            guard table.indexes.contains(where: { $0.id == indexID }) else {
                throw LedgerError.badRequest("No index with id \(indexID) on table \(tableName)")
            }
            txn.catalogChanges.append(.dropIndex(table: table.id, indexID: indexID))
            return [["tableId": .string(table.id)]]
        case .dropTable(let name):
            let table = try self.table(named: name, in: &txn)
            txn.catalogChanges.append(.dropTable(id: table.id))
            return [["tableId": .string(table.id)]]
        case .undropTable(let nameOrID):
            txn.reads.catalog = true
            guard let table = tables[nameOrID] ?? tables.values.first(where: { $0.name == nameOrID && !$0.active })
            else {
                throw LedgerError.badRequest("No dropped table with id or name \(nameOrID)")
            }
            guard !table.active else { throw LedgerError.badRequest("Table \(table.name) is active") }
            guard activeTable(named: table.name, in: txn) == nil else {
                throw LedgerError.badRequest("Table with name: \(table.name) already exists")
            }
            txn.catalogChanges.append(.undropTable(id: table.id))
            return [["tableId": .string(table.id)]]
        case .insert(let tableName, let valueExpression):
            let table = try self.table(named: tableName, in: &txn)
            guard let value = try evaluator.evaluate(valueExpression, Bindings()) else {
                throw LedgerError.semantic("INSERT INTO \(tableName) needs a value")
            }
            let documents: [IonValue]
            switch value.content {
            case .struct: documents = [value]
            case .list(let items), .sexp(let items):
                documents = items
                guard items.allSatisfy({ $0.type == .struct && !$0.isNull }) else {
                    throw LedgerError.badRequest(
                        "INSERT INTO \(tableName): every document of the list must be a struct")
                }
            default:
                throw LedgerError.badRequest(
                    "INSERT INTO \(tableName): the value must be a struct or a list of structs, not \(value.type)")
            }
            var results: [IonValue] = []
            for document in documents {
                let data = IonValue(document.content)
                try checkSize(data, txn: &txn)
                let id = LedgerIdentifiers.random()
                txn.write(DocumentKey(table: table.id, document: id), data: data, isInsert: true)
                results.append(["documentId": .string(id)])
            }
            try checkDocumentCount(txn)
            return results
        case .select(let query):
            return try select(query, evaluator: evaluator, txn: &txn)
        case .update(let target, let edits, let whereClause):
            guard case .table(let tableName) = target.kind else { throw LedgerError.semantic("UPDATE needs a table") }
            let table = try self.table(named: tableName, in: &txn)
            var results: [IonValue] = []
            for (id, data, bindings) in try matching(target, table, whereClause, evaluator, &txn) {
                var updated = data
                for edit in edits {
                    try apply(edit, to: &updated, target: target, bindings: bindings, evaluator: evaluator)
                }
                try checkSize(updated, txn: &txn)
                txn.write(DocumentKey(table: table.id, document: id), data: updated, isInsert: false)
                results.append(["documentId": .string(id)])
            }
            try checkDocumentCount(txn)
            return results
        case .delete(let target, let whereClause):
            guard case .table(let tableName) = target.kind else { throw LedgerError.semantic("DELETE needs a table") }
            let table = try self.table(named: tableName, in: &txn)
            var results: [IonValue] = []
            for (id, _, _) in try matching(target, table, whereClause, evaluator, &txn) {
                txn.write(DocumentKey(table: table.id, document: id), data: nil, isInsert: false)
                results.append(["documentId": .string(id)])
            }
            try checkDocumentCount(txn)
            return results
        }
    }

    private func checkSize(_ data: IonValue, txn: inout LedgerTransaction) throws(LedgerError) {
        let size = (try? IonValue.encode(binary: [data]).count) ?? 0
        guard size <= limits.documentBytes else {
            throw LedgerError.badRequest(
                "Document size \(size) bytes exceeds the limit of \(limits.documentBytes) bytes")
        }
        txn.writtenBytes += size
        guard txn.writtenBytes <= limits.transactionBytes else {
            throw LedgerError.badRequest("Transaction size exceeds the limit of \(limits.transactionBytes) bytes")
        }
    }

    private func checkDocumentCount(_ txn: LedgerTransaction) throws(LedgerError) {
        guard txn.writes.count <= limits.documentsPerTransaction else {
            throw LedgerError.badRequest(
                "Transaction exceeds the limit of \(limits.documentsPerTransaction) documents changed (\(txn.writes.count))"
            )
        }
    }

    /// The documents an UPDATE or DELETE acts on, each recorded as read (a write depends on it).
    private func matching(
        _ target: FromItem, _ table: TableState, _ whereClause: Expression?, _ evaluator: Evaluator,
        _ txn: inout LedgerTransaction
    ) throws(LedgerError) -> [(id: String, data: IonValue, bindings: Bindings)] {
        let plan = plan(for: target, table: table, whereClause: whereClause, singleSource: true, evaluator: evaluator)
        var rows: [(id: String, data: IonValue, bindings: Bindings)] = []
        for (id, data) in documents(of: table, plan: plan, txn: &txn) {
            let bindings = binding(target, data: data, id: id)
            if let whereClause, evaluator.truth(try evaluator.evaluate(whereClause, bindings)) != true { continue }
            txn.reads.documents.insert(DocumentKey(table: table.id, document: id))
            rows.append((id, data, bindings))
        }
        return rows
    }

    private func binding(_ item: FromItem, data: IonValue, id: String) -> Bindings {
        var bindings = Bindings()
        bindings.names.append((item.alias, data))
        if let by = item.byVariable { bindings.names.append((by, .string(id))) }
        bindings.sources = [item.alias]
        return bindings
    }

    // MARK: SELECT

    private func select(_ query: Query, evaluator: Evaluator, txn: inout LedgerTransaction) throws(LedgerError)
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
    private func rowsOf(
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

    // MARK: Edits

    private func path(_ expression: Expression, target: FromItem, bindings: Bindings, evaluator: Evaluator)
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

    private func apply(
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
