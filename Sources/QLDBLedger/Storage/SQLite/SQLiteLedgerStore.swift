import Foundation
import Ion
import Logging
import QLDBHashing
import Synchronization

/// A ledger in one SQLite file (WAL mode, `synchronous=FULL`): the embedded default.
///
/// Connections: the writer, on a serial queue of its own, which appends queued blocks in group
/// commits (every block that queued while the previous commit synced goes into the next
/// transaction, so they share one sync), and readers, which in WAL mode read the last committed
/// state without waiting for the writer, each lent to one read at a time and run on the
/// caller's thread, and a checkpointer, which copies the WAL into the database file beside the
/// writer (``SQLiteCheckpointer``). Reads name a snapshot, so a read never sees a block past it.
final class SQLiteLedgerStore: LocalLedgerStore {
    let path: String
    let strandID: String
    let readOnly: Bool
    /// The file's schema (`PRAGMA user_version`): the current one unless opened read-only.
    let schemaVersion: Int
    /// The revision columns reads select; a file of schema 1 opened read-only (not upgraded)
    /// has no `data_hash`, and no redacted revision.
    let revisionColumns: String
    /// The writer: every write (a group commit, a metadata write, a redaction) runs on its queue.
    let writer: SQLiteSerialConnection
    /// Reader connections, each lent to one read at a time (see ``SQLiteHandlePool``).
    let readers: SQLiteHandlePool
    /// Checkpoints the WAL beside the writer; nil when the file is opened read-only.
    let checkpointer: SQLiteCheckpointer?
    let queue: Mutex<WriteQueue>
    let syncCount = Atomic<Int>(0)
    private let closed = Atomic<Bool>(false)
    /// The writer's: the last complete node of each level of the journal's Merkle tree, known
    /// after the first write (see `merkleFrontier(before:)`).
    let cachedFrontier = Mutex<[Int: QLDBHash]?>(nil)
    let logger: Logger

    /// Blocks waiting to be written and the callers waiting for them.
    struct WriteQueue {
        var pending: [BlockRecord] = []
        var durableThrough: Int
        var writing = false
        var waiters: [(sequence: Int, continuation: CheckedContinuation<StorageError?, Never>)] = []
        var failure: StorageError?
    }

    private init(
        path: String, strandID: String, readOnly: Bool, schemaVersion: Int, writer: SQLiteHandle,
        checkpointer: SQLiteCheckpointer?, readers: SQLiteHandlePool, lastSequence: Int, logger: Logger
    ) {
        self.schemaVersion = schemaVersion
        self.revisionColumns =
            "r.document_id, r.sequence, r.version, r.hash, r.data, r.tx_time, r.tx_id, "
            + (schemaVersion >= 2 ? "r.data_hash" : "NULL AS data_hash")
        self.path = path
        self.strandID = strandID
        self.readOnly = readOnly
        self.writer = SQLiteSerialConnection(writer, label: "swift-qldb.sqlite-writer")
        self.readers = readers
        self.checkpointer = checkpointer
        self.queue = Mutex(WriteQueue(durableThrough: lastSequence))
        self.logger = logger
    }

    static func failure(_ operation: String, _ error: any Error) -> StorageError {
        if let error = error as? StorageError { return error }
        return StorageError(engine: "sqlite", operation: operation, reason: "\(error)")
    }

