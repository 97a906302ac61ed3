import Ion
import QLDBHashing
import QLDBPartiQL

/// The rows fetched from the store for one table item of a statement, before it runs: the table,
/// the narrowest read its WHERE clause allows, and the revisions at the transaction's snapshot
/// (for `history()`, every revision up to it).
struct FetchedRows: Sendable {
    var table: TableDefinition
    var plan: ReadPlan
    var revisions: [Revision]
}

/// What one statement sees: its transaction's catalog and writes, and the rows fetched for its
/// table items. Running a statement is pure: the store was read before, so nothing here waits
/// and no lock is held.
struct StatementScope: Sendable {
    let limits: LedgerLimits
    /// By the position of the FROM item they were fetched for.
    let fetched: [SourcePosition: FetchedRows]

    // MARK: Catalog

    func activeTable(named name: String, in txn: LedgerTransaction) -> TableDefinition? {
        if let created = txn.createdTables.values.first(where: { $0.name == name && $0.active }) { return created }
        return txn.catalog.activeTable(named: name)
    }

    func table(named name: String, in txn: inout LedgerTransaction) throws(LedgerError) -> TableDefinition {
        txn.reads.catalog = true
        guard let table = activeTable(named: name, in: txn) else {
            throw LedgerError.semantic("No such variable named '\(name)'")
        }
        return table
    }

    /// Runs one parsed statement inside `txn` and returns its result values.
    ///
    /// `interruption` is asked every few thousand steps and rows; when it gives a reason the
    /// statement stops with `InvalidSessionException` carrying it (the transaction expired).
    func execute(
        _ statement: Statement, context: EvaluationContext, txn: inout LedgerTransaction,
        interruption: (@Sendable () -> String?)? = nil
    ) throws(LedgerError) -> [IonValue] {
        let reader = TransactionReader(scope: self, txn: txn)
        defer { txn = reader.txn }
        let budget = EvaluationBudget(maxSteps: limits.evaluationSteps, maxRows: limits.evaluationRows)
        let evaluator = Evaluator(context: context, budget: budget, source: reader, interruption: interruption)
        do {
            return try run(statement, evaluator: evaluator, reader: reader)
        } catch let error as PartiQLError where error.kind == .cancelled {
            throw LedgerError.invalidSession(error.reason)
        } catch let error as PartiQLError {
            throw LedgerError.badRequest(error.description)
        } catch let error as LedgerError {
            throw error
        } catch {
            throw LedgerError.badRequest("\(error)")
        }
    }

