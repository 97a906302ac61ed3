import QLDBHashing

/// The tables of a ledger's SQLite file and how a file of an older schema is brought up to date.
/// `docs/storage.md` describes each table.
enum SQLiteSchema {
    /// The schema this build writes; kept in `PRAGMA user_version`.
    static let version = 3

    /// A migration's statements, then, where SQL alone cannot, a move of the data that it runs
    /// on the connection.
    typealias Migration = (version: Int, statements: [String], moveData: (@Sendable (SQLiteHandle) throws -> Void)?)

    /// Each migration brings the file from the version before it to its own number.
    static let migrations: [Migration] = [
        (
            1,
            [
                """
                CREATE TABLE ledger_metadata (key TEXT PRIMARY KEY, value BLOB NOT NULL)
                """,
                """
                CREATE TABLE blocks (
                    sequence INTEGER PRIMARY KEY,
                    block_hash BLOB NOT NULL,
                    previous_block_hash BLOB NOT NULL,
                    entries_hashes BLOB NOT NULL,
                    revision_hashes BLOB NOT NULL,
                    revision_documents TEXT NOT NULL,
                    body BLOB NOT NULL)
                """,
                """
                CREATE TABLE catalog_tables (
                    table_id TEXT PRIMARY KEY, name TEXT NOT NULL, active INTEGER NOT NULL)
                """,
                """
                CREATE TABLE catalog_indexes (
                    index_id TEXT PRIMARY KEY, table_id TEXT NOT NULL, field TEXT NOT NULL)
                """,
                """
                CREATE TABLE documents (
                    ordinal INTEGER PRIMARY KEY, table_id TEXT NOT NULL, document_id TEXT NOT NULL,
                    UNIQUE (table_id, document_id))
                """,
                """
                CREATE TABLE revisions (
                    table_id TEXT NOT NULL, document_id TEXT NOT NULL, sequence INTEGER NOT NULL,
                    position INTEGER NOT NULL, version INTEGER NOT NULL, hash BLOB NOT NULL, data BLOB,
                    tx_time BLOB NOT NULL, tx_id TEXT NOT NULL,
                    PRIMARY KEY (table_id, document_id, sequence)) WITHOUT ROWID
                """,
                "CREATE INDEX revisions_in_commit_order ON revisions (table_id, sequence, position)",
                "CREATE INDEX revisions_by_block ON revisions (sequence, position)",
                """
                CREATE TABLE merkle_nodes (
                    level INTEGER NOT NULL, position INTEGER NOT NULL, hash BLOB NOT NULL,
                    PRIMARY KEY (level, position)) WITHOUT ROWID
                """,
                """
                CREATE TABLE index_entries (
                    table_id TEXT NOT NULL, field TEXT NOT NULL, value_key BLOB NOT NULL, document_id TEXT NOT NULL,
                    PRIMARY KEY (table_id, field, value_key, document_id)) WITHOUT ROWID
                """,
            ],
            nil
        ),
        // A redacted revision keeps its hash and loses its data for the data's hash.
        (2, ["ALTER TABLE revisions ADD COLUMN data_hash BLOB"], nil),
        // Two B-trees fewer written by every commit, one fewer by an insert. The journal's Merkle
        // nodes move into the row of the block that completes them (the nodes of a block are
        // levels 1 to the number of trailing zero bits of its sequence number, a column of
        // 32-byte hashes, lowest first; NULL for odd sequence numbers; `moveMerkleNodesIntoBlocks`
        // fills it). The revisions of a range of blocks are read through
        // `revisions_in_commit_order`, one range per table. A table's documents, in the order of
        // their inserts, are its first revisions (`first_revisions`), not a table and a unique
        // key of their own.
        (
            3,
            [
                "ALTER TABLE blocks ADD COLUMN merkle_nodes BLOB", "DROP INDEX revisions_by_block",
                "CREATE INDEX first_revisions ON revisions (table_id, sequence, position) WHERE version = 0",
                "DROP TABLE documents",
            ],
            moveMerkleNodesIntoBlocks
        ),
    ]

    /// Creates the tables of a new file, or runs the migrations an older file needs, in one
    /// transaction. A file from a newer build is refused rather than misread.
    static func migrate(_ connection: SQLiteHandle, path: String) throws(StorageError) {
        let current: Int
        do {
            current = try connection.query("PRAGMA user_version").first?.first?.integer ?? 0
        } catch {
            throw StorageError(engine: "sqlite", operation: "reading the schema version of \(path)", reason: "\(error)")
        }
        guard current <= version else {
            throw StorageError(
                engine: "sqlite", operation: "opening \(path)",
                reason: "the file has schema version \(current), newer than this build's \(version); use a newer qldb")
        }
        guard current < version else { return }
        do {
            try connection.query("BEGIN IMMEDIATE")
            for migration in migrations where migration.version > current {
                for statement in migration.statements { try connection.query(statement) }
                try migration.moveData?(connection)
            }
            try connection.query("PRAGMA user_version = \(version)")
            try connection.query("COMMIT")
        } catch {
            _ = try? connection.query("ROLLBACK")
            throw StorageError(
                engine: "sqlite", operation: "migrating \(path) from schema \(current) to \(version)",
                reason: "\(error)")
        }
    }

    /// Schema 3: each row of `merkle_nodes` into its block's `merkle_nodes` column, then the
    /// table dropped. A node without its block, or a block missing one of its nodes' levels, is a
    /// damaged file: the migration stops and nothing is changed.
    static func moveMerkleNodesIntoBlocks(_ connection: SQLiteHandle) throws {
        var sequence = 0
        var hashes: [UInt8] = []
        func store() throws {
            guard !hashes.isEmpty else { return }
            try connection.query(
                "UPDATE blocks SET merkle_nodes = ? WHERE sequence = ?", [.blob(hashes), .integer(sequence)])
            guard try connection.query("SELECT changes()").first?.first?.integer == 1 else {
                throw StorageError(
                    engine: "sqlite", operation: "moving the journal's Merkle nodes",
                    reason: "block \(sequence), which completes \(hashes.count / 32) of them, is missing")
            }
        }
        let rows = try connection.query(
            "SELECT level, position, hash FROM merkle_nodes ORDER BY (position + 1) << level, level")
        for row in rows {
            guard let level = row[0].integer, let index = row[1].integer, let hash = row[2].blob, hash.count == 32,
                level > 0
            else {
                throw StorageError(
                    engine: "sqlite", operation: "moving the journal's Merkle nodes", reason: "a node is malformed")
            }
            let position = JournalTree.Position(level: level, index: index)
            if position.completedAtLeafCount != sequence {
                try store()
                sequence = position.completedAtLeafCount
                hashes = []
            }
            guard hashes.count == (level - 1) * 32 else {
                throw StorageError(
                    engine: "sqlite", operation: "moving the journal's Merkle nodes",
                    reason: "node \(position) does not follow the nodes below it")
            }
            hashes += hash
        }
        try store()
        try connection.query("DROP TABLE merkle_nodes")
    }
}