    /// Opens the ledger file at `path`, creating it (with `newStrandID`) when it does not exist
    /// and `readOnly` is false.
    static func open(path: String, newStrandID: String, readOnly: Bool, logger: Logger) async throws(StorageError)
        -> SQLiteLedgerStore
    {
        let exists = FileManager.default.fileExists(atPath: path)
        guard exists || !readOnly else {
            throw StorageError(engine: "sqlite", operation: "opening \(path)", reason: "no such file")
        }
        let writer: SQLiteHandle
        do { writer = try SQLiteHandle(path: path, readOnly: readOnly) } catch {
            throw failure("opening \(path)", error)
        }
        do {
            if !readOnly {
                try writer.query("PRAGMA journal_mode=WAL")
                try SQLiteSchema.migrate(writer, path: path)
            }
            // FULL: a commit returns only after its WAL frames are synced, so an acknowledged
            // commit survives a power loss, not only a crash of the process.
            try writer.query("PRAGMA synchronous=FULL")
            var strand = try writer.query("SELECT value FROM ledger_metadata WHERE key = 'strandId'")
                .first?.first?.blob.map { String(decoding: $0, as: UTF8.self) }
            if strand == nil {
                guard !readOnly else {
                    throw StorageError(
                        engine: "sqlite", operation: "opening \(path)", reason: "the file has no strand id")
                }
                try writer.query(
                    "INSERT INTO ledger_metadata (key, value) VALUES ('strandId', ?)", [.blob(Array(newStrandID.utf8))])
                strand = newStrandID
            }
            let last = try writer.query("SELECT MAX(sequence) FROM blocks").first?.first?.integer ?? 0
            let schemaVersion = try writer.query("PRAGMA user_version").first?.first?.integer ?? 0
            var checkpointer: SQLiteCheckpointer?
            if !readOnly {
                let handle = try SQLiteHandle(path: path, readOnly: false)
                // FULL: a checkpoint syncs the WAL before copying and the database file after.
                try handle.query("PRAGMA synchronous=FULL")
                checkpointer = SQLiteCheckpointer(handle, logger: logger)
                writer.reportWALSize()
            }
            return SQLiteLedgerStore(
                path: path, strandID: strand ?? newStrandID, readOnly: readOnly, schemaVersion: schemaVersion,
                writer: writer, checkpointer: checkpointer, readers: SQLiteHandlePool(path: path, readOnly: readOnly),
                lastSequence: last, logger: logger)
        } catch {
            writer.close()
            throw failure("opening \(path)", error)
        }
    }

    /// One read statement on a reader connection of its own, on the calling thread.
    func read(_ sql: String, _ binds: [SQLiteValue] = []) throws -> [[SQLiteValue]] {
        try readers.with { try $0.query(sql, binds) }
    }

    func load() async throws(StorageError) -> StoredLedger {
        do {
            let last = try read("SELECT sequence, block_hash FROM blocks ORDER BY sequence DESC LIMIT 1").first
            var catalog = Catalog()
            for row in try read("SELECT table_id, name, active FROM catalog_tables ORDER BY rowid") {
                guard let id = row[0].text, let name = row[1].text else { continue }
                catalog.tables[id] = TableDefinition(id: id, name: name, active: row[2].integer == 1)
            }
            for row in try read("SELECT index_id, table_id, field FROM catalog_indexes ORDER BY rowid") {
                guard let id = row[0].text, let table = row[1].text, let field = row[2].text else { continue }
                catalog.tables[table]?.indexes.append(IndexDefinition(id: id, field: field))
            }
            return StoredLedger(
                strandID: strandID, lastSequence: last?[0].integer ?? 0, tip: QLDBHash(last?[1].blob ?? []),
                catalog: catalog)
        } catch {
            throw Self.failure("loading the ledger from \(path)", error)
        }
    }

    /// A revision from the columns ``revisionColumns`` names, starting at `first`.
    func revision(from row: [SQLiteValue], at first: Int = 0) throws -> Revision {
        let columns = row[first...]
        guard columns.count >= 8, let id = columns[first].text, let sequence = columns[first + 1].integer,
            let version = columns[first + 2].integer, let hash = columns[first + 3].blob,
            let timeBytes = columns[first + 5].blob, let txID = columns[first + 6].text,
            let time = try IonValue.decode(binary: timeBytes).first?.timestampValue
        else {
            throw StorageError(engine: "sqlite", operation: "reading a revision", reason: "a column is missing")
        }
        let data = try columns[first + 4].blob.flatMap { try IonValue.decode(binary: $0).first }
        return Revision(
            blockAddress: BlockAddress(strandID: strandID, sequenceNo: sequence), hash: QLDBHash(hash), data: data,
            documentID: id, version: version, transactionTime: time, transactionID: txID,
            dataHash: columns[first + 7].blob.map(QLDBHash.init))
    }

    func documents(table: String, plan: ReadPlan, at snapshot: Int) async throws(StorageError) -> [Revision] {
        guard let query = documentsQuery(table: table, plan: plan, at: snapshot) else { return [] }
        do {
            return try read(query.sql, query.binds).map { try revision(from: $0) }
        } catch {
            throw Self.failure("reading table \(table) at block \(snapshot)", error)
        }
    }

