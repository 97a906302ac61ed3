import Logging
import PostgresNIO
import QLDBLedger

/// The database as the place `qldb serve --postgres` creates, lists and deletes ledgers in:
/// every frontend sees a ledger another one created.
extension PostgresLedgerDatabase: LedgerHost {
    public func ledgerNames() async throws -> [String] {
        var names: [String] = []
        for try await name in try await client.query("SELECT name FROM ledgers ORDER BY name", logger: logger)
            .decode(String.self)
        {
            names.append(name)
        }
        return names
    }

    public func openLedger(named name: String) async throws -> Ledger? {
        guard try await exists(name) else { return nil }
        return try await ledger(named: name, create: false)
    }

    public func createLedger(named name: String) async throws -> Ledger {
        try LedgerName.validate(name)
        guard try await !exists(name) else { throw LedgerError.ledgerExists(name) }
        return try await ledger(named: name, create: true)
    }

    /// Deletes every row of the ledger in one transaction: another frontend's session on it
    /// fails from its next statement.
    public func deleteLedger(named name: String) async throws {
        try LedgerName.validate(name)
        try await client.withConnection { connection in
            _ = try await connection.query("BEGIN", logger: self.logger)
            do {
                // The ledger's row first: it is what commits lock, so none is half-way through.
                _ = try await connection.query(
                    "SELECT 1 FROM ledgers WHERE name = \(name) FOR UPDATE", logger: self.logger)
                for table in Self.ledgerTables {
                    _ = try await connection.query(
                        PostgresQuery(unsafeSQL: "DELETE FROM \(table) WHERE ledger = $1", binds: Self.binds(name)),
                        logger: self.logger)
                }
                _ = try await connection.query("DELETE FROM ledgers WHERE name = \(name)", logger: self.logger)
                _ = try await connection.query("COMMIT", logger: self.logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: self.logger)
                throw error
            }
        }
        logger.info("ledger deleted", metadata: ["ledger": "\(name)"])
    }

    /// The tables whose rows belong to one ledger (by their `ledger` column).
    static let ledgerTables = [
        "ledger_metadata", "blocks", "catalog_tables", "catalog_indexes", "documents", "revisions", "merkle_nodes",
        "index_entries", "commit_effects",
    ]

    private static func binds(_ name: String) -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(name)
        return binds
    }

    private func exists(_ name: String) async throws -> Bool {
        for try await _ in try await client.query("SELECT 1 FROM ledgers WHERE name = \(name)", logger: logger) {
            return true
        }
        return false
    }
}
