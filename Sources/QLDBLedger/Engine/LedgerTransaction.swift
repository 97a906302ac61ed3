import Foundation
import Ion
import QLDBHashing

/// A document of a table, as the key of reads and writes.
struct DocumentKey: Sendable, Hashable {
    var table: String
    var document: String
}

/// An equality read through an index: table, field and value.
struct IndexedValueKey: Sendable, Hashable {
    var table: String
    var field: String
    var value: IonValue
}

/// What a transaction read, for the OCC check at commit.
struct ReadSet: Sendable {
    /// Tables scanned: any change to them conflicts.
    var tables: Set<String> = []
    /// Documents read by id.
    var documents: Set<DocumentKey> = []
    /// Indexed equality lookups: a change that gives or takes that value conflicts.
    var values: Set<IndexedValueKey> = []
    /// The catalog (tables, indexes) was read.
    var catalog = false
}

/// A change to the catalog, applied at commit.
package enum CatalogChange: Sendable {
    case createTable(id: String, name: String)
    case createIndex(table: String, index: IndexDefinition)
    case dropIndex(table: String, indexID: String)
    case dropTable(id: String)
    case undropTable(id: String)

    var ionValue: IonValue {
        switch self {
        case .createTable(let id, let name): ["op": "createTable", "tableId": .string(id), "tableName": .string(name)]
        case .createIndex(let table, let index):
            [
                "op": "createIndex", "tableId": .string(table), "indexId": .string(index.id),
                "field": .string(index.field),
            ]
        case .dropIndex(let table, let indexID):
            ["op": "dropIndex", "tableId": .string(table), "indexId": .string(indexID)]
        case .dropTable(let id): ["op": "dropTable", "tableId": .string(id)]
        case .undropTable(let id): ["op": "undropTable", "tableId": .string(id)]
        }
    }

    init?(_ value: IonValue) {
        let table = value["tableId"]?.stringValue ?? ""
        switch value["op"]?.stringValue {
        case "createTable": self = .createTable(id: table, name: value["tableName"]?.stringValue ?? "")
        case "createIndex":
            self = .createIndex(
                table: table,
                index: IndexDefinition(
                    id: value["indexId"]?.stringValue ?? "", field: value["field"]?.stringValue ?? ""))
        case "dropIndex": self = .dropIndex(table: table, indexID: value["indexId"]?.stringValue ?? "")
        case "dropTable": self = .dropTable(id: table)
        case "undropTable": self = .undropTable(id: table)
        default: return nil
        }
    }
}

/// A pending write: the new data (`nil` deletes) and the statements that made it.
struct PendingWrite: Sendable {
    var data: IonValue?
    var isInsert: Bool
    var statements: [Int]
}

/// A transaction inside the ledger: its snapshot, reads, pending writes and commit digest.
struct LedgerTransaction: Sendable {
    struct StatementRecord: Sendable {
        var text: String
        var startTime: IonTimestamp
        var digest: QLDBHash
    }

    let id: String
    /// The last block committed when the transaction started: it reads that snapshot.
    let snapshot: Int
    /// The catalog at the snapshot.
    let catalog: Catalog
    var digest: CommitDigest
    var statements: [StatementRecord] = []
    var writes: [DocumentKey: PendingWrite] = [:]
    var writeOrder: [DocumentKey] = []
    var reads = ReadSet()
    var catalogChanges: [CatalogChange] = []
    /// Tables created in this transaction, visible to its later statements.
    var createdTables: [String: TableDefinition] = [:]
    /// The tags CREATE TABLE gave tables created in this transaction, by table id; stored beside
    /// the journal when the transaction commits.
    var tableTags: [String: [String: String]] = [:]
    /// The revision each updated or deleted document had at the snapshot: its next version
    /// number and the index values it gives up. Under OCC it is still the latest at commit, or
    /// the commit conflicts, because every UPDATE and DELETE reads the document it writes.
    var baseRevisions: [DocumentKey: Revision] = [:]
    /// The revision `EXEC redact_revision` redacts (QLDB allows one per transaction).
    var redaction: Redaction?
    var writtenBytes = 0

    /// Whether committing writes nothing, so no block is made.
    var changesNothing: Bool { writes.isEmpty && catalogChanges.isEmpty && redaction == nil }

    init(id: String, snapshot: Int, catalog: Catalog) {
        self.id = id
        self.snapshot = snapshot
        self.catalog = catalog
        self.digest = CommitDigest(transactionID: id)
    }

    mutating func write(_ key: DocumentKey, data: IonValue?, isInsert: Bool) {
        let statement = statements.count - 1
        if var existing = writes[key] {
            existing.data = data
            if !existing.statements.contains(statement) { existing.statements.append(statement) }
            writes[key] = existing
        } else {
            writes[key] = PendingWrite(data: data, isInsert: isInsert, statements: [statement])
            writeOrder.append(key)
        }
    }
}
