import Foundation
import Ion
import QLDBDriver
import QLDBLedger
import SQLiteNIO
import Testing

/// A ledger file of an earlier schema: read as it is when opened read-only, upgraded when opened
/// read-write.
@Suite struct SQLiteSchemaTests {
    @Test func aSchemaOneFileIsReadReadOnlyAndUpgradedReadWrite() async throws {
        let directory = try temporaryDirectory()
        let ledger = try await Ledger(name: "old", directory: directory, logger: quietLogger())
        let cars = driver(on: ledger)
        try await cars.execute { txn in try await txn.execute("CREATE TABLE Car") }
        try await cars.execute { txn in try await txn.execute("INSERT INTO Car VALUE {'VIN': 'V1'}") }
        try await cars.close()
        await ledger.close()
        // What schema 1 was: no data_hash column.
        let connection = try await SQLiteConnection.open(
            storage: .file(path: directory.appendingPathComponent("old.sqlite").path))
        _ = try await connection.query("ALTER TABLE revisions DROP COLUMN data_hash")
        _ = try await connection.query("PRAGMA user_version = 1")
        try await connection.close()

        let readOnly = try await Ledger(
            name: "old", directory: directory, journalAccess: .readOnly, logger: quietLogger())
        guard case .success(let digest?) = await readOnly.verifyChain() else {
            Issue.record("a schema-1 file does not verify read-only")
            return
        }
        #expect(digest.tipAddress.sequenceNo == 2)
        await readOnly.close()

        let upgraded = try await Ledger(name: "old", directory: directory, logger: quietLogger())
        let again = driver(on: upgraded)
        let found = try await again.execute { txn in try await txn.execute("SELECT VALUE VIN FROM Car").collect() }
        #expect(found == ["V1"])
        try await again.close()
        await upgraded.close()
        let check = try await SQLiteConnection.open(
            storage: .file(path: directory.appendingPathComponent("old.sqlite").path))
        let version = try await check.query("PRAGMA user_version").first?.column("user_version")?.integer
        try await check.close()
        #expect(version == 2)
    }
}
