import Ion
import NIOCore
import QLDBHashing
import SQLiteNIO
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
            if start { Task { await self.writeQueued() } }
        }
        if let failure { throw failure }
    }

    /// Writes whatever is queued, one transaction per round, until nothing is left. Blocks that
    /// queue while a round syncs go into the next round together: that is the group commit.
    private func writeQueued() async {
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
                try await writing.with { _ in try await write(batch) }
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

    /// Writes blocks in one transaction: all of them or, on any error, none. Rows go in with one
    /// multi-row INSERT per table for each run of blocks (every statement is a trip to SQLite's
    /// thread); a block that changes the catalog is written on its own, in order, because its
    /// changes (an index filled from every stored revision) must see the blocks before it.
    private func write(_ blocks: [BlockRecord]) async throws {
        guard !readOnly else {
            throw StorageError(engine: "sqlite", operation: "writing", reason: "the ledger was opened read-only")
        }
        var frontier = try await merkleFrontier(before: blocks[0].sequence)
        _ = try await writer.query("BEGIN IMMEDIATE")
        do {
            var run: [BlockRecord] = []
            for block in blocks {
                if block.catalogChanges.isEmpty {
                    run.append(block)
                    continue
                }
                try await writeRows(run, frontier: &frontier)
                run = []
                try await writeRows([block], frontier: &frontier)
            }
            try await writeRows(run, frontier: &frontier)
            _ = try await writer.query("COMMIT")
        } catch {
            _ = try? await writer.query("ROLLBACK")
            throw error
        }
        let written = frontier
        cachedFrontier.withLock { $0 = written }
    }

    /// For each level of the journal's Merkle tree, the hash of its last complete node once
    /// `sequence - 1` blocks are stored (level 0: the last block's hash): what the next block's new
    /// nodes are made from. Kept in memory between writes; read from the file after opening.
    private func merkleFrontier(before sequence: Int) async throws -> [Int: QLDBHash] {
        if let cached = cachedFrontier.withLock({ $0 }) { return cached }
        let stored = sequence - 1
        var positions = Set<JournalTree.Position>()
        var level = 0
        while stored >> level > 0 {
            positions.insert(JournalTree.Position(level: level, index: (stored >> level) - 1))
            level += 1
        }
        let nodes = try await Self.merkleNodes(positions, on: writer)
        guard nodes.count == positions.count else {
            throw StorageError(
                engine: "sqlite", operation: "reading the journal's Merkle tree",
                reason: "\(positions.count - nodes.count) of its nodes are missing")
        }
        return Dictionary(uniqueKeysWithValues: nodes.map { ($0.key.level, $0.value) })
    }

    /// Inserts `rows` (each a list of bound values) into `table` with multi-row INSERTs, as few as
    /// SQLite's limit of bound values allows.
    private func insert(_ rows: [[SQLiteData]], into table: String, columns: String, ignoringDuplicates: Bool = false)
        async throws
    {
        guard let width = rows.first?.count else { return }
        let perStatement = max(1, 30_000 / width)
        let placeholder = "(" + Array(repeating: "?", count: width).joined(separator: ",") + ")"
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + perStatement, rows.count)]
            _ = try await writer.query(
                "INSERT \(ignoringDuplicates ? "OR IGNORE " : "")INTO \(table) (\(columns)) VALUES "
                    + Array(repeating: placeholder, count: chunk.count).joined(separator: ","),
                chunk.flatMap { $0 })
            start += perStatement
        }
    }

    private func writeRows(_ blocks: [BlockRecord], frontier: inout [Int: QLDBHash]) async throws {
        guard !blocks.isEmpty else { return }
        var blockRows: [[SQLiteData]] = []
        var nodeRows: [[SQLiteData]] = []
        var documentRows: [[SQLiteData]] = []
        var revisionRows: [[SQLiteData]] = []
        var entryRows: [[SQLiteData]] = []
        for block in blocks {
            let summary = block.summary
            blockRows.append([
                .integer(block.sequence), .blob(Self.buffer(summary.blockHash.bytes)),
                .blob(Self.buffer(summary.previousBlockHash.bytes)),
                .blob(Self.buffer(summary.entriesHashList.flatMap(\.bytes))),
                .blob(Self.buffer(summary.revisionHashes.flatMap(\.bytes))),
                .text(summary.revisionDocuments.joined(separator: ",")), .blob(Self.buffer(block.body)),
            ])
            // The tree nodes this block completes: the left child of each is the last complete
            // node one level down before this block.
            let nodes = try JournalTree.completedNodes(byLeafCount: block.sequence, leaf: summary.blockHash) {
                position in
                guard let hash = frontier[position.level] else {
                    throw StorageError(
                        engine: "sqlite", operation: "extending the journal's Merkle tree",
                        reason: "node \(position) is missing")
                }
                return hash
            }
            frontier[0] = summary.blockHash
            for (position, hash) in nodes {
                frontier[position.level] = hash
                nodeRows.append([.integer(position.level), .integer(position.index), .blob(Self.buffer(hash.bytes))])
            }
            for (position, (table, revision)) in block.revisions.enumerated() {
                if revision.version == 0 { documentRows.append([.text(table), .text(revision.documentID)]) }
                let data: SQLiteData =
                    try revision.data.map { .blob(Self.buffer(try IonValue.encode(binary: [$0]))) } ?? .null
                revisionRows.append([
                    .text(table), .text(revision.documentID), .integer(block.sequence), .integer(position),
                    .integer(revision.version), .blob(Self.buffer(revision.hash.bytes)), data,
                    .blob(Self.buffer(try IonValue.encode(binary: [.timestamp(revision.transactionTime)]))),
                    .text(revision.transactionID), revision.dataHash.map { .blob(Self.buffer($0.bytes)) } ?? .null,
                ])
                if let document = revision.data {
                    for field in block.catalog.indexedFields(of: table) {
                        guard let value = document[field] else { continue }
                        entryRows.append([
                            .text(table), .text(field), .blob(Self.buffer(TableDefinition.indexKeyBytes(value))),
                            .text(revision.documentID),
                        ])
                    }
                }
            }
        }
        try await insert(
            blockRows, into: "blocks",
            columns:
                "sequence, block_hash, previous_block_hash, entries_hashes, revision_hashes, revision_documents, body")
        try await insert(nodeRows, into: "merkle_nodes", columns: "level, position, hash")
        // Only a block written alone has catalog changes; they come before its rows.
        for block in blocks {
            for change in block.catalogChanges { try await apply(change, catalog: block.catalog) }
        }
        try await insert(documentRows, into: "documents", columns: "table_id, document_id", ignoringDuplicates: true)
        try await insert(
            revisionRows, into: "revisions",
            columns: "table_id, document_id, sequence, position, version, hash, data, tx_time, tx_id, data_hash")
        try await insert(
            entryRows, into: "index_entries", columns: "table_id, field, value_key, document_id",
            ignoringDuplicates: true)
    }

    private func addIndexEntry(table: String, field: String, value: IonValue, document: String) async throws {
        _ = try await writer.query(
            "INSERT OR IGNORE INTO index_entries (table_id, field, value_key, document_id) VALUES (?, ?, ?, ?)",
            [.text(table), .text(field), .blob(Self.buffer(TableDefinition.indexKeyBytes(value))), .text(document)])
    }

    private func apply(_ change: CatalogChange, catalog: Catalog) async throws {
        switch change {
        case .createTable(let id, let name):
            _ = try await writer.query(
                "INSERT INTO catalog_tables (table_id, name, active) VALUES (?, ?, 1)", [.text(id), .text(name)])
        case .createIndex(let table, let index):
            _ = try await writer.query(
                "INSERT INTO catalog_indexes (index_id, table_id, field) VALUES (?, ?, ?)",
                [.text(index.id), .text(table), .text(index.field)])
            // Every value the field has had in any revision, as readers of older snapshots need.
            let rows = try await writer.query(
                "SELECT document_id, data FROM revisions WHERE table_id = ? AND data IS NOT NULL", [.text(table)])
            for row in rows {
                guard let id = row.column("document_id")?.string, let bytes = Self.bytes(row.column("data")),
                    let value = try IonValue.decode(binary: bytes).first?[index.field]
                else { continue }
                try await addIndexEntry(table: table, field: index.field, value: value, document: id)
            }
        case .dropIndex(let table, let indexID):
            _ = try await writer.query("DELETE FROM catalog_indexes WHERE index_id = ?", [.text(indexID)])
            let remaining = Set(catalog.indexedFields(of: table))
            let fields = try await writer.query(
                "SELECT DISTINCT field FROM index_entries WHERE table_id = ?", [.text(table)]
            ).compactMap { $0.column("field")?.string }
            for field in fields where !remaining.contains(field) {
                _ = try await writer.query(
                    "DELETE FROM index_entries WHERE table_id = ? AND field = ?", [.text(table), .text(field)])
            }
        case .dropTable(let id):
            _ = try await writer.query("UPDATE catalog_tables SET active = 0 WHERE table_id = ?", [.text(id)])
        case .undropTable(let id):
            _ = try await writer.query("UPDATE catalog_tables SET active = 1 WHERE table_id = ?", [.text(id)])
        }
    }
}