    /// The query ``documents(table:plan:at:)`` runs, with its bindings; nil when the plan names
    /// no document.
    func documentsQuery(table: String, plan: ReadPlan, at snapshot: Int) -> (sql: String, binds: [SQLiteValue])? {
        var binds: [SQLiteValue] = [.integer(snapshot), .text(table)]
        // The documents the plan names, as a query of column `column1`; nil for every document.
        var named: String?
        switch plan {
        case .scan: break
        case .documents(let ids):
            guard !ids.isEmpty else { return nil }
            // Numbered: `named` comes before `?1` and `?2` in the text, where a bare `?` would
            // take number 1.
            named = "VALUES " + (3..<3 + ids.count).map { "(?\($0))" }.joined(separator: ", ")
            binds += ids.sorted().map { .text($0) }
        case .values(let field, let values):
            guard !values.isEmpty else { return nil }
            named = """
                SELECT DISTINCT document_id AS column1 FROM index_entries WHERE table_id = ?2 AND field = ?3 \
                AND value_key IN (\((4..<4 + values.count).map { "?\($0)" }.joined(separator: ",")))
                """
            binds.append(.text(field))
            binds += values.map { .blob(TableDefinition.indexKeyBytes($0)) }
        }
        return (schemaVersion >= 3 ? documentsQuery(named: named) : documentsQueryOfSchemaTwo(named: named), binds)
    }

    /// The latest revision at snapshot `?1` of each document of table `?2` (of those `named`
    /// names), unless deleted, in the order of their inserts. A document's first revision (`d`)
    /// gives its place in that order.
    private func documentsQuery(named: String?) -> String {
        guard let named else {
            // Every document: its first revisions in order through `first_revisions`.
            return """
                SELECT \(revisionColumns) FROM revisions d JOIN revisions r
                ON r.table_id = d.table_id AND r.document_id = d.document_id AND r.sequence = (
                    SELECT MAX(m.sequence) FROM revisions m
                    WHERE m.table_id = d.table_id AND m.document_id = d.document_id AND m.sequence <= ?1)
                WHERE d.table_id = ?2 AND d.version = 0 AND d.sequence <= ?1 AND r.data IS NOT NULL
                ORDER BY d.sequence, d.position
                """
        }
        // Named documents: from each id, two seeks on the primary key (SQLite would otherwise
        // walk `first_revisions` for the order it gives and filter every document of the table).
        return """
            SELECT \(revisionColumns) FROM (\(named)) AS i
            JOIN revisions r ON r.table_id = ?2 AND r.document_id = i.column1 AND r.sequence = (
                SELECT MAX(m.sequence) FROM revisions m
                WHERE m.table_id = ?2 AND m.document_id = i.column1 AND m.sequence <= ?1)
            JOIN revisions d ON d.table_id = ?2 AND d.document_id = i.column1 AND d.sequence = (
                SELECT MIN(f.sequence) FROM revisions f WHERE f.table_id = ?2 AND f.document_id = i.column1)
            WHERE r.data IS NOT NULL ORDER BY d.sequence, d.position
            """
    }

    /// ``documentsQuery(named:)`` for files of schema 2 and older (read-only, not migrated),
    /// whose table `documents` numbers documents in the order of their inserts.
    private func documentsQueryOfSchemaTwo(named: String?) -> String {
        """
        SELECT \(revisionColumns) FROM documents d JOIN revisions r
        ON r.table_id = d.table_id AND r.document_id = d.document_id AND r.sequence = (
            SELECT MAX(m.sequence) FROM revisions m
            WHERE m.table_id = d.table_id AND m.document_id = d.document_id AND m.sequence <= ?1)
        WHERE d.table_id = ?2\(named.map { " AND d.document_id IN (\($0))" } ?? "") AND r.data IS NOT NULL
        ORDER BY d.ordinal
        """
    }

    func revisions(table: String, document: String?, through snapshot: Int) async throws(StorageError)
        -> [Revision]
    {
        var binds: [SQLiteValue] = [.text(table), .integer(snapshot)]
        if let document { binds.append(.text(document)) }
        let sql = """
            SELECT \(revisionColumns) FROM revisions r WHERE r.table_id = ? AND r.sequence <= ?\
            \(document == nil ? "" : " AND r.document_id = ?") ORDER BY r.sequence, r.position
            """
        do {
            return try read(sql, binds).map { try revision(from: $0) }
        } catch {
            throw Self.failure("reading the history of table \(table)", error)
        }
    }

    func blockSummary(_ sequence: Int) async throws(StorageError) -> BlockSummary? {
        do {
            guard
                let row = try read(
                    "SELECT block_hash, previous_block_hash, entries_hashes, revision_hashes, revision_documents FROM blocks WHERE sequence = ?",
                    [.integer(sequence)]
                ).first
            else { return nil }
            return summary(sequence, row)
        } catch {
            throw Self.failure("reading block \(sequence)", error)
        }
    }

