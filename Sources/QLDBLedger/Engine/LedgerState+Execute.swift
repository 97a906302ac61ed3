import Foundation
import Ion
import QLDBHashing

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

    func checkSize(_ data: IonValue, txn: inout LedgerTransaction) throws(LedgerError) {
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

    func checkDocumentCount(_ txn: LedgerTransaction) throws(LedgerError) {
        guard txn.writes.count <= limits.documentsPerTransaction else {
            throw LedgerError.badRequest(
                "Transaction exceeds the limit of \(limits.documentsPerTransaction) documents changed (\(txn.writes.count))"
            )
        }
    }

    /// The documents an UPDATE or DELETE acts on, each recorded as read (a write depends on it).
    func matching(
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

    func binding(_ item: FromItem, data: IonValue, id: String) -> Bindings {
        var bindings = Bindings()
        bindings.names.append((item.alias, data))
        if let by = item.byVariable { bindings.names.append((by, .string(id))) }
        bindings.sources = [item.alias]
        return bindings
    }
}
