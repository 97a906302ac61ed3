import Foundation
import Logging

/// A ledger file written under a temporary name and renamed into place only once complete: what
/// the conversion of old journal files and the import of journal exports write, so that a
/// failure part-way leaves no ledger behind.
struct SQLiteFileInProgress {
    /// Where the finished file goes.
    let path: String
    /// Where it is written meanwhile.
    let temporary: String

    /// A file for `path`, written as `path + suffix`; leftovers of an earlier attempt are removed.
    init(path: String, suffix: String) {
        self.path = path
        self.temporary = path + suffix
        removeTemporaryFiles()
    }

    /// Opens the store in the temporary file, on `strandID`.
    func open(strandID: String, logger: Logger) async throws(StorageError) -> SQLiteLedgerStore {
        try await SQLiteLedgerStore.open(path: temporary, newStrandID: strandID, readOnly: false, logger: logger)
    }

    /// Writes everything `store` holds into the file itself, closes it and renames it into place.
    func publish(_ store: SQLiteLedgerStore) async throws {
        try await store.writer.run { try $0.query("PRAGMA wal_checkpoint(TRUNCATE)") }
        await store.close()
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
        removeTemporaryFiles()
    }

    /// Closes `store` and removes everything written.
    func discard(_ store: SQLiteLedgerStore?) async {
        await store?.close()
        removeTemporaryFiles()
    }

    private func removeTemporaryFiles() {
        for file in [temporary, temporary + "-wal", temporary + "-shm"] {
            try? FileManager.default.removeItem(atPath: file)
        }
    }
}
