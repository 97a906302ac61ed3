import Ion
import QLDBPartiQL

/// The stored rows a statement reads, seen from one transaction: its snapshot plus its own
/// writes. Every read is recorded in the transaction's read set for the OCC check at commit.
///
/// A class because the evaluator calls back into it while the statement runs (subqueries read
/// tables too); it lives for one statement and hands the transaction back when done.
final class TransactionReader: RowSource {
    let state: LedgerState
    var txn: LedgerTransaction

    init(state: LedgerState, txn: LedgerTransaction) {
        self.state = state
        self.txn = txn
    }

    func rows(of item: FromItem, whereClause: Expression?, isOnlySource: Bool, evaluator: Evaluator)
        throws(PartiQLError) -> [SourceRow]
    {
        switch item.kind {
        case .table(let name):
            let table = try table(named: name, item)
            let plan = state.plan(
                for: item, table: table, whereClause: whereClause, isOnlySource: isOnlySource, evaluator: evaluator)
            return state.documents(of: table, plan: plan, txn: &txn).map {
                SourceRow(value: $0.data, documentID: $0.id)
            }
        case .committed(let name):
            let table = try table(named: name, item)
            txn.reads.tables.insert(table.id)
            return table.order.compactMap { id in
                table.document(id, at: txn.snapshot).map { SourceRow(value: $0.ionValue, documentID: nil) }
            }
        case .history(let name, let start, let end):
            txn.reads.catalog = true
            guard
                let table = state.activeTable(named: name, in: txn) ?? state.tables[name]
                    ?? state.tables.values.first(where: { $0.name == name })
            else {
                throw PartiQLError(.semantic, "No such table: \(name)", at: item.position)
            }
            txn.reads.tables.insert(table.id)
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
            return table.history.compactMap { revision in
                guard revision.blockAddress.sequenceNo <= txn.snapshot else { return nil }
                if let fromTime, revision.transactionTime.date < fromTime.date { return nil }
                if let toTime, revision.transactionTime.date > toTime.date { return nil }
                return SourceRow(value: revision.ionValue, documentID: revision.documentID)
            }
        case .userTables:
            txn.reads.catalog = true
            var all = Array(state.tables.values) + Array(txn.createdTables.values)
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

    /// An active table, recording the catalog read (creating or dropping a table conflicts).
    func table(named name: String, _ item: FromItem) throws(PartiQLError) -> TableState {
        txn.reads.catalog = true
        guard let table = state.activeTable(named: name, in: txn) else {
            throw PartiQLError(.semantic, "No such variable named '\(name)'", at: item.position)
        }
        return table
    }
}
