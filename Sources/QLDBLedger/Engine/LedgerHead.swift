import Foundation
import Ion
import QLDBHashing
import QLDBPrimitives

/// What one commit changed, kept while a transaction that started before it is still open.
struct CommitLogEntry: Sendable {
    var sequence: Int
    var tables: Set<String>
    var documents: Set<DocumentKey>
    var values: Set<IndexedValueKey>
    var catalog: Bool
}

extension CommitLogEntry {
    /// The entry as keys a shared store keeps per commit: a read set conflicts with it when they
    /// share a key (see ``ReadSet/conflictKeys(changesCatalog:)``).
    var effectKeys: Set<String> {
        ConflictKey.keys(tables: tables, documents: documents, values: values, catalog: catalog)
    }
}

extension ReadSet {
    /// The read set as keys: those of every commit after the snapshot must not meet them. The
    /// same rule as ``LedgerHead/checkConflicts(_:)``: a scanned table, a document read by id, an
    /// indexed value looked up, and the catalog when the transaction changes it too.
    func conflictKeys(changesCatalog: Bool) -> Set<String> {
        ConflictKey.keys(tables: tables, documents: documents, values: values, catalog: changesCatalog)
    }
}

/// How reads and effects are written as keys.
enum ConflictKey {
    static let catalog = "c"
    static func keys(
        tables: Set<String>, documents: Set<DocumentKey>, values: Set<IndexedValueKey>, catalog: Bool
    ) -> Set<String> {
        var keys = Set(tables.map { "t:\($0)" })
        for document in documents { keys.insert(Self.document(document)) }
        for value in values { keys.insert(Self.value(value)) }
        if catalog { keys.insert(Self.catalog) }
        return keys
    }
    static func document(_ key: DocumentKey) -> String { "d:\(key.table)/\(key.document)" }
    static func value(_ key: IndexedValueKey) -> String {
        "v:\(key.table)/\(key.field)/\(Hex.encode(TableDefinition.indexKeyBytes(key.value)))"
    }
}

/// The ledger's serialization point, guarded by its lock: the tip new blocks are built on, the
/// snapshot new transactions start from, the catalog, and what recent commits changed (for the
/// OCC check). Small and independent of the ledger's history: documents and blocks are in the
/// store.
struct LedgerHead: Sendable {
    let strandID: String
    /// The last block built; it may still be on its way to the store.
    var lastSequence: Int
    var tip: QLDBHash
    /// The catalog after `lastSequence`.
    var catalog: Catalog
    /// The last block known durable: what digests, proofs and the block count cover.
    var durableSequence: Int
    var commitLog: [CommitLogEntry] = []
    /// The time of the last block built in this process, which the next one may not precede.
    var lastBlockTime: Date?
    var activeSnapshots: [String: Int] = [:]
    /// Set when the store failed to write a block: nothing builds on a tip it may not hold.
    var failure: StorageError?

    init(_ stored: StoredLedger) {
        strandID = stored.strandID
        lastSequence = stored.lastSequence
        tip = stored.tip
        catalog = stored.catalog
        durableSequence = stored.lastSequence
    }

    /// Fails with `OccConflictException` when a commit after the transaction's snapshot changed
    /// something it read.
    func checkConflicts(_ txn: LedgerTransaction) throws(LedgerError) {
        for entry in commitLog where entry.sequence > txn.snapshot {
            if !entry.tables.isDisjoint(with: txn.reads.tables)
                || !entry.documents.isDisjoint(with: txn.reads.documents)
                || !entry.values.isDisjoint(with: txn.reads.values) || (entry.catalog && !txn.catalogChanges.isEmpty)
            {
                throw LedgerError.occConflict
            }
        }
        // A write to a document dropped or changed since the snapshot is covered above, because
        // every UPDATE and DELETE reads the document it writes.
    }

    /// The snapshot a new transaction starts from: the last durable block. The store holds its
    /// state, so the transaction's reads need not wait for the blocks still on their way (with
    /// group commit, a whole round of writing and syncing), and nothing it reads can be lost by
    /// a crash; it conflicts with those blocks' commits as a transaction that started before
    /// them would. When a block not yet durable changed the catalog (the head keeps only the
    /// latest one), the last block built instead: its first read then waits for the store.
    var newTransactionSnapshot: Int {
        commitLog.contains { $0.sequence > durableSequence && $0.catalog } ? lastSequence : durableSequence
    }

    /// Records that every block through `sequence` is durable.
    mutating func markDurable(through sequence: Int) {
        durableSequence = max(durableSequence, sequence)
    }
}
