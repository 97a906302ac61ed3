import Ion
import QLDBHashing
import Synchronization

/// A store in the process's memory: every version of every document, for tests and for
/// `qldb serve --in-memory`. Nothing survives the process.
final class MemoryLedgerStore: LocalLedgerStore {
    private struct Table {
        /// Versions of each document, oldest first; `nil` once deleted.
        var versions: [String: [(sequence: Int, revision: Revision?)]] = [:]
        /// Where each document was first inserted, so reads keep insertion order.
        var position: [String: Int] = [:]
        var order: [String] = []
        /// For each indexed field, the documents that have had each value (a superset).
        var index: [String: [IonValue: Set<String>]] = [:]
        var history: [Revision] = []

        func document(_ id: String, at sequence: Int) -> Revision? {
            guard let versions = versions[id] else { return nil }
            for version in versions.reversed() where version.sequence <= sequence { return version.revision }
            return nil
        }

        mutating func addIndex(_ field: String) {
            var entries: [IonValue: Set<String>] = [:]
            for (id, versions) in versions {
                for version in versions {
                    if let value = version.revision?.data?[field] {
                        entries[TableDefinition.indexKey(value), default: []].insert(id)
                    }
                }
            }
            index[field] = entries
        }
    }

    private struct State {
        var tables: [String: Table] = [:]
        var blocks: [BlockSummary] = []
        var stored: [StoredBlock] = []
        /// The tree's complete nodes above the leaves.
        var nodes: [JournalTree.Position: QLDBHash] = [:]
        var metadata: [String: [UInt8]] = [:]
    }

    private let state = Mutex(State())
    let strandID: String

    init(strandID: String) { self.strandID = strandID }

    func load() async throws(StorageError) -> StoredLedger {
        let (last, catalog) = state.withLock { ($0.blocks.last, Catalog()) }
        return StoredLedger(
            strandID: strandID, lastSequence: last?.address.sequenceNo ?? 0, tip: last?.blockHash ?? QLDBHash([]),
            catalog: catalog)
    }

    func documents(table: String, plan: ReadPlan, at snapshot: Int) async throws(StorageError) -> [Revision] {
        state.withLock { state in
            guard let stored = state.tables[table] else { return [] }
            let candidates: [String]
            switch plan {
            case .scan: candidates = stored.order
            case .documents(let ids):
                candidates = ids.compactMap { id in stored.position[id].map { (id, $0) } }.sorted { $0.1 < $1.1 }
                    .map(\.0)
            case .values(let field, let values):
                var ids = Set<String>()
                for value in values { ids.formUnion(stored.index[field]?[TableDefinition.indexKey(value)] ?? []) }
                candidates = ids.map { ($0, stored.position[$0] ?? 0) }.sorted { $0.1 < $1.1 }.map(\.0)
            }
            return candidates.compactMap { id in
                guard let revision = stored.document(id, at: snapshot), revision.data != nil else { return nil }
                return revision
            }
        }
    }

    func revisions(table: String, document: String?, through snapshot: Int) async throws(StorageError)
        -> [Revision]
    {
        state.withLock { state in
            (state.tables[table]?.history ?? []).filter {
                $0.blockAddress.sequenceNo <= snapshot && (document == nil || $0.documentID == document)
            }
        }
    }

