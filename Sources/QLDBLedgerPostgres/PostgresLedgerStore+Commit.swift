import Foundation
import Ion
import Logging
import NIOCore
import PostgresNIO
import QLDBHashing
import QLDBLedger
import QLDBPrimitives

extension PostgresLedgerStore {
    /// Effects older than this many blocks are pruned; a transaction whose snapshot is older
    /// (it would have expired long before: transactions live 30 s) is refused with an OCC
    /// conflict rather than checked against a partial history.
    static let effectsKept = 20_000

    func commit(
        transactionID: String, snapshot: Int, reads: Set<String>,
        build: @escaping @Sendable (ChainTip) throws(LedgerError) -> (block: BlockRecord, effects: Set<String>)
    ) async throws(LedgerError) -> BlockRecord {
        let outcome: Result<BlockRecord, LedgerError>
        do {
            outcome = try await withDeadline(Self.operationTimeout, "committing transaction \(transactionID)") {
                try await self.client.withConnection { connection in
                    try await self.commit(
                        on: connection, transactionID: transactionID, snapshot: snapshot, reads: reads, build: build)
                }
            }
        } catch let error as LedgerError {
            throw error
        } catch let error as StorageError {
            // The deadline passed: the commit may be anywhere, COMMIT included.
            logger.warning(
                "a commit did not finish in time: looking it up to learn whether it committed",
                metadata: ["ledger": "\(ledger)", "transaction": "\(transactionID)", "error": "\(error)"])
            do {
                outcome = try await withDeadline(Self.operationTimeout, "looking up transaction \(transactionID)") {
                    try await self.lookUp(transactionID, sequence: nil)
                }
            } catch {
                throw StorageError(
                    engine: "postgres", operation: "committing transaction \(transactionID)",
                    reason: "the outcome is unknown: the database did not answer (\(error))"
                ).ledgerError
            }
        } catch {
            throw Self.failure("committing transaction \(transactionID)", error).ledgerError
        }
        return try outcome.get()
    }