    func blockBodies(_ sequences: ClosedRange<Int>) async throws(StorageError) -> [(sequence: Int, body: [UInt8])] {
        do {
            return try read(
                "SELECT sequence, body FROM blocks WHERE sequence >= ? AND sequence <= ? ORDER BY sequence",
                [.integer(sequences.lowerBound), .integer(sequences.upperBound)]
            ).map { ($0[0].integer ?? 0, $0[1].blob ?? []) }
        } catch {
            throw Self.failure("reading blocks \(sequences.lowerBound)–\(sequences.upperBound)", error)
        }
    }

    /// The summary columns of a `blocks` row (block_hash, previous_block_hash, entries_hashes,
    /// revision_hashes, revision_documents), starting at `first`.
    func summary(_ sequence: Int, _ row: [SQLiteValue], at first: Int = 0) -> BlockSummary {
        let documents = row[first + 4].text ?? ""
        let revisionHashes = BlockSummary.splitHashes(row[first + 3].blob ?? [])
        return BlockSummary(
            address: BlockAddress(strandID: strandID, sequenceNo: sequence),
            blockHash: QLDBHash(row[first].blob ?? []),
            previousBlockHash: QLDBHash(row[first + 1].blob ?? []),
            entriesHashList: BlockSummary.splitHashes(row[first + 2].blob ?? []),
            revisionHashes: revisionHashes,
            revisionDocuments: BlockSummary.splitDocuments(documents, revisions: revisionHashes.count))
    }

    func merkleNodes(_ positions: Set<JournalTree.Position>) async throws(StorageError)
        -> [JournalTree.Position: QLDBHash]
    {
        do {
            return try readers.with { try Self.merkleNodes(positions, on: $0, schemaVersion: schemaVersion) }
        } catch {
            throw Self.failure("reading the journal's Merkle tree", error)
        }
    }

    /// From the rows of the blocks that completed them, in one query: a leaf is its block's
    /// hash, a node of level L the L-th hash of its block's `merkle_nodes`. Files of schema 2 or
    /// older (read-only, not migrated) keep the nodes in a table of their own.
    static func merkleNodes(
        _ positions: Set<JournalTree.Position>, on connection: SQLiteHandle, schemaVersion: Int = SQLiteSchema.version
    ) throws -> [JournalTree.Position: QLDBHash] {
        guard schemaVersion >= 3 else { return try merkleNodesOfSchemaTwo(positions, on: connection) }
        guard !positions.isEmpty else { return [:] }
        let sequences = Set(positions.map(\.completedAtLeafCount)).sorted()
        var rows: [Int: (block: [UInt8], nodes: [UInt8])] = [:]
        for row in try connection.query(
            "SELECT sequence, block_hash, merkle_nodes FROM blocks WHERE sequence IN (\(sequences.map(String.init).joined(separator: ",")))"
        ) {
            guard let sequence = row[0].integer, let hash = row[1].blob else { continue }
            rows[sequence] = (hash, row[2].blob ?? [])
        }
        var found: [JournalTree.Position: QLDBHash] = [:]
        for position in positions {
            guard let row = rows[position.completedAtLeafCount] else { continue }
            if position.level == 0 {
                found[position] = QLDBHash(row.block)
            } else if row.nodes.count >= position.level * 32 {
                found[position] = QLDBHash(Array(row.nodes[(position.level - 1) * 32..<position.level * 32]))
            }
        }
        return found
    }

    /// Schema 2 and older: level 0 from `blocks`, the rest from `merkle_nodes`.
    private static func merkleNodesOfSchemaTwo(_ positions: Set<JournalTree.Position>, on connection: SQLiteHandle)
        throws -> [JournalTree.Position: QLDBHash]
    {
        var found: [JournalTree.Position: QLDBHash] = [:]
        let leaves = positions.filter { $0.level == 0 }.map { $0.index + 1 }
        if !leaves.isEmpty {
            let rows = try connection.query(
                "SELECT sequence, block_hash FROM blocks WHERE sequence IN (\(leaves.map(String.init).joined(separator: ",")))"
            )
            for row in rows {
                guard let sequence = row[0].integer, let hash = row[1].blob else { continue }
                found[JournalTree.Position(level: 0, index: sequence - 1)] = QLDBHash(hash)
            }
        }
        let inner = positions.filter { $0.level > 0 }
        if !inner.isEmpty {
            let pairs = inner.map { "(\($0.level),\($0.index))" }.joined(separator: ",")
            let rows = try connection.query(
                "SELECT level, position, hash FROM merkle_nodes WHERE (level, position) IN (VALUES \(pairs))")
            for row in rows {
                guard let level = row[0].integer, let index = row[1].integer, let hash = row[2].blob else { continue }
                found[JournalTree.Position(level: level, index: index)] = QLDBHash(hash)
            }
        }
        return found
    }