    func enqueue(_ block: BlockRecord) {
        state.withLock { state in
            for change in block.catalogChanges {
                switch change {
                case .createTable(let id, _): state.tables[id] = Table()
                case .createIndex(let table, let index): state.tables[table]?.addIndex(index.field)
                case .dropIndex(let table, _):
                    // Keep entries of fields another index still covers.
                    let fields = Set(block.catalog.indexedFields(of: table))
                    if var stored = state.tables[table] {
                        stored.index = stored.index.filter { fields.contains($0.key) }
                        state.tables[table] = stored
                    }
                case .dropTable, .undropTable: break
                }
            }
            for (tableID, revision) in block.revisions {
                var table = state.tables[tableID] ?? Table()
                state.tables[tableID] = nil
                let id = revision.documentID
                if table.position[id] == nil {
                    table.position[id] = table.order.count
                    table.order.append(id)
                }
                table.versions[id, default: []].append((block.sequence, revision.data == nil ? nil : revision))
                if let data = revision.data {
                    for field in block.catalog.indexedFields(of: tableID) {
                        if let value = data[field] {
                            table.index[field, default: [:]][TableDefinition.indexKey(value), default: []].insert(id)
                        }
                    }
                }
                table.history.append(revision)
                state.tables[tableID] = table
            }
            state.blocks.append(block.summary)
            let nodes = JournalTree.completedNodes(byLeafCount: block.sequence, leaf: block.summary.blockHash) {
                $0.level == 0 ? state.blocks[$0.index].blockHash : state.nodes[$0]!
            }
            for (position, hash) in nodes { state.nodes[position] = hash }
            state.stored.append(
                StoredBlock(
                    sequence: block.sequence, body: block.body, summary: block.summary, revisions: block.revisions))
        }
    }

    func waitDurable(through sequence: Int) async throws(StorageError) {}

    func blockSummary(_ sequence: Int) async throws(StorageError) -> BlockSummary? {
        state.withLock { state in
            sequence >= 1 && sequence <= state.blocks.count ? state.blocks[sequence - 1] : nil
        }
    }

    func blockBodies(_ sequences: ClosedRange<Int>) async throws(StorageError) -> [(sequence: Int, body: [UInt8])] {
        state.withLock { state in
            let lower = max(sequences.lowerBound, 1)
            let upper = min(sequences.upperBound, state.stored.count)
            return lower > upper
                ? [] : (lower...upper).map { (state.stored[$0 - 1].sequence, state.stored[$0 - 1].body) }
        }
    }

    func merkleNodes(_ positions: Set<JournalTree.Position>) async throws(StorageError)
        -> [JournalTree.Position: QLDBHash]
    {
        state.withLock { state in
            var found: [JournalTree.Position: QLDBHash] = [:]
            for position in positions {
                if position.level == 0 {
                    if position.index < state.blocks.count { found[position] = state.blocks[position.index].blockHash }
                } else if let hash = state.nodes[position] {
                    found[position] = hash
                }
            }
            return found
        }
    }

    func forEachBlock(_ body: @Sendable (StoredBlock) throws -> Void) async throws {
        for block in state.withLock({ $0.stored }) { try body(block) }
    }

    var syncs: Int { 0 }

    func metadata(_ key: String) async throws(StorageError) -> [UInt8]? { state.withLock { $0.metadata[key] } }

    func redact(table: String, document: String, sequence: Int, dataHash: QLDBHash, blockBody: [UInt8])
        async throws(StorageError)
    {
        func redacted(_ revision: Revision) -> Revision {
            guard revision.documentID == document, revision.blockAddress.sequenceNo == sequence else { return revision }
            var redacted = revision
            redacted.data = nil
            redacted.dataHash = dataHash
            return redacted
        }
        state.withLock { state in
            guard var stored = state.tables[table] else { return }
            stored.history = stored.history.map(redacted)
            stored.versions[document] = stored.versions[document]?.map { version in
                (version.sequence, version.revision.map(redacted))
            }
            state.tables[table] = stored
            guard sequence >= 1, sequence <= state.stored.count else { return }
            state.stored[sequence - 1].body = blockBody
            state.stored[sequence - 1].revisions = state.stored[sequence - 1].revisions.map {
                ($0.table, redacted($0.revision))
            }
        }
    }

    func metadataKeys(withPrefix prefix: String) async throws(StorageError) -> [String] {
        state.withLock { $0.metadata.keys.filter { $0.hasPrefix(prefix) }.sorted() }
    }

    func setMetadata(_ key: String, _ value: [UInt8]?) async throws(StorageError) {
        state.withLock { $0.metadata[key] = value }
    }

    func backup(to path: String) async throws(StorageError) {
        throw StorageError(
            engine: "memory", operation: "backing up to \(path)", reason: "an in-memory ledger has no file to copy")
    }

    func close() async {}
}
