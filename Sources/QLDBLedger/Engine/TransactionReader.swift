import Ion
import QLDBPartiQL

/// The stored rows a statement reads, seen from one transaction: the rows fetched at its
/// snapshot plus its own writes. Every read is recorded in the transaction's read set for the
/// OCC check at commit.
///
/// A class because the evaluator calls back into it while the statement runs; it lives for one
/// statement and hands the transaction back when done.
final class TransactionReader: RowSource {
    let scope: StatementScope
    var txn: LedgerTransaction

    init(scope: StatementScope, txn: LedgerTransaction) {
        self.scope = scope
        self.txn = txn
    }

    func rows(of item: FromItem, whereClause: Expression?, isOnlySource: Bool, evaluator: Evaluator)
        throws(PartiQLError) -> [SourceRow]
    {
        switch item.kind {
        case .table(let name):
            let table = try table(named: name, item)
            // A table created by this transaction has nothing stored: only its own inserts.
            let fetched = scope.fetched[item.position] ?? FetchedRows(table: table, plan: .scan, revisions: [])
            return documents(of: table, fetched: fetched).map { SourceRow(value: $0.data, documentID: $0.id) }
        case .committed(let name):
            let table = try table(named: name, item)
            txn.reads.tables.insert(table.id)
            return (scope.fetched[item.position]?.revisions ?? []).map {
                SourceRow(value: $0.ionValue, documentID: nil)
            }
        case .history:
            txn.reads.catalog = true
            guard let fetched = scope.fetched[item.position] else {
                throw PartiQLError(.semantic, "No such table: \(Self.tableName(of: item))", at: item.position)
            }
            txn.reads.tables.insert(fetched.table.id)
            guard case .history(_, let start, let end) = item.kind else { return [] }
            let from = try start.map { e throws(PartiQLError) in try evaluator.evaluate(e, in: Environment()) }
            let to = try end.map { e throws(PartiQLError) in try evaluator.evaluate(e, in: Environment()) }
            for (bound, what) in [(from, "start"), (to, "end")] {
                if let value = bound ?? nil, value.timestampValue == nil, !value.isNull {
                    throw PartiQLError(
                        .semantic, "history() \(what) time must be a timestamp, got \(value.type)", at: item.position)
                }
            }
            let fromTime = (from ?? nil)?.timestampValue
            let toTime = (to ?? nil)?.timestampValue
            return fetched.revisions.compactMap { revision in
                if let fromTime, revision.transactionTime.date < fromTime.date { return nil }
                if let toTime, revision.transactionTime.date > toTime.date { return nil }
                return SourceRow(value: revision.ionValue, documentID: revision.documentID)
            }
        case .userTables:
            txn.reads.catalog = true
            var all = Array(txn.catalog.tables.values) + Array(txn.createdTables.values)
            all.sort { $0.name < $1.name }
            return all.map { table in
                let indexes: [IonValue] = table.indexes.map {
                    ["indexId": .string($0.id), "expr": .string("[\($0.field)]"), "status": "ONLINE"]
                }
                let value: IonValue = [
                    "tableId": .string(table.id), "name": .string(table.name), "indexes": .list(indexes),
                    "status": .string(table.active ? "ACTIVE" : "INACTIVE"),
                ]
                return SourceRow(value: value, documentID: nil)
            }
        case .expression:
            return []
        }
    }

    /// The name a table-reading item names.
    static func tableName(of item: FromItem) -> String {
        switch item.kind {
        case .table(let name), .committed(let name), .history(let name, _, _): name
        case .userTables: "information_schema.user_tables"
        case .expression: ""
        }
    }

    /// The documents visible to the transaction (the fetched snapshot rows plus its own writes),
    /// recording what was read.
    private func documents(of table: TableDefinition, fetched: FetchedRows) -> [(id: String, data: IonValue)] {
        switch fetched.plan {
        case .scan:
            txn.reads.tables.insert(table.id)
        case .documents(let ids):
            for id in ids { txn.reads.documents.insert(DocumentKey(table: table.id, document: id)) }
        case .values(let field, let values):
            for value in values {
                txn.reads.values.insert(
                    IndexedValueKey(table: table.id, field: field, value: TableDefinition.indexKey(value)))
            }
        }
        var seen = Set<String>()
        var rows: [(id: String, data: IonValue)] = []
        for revision in fetched.revisions where seen.insert(revision.documentID).inserted {
            let key = DocumentKey(table: table.id, document: revision.documentID)
            if let pending = txn.writes[key] {
                if let data = pending.data { rows.append((revision.documentID, data)) }
            } else if let data = revision.data {
                rows.append((revision.documentID, data))
            }
        }
        // This transaction's inserts are visible to it whatever the plan.
        for key in txn.writeOrder where key.table == table.id && !seen.contains(key.document) {
            if let pending = txn.writes[key], pending.isInsert, let data = pending.data {
                rows.append((key.document, data))
            }
        }
        return rows
    }

    /// The revision a fetched row of this statement had at the snapshot.
    func fetchedRevision(table: String, document: String) -> Revision? {
        for fetched in scope.fetched.values where fetched.table.id == table {
            if let revision = fetched.revisions.first(where: { $0.documentID == document }) { return revision }
        }
        return nil
    }

    /// An active table, recording the catalog read (creating or dropping a table conflicts).
    func table(named name: String, _ item: FromItem) throws(PartiQLError) -> TableDefinition {
        txn.reads.catalog = true
        guard let table = scope.activeTable(named: name, in: txn) else {
            throw PartiQLError(.semantic, "No such variable named '\(name)'", at: item.position)
        }
        return table
    }
}
