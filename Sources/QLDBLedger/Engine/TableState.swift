import Ion

/// One index of a table: a top-level field.
struct IndexDefinition: Sendable, Hashable {
    var id: String
    var field: String
}

/// A table with its documents, each a short chain of versions so that transactions read the
/// snapshot they started on (multi-version: a reader picks the newest version committed at or
/// before its start).
struct TableState: Sendable {
    struct Version: Sendable {
        /// The commit sequence (block number) that wrote it.
        var sequence: Int
        /// The revision; `nil` once deleted.
        var revision: Revision?
    }

    var id: String
    var name: String
    var active: Bool
    var indexes: [IndexDefinition] = []
    /// Versions of each document, oldest first.
    var documents: [String: [Version]] = [:]
    /// Insertion order of document ids, so scans are stable.
    var order: [String] = []
    /// For each indexed field, the documents that have had each value (a superset: readers re-check).
    var index: [String: [IonValue: Set<String>]] = [:]
    /// Every revision ever committed, in commit order.
    var history: [Revision] = []

    init(id: String, name: String) {
        self.id = id
        self.name = name
        self.active = true
    }

    /// The document as of `sequence`.
    func document(_ id: String, at sequence: Int) -> Revision? {
        guard let versions = documents[id] else { return nil }
        for version in versions.reversed() where version.sequence <= sequence { return version.revision }
        return nil
    }

    mutating func addIndex(_ definition: IndexDefinition) {
        indexes.append(definition)
        var entries: [IonValue: Set<String>] = [:]
        for (id, versions) in documents {
            for version in versions {
                if let value = version.revision?.data?[definition.field] {
                    entries[Self.indexKey(value), default: []].insert(id)
                }
            }
        }
        index[definition.field] = entries
    }

    /// Index keys ignore annotations, so `1` and `a::1` share an entry (readers re-check anyway).
    static func indexKey(_ value: IonValue) -> IonValue { IonValue(value.content) }

    mutating func apply(_ revision: Revision, sequence: Int, keepAfter oldestReader: Int) {
        let id = revision.documentID
        if documents[id] == nil { order.append(id) }
        var versions = documents[id] ?? []
        versions.append(Version(sequence: sequence, revision: revision.data == nil ? nil : revision))
        // Versions older than the newest one visible to the oldest reader are never read again.
        if let keepFrom = versions.lastIndex(where: { $0.sequence <= oldestReader }), keepFrom > 0 {
            versions.removeFirst(keepFrom)
        }
        documents[id] = versions
        if let data = revision.data {
            for definition in indexes {
                if let value = data[definition.field] {
                    index[definition.field, default: [:]][Self.indexKey(value), default: []].insert(id)
                }
            }
        }
        history.append(revision)
    }
}
