import Foundation
import Ion
import Logging
import NIOCore
import PostgresNIO
import QLDBHashing
import QLDBLedger
import QLDBPrimitives
import Synchronization

/// One ledger in a PostgreSQL database that several `qldb serve` processes share: a
/// ``SharedLedgerStore``. The ledger's row in `ledgers`, locked `FOR UPDATE` by each commit, is
/// its serialization point; `commit_effects` holds what each recent commit changed, for OCC.
final class PostgresLedgerStore: SharedLedgerStore {
    let ledger: String
    let strandID: String
    let client: PostgresClient
    let logger: Logger
    /// How long one read or commit may wait for the database before the client gets a
    /// retriable error.
    static let operationTimeout: Duration = .seconds(10)
    /// The catalog as of `catalog_sequence`, reloaded when another process changes it.
    private let catalogCache = Mutex<(sequence: Int, catalog: Catalog)?>(nil)

    init(ledger: String, strandID: String, client: PostgresClient, logger: Logger) {
        self.ledger = ledger
        self.strandID = strandID
        self.client = client
        self.logger = logger
    }

    /// Creates the ledger's row when it does not exist yet (with `newStrandID`) and opens it.
    static func open(ledger: String, newStrandID: String, client: PostgresClient, logger: Logger)
        async throws(StorageError) -> PostgresLedgerStore
    {
        do {
            try await client.query(
                """
                INSERT INTO ledgers (name, strand_id, last_sequence, tip, catalog_sequence, effects_horizon)
                VALUES (\(ledger), \(newStrandID), 0, \(ByteBuffer()), 0, 0) ON CONFLICT (name) DO NOTHING
                """, logger: logger)
            var strand = newStrandID
            for try await value in try await client.query(
                "SELECT strand_id FROM ledgers WHERE name = \(ledger)", logger: logger
            ).decode(String.self) {
                strand = value
            }
            return PostgresLedgerStore(ledger: ledger, strandID: strand, client: client, logger: logger)
        } catch {
            throw failure("opening ledger \(ledger)", error)
        }
    }

    static func failure(_ operation: String, _ error: any Error) -> StorageError {
        if let error = error as? StorageError { return error }
        return StorageError(engine: "postgres", operation: operation, reason: String(reflecting: error))
    }