    func forEachBlock(_ body: @Sendable (StoredBlock) throws -> Void) async throws {
        // Pages of blocks with their revisions: memory stays bounded however long the ledger is.
        var after = 0
        while true {
            let rows = try read(
                """
                SELECT sequence, body, block_hash, previous_block_hash, entries_hashes, revision_hashes,
                    revision_documents FROM blocks WHERE sequence > ? ORDER BY sequence LIMIT 512
                """, [.integer(after)])
            guard let last = rows.last?[0].integer else { return }
            var revisions: [Int: [(table: String, revision: Revision)]] = [:]
            for row in try read(
                """
                SELECT r.table_id, \(revisionColumns) FROM revisions r
                WHERE r.table_id IN (SELECT table_id FROM catalog_tables) AND r.sequence > ? AND r.sequence <= ?
                ORDER BY r.sequence, r.position
                """, [.integer(after), .integer(last)])
            {
                let revision = try revision(from: row, at: 1)
                revisions[revision.blockAddress.sequenceNo, default: []].append((row[0].text ?? "", revision))
            }
            for row in rows {
                let sequence = row[0].integer ?? 0
                try body(
                    StoredBlock(
                        sequence: sequence, body: row[1].blob ?? [], summary: summary(sequence, row, at: 2),
                        revisions: revisions[sequence] ?? []))
            }
            after = last
        }
    }

    var syncs: Int { syncCount.load(ordering: .relaxed) }

    func metadata(_ key: String) async throws(StorageError) -> [UInt8]? {
        do {
            return try read("SELECT value FROM ledger_metadata WHERE key = ?", [.text(key)]).first?.first?.blob
        } catch {
            throw Self.failure("reading metadata \(key)", error)
        }
    }

    func redact(table: String, document: String, sequence: Int, dataHash: QLDBHash, blockBody: [UInt8])
        async throws(StorageError)
    {
        guard !readOnly else {
            throw StorageError(engine: "sqlite", operation: "redacting", reason: "the ledger was opened read-only")
        }
        do {
            try await writer.transaction { writer in
                try writer.query(
                    "UPDATE revisions SET data = NULL, data_hash = ? WHERE table_id = ? AND document_id = ? AND sequence = ?",
                    [.blob(dataHash.bytes), .text(table), .text(document), .integer(sequence)])
                try writer.query(
                    "UPDATE blocks SET body = ? WHERE sequence = ?", [.blob(blockBody), .integer(sequence)])
            }
        } catch {
            throw Self.failure("redacting the revision of \(document) in block \(sequence)", error)
        }
    }

    func metadataKeys(withPrefix prefix: String) async throws(StorageError) -> [String] {
        do {
            // substr, not LIKE: a prefix may hold `%` or `_`.
            return try read(
                "SELECT key FROM ledger_metadata WHERE substr(key, 1, ?) = ? ORDER BY key",
                [.integer(prefix.count), .text(prefix)]
            ).compactMap { $0[0].text }
        } catch {
            throw Self.failure("listing metadata \(prefix)*", error)
        }
    }

    func setMetadata(_ key: String, _ value: [UInt8]?) async throws(StorageError) {
        do {
            guard !readOnly else {
                throw StorageError(engine: "sqlite", operation: "writing", reason: "the ledger was opened read-only")
            }
            if let value {
                try await writer.run {
                    try $0.query(
                        "INSERT INTO ledger_metadata (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        [.text(key), .blob(value)])
                }
            } else {
                try await writer.run { try $0.query("DELETE FROM ledger_metadata WHERE key = ?", [.text(key)]) }
            }
        } catch {
            throw Self.failure("writing metadata \(key)", error)
        }
    }

    func backup(to path: String) async throws(StorageError) {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw StorageError(engine: "sqlite", operation: "backing up to \(path)", reason: "the file exists")
        }
        do {
            // VACUUM INTO copies one read transaction's view: consistent, and writers go on. It
            // takes as long as copying the file: on a connection of its own, off Swift's threads.
            let source = self.path
            try await SQLiteSerialConnection(
                SQLiteHandle(path: source, readOnly: true), label: "swift-qldb.sqlite-backup"
            ).run {
                handle in
                defer { handle.close() }
                try handle.query("VACUUM INTO ?", [.text(path)])
            }
        } catch {
            throw Self.failure("backing up to \(path)", error)
        }
    }

    func close() async {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        await checkpointer?.close()
        await writer.close()
        readers.close()
    }
}
