import Foundation
import Ion
import QLDBHashing

/// Limits QLDB enforces, with its defaults.
public struct LedgerLimits: Sendable {
    /// Documents a transaction may change (40).
    public var documentsPerTransaction = 40
    /// Largest document, Ion binary (128 KB).
    public var documentBytes = 128 * 1024
    /// Largest transaction, all written documents together (4 MB).
    public var transactionBytes = 4 * 1024 * 1024
    /// Longest statement (100,000 characters).
    public var statementCharacters = 100_000
    /// Active tables (20) and tables including dropped ones (40).
    public var activeTables = 20
    /// Tables including inactive ones (40).
    public var totalTables = 40
    /// Indexes per table (5).
    public var indexesPerTable = 5
    /// Deepest nesting of a statement's expressions, containers and subqueries (40, a nested
    /// SELECT counting for 8): what bounds the stack a statement needs to parse and run.
    public var statementNestingDepth = 40
    /// Expression evaluations one statement may perform (50,000,000).
    public var evaluationSteps = 50_000_000
    /// Rows (FROM bindings) one statement may produce (1,000,000).
    public var evaluationRows = 1_000_000
    /// The defaults.
    public init() {}
}

/// What one commit changed, kept while a transaction that started before it is still open.
struct CommitLogEntry: Sendable {
    var sequence: Int
    var tables: Set<String>
    var documents: Set<DocumentKey>
    var values: Set<IndexedValueKey>
    var catalog: Bool
}

/// What proofs need of each block.
struct BlockSummary: Sendable {
    var address: BlockAddress
    var blockHash: QLDBHash
    var previousBlockHash: QLDBHash
    var entriesHashList: [QLDBHash]
    var revisionHashes: [QLDBHash]
    var revisionDocuments: [String]
}

/// The whole state of one ledger, guarded by the ledger's lock.
struct LedgerState: Sendable {
    let strandID: String
    let limits: LedgerLimits
    var tables: [String: TableState] = [:]
    var lastSequence = 0
    var tip = QLDBHash([])
    var blocks: [BlockSummary] = []
    var commitLog: [CommitLogEntry] = []
    var activeSnapshots: [String: Int] = [:]

    init(strandID: String, limits: LedgerLimits) {
        self.strandID = strandID
        self.limits = limits
    }

    var oldestSnapshot: Int { activeSnapshots.values.min() ?? lastSequence }

    // MARK: Catalog

    func activeTable(named name: String, in txn: LedgerTransaction) -> TableState? {
        if let created = txn.createdTables.values.first(where: { $0.name == name && $0.active }) { return created }
        return tables.values.first { $0.name == name && $0.active }
    }

    func table(named name: String, in txn: inout LedgerTransaction) throws(LedgerError) -> TableState {
        txn.reads.catalog = true
        guard let table = activeTable(named: name, in: txn) else {
            throw LedgerError.semantic("No such variable named '\(name)'")
        }
        return table
    }

    // MARK: Reading documents

    enum Plan {
        case scan
        case documents(Set<String>)
        case values(field: String, values: [IonValue])
    }

    /// The documents of a table visible to the transaction (its snapshot plus its own writes),
    /// narrowed by the plan, recording what was read.
    func documents(of table: TableState, plan: Plan, txn: inout LedgerTransaction) -> [(id: String, data: IonValue)] {
        var candidates: [String]
        switch plan {
        case .scan:
            txn.reads.tables.insert(table.id)
            candidates = table.order
        case .documents(let ids):
            for id in ids { txn.reads.documents.insert(DocumentKey(table: table.id, document: id)) }
            candidates = ids.sorted()
        case .values(let field, let values):
            var ids = Set<String>()
            for value in values {
                let key = TableState.indexKey(value)
                txn.reads.values.insert(IndexedValueKey(table: table.id, field: field, value: key))
                ids.formUnion(table.index[field]?[key] ?? [])
            }
            candidates = table.order.count < ids.count * 4 ? table.order.filter { ids.contains($0) } : ids.sorted()
        }
        var seen = Set<String>()
        var rows: [(id: String, data: IonValue)] = []
        for id in candidates where seen.insert(id).inserted {
            let key = DocumentKey(table: table.id, document: id)
            if let pending = txn.writes[key] {
                if let data = pending.data { rows.append((id, data)) }
            } else if let revision = table.document(id, at: txn.snapshot), let data = revision.data {
                rows.append((id, data))
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
}
