import Ion
import QLDBHashing
import Synchronization

extension SQLiteLedgerStore {
    func enqueue(_ block: BlockRecord) {
        queue.withLock { $0.pending.append(block) }
    }

    func waitDurable(through sequence: Int) async throws(StorageError) {
        // Most calls (every statement's) find the block durable already: no continuation then.
        let settled: (done: Bool, failure: StorageError?) = queue.withLock { queue in
            (queue.failure != nil || queue.durableThrough >= sequence, queue.failure)
        }
        if settled.done {
            if let failure = settled.failure { throw failure }
            return
        }
        let failure: StorageError? = await withCheckedContinuation { continuation in
            let start: Bool = queue.withLock { queue in
                if let failure = queue.failure {
                    continuation.resume(returning: failure)
                    return false
                }
                if queue.durableThrough >= sequence {
                    continuation.resume(returning: nil)
                    return false
                }
                queue.waiters.append((sequence, continuation))
                if queue.writing { return false }
                queue.writing = true
                return true
            }
            if start { writer.submit { [self] handle in self.writeQueued(on: handle) } }
        }
        if let failure { throw failure }
    }

    /// Writes whatever is queued, one transaction per round, until nothing is left, on the
    /// writer's queue (no thread hop between rounds). Blocks that queue while a round syncs go
    /// into the next round together: that is the group commit.
    private func writeQueued(on handle: SQLiteHandle) {
        while true {
            let batch: [BlockRecord] = queue.withLock { queue in
                let taken = queue.pending
                queue.pending = []
                if taken.isEmpty { queue.writing = false }
                return taken
            }
            guard let last = batch.last else { return }
            var failure: StorageError?
            do {
                try write(batch, on: handle)
                syncCount.add(1, ordering: .relaxed)
            } catch {
                failure = Self.failure("writing blocks \(batch[0].sequence)–\(last.sequence) to \(path)", error)
                logger.error(
                    "the ledger store failed; no later block is written until the ledger is reopened",
                    metadata: ["path": "\(path)", "error": "\(failure!)"])
            }
            let ready: [(StorageError?, CheckedContinuation<StorageError?, Never>)] = queue.withLock { queue in
                if let failure {
                    queue.failure = failure
                    queue.writing = false
                    queue.pending = []
                } else {
                    queue.durableThrough = last.sequence
                }
                var ready: [(StorageError?, CheckedContinuation<StorageError?, Never>)] = []
                queue.waiters.removeAll { waiter in
                    if queue.failure != nil || waiter.sequence <= queue.durableThrough {
                        ready.append((queue.failure, waiter.continuation))
                        return true
                    }
                    return false
                }
                return ready
            }
            for (error, continuation) in ready { continuation.resume(returning: error) }
            if failure != nil { return }
        }
    }

    /// Writes blocks in one transaction on the writer's queue: all of them or, on any error,
    /// none. Each row is one run of a prepared statement (a call into SQLite, no thread hop); a
    /// block that changes the catalog is written after the blocks before it, because its changes
    /// (an index filled from every stored revision) must see them.
    private func write(_ blocks: [BlockRecord], on writer: SQLiteHandle) throws {
        guard !readOnly else {
            throw StorageError(engine: "sqlite", operation: "writing", reason: "the ledger was opened read-only")
        }
        var frontier = try merkleFrontier(before: blocks[0].sequence, on: writer)
        try writer.query("BEGIN IMMEDIATE")
        do {
            for block in blocks { try writeRows(block, frontier: &frontier, on: writer) }
            try writer.query("COMMIT")
        } catch {
            _ = try? writer.query("ROLLBACK")
            throw error
        }
        checkpointer?.walGrew(to: writer.walFrames)
        let written = frontier
        cachedFrontier.withLock { $0 = written }
    }

    /// For each level of the journal's Merkle tree, the hash of its last complete node once
    /// `sequence - 1` blocks are stored (level 0: the last block's hash): what the next block's new
    /// nodes are made from. Kept in memory between writes; read from the file after opening.
    private func merkleFrontier(before sequence: Int, on writer: SQLiteHandle) throws -> [Int: QLDBHash] {
        if let cached = cachedFrontier.withLock({ $0 }) { return cached }
        let stored = sequence - 1
        var positions = Set<JournalTree.Position>()
        var level = 0
        while stored >> level > 0 {
            positions.insert(JournalTree.Position(level: level, index: (stored >> level) - 1))
            level += 1
        }
        let nodes = try Self.merkleNodes(positions, on: writer)
        guard nodes.count == positions.count else {
            throw StorageError(
                engine: "sqlite", operation: "reading the journal's Merkle tree",
                reason: "\(positions.count - nodes.count) of its nodes are missing")
        }
        return Dictionary(uniqueKeysWithValues: nodes.map { ($0.key.level, $0.value) })
    }