    static func bytes(_ buffer: ByteBuffer?) -> [UInt8]? { buffer.map { Array($0.readableBytesView) } }
    static func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }

    // MARK: Head and catalog

    func load() async throws(StorageError) -> StoredLedger {
        let (sequence, tip, catalog) = try await headWithTip()
        return StoredLedger(strandID: strandID, lastSequence: sequence, tip: tip, catalog: catalog)
    }

    func head() async throws(StorageError) -> (sequence: Int, catalog: Catalog) {
        let (sequence, _, catalog) = try await headWithTip()
        return (sequence, catalog)
    }

    private func headWithTip() async throws(StorageError) -> (Int, QLDBHash, Catalog) {
        do {
            return try await withDeadline(Self.operationTimeout, "reading the head of ledger \(ledger)") {
                try await self.readHead()
            }
        } catch {
            throw Self.failure("reading the head of ledger \(ledger)", error)
        }
    }

    private func readHead() async throws -> (Int, QLDBHash, Catalog) {
        do {
            var found: (Int, ByteBuffer, Int)?
            for try await row in try await client.query(
                "SELECT last_sequence, tip, catalog_sequence FROM ledgers WHERE name = \(ledger)", logger: logger
            ).decode((Int, ByteBuffer, Int).self) {
                found = row
            }
            guard let (sequence, tip, catalogSequence) = found else {
                throw StorageError(engine: "postgres", operation: "reading ledger \(ledger)", reason: "it is gone")
            }
            let catalog = try await catalog(at: catalogSequence) { sql in
                try await self.client.query(sql, logger: self.logger)
            }
            return (sequence, QLDBHash(Self.bytes(tip) ?? []), catalog)
        } catch {
            throw Self.failure("reading the head of ledger \(ledger)", error)
        }
    }

    /// The catalog after block `sequence` changed it last, from the cache or, when another
    /// process changed it since, from the database through `query`.
    func catalog(at sequence: Int, query: (PostgresQuery) async throws -> PostgresRowSequence) async throws
        -> Catalog
    {
        if let cached = catalogCache.withLock({ $0 }), cached.sequence == sequence { return cached.catalog }
        var catalog = Catalog()
        for try await (id, name, active) in try await query(
            "SELECT table_id, name, active FROM catalog_tables WHERE ledger = \(ledger) ORDER BY ordinal"
        ).decode((String, String, Bool).self) {
            catalog.tables[id] = TableDefinition(id: id, name: name, active: active)
        }
        for try await (id, table, field) in try await query(
            "SELECT index_id, table_id, field FROM catalog_indexes WHERE ledger = \(ledger) ORDER BY ordinal"
        ).decode((String, String, String).self) {
            catalog.tables[table]?.indexes.append(IndexDefinition(id: id, field: field))
        }
        catalogCache.withLock { cached in
            if (cached?.sequence ?? -1) < sequence { cached = (sequence, catalog) }
        }
        return catalog
    }

    // MARK: Reads

    /// The revision columns every read selects, in this order.
    static let revisionColumns =
        "r.document_id, r.sequence, r.version, r.hash, r.data, r.tx_time, r.tx_id, r.data_hash"
    typealias RevisionRow = (String, Int, Int, ByteBuffer, ByteBuffer?, ByteBuffer, String, ByteBuffer?)

    func revision(_ row: RevisionRow) throws -> Revision {
        let (id, sequence, version, hash, data, time, txID, dataHash) = row
        guard let time = try IonValue.decode(binary: Self.bytes(time) ?? []).first?.timestampValue else {
            throw StorageError(
                engine: "postgres", operation: "reading a revision", reason: "tx_time is not a timestamp")
        }
        return Revision(
            blockAddress: BlockAddress(strandID: strandID, sequenceNo: sequence),
            hash: QLDBHash(Self.bytes(hash) ?? []),
            data: try Self.bytes(data).flatMap { try IonValue.decode(binary: $0).first }, documentID: id,
            version: version, transactionTime: time, transactionID: txID,
            dataHash: Self.bytes(dataHash).map(QLDBHash.init))
    }

    func documents(table: String, plan: ReadPlan, at snapshot: Int) async throws(StorageError) -> [Revision] {
        var binds = PostgresBindings()
        binds.append(ledger)
        binds.append(table)
        binds.append(snapshot)
        // A narrowed read starts from the documents it names (materialised first, so the
        // planner cannot turn it into a walk of the whole table in insertion order).
        var source = "documents d"
        switch plan {
        case .scan: break
        case .documents(let ids):
            guard !ids.isEmpty else { return [] }
            source = """
                (SELECT unnest($4::text[]) AS document_id) w
                JOIN documents d ON d.ledger = $1 AND d.table_id = $2 AND d.document_id = w.document_id
                """
            binds.append(ids.sorted())
        case .values(let field, let values):
            guard !values.isEmpty else { return [] }
            source = """
                (SELECT DISTINCT e.document_id FROM unnest($5::text[]) AS k(value_key) JOIN index_entries e
                    ON e.ledger = $1 AND e.table_id = $2 AND e.field = $4 AND e.value_key = k.value_key) w
                JOIN documents d ON d.ledger = $1 AND d.table_id = $2 AND d.document_id = w.document_id
                """
            binds.append(field)
            binds.append(values.map { Hex.encode(TableDefinition.indexKeyBytes($0)) })
        }
        // The newest revision at the snapshot, found through the primary key (ledger, table,
        // document, sequence): the ORDER BY names its columns so that no other index is chosen.
        let sql = """
            WITH wanted AS MATERIALIZED (SELECT d.document_id, d.ordinal FROM \(source)
                WHERE d.ledger = $1 AND d.table_id = $2)
            SELECT \(Self.revisionColumns) FROM wanted w JOIN LATERAL (
                SELECT * FROM revisions m WHERE m.ledger = $1 AND m.table_id = $2 AND m.document_id = w.document_id
                AND m.sequence <= $3 ORDER BY m.ledger DESC, m.table_id DESC, m.document_id DESC, m.sequence DESC
                LIMIT 1) r ON true
            WHERE r.data IS NOT NULL ORDER BY w.ordinal
            """
        do {
            return try await readRevisions(PostgresQuery(unsafeSQL: sql, binds: binds), "reading table \(table)")
        } catch {
            throw Self.failure("reading table \(table) at block \(snapshot)", error)
        }
    }

    func revisions(table: String, document: String?, through snapshot: Int) async throws(StorageError)
        -> [Revision]
    {
        var binds = PostgresBindings()
        binds.append(ledger)
        binds.append(table)
        binds.append(snapshot)
        if let document { binds.append(document) }
        let sql = """
            SELECT \(Self.revisionColumns) FROM revisions r WHERE r.ledger = $1 AND r.table_id = $2 AND r.sequence <= $3\
            \(document == nil ? "" : " AND r.document_id = $4") ORDER BY r.sequence, r.position
            """
        do {
            return try await readRevisions(
                PostgresQuery(unsafeSQL: sql, binds: binds), "reading the history of table \(table)")
        } catch {
            throw Self.failure("reading the history of table \(table)", error)
        }
    }

    /// The revisions a query selects (``revisionColumns``), within the deadline.
    private func readRevisions(_ query: PostgresQuery, _ what: String) async throws -> [Revision] {
        try await withDeadline(Self.operationTimeout, what) {
            var revisions: [Revision] = []
            for try await row in try await self.client.query(query, logger: self.logger).decode(RevisionRow.self) {
                revisions.append(try self.revision(row))
            }
            return revisions
        }
    }

    typealias SummaryRow = (Int, ByteBuffer, ByteBuffer, ByteBuffer, ByteBuffer, String)
    static let summaryColumns =
        "sequence, block_hash, previous_block_hash, entries_hashes, revision_hashes, revision_documents"

    func summary(_ row: SummaryRow) -> BlockSummary {
        let (sequence, hash, previous, entries, revisions, documents) = row
        let revisionHashes = BlockSummary.splitHashes(Self.bytes(revisions) ?? [])
        return BlockSummary(
            address: BlockAddress(strandID: strandID, sequenceNo: sequence),
            blockHash: QLDBHash(Self.bytes(hash) ?? []),
            previousBlockHash: QLDBHash(Self.bytes(previous) ?? []),
            entriesHashList: BlockSummary.splitHashes(Self.bytes(entries) ?? []),
            revisionHashes: revisionHashes,
            revisionDocuments: BlockSummary.splitDocuments(documents, revisions: revisionHashes.count))
    }

    func blockSummary(_ sequence: Int) async throws(StorageError) -> BlockSummary? {
        do {
            var found: BlockSummary?
            for try await row in try await client.query(
                "SELECT \(unescaped: Self.summaryColumns) FROM blocks WHERE ledger = \(ledger) AND sequence = \(sequence)",
                logger: logger
            ).decode(SummaryRow.self) {
                found = summary(row)
            }
            return found
        } catch {
            throw Self.failure("reading block \(sequence)", error)
        }
    }

    func blockBodies(_ sequences: ClosedRange<Int>) async throws(StorageError) -> [(sequence: Int, body: [UInt8])] {
        let what = "reading blocks \(sequences.lowerBound)–\(sequences.upperBound)"
        do {
            return try await withDeadline(Self.operationTimeout, what) {
                var bodies: [(sequence: Int, body: [UInt8])] = []
                for try await (sequence, body) in try await self.client.query(
                    """
                    SELECT sequence, body FROM blocks WHERE ledger = \(self.ledger)
                    AND sequence >= \(sequences.lowerBound) AND sequence <= \(sequences.upperBound) ORDER BY sequence
                    """, logger: self.logger
                ).decode((Int, ByteBuffer).self) {
                    bodies.append((sequence, Self.bytes(body) ?? []))
                }
                return bodies
            }
        } catch {
            throw Self.failure(what, error)
        }
    }

    func merkleNodes(_ positions: Set<JournalTree.Position>) async throws(StorageError)
        -> [JournalTree.Position: QLDBHash]
    {
        do {
            return try await withDeadline(Self.operationTimeout, "reading the journal's Merkle tree") {
                try await self.merkleNodes(positions) { query in try await self.client.query(query, logger: self.logger)
                }
            }
        } catch {
            throw Self.failure("reading the journal's Merkle tree", error)
        }
    }

    /// Level 0 from `blocks`, the rest from `merkle_nodes`, through `query`.
    func merkleNodes(
        _ positions: Set<JournalTree.Position>, query: (PostgresQuery) async throws -> PostgresRowSequence
    ) async throws -> [JournalTree.Position: QLDBHash] {
        var found: [JournalTree.Position: QLDBHash] = [:]
        let leaves = positions.filter { $0.level == 0 }.map { $0.index + 1 }
        if !leaves.isEmpty {
            for try await (sequence, hash) in try await query(
                "SELECT sequence, block_hash FROM blocks WHERE ledger = \(ledger) AND sequence = ANY(\(leaves))"
            ).decode((Int, ByteBuffer).self) {
                found[JournalTree.Position(level: 0, index: sequence - 1)] = QLDBHash(Self.bytes(hash) ?? [])
            }
        }
        let inner = positions.filter { $0.level > 0 }
        if !inner.isEmpty {
            for try await (level, index, hash) in try await query(
                """
                SELECT n.level, n.position, n.hash FROM merkle_nodes n
                JOIN unnest(\(inner.map(\.level)), \(inner.map(\.index))) AS w(level, position)
                ON n.level = w.level AND n.position = w.position WHERE n.ledger = \(ledger)
                """
            ).decode((Int, Int, ByteBuffer).self) {
                found[JournalTree.Position(level: level, index: index)] = QLDBHash(Self.bytes(hash) ?? [])
            }
        }
        return found
    }

    func forEachBlock(_ body: @Sendable (StoredBlock) throws -> Void) async throws {
        var after = 0
        while true {
            var page: [(SummaryRow, ByteBuffer)] = []
            for try await row in try await client.query(
                """
                SELECT \(unescaped: Self.summaryColumns), body FROM blocks WHERE ledger = \(ledger) AND sequence > \(after)
                ORDER BY sequence LIMIT 512
                """, logger: logger
            ).decode((Int, ByteBuffer, ByteBuffer, ByteBuffer, ByteBuffer, String, ByteBuffer).self) {
                page.append(((row.0, row.1, row.2, row.3, row.4, row.5), row.6))
            }
            guard let last = page.last?.0.0 else { return }
            var revisions: [Int: [(table: String, revision: Revision)]] = [:]
            for try await row in try await client.query(
                """
                SELECT r.table_id, \(unescaped: Self.revisionColumns) FROM revisions r
                WHERE r.ledger = \(ledger) AND r.sequence > \(after) AND r.sequence <= \(last)
                ORDER BY r.sequence, r.position
                """, logger: logger
            ).decode((String, String, Int, Int, ByteBuffer, ByteBuffer?, ByteBuffer, String, ByteBuffer?).self) {
                let revision = try revision((row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8))
                revisions[revision.blockAddress.sequenceNo, default: []].append((row.0, revision))
            }
            for (summaryRow, blockBody) in page {
                let sequence = summaryRow.0
                try body(
                    StoredBlock(
                        sequence: sequence, body: Self.bytes(blockBody) ?? [], summary: summary(summaryRow),
                        revisions: revisions[sequence] ?? []))
            }
            after = last
        }
    }

    // MARK: Metadata

    func metadata(_ key: String) async throws(StorageError) -> [UInt8]? {
        do {
            var value: [UInt8]?
            for try await bytes in try await client.query(
                "SELECT value FROM ledger_metadata WHERE ledger = \(ledger) AND key = \(key)", logger: logger
            ).decode(ByteBuffer.self) {
                value = Self.bytes(bytes)
            }
            return value
        } catch {
            throw Self.failure("reading metadata \(key)", error)
        }
    }

    func redact(table: String, document: String, sequence: Int, dataHash: QLDBHash, blockBody: [UInt8])
        async throws(StorageError)
    {
        let what = "redacting the revision of \(document) in block \(sequence)"
        do {
            try await withDeadline(Self.operationTimeout, what) {
                try await self.client.withConnection { connection in
                    _ = try await connection.query("BEGIN", logger: self.logger)
                    do {
                        try await connection.query(
                            """
                            UPDATE revisions SET data = NULL, data_hash = \(Self.buffer(dataHash.bytes))
                            WHERE ledger = \(self.ledger) AND table_id = \(table) AND document_id = \(document)
                            AND sequence = \(sequence)
                            """, logger: self.logger)
                        try await connection.query(
                            """
                            UPDATE blocks SET body = \(Self.buffer(blockBody))
                            WHERE ledger = \(self.ledger) AND sequence = \(sequence)
                            """, logger: self.logger)
                        _ = try await connection.query("COMMIT", logger: self.logger)
                    } catch {
                        _ = try? await connection.query("ROLLBACK", logger: self.logger)
                        throw error
                    }
                }
            }
        } catch {
            throw Self.failure(what, error)
        }
    }

    func metadataKeys(withPrefix prefix: String) async throws(StorageError) -> [String] {
        do {
            var keys: [String] = []
            for try await key in try await client.query(
                """
                SELECT key FROM ledger_metadata WHERE ledger = \(ledger) AND left(key, \(Int32(prefix.count))) = \(prefix)
                ORDER BY key
                """, logger: logger
            ).decode(String.self) {
                keys.append(key)
            }
            return keys
        } catch {
            throw Self.failure("listing metadata \(prefix)*", error)
        }
    }

    func setMetadata(_ key: String, _ value: [UInt8]?) async throws(StorageError) {
        do {
            if let value {
                try await client.query(
                    """
                    INSERT INTO ledger_metadata (ledger, key, value) VALUES (\(ledger), \(key), \(Self.buffer(value)))
                    ON CONFLICT (ledger, key) DO UPDATE SET value = excluded.value
                    """, logger: logger)
            } else {
                try await client.query(
                    "DELETE FROM ledger_metadata WHERE ledger = \(ledger) AND key = \(key)", logger: logger)
            }
        } catch {
            throw Self.failure("writing metadata \(key)", error)
        }
    }

    func backup(to path: String) async throws(StorageError) {
        throw StorageError(
            engine: "postgres", operation: "backing up to \(path)",
            reason: "back up the database with pg_dump (docs/storage.md); a file copy of one ledger is not offered")
    }

    /// The client belongs to ``PostgresLedgerDatabase``, which closes it.
    func close() async {}
}
