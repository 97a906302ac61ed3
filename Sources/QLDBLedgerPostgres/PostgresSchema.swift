import Logging
import PostgresNIO
import QLDBLedger

/// The tables every ledger of a database shares (each row names its ledger), created and
/// upgraded by the server. `docs/storage.md` describes each table and the commit protocol.
enum PostgresSchema {
    /// Each migration brings the database from the version before it to its own number.
    static let migrations: [(version: Int, statements: [String])] = [
        (
            1,
            [
                """
                CREATE TABLE ledgers (
                    name TEXT PRIMARY KEY, strand_id TEXT NOT NULL, last_sequence BIGINT NOT NULL,
                    tip BYTEA NOT NULL, catalog_sequence BIGINT NOT NULL, effects_horizon BIGINT NOT NULL)
                """,
                """
                CREATE TABLE ledger_metadata (
                    ledger TEXT NOT NULL, key TEXT NOT NULL, value BYTEA NOT NULL, PRIMARY KEY (ledger, key))
                """,
                """
                CREATE TABLE blocks (
                    ledger TEXT NOT NULL, sequence BIGINT NOT NULL, transaction_id TEXT NOT NULL,
                    block_hash BYTEA NOT NULL, previous_block_hash BYTEA NOT NULL, entries_hashes BYTEA NOT NULL,
                    revision_hashes BYTEA NOT NULL, revision_documents TEXT NOT NULL, body BYTEA NOT NULL,
                    PRIMARY KEY (ledger, sequence))
                """,
                "CREATE UNIQUE INDEX blocks_by_transaction ON blocks (ledger, transaction_id)",
                """
                CREATE TABLE catalog_tables (
                    ledger TEXT NOT NULL, table_id TEXT NOT NULL, name TEXT NOT NULL, active BOOLEAN NOT NULL,
                    ordinal BIGSERIAL, PRIMARY KEY (ledger, table_id))
                """,
                """
                CREATE TABLE catalog_indexes (
                    ledger TEXT NOT NULL, index_id TEXT NOT NULL, table_id TEXT NOT NULL, field TEXT NOT NULL,
                    ordinal BIGSERIAL, PRIMARY KEY (ledger, index_id))
                """,
                """
                CREATE TABLE documents (
                    ledger TEXT NOT NULL, table_id TEXT NOT NULL, document_id TEXT NOT NULL, ordinal BIGSERIAL,
                    PRIMARY KEY (ledger, table_id, document_id))
                """,
                "CREATE INDEX documents_in_order ON documents (ledger, table_id, ordinal)",
                """
                CREATE TABLE revisions (
                    ledger TEXT NOT NULL, table_id TEXT NOT NULL, document_id TEXT NOT NULL, sequence BIGINT NOT NULL,
                    position INTEGER NOT NULL, version BIGINT NOT NULL, hash BYTEA NOT NULL, data BYTEA,
                    tx_time BYTEA NOT NULL, tx_id TEXT NOT NULL,
                    PRIMARY KEY (ledger, table_id, document_id, sequence))
                """,
                "CREATE INDEX revisions_in_commit_order ON revisions (ledger, table_id, sequence, position)",
                "CREATE INDEX revisions_by_block ON revisions (ledger, sequence, position)",
                """
                CREATE TABLE merkle_nodes (
                    ledger TEXT NOT NULL, level INTEGER NOT NULL, position BIGINT NOT NULL, hash BYTEA NOT NULL,
                    PRIMARY KEY (ledger, level, position))
                """,
                """
                CREATE TABLE index_entries (
                    ledger TEXT NOT NULL, table_id TEXT NOT NULL, field TEXT NOT NULL, value_key TEXT NOT NULL,
                    document_id TEXT NOT NULL, PRIMARY KEY (ledger, table_id, field, value_key, document_id))
                """,
                """
                CREATE TABLE frontends (
                    id TEXT PRIMARY KEY, url TEXT NOT NULL, started_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """,
                "CREATE TABLE cluster_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                """
                INSERT INTO cluster_settings (key, value)
                VALUES ('forward_secret', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))
                """,
                """
                CREATE TABLE commit_effects (
                    ledger TEXT NOT NULL, key TEXT NOT NULL, sequence BIGINT NOT NULL,
                    PRIMARY KEY (ledger, key, sequence))
                """,
            ]
        ),
        // A redacted revision keeps its hash and loses its data for the data's hash.
        (2, ["ALTER TABLE revisions ADD COLUMN data_hash BYTEA"]),
    ]

    /// The schema this build writes.
    static var version: Int { migrations.last?.version ?? 0 }

    /// Runs the migrations the database lacks, in one transaction under an advisory lock, so
    /// that frontends starting together migrate once. A database from a newer build is refused.
    static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withConnection { connection in
            _ = try await connection.query("BEGIN", logger: logger)
            do {
                // 0x71646C62: "qldb".
                _ = try await connection.query("SELECT pg_advisory_xact_lock(1902406754)", logger: logger)
                _ = try await connection.query(
                    "CREATE TABLE IF NOT EXISTS qldb_schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                    logger: logger)
                var current = 0
                for try await (applied) in try await connection.query(
                    "SELECT COALESCE(MAX(version), 0) FROM qldb_schema_migrations", logger: logger
                ).decode(Int.self) {
                    current = applied
                }
                guard current <= version else {
                    throw StorageError(
                        engine: "postgres", operation: "opening the database",
                        reason: "its schema version \(current) is newer than this build's \(version); use a newer qldb")
                }
                for migration in migrations where migration.version > current {
                    for statement in migration.statements {
                        _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    _ = try await connection.query(
                        "INSERT INTO qldb_schema_migrations (version) VALUES (\(migration.version))", logger: logger)
                    logger.notice("PostgreSQL schema migrated", metadata: ["version": "\(migration.version)"])
                }
                _ = try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }
}