    /// One commit on one connection. Anything before COMMIT failing rolls back: nothing of the
    /// block is written. COMMIT itself failing leaves the outcome in doubt: it is looked up.
    private func commit(
        on connection: PostgresConnection, transactionID: String, snapshot: Int, reads: Set<String>,
        build: @escaping @Sendable (ChainTip) throws(LedgerError) -> (block: BlockRecord, effects: Set<String>)
    ) async throws -> Result<BlockRecord, LedgerError> {
        _ = try await connection.query("BEGIN", logger: logger)
        let block: BlockRecord
        do {
            // The serialization point: one commit per ledger at a time, whichever frontend.
            var head: (Int, ByteBuffer, Int, Int)?
            for try await row in try await connection.query(
                """
                SELECT last_sequence, tip, catalog_sequence, effects_horizon FROM ledgers
                WHERE name = \(ledger) FOR UPDATE
                """, logger: logger
            ).decode((Int, ByteBuffer, Int, Int).self) {
                head = row
            }
            guard let (sequence, tip, catalogSequence, horizon) = head else {
                throw StorageError(engine: "postgres", operation: "committing", reason: "ledger \(ledger) is gone")
            }
            if snapshot < horizon {
                _ = try await connection.query("ROLLBACK", logger: logger)
                return .failure(.occConflict)
            }
            if sequence > snapshot, !reads.isEmpty {
                var conflict = false
                for try await _ in try await connection.query(
                    """
                    SELECT 1 FROM commit_effects WHERE ledger = \(ledger) AND sequence > \(snapshot)
                    AND key = ANY(\(Array(reads))) LIMIT 1
                    """, logger: logger)
                {
                    conflict = true
                }
                if conflict {
                    _ = try await connection.query("ROLLBACK", logger: logger)
                    return .failure(.occConflict)
                }
            }
            let catalog = try await catalog(at: catalogSequence) { sql in
                try await connection.query(sql, logger: self.logger)
            }
            let built: (block: BlockRecord, effects: Set<String>)
            do {
                built = try build(
                    ChainTip(
                        strandID: strandID, sequence: sequence, tip: QLDBHash(Self.bytes(tip) ?? []), catalog: catalog))
            } catch {
                _ = try await connection.query("ROLLBACK", logger: logger)
                return .failure(error)
            }
            block = built.block
            try await write(block, transactionID: transactionID, effects: built.effects, on: connection)
            let newCatalogSequence = block.catalogChanges.isEmpty ? catalogSequence : block.sequence
            var newHorizon = horizon
            if block.sequence % 1000 == 0, block.sequence > Self.effectsKept {
                newHorizon = block.sequence - Self.effectsKept
                try await connection.query(
                    "DELETE FROM commit_effects WHERE ledger = \(ledger) AND sequence <= \(newHorizon)", logger: logger)
            }
            try await connection.query(
                """
                UPDATE ledgers SET last_sequence = \(block.sequence), tip = \(Self.buffer(block.summary.blockHash.bytes)),
                catalog_sequence = \(newCatalogSequence), effects_horizon = \(newHorizon) WHERE name = \(ledger)
                """, logger: logger)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
        do {
            _ = try await connection.query("COMMIT", logger: logger)
        } catch {
            logger.warning(
                "COMMIT failed: looking the transaction up to learn whether it committed",
                metadata: ["ledger": "\(ledger)", "transaction": "\(transactionID)", "error": "\(error)"])
            return try await lookUp(transactionID, sequence: block.sequence).map { _ in block }
        }
        return .success(block)
    }

    /// Whether a commit whose COMMIT failed happened: on another connection, after taking the
    /// ledger's lock (so a server still finishing that transaction is waited for), the block
    /// with its transaction id is there or not.
    /// With `sequence` nil (the block was never built here), a found block is read back whole.
    private func lookUp(_ transactionID: String, sequence: Int?) async throws -> Result<BlockRecord, LedgerError> {
        try await client.withConnection { connection in
            _ = try await connection.query("BEGIN", logger: logger)
            var committed: Int?
            do {
                _ = try await connection.query(
                    "SELECT 1 FROM ledgers WHERE name = \(ledger) FOR UPDATE", logger: logger)
                for try await sequence in try await connection.query(
                    "SELECT sequence FROM blocks WHERE ledger = \(ledger) AND transaction_id = \(transactionID)",
                    logger: logger
                ).decode(Int.self) {
                    committed = sequence
                }
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
            _ = try await connection.query("ROLLBACK", logger: logger)
            if let committed, sequence == nil || committed == sequence {
                return .success(try await self.storedRecord(committed))
            }
            return .failure(
                StorageError(
                    engine: "postgres", operation: "committing transaction \(transactionID)",
                    reason: "the connection failed during COMMIT and the transaction did not commit"
                ).ledgerError)
        }
    }

    /// A committed block as the engine needs it after a commit: its summary and catalog (the
    /// revisions are not needed again).
    private func storedRecord(_ sequence: Int) async throws -> BlockRecord {
        guard let summary = try await blockSummary(sequence) else {
            throw StorageError(engine: "postgres", operation: "reading block \(sequence)", reason: "it is missing")
        }
        let catalog = try await head().catalog
        return BlockRecord(summary: summary, body: [], revisions: [], catalogChanges: [], catalog: catalog)
    }

    private func write(
        _ block: BlockRecord, transactionID: String, effects: Set<String>, on connection: PostgresConnection
    ) async throws {
        let summary = block.summary
        try await connection.query(
            """
            INSERT INTO blocks (ledger, sequence, transaction_id, block_hash, previous_block_hash, entries_hashes,
                revision_hashes, revision_documents, body)
            VALUES (\(ledger), \(block.sequence), \(transactionID), \(Self.buffer(summary.blockHash.bytes)),
                \(Self.buffer(summary.previousBlockHash.bytes)), \(Self.buffer(summary.entriesHashList.flatMap(\.bytes))),
                \(Self.buffer(summary.revisionHashes.flatMap(\.bytes))),
                \(summary.revisionDocuments.joined(separator: ",")), \(Self.buffer(block.body)))
            """, logger: logger)
        // The tree nodes this block completes; their left children were written before.
        let leftChildren = JournalTree.leftChildren(ofNodesCompletedByLeafCount: block.sequence)
        let stored = try await merkleNodes(Set(leftChildren)) { query in
            try await connection.query(query, logger: self.logger)
        }
        let nodes = try JournalTree.completedNodes(byLeafCount: block.sequence, leaf: summary.blockHash) { position in
            guard let hash = stored[position] else {
                throw StorageError(
                    engine: "postgres", operation: "extending the journal's Merkle tree",
                    reason: "node \(position) is missing")
            }
            return hash
        }
        for (position, hash) in nodes {
            try await connection.query(
                """
                INSERT INTO merkle_nodes (ledger, level, position, hash)
                VALUES (\(ledger), \(position.level), \(position.index), \(Self.buffer(hash.bytes)))
                """, logger: logger)
        }
        for change in block.catalogChanges { try await apply(change, catalog: block.catalog, on: connection) }
        for (position, (table, revision)) in block.revisions.enumerated() {
            if revision.version == 0 {
                try await connection.query(
                    """
                    INSERT INTO documents (ledger, table_id, document_id) VALUES (\(ledger), \(table), \(revision.documentID))
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
            let data = try revision.data.map { Self.buffer(try IonValue.encode(binary: [$0])) }
            let time = Self.buffer(try IonValue.encode(binary: [.timestamp(revision.transactionTime)]))
            try await connection.query(
                """
                INSERT INTO revisions
                    (ledger, table_id, document_id, sequence, position, version, hash, data, tx_time, tx_id, data_hash)
                VALUES (\(ledger), \(table), \(revision.documentID), \(block.sequence), \(position), \(revision.version),
                    \(Self.buffer(revision.hash.bytes)), \(data), \(time), \(revision.transactionID),
                    \(revision.dataHash.map { Self.buffer($0.bytes) }))
                """, logger: logger)
            if let document = revision.data {
                var keys: [String] = []
                var fields: [String] = []
                for field in block.catalog.indexedFields(of: table) {
                    guard let value = document[field] else { continue }
                    fields.append(field)
                    keys.append(Hex.encode(TableDefinition.indexKeyBytes(value)))
                }
                if !fields.isEmpty {
                    try await connection.query(
                        """
                        INSERT INTO index_entries (ledger, table_id, field, value_key, document_id)
                        SELECT \(ledger), \(table), f, k, \(revision.documentID) FROM unnest(\(fields), \(keys)) AS u(f, k)
                        ON CONFLICT DO NOTHING
                        """, logger: logger)
                }
            }
        }
        if !effects.isEmpty {
            try await connection.query(
                """
                INSERT INTO commit_effects (ledger, key, sequence)
                SELECT \(ledger), k, \(block.sequence) FROM unnest(\(Array(effects))) AS u(k)
                """, logger: logger)
        }
    }

    private func apply(_ change: CatalogChange, catalog: Catalog, on connection: PostgresConnection) async throws {
        switch change {
        case .createTable(let id, let name):
            try await connection.query(
                "INSERT INTO catalog_tables (ledger, table_id, name, active) VALUES (\(ledger), \(id), \(name), true)",
                logger: logger)
        case .createIndex(let table, let index):
            try await connection.query(
                """
                INSERT INTO catalog_indexes (ledger, index_id, table_id, field)
                VALUES (\(ledger), \(index.id), \(table), \(index.field))
                """, logger: logger)
            // Every value the field has had in any revision, as readers of older snapshots need.
            var entries: [(String, String)] = []
            for try await (id, data) in try await connection.query(
                "SELECT document_id, data FROM revisions WHERE ledger = \(ledger) AND table_id = \(table) AND data IS NOT NULL",
                logger: logger
            ).decode((String, ByteBuffer).self) {
                guard let value = try IonValue.decode(binary: Self.bytes(data) ?? []).first?[index.field] else {
                    continue
                }
                entries.append((id, Hex.encode(TableDefinition.indexKeyBytes(value))))
            }
            if !entries.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO index_entries (ledger, table_id, field, value_key, document_id)
                    SELECT \(ledger), \(table), \(index.field), k, d FROM unnest(\(entries.map(\.1)), \(entries.map(\.0))) AS u(k, d)
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
        case .dropIndex(let table, let indexID):
            try await connection.query(
                "DELETE FROM catalog_indexes WHERE ledger = \(ledger) AND index_id = \(indexID)", logger: logger)
            let remaining = catalog.indexedFields(of: table)
            try await connection.query(
                """
                DELETE FROM index_entries WHERE ledger = \(ledger) AND table_id = \(table) AND NOT (field = ANY(\(remaining)))
                """, logger: logger)
        case .dropTable(let id):
            try await connection.query(
                "UPDATE catalog_tables SET active = false WHERE ledger = \(ledger) AND table_id = \(id)", logger: logger
            )
        case .undropTable(let id):
            try await connection.query(
                "UPDATE catalog_tables SET active = true WHERE ledger = \(ledger) AND table_id = \(id)", logger: logger)
        }
    }
}
