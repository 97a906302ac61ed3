/// Where a server's ledgers live: it creates, opens, lists and deletes them. A directory of
/// SQLite files (``DirectoryLedgerHost``), the process's memory (``MemoryLedgerHost``) or a
/// PostgreSQL database (`PostgresLedgerDatabase`) is one.
///
/// ``LedgerService`` calls these one at a time per ledger name, and opens each ledger once, so
/// an implementation needs no locking of its own against a second open of the same ledger.
public protocol LedgerHost: Sendable {
    /// The names of the ledgers that exist, sorted.
    func ledgerNames() async throws -> [String]

    /// Opens an existing ledger; `nil` when there is none by that name.
    func openLedger(named name: String) async throws -> Ledger?

    /// Creates an empty ledger.
    ///
    /// - Throws: ``LedgerError`` `ResourceAlreadyExistsException` when one by that name exists.
    func createLedger(named name: String) async throws -> Ledger

    /// Deletes a ledger, already closed, and everything in it; nothing when there is none.
    func deleteLedger(named name: String) async throws
}

extension LedgerError {
    /// `ResourceAlreadyExistsException` (409) for a ledger created twice.
    package static func ledgerExists(_ name: String) -> LedgerError {
        LedgerError(type: "ResourceAlreadyExistsException", status: 409, message: "Ledger \(name) already exists")
    }
}