    private func writeRows(_ block: BlockRecord, frontier: inout [Int: QLDBHash], on writer: SQLiteHandle) throws {
        let summary = block.summary
        // The tree nodes this block completes, lowest first (levels 1, 2, …): the left child of
        // each is the last complete node one level down before this block. They go in the
        // block's row: appending a block then writes no other B-tree for the journal's tree.
        let nodes = try JournalTree.completedNodes(byLeafCount: block.sequence, leaf: summary.blockHash) { position in
            guard let hash = frontier[position.level] else {
                throw StorageError(
                    engine: "sqlite", operation: "extending the journal's Merkle tree",
                    reason: "node \(position) is missing")
            }
            return hash
        }
        frontier[0] = summary.blockHash
        for (position, hash) in nodes { frontier[position.level] = hash }
        try writer.query(
            """
            INSERT INTO blocks (sequence, block_hash, previous_block_hash, entries_hashes, revision_hashes,
                revision_documents, body, merkle_nodes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .integer(block.sequence), .blob(summary.blockHash.bytes), .blob(summary.previousBlockHash.bytes),
                .blob(summary.entriesHashList.flatMap(\.bytes)), .blob(summary.revisionHashes.flatMap(\.bytes)),
                .text(summary.revisionDocuments.joined(separator: ",")), .blob(block.body),
                nodes.isEmpty ? .null : .blob(nodes.flatMap(\.hash.bytes)),
            ])
        // Catalog changes come before the block's rows: an index created in this block covers
        // the revisions before it, and its own through the rows below.
        for change in block.catalogChanges { try apply(change, catalog: block.catalog, on: writer) }
        for (position, (table, revision)) in block.revisions.enumerated() {
            let data: SQLiteValue = try revision.data.map { .blob(try IonValue.encode(binary: [$0])) } ?? .null
            try writer.query(
                """
                INSERT INTO revisions (table_id, document_id, sequence, position, version, hash, data, tx_time,
                    tx_id, data_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(table), .text(revision.documentID), .integer(block.sequence), .integer(position),
                    .integer(revision.version), .blob(revision.hash.bytes), data,
                    .blob(try IonValue.encode(binary: [.timestamp(revision.transactionTime)])),
                    .text(revision.transactionID), revision.dataHash.map { .blob($0.bytes) } ?? .null,
                ])
            if let document = revision.data {
                for field in block.catalog.indexedFields(of: table) {
                    guard let value = document[field] else { continue }
                    try addIndexEntry(
                        table: table, field: field, value: value, document: revision.documentID, on: writer)
                }
            }
        }
    }

    private func addIndexEntry(table: String, field: String, value: IonValue, document: String, on writer: SQLiteHandle)
        throws
    {
        try writer.query(
            "INSERT OR IGNORE INTO index_entries (table_id, field, value_key, document_id) VALUES (?, ?, ?, ?)",
            [.text(table), .text(field), .blob(TableDefinition.indexKeyBytes(value)), .text(document)])
    }

    private func apply(_ change: CatalogChange, catalog: Catalog, on writer: SQLiteHandle) throws {
        switch change {
        case .createTable(let id, let name):
            try writer.query(
                "INSERT INTO catalog_tables (table_id, name, active) VALUES (?, ?, 1)", [.text(id), .text(name)])
        case .createIndex(let table, let index):
            try writer.query(
                "INSERT INTO catalog_indexes (index_id, table_id, field) VALUES (?, ?, ?)",
                [.text(index.id), .text(table), .text(index.field)])
            // Every value the field has had in any revision, as readers of older snapshots need.
            let rows = try writer.query(
                "SELECT document_id, data FROM revisions WHERE table_id = ? AND data IS NOT NULL", [.text(table)])
            for row in rows {
                guard let id = row[0].text, let bytes = row[1].blob,
                    let value = try IonValue.decode(binary: bytes).first?[index.field]
                else { continue }
                try addIndexEntry(table: table, field: index.field, value: value, document: id, on: writer)
            }
        case .dropIndex(let table, let indexID):
            try writer.query("DELETE FROM catalog_indexes WHERE index_id = ?", [.text(indexID)])
            let remaining = Set(catalog.indexedFields(of: table))
            let fields = try writer.query(
                "SELECT DISTINCT field FROM index_entries WHERE table_id = ?", [.text(table)]
            ).compactMap { $0[0].text }
            for field in fields where !remaining.contains(field) {
                try writer.query(
                    "DELETE FROM index_entries WHERE table_id = ? AND field = ?", [.text(table), .text(field)])
            }
        case .dropTable(let id):
            try writer.query("UPDATE catalog_tables SET active = 0 WHERE table_id = ?", [.text(id)])
        case .undropTable(let id):
            try writer.query("UPDATE catalog_tables SET active = 1 WHERE table_id = ?", [.text(id)])
        }
    }
}
