import Ion
import QLDBHashing

/// One index of a table: a top-level field.
package struct IndexDefinition: Sendable, Hashable {
    package var id: String
    package var field: String

    package init(id: String, field: String) {
        self.id = id
        self.field = field
    }
}

/// A table of the catalog: its id, name, whether it is active, and its indexes.
package struct TableDefinition: Sendable, Hashable {
    package var id: String
    package var name: String
    package var active: Bool
    package var indexes: [IndexDefinition] = []

    package init(id: String, name: String, active: Bool = true, indexes: [IndexDefinition] = []) {
        self.id = id
        self.name = name
        self.active = active
        self.indexes = indexes
    }

    /// Index keys ignore annotations, so `1` and `a::1` share an entry (readers re-check anyway).
    static func indexKey(_ value: IonValue) -> IonValue { IonValue(value.content) }

    /// The index key as bytes for a store: its Ion Hash, which equal values share whatever their
    /// encoding (struct field order included).
    package static func indexKeyBytes(_ value: IonValue) -> [UInt8] { CommitDigest.ionHash(indexKey(value)).bytes }
}

/// Every table ever created (dropped ones inactive), by id: small, so the engine keeps it in
/// memory and each transaction reads the catalog of its snapshot.
package struct Catalog: Sendable, Hashable {
    package var tables: [String: TableDefinition] = [:]

    package init(tables: [String: TableDefinition] = [:]) { self.tables = tables }

    /// The active table with this name.
    func activeTable(named name: String) -> TableDefinition? {
        tables.values.first { $0.name == name && $0.active }
    }

    /// The indexed fields of a table.
    package func indexedFields(of table: String) -> [String] { tables[table]?.indexes.map(\.field) ?? [] }

    package mutating func apply(_ change: CatalogChange) {
        switch change {
        case .createTable(let id, let name):
            // Indexes created in the same transaction arrive as their own changes.
            tables[id] = TableDefinition(id: id, name: name)
        case .createIndex(let table, let index): tables[table]?.indexes.append(index)
        case .dropIndex(let table, let indexID): tables[table]?.indexes.removeAll { $0.id == indexID }
        case .dropTable(let id): tables[id]?.active = false
        case .undropTable(let id): tables[id]?.active = true
        }
    }
}
