import Foundation
import Ion
import Logging
import NIOCore
import QLDBHashing
import SQLiteNIO
import Synchronization

/// A ledger in one SQLite file (WAL mode, `synchronous=FULL`): the embedded default.
///
/// Connections: the writer, which appends queued blocks in group commits (every block that
/// queued while the previous commit synced goes into the next transaction, so they share one
/// sync), and two readers, which in WAL mode read the last committed state without waiting for
/// the writer, each lent to one read at a time. Reads name a snapshot, so a read never sees a
/// block past it.
final class SQLiteLedgerStore: LocalLedgerStore {
    let path: String
    let strandID: String
    let readOnly: Bool
    /// The revision columns reads select; a file of schema 1 opened read-only (not upgraded)
    /// has no `data_hash`, and no redacted revision.
    let revisionColumns: String
    let writer: SQLiteConnection
    /// The writer, lent to one statement sequence (a group commit, a metadata write) at a time.
    let writing: SQLiteConnections
    /// Reader connections, each lent to one read at a time (see ``SQLiteConnections``).
    let readers: SQLiteConnections
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
        path: String, strandID: String, readOnly: Bool, schemaVersion: Int, writer: SQLiteConnection,
        readers: [SQLiteConnection], lastSequence: Int, logger: Logger
    ) {
        self.revisionColumns =
            "r.document_id, r.sequence, r.version, r.hash, r.data, r.tx_time, r.tx_id, "
            + (schemaVersion >= 2 ? "r.data_hash" : "NULL AS data_hash")
        self.path = path
        self.strandID = strandID
        self.readOnly = readOnly
        self.writer = writer
        self.writing = SQLiteConnections([writer])
        self.readers = SQLiteConnections(readers)
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
        let location = readOnly ? "file:\(path)?mode=ro" : path
        let writer: SQLiteConnection
        var readers: [SQLiteConnection] = []
        do {
            writer = try await SQLiteConnection.open(storage: .file(path: location))
            for _ in 0..<2 { readers.append(try await SQLiteConnection.open(storage: .file(path: location))) }
        } catch {
            for connection in readers { try? await connection.close() }
            throw failure("opening \(path)", error)
        }
        do {
            if !readOnly {
                _ = try await writer.query("PRAGMA journal_mode=WAL")
                try await SQLiteSchema.migrate(writer, path: path)
            }
            for connection in [writer] + readers {
                // FULL: a commit returns only after its WAL frames are synced, so an acknowledged
                // commit survives a power loss, not only a crash of the process.
                _ = try await connection.query("PRAGMA synchronous=FULL")
                _ = try await connection.query("PRAGMA foreign_keys=OFF")
            }
            var strand = try await writer.query(
                "SELECT value FROM ledger_metadata WHERE key = 'strandId'"
            ).first?.column("value")?.blob.map { String(decoding: $0.readableBytesView, as: UTF8.self) }
            if strand == nil {
                guard !readOnly else {
                    throw StorageError(
                        engine: "sqlite", operation: "opening \(path)", reason: "the file has no strand id")
                }
                _ = try await writer.query(
                    "INSERT INTO ledger_metadata (key, value) VALUES ('strandId', ?)", [.blob(Self.buffer(newStrandID))]
                )
                strand = newStrandID
            }
            let last =
                try await writer.query("SELECT MAX(sequence) AS last FROM blocks").first?.column("last")?.integer ?? 0
            let schemaVersion =
                try await writer.query("PRAGMA user_version").first?.column("user_version")?.integer ?? 0
            return SQLiteLedgerStore(
                path: path, strandID: strand ?? newStrandID, readOnly: readOnly, schemaVersion: schemaVersion,
                writer: writer, readers: readers, lastSequence: last, logger: logger)
        } catch {
            try? await writer.close()
            for connection in readers { try? await connection.close() }
            throw failure("opening \(path)", error)
        }
    }

    static func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }
    static func buffer(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    /// One read statement on a reader connection of its own.
    func read(_ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
        try await readers.with { try await $0.query(sql, binds) }
    }

    func load() async throws(StorageError) -> StoredLedger {
        do {
            let last = try await read("SELECT sequence, block_hash FROM blocks ORDER BY sequence DESC LIMIT 1")
                .first
            var catalog = Catalog()
            for row in try await read("SELECT table_id, name, active FROM catalog_tables ORDER BY rowid") {
                guard let id = row.column("table_id")?.string, let name = row.column("name")?.string else { continue }
                catalog.tables[id] = TableDefinition(id: id, name: name, active: row.column("active")?.integer == 1)
            }
            for row in try await read("SELECT index_id, table_id, field FROM catalog_indexes ORDER BY rowid") {
                guard let id = row.column("index_id")?.string, let table = row.column("table_id")?.string,
                    let field = row.column("field")?.string
                else { continue }
                catalog.tables[table]?.indexes.append(IndexDefinition(id: id, field: field))
            }
            return StoredLedger(
                strandID: strandID, lastSequence: last?.column("sequence")?.integer ?? 0,
                tip: QLDBHash(Self.bytes(last?.column("block_hash")) ?? []), catalog: catalog)
        } catch {
            throw Self.failure("loading the ledger from \(path)", error)
        }
    }

    static func bytes(_ data: SQLiteData?) -> [UInt8]? {
        guard let buffer = data?.blob else { return nil }
        return Array(buffer.readableBytesView)
    }

    /// The revision columns every read selects, in this order.

    func revision(from row: SQLiteRow) throws -> Revision {
        guard let id = row.column("document_id")?.string, let sequence = row.column("sequence")?.integer,
            let version = row.column("version")?.integer, let hash = Self.bytes(row.column("hash")),
            let timeBytes = Self.bytes(row.column("tx_time")), let txID = row.column("tx_id")?.string,
            let time = try IonValue.decode(binary: timeBytes).first?.timestampValue
        else {
            throw StorageError(engine: "sqlite", operation: "reading a revision", reason: "a column is missing")
        }
        let data = try Self.bytes(row.column("data")).flatMap { try IonValue.decode(binary: $0).first }
        return Revision(
            blockAddress: BlockAddress(strandID: strandID, sequenceNo: sequence), hash: QLDBHash(hash), data: data,
            documentID: id, version: version, transactionTime: time, transactionID: txID,
            dataHash: Self.bytes(row.column("data_hash")).map(QLDBHash.init))
    }

    func documents(table: String, plan: ReadPlan, at snapshot: Int) async throws(StorageError) -> [Revision] {
        var binds: [SQLiteData] = [.integer(snapshot), .text(table)]
        var narrowing = ""
        switch plan {
        case .scan: break
        case .documents(let ids):
            guard !ids.isEmpty else { return [] }
            narrowing = " AND d.document_id IN (\(Array(repeating: "?", count: ids.count).joined(separator: ",")))"
            binds += ids.sorted().map { .text($0) }
        case .values(let field, let values):
            guard !values.isEmpty else { return [] }
            narrowing = """
                 AND d.document_id IN (SELECT document_id FROM index_entries WHERE table_id = ?2 AND field = ? \
                AND value_key IN (\(Array(repeating: "?", count: values.count).joined(separator: ","))))
                """
            binds.append(.text(field))
            binds += values.map { .blob(Self.buffer(TableDefinition.indexKeyBytes($0))) }
        }
        let sql = """
            SELECT \(revisionColumns) FROM documents d JOIN revisions r
            ON r.table_id = d.table_id AND r.document_id = d.document_id AND r.sequence = (
                SELECT MAX(m.sequence) FROM revisions m
                WHERE m.table_id = d.table_id AND m.document_id = d.document_id AND m.sequence <= ?1)
            WHERE d.table_id = ?2\(narrowing) AND r.data IS NOT NULL ORDER BY d.ordinal
            """
        do {
            return try await read(sql, binds).map(revision(from:))
        } catch {
            throw Self.failure("reading table \(table) at block \(snapshot)", error)
        }
    }

    func revisions(table: String, document: String?, through snapshot: Int) async throws(StorageError)
        -> [Revision]
    {
        var binds: [SQLiteData] = [.text(table), .integer(snapshot)]
        if let document { binds.append(.text(document)) }
        let sql = """
            SELECT \(revisionColumns) FROM revisions r WHERE r.table_id = ? AND r.sequence <= ?\
            \(document == nil ? "" : " AND r.document_id = ?") ORDER BY r.sequence, r.position
            """
        do {
            return try await read(sql, binds).map(revision(from:))
        } catch {
            throw Self.failure("reading the history of table \(table)", error)
        }
    }

    func blockSummary(_ sequence: Int) async throws(StorageError) -> BlockSummary? {
        do {
            guard
                let row = try await read(
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
            return try await read(
                "SELECT sequence, body FROM blocks WHERE sequence >= ? AND sequence <= ? ORDER BY sequence",
                [.integer(sequences.lowerBound), .integer(sequences.upperBound)]
            ).map { ($0.column("sequence")?.integer ?? 0, Self.bytes($0.column("body")) ?? []) }
        } catch {
            throw Self.failure("reading blocks \(sequences.lowerBound)–\(sequences.upperBound)", error)
        }
    }

    /// The summary columns of a `blocks` row.
    func summary(_ sequence: Int, _ row: SQLiteRow) -> BlockSummary {
        let documents = row.column("revision_documents")?.string ?? ""
        let revisionHashes = BlockSummary.splitHashes(Self.bytes(row.column("revision_hashes")) ?? [])
        return BlockSummary(
            address: BlockAddress(strandID: strandID, sequenceNo: sequence),
            blockHash: QLDBHash(Self.bytes(row.column("block_hash")) ?? []),
            previousBlockHash: QLDBHash(Self.bytes(row.column("previous_block_hash")) ?? []),
            entriesHashList: BlockSummary.splitHashes(Self.bytes(row.column("entries_hashes")) ?? []),
            revisionHashes: revisionHashes,
            revisionDocuments: BlockSummary.splitDocuments(documents, revisions: revisionHashes.count))
    }

    func merkleNodes(_ positions: Set<JournalTree.Position>) async throws(StorageError)
        -> [JournalTree.Position: QLDBHash]
    {
        do {
            return try await readers.with { try await Self.merkleNodes(positions, on: $0) }
        } catch {
            throw Self.failure("reading the journal's Merkle tree", error)
        }
    }

    /// Level 0 from `blocks`, the rest from `merkle_nodes`, in one query each.
    static func merkleNodes(_ positions: Set<JournalTree.Position>, on connection: SQLiteConnection) async throws
        -> [JournalTree.Position: QLDBHash]
    {
        var found: [JournalTree.Position: QLDBHash] = [:]
        let leaves = positions.filter { $0.level == 0 }.map { $0.index + 1 }
        if !leaves.isEmpty {
            let rows = try await connection.query(
                "SELECT sequence, block_hash FROM blocks WHERE sequence IN (\(leaves.map(String.init).joined(separator: ",")))"
            )
            for row in rows {
                guard let sequence = row.column("sequence")?.integer, let hash = bytes(row.column("block_hash")) else {
                    continue
                }
                found[JournalTree.Position(level: 0, index: sequence - 1)] = QLDBHash(hash)
            }
        }
        let inner = positions.filter { $0.level > 0 }
        if !inner.isEmpty {
            let pairs = inner.map { "(\($0.level),\($0.index))" }.joined(separator: ",")
            let rows = try await connection.query(
                "SELECT level, position, hash FROM merkle_nodes WHERE (level, position) IN (VALUES \(pairs))")
            for row in rows {
                guard let level = row.column("level")?.integer, let index = row.column("position")?.integer,
                    let hash = bytes(row.column("hash"))
                else { continue }
                found[JournalTree.Position(level: level, index: index)] = QLDBHash(hash)
            }
        }
        return found
    }

    func forEachBlock(_ body: @Sendable (StoredBlock) throws -> Void) async throws {
        // Pages of blocks with their revisions: memory stays bounded however long the ledger is.
        var after = 0
        while true {
            let rows = try await read(
                """
                SELECT sequence, body, block_hash, previous_block_hash, entries_hashes, revision_hashes,
                    revision_documents FROM blocks WHERE sequence > ? ORDER BY sequence LIMIT 512
                """, [.integer(after)])
            guard let last = rows.last?.column("sequence")?.integer else { return }
            var revisions: [Int: [(table: String, revision: Revision)]] = [:]
            for row in try await read(
                """
                SELECT r.table_id, \(revisionColumns) FROM revisions r
                WHERE r.sequence > ? AND r.sequence <= ? ORDER BY r.sequence, r.position
                """, [.integer(after), .integer(last)])
            {
                let revision = try revision(from: row)
                revisions[revision.blockAddress.sequenceNo, default: []].append(
                    (row.column("table_id")?.string ?? "", revision))
            }
            for row in rows {
                let sequence = row.column("sequence")?.integer ?? 0
                try body(
                    StoredBlock(
                        sequence: sequence, body: Self.bytes(row.column("body")) ?? [],
                        summary: summary(sequence, row), revisions: revisions[sequence] ?? []))
            }
            after = last
        }
    }

    var syncs: Int { syncCount.load(ordering: .relaxed) }

    func metadata(_ key: String) async throws(StorageError) -> [UInt8]? {
        do {
            return Self.bytes(
                try await read("SELECT value FROM ledger_metadata WHERE key = ?", [.text(key)]).first?.column(
                    "value"))
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
            try await writing.with { writer in
                _ = try await writer.query("BEGIN IMMEDIATE")
                do {
                    _ = try await writer.query(
                        "UPDATE revisions SET data = NULL, data_hash = ? WHERE table_id = ? AND document_id = ? AND sequence = ?",
                        [.blob(Self.buffer(dataHash.bytes)), .text(table), .text(document), .integer(sequence)])
                    _ = try await writer.query(
                        "UPDATE blocks SET body = ? WHERE sequence = ?",
                        [.blob(Self.buffer(blockBody)), .integer(sequence)])
                    _ = try await writer.query("COMMIT")
                } catch {
                    _ = try? await writer.query("ROLLBACK")
                    throw error
                }
            }
        } catch {
            throw Self.failure("redacting the revision of \(document) in block \(sequence)", error)
        }
    }

    func metadataKeys(withPrefix prefix: String) async throws(StorageError) -> [String] {
        do {
            // substr, not LIKE: a prefix may hold `%` or `_`.
            return try await read(
                "SELECT key FROM ledger_metadata WHERE substr(key, 1, ?) = ? ORDER BY key",
                [.integer(prefix.count), .text(prefix)]
            ).compactMap { $0.column("key")?.string }
        } catch {
            throw Self.failure("listing metadata \(prefix)*", error)
        }
    }

    func setMetadata(_ key: String, _ value: [UInt8]?) async throws(StorageError) {
        do {
            if let value {
                _ = try await writing.with {
                    try await $0.query(
                        "INSERT INTO ledger_metadata (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        [.text(key), .blob(Self.buffer(value))])
                }
            } else {
                _ = try await writing.with {
                    try await $0.query("DELETE FROM ledger_metadata WHERE key = ?", [.text(key)])
                }
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
            // VACUUM INTO copies one read transaction's view: consistent, and writers go on.
            _ = try await read("VACUUM INTO ?", [.text(path)])
        } catch {
            throw Self.failure("backing up to \(path)", error)
        }
    }

    func close() async {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        try? await writer.close()
        for connection in readers.all { try? await connection.close() }
    }

    /// A ledger dropped without ``close()`` still closes its connections: the futures keep them
    /// alive until their handles are closed on the thread pool.
    deinit {
        if !closed.load(ordering: .relaxed) {
            _ = writer.close()
            for connection in readers.all { _ = connection.close() }
        }
    }
}