    private func run(_ statement: Statement, evaluator: Evaluator, reader: TransactionReader) throws -> [IonValue] {
        switch statement {
        case .createTable(let name, let tags):
            reader.txn.reads.catalog = true
            if let problem = ResourceTagRules.problem(with: tags) {
                throw LedgerError.badRequest("aws_tags: \(problem)")
            }
            guard activeTable(named: name, in: reader.txn) == nil else {
                throw LedgerError.badRequest("Table with name: \(name) already exists")
            }
            let tables = reader.txn.catalog.tables
            let all = tables.count + reader.txn.createdTables.count
            let active = tables.values.filter(\.active).count + reader.txn.createdTables.count
            guard active < limits.activeTables, all < limits.totalTables else {
                throw LedgerError.badRequest(
                    "Exceeded the limit of \(limits.activeTables) active tables or \(limits.totalTables) tables in all")
            }
            let id = LedgerIdentifiers.random()
            reader.txn.createdTables[id] = TableDefinition(id: id, name: name)
            reader.txn.catalogChanges.append(.createTable(id: id, name: name))
            if !tags.isEmpty { reader.txn.tableTags[id] = tags }
            return [["tableId": .string(id)]]
        case .createIndex(let tableName, let field):
            var table = try self.table(named: tableName, in: &reader.txn)
            guard !table.indexes.contains(where: { $0.field == field }) else {
                throw LedgerError.badRequest("An index on \(field) already exists on table \(tableName)")
            }
            guard table.indexes.count < limits.indexesPerTable else {
                throw LedgerError.badRequest(
                    "Exceeded the limit of \(limits.indexesPerTable) indexes on table \(tableName)")
            }
            let index = IndexDefinition(id: LedgerIdentifiers.random(), field: field)
            if reader.txn.createdTables[table.id] != nil {
                table.indexes.append(index)
                reader.txn.createdTables[table.id] = table
            }
            reader.txn.catalogChanges.append(.createIndex(table: table.id, index: index))
            return [["tableId": .string(table.id)]]
        case .dropIndex(let indexID, let tableName):
            let table = try self.table(named: tableName, in: &reader.txn)
            guard table.indexes.contains(where: { $0.id == indexID }) else {
                throw LedgerError.badRequest("No index with id \(indexID) on table \(tableName)")
            }
            reader.txn.catalogChanges.append(.dropIndex(table: table.id, indexID: indexID))
            return [["tableId": .string(table.id)]]
        case .dropTable(let name):
            let table = try self.table(named: name, in: &reader.txn)
            reader.txn.catalogChanges.append(.dropTable(id: table.id))
            return [["tableId": .string(table.id)]]
        case .undropTable(let nameOrID):
            reader.txn.reads.catalog = true
            let tables = reader.txn.catalog.tables
            guard let table = tables[nameOrID] ?? tables.values.first(where: { $0.name == nameOrID && !$0.active })
            else {
                throw LedgerError.badRequest("No dropped table with id or name \(nameOrID)")
            }
            guard !table.active else { throw LedgerError.badRequest("Table \(table.name) is active") }
            guard activeTable(named: table.name, in: reader.txn) == nil else {
                throw LedgerError.badRequest("Table with name: \(table.name) already exists")
            }
            reader.txn.catalogChanges.append(.undropTable(id: table.id))
            return [["tableId": .string(table.id)]]
        case .insert(let tableName, let valueExpression):
            return try insert(into: tableName, valueExpression, evaluator: evaluator, txn: &reader.txn)
        case .select(let query):
            return try evaluator.select(query)
        case .update(let from, let edits, let whereClause):
            return try update(from: from, edits: edits, whereClause: whereClause, evaluator: evaluator, reader: reader)
        case .delete(let target, let whereClause):
            return try update(
                from: [target],
                edits: [
                    .remove(Expression(.variable(target.alias, quoted: true, scopeOnly: true), at: target.position))
                ],
                whereClause: whereClause, evaluator: evaluator, reader: reader)
        case .exec(let procedure, _):
            // `Ledger.execute` runs stored procedures before a statement scope is made.
            throw LedgerError.badRequest("EXEC \(procedure) cannot run inside another statement")
        }
    }

    private func insert(
        into tableName: String, _ valueExpression: Expression, evaluator: Evaluator, txn: inout LedgerTransaction
    ) throws -> [IonValue] {
        let table = try self.table(named: tableName, in: &txn)
        guard let value = try evaluator.evaluate(valueExpression, in: Environment()) else {
            throw LedgerError.badRequest("INSERT INTO \(tableName): the value is MISSING")
        }
        let documents: [IonValue]
        switch value.content {
        case .struct: documents = [value]
        case .list(let items), .sexp(let items):
            documents = items
            guard items.allSatisfy({ $0.type == .struct && !$0.isNull }) else {
                throw LedgerError.badRequest("INSERT INTO \(tableName): every document of the bag must be a struct")
            }
        default:
            throw LedgerError.badRequest(
                "INSERT INTO \(tableName): the value must be a struct or a bag of structs, not \(value.type)")
        }
        var results: [IonValue] = []
        for document in documents {
            let data = IonValue(document.content)
            try checkSize(data, txn: &txn)
            let id = LedgerIdentifiers.timeOrdered()
            txn.write(DocumentKey(table: table.id, document: id), data: data, isInsert: true)
            results.append(["documentId": .string(id)])
        }
        try checkDocumentCount(txn)
        return results
    }

    func checkSize(_ data: IonValue, txn: inout LedgerTransaction) throws(LedgerError) {
        let size = (try? IonValue.encodedBinaryCount([data])) ?? 0
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
}
