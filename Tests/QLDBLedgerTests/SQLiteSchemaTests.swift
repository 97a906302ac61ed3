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
        // What schema 1 was: schema 2 without the data_hash column.
        try await withSQLite(directory.appendingPathComponent("old.sqlite").path) { connection in
            try await Self.turnIntoSchemaTwo(connection)
            _ = try await connection.query("ALTER TABLE revisions DROP COLUMN data_hash")
            _ = try await connection.query("PRAGMA user_version = 1")
        }

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
        let version = try await withSQLite(directory.appendingPathComponent("old.sqlite").path) { check in
            try await check.query("PRAGMA user_version").first?.column("user_version")?.integer
        }
        #expect(version == 3)
    }

    /// `body` on a connection to the file at `path`, closed whether or not `body` throws.
    func withSQLite<T: Sendable>(_ path: String, _ body: (SQLiteConnection) async throws -> T) async throws -> T {
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// What schema 2 was: each Merkle node a row of table `merkle_nodes` (level, position, hash),
    /// and an index of the revisions by block.
    static func turnIntoSchemaTwo(_ connection: SQLiteConnection) async throws {
        _ = try await connection.query("CREATE INDEX revisions_by_block ON revisions (sequence, position)")
        _ = try await connection.query(
            """
            CREATE TABLE documents (
                ordinal INTEGER PRIMARY KEY, table_id TEXT NOT NULL, document_id TEXT NOT NULL,
                UNIQUE (table_id, document_id))
            """)
        _ = try await connection.query(
            """
            INSERT INTO documents (table_id, document_id)
                SELECT table_id, document_id FROM revisions WHERE version = 0 ORDER BY sequence, position
            """)
        _ = try await connection.query("DROP INDEX first_revisions")
        _ = try await connection.query(
            """
            CREATE TABLE merkle_nodes (
                level INTEGER NOT NULL, position INTEGER NOT NULL, hash BLOB NOT NULL,
                PRIMARY KEY (level, position)) WITHOUT ROWID
            """)
        for row in try await connection.query(
            "SELECT sequence, hex(merkle_nodes) AS nodes FROM blocks WHERE merkle_nodes IS NOT NULL")
        {
            let sequence = try #require(row.column("sequence")?.integer)
            // 64 hex digits per node, level 1 first.
            let nodes = Array(try #require(row.column("nodes")?.string))
            try #require(nodes.count % 64 == 0 && nodes.count > 0)
            for level in 1...(nodes.count / 64) {
                let hash = String(nodes[(level - 1) * 64..<level * 64])
                _ = try await connection.query(
                    "INSERT INTO merkle_nodes (level, position, hash) VALUES (?, ?, X'\(hash)')",
                    [.integer(level), .integer((sequence >> level) - 1)])
            }
        }
        _ = try await connection.query("ALTER TABLE blocks DROP COLUMN merkle_nodes")
        _ = try await connection.query("PRAGMA user_version = 2")
    }

    /// The digest and every block's proof to it, and to the digest of the first 13 blocks; the
    /// digest verification arrives at, walking every block and revision; and table `Car` as a
    /// scan, by id, and by an indexed value read it.
    static func digestAndProofs(_ ledger: Ledger) async throws -> [String] {
        let cars = driver(on: ledger)
        let scan = try await cars.execute { txn in try await txn.execute("SELECT VALUE VIN FROM Car").collect() }
        let ids = try await cars.execute { txn in
            try await txn.execute("SELECT VALUE i FROM Car AS c BY i WHERE c.VIN = 9").collect()
        }
        let byID = try await cars.execute { txn in
            try await txn.execute("SELECT VALUE c.VIN FROM Car AS c BY i WHERE i = ?", ids[0]).collect()
        }
        let byValue = try await cars.execute { txn in
            try await txn.execute("SELECT VALUE VIN FROM Car WHERE VIN = 700").collect()
        }
        try await cars.close()
        let digest = try #require(try await ledger.digest())
        guard case .success(let verified?) = await ledger.verifyChain() else {
            Issue.record("the journal does not verify")
            return []
        }
        var found = [
            "\(digest.tipAddress.sequenceNo) \(digest.digest.bytes)", "verified \(verified.digest.bytes)",
            "scan \(scan)", "ids \(ids)", "by id \(byID)", "by value \(byValue)",
        ]
        let earlier = BlockAddress(strandID: digest.tipAddress.strandID, sequenceNo: 13)
        for sequence in 1...digest.tipAddress.sequenceNo {
            let address = BlockAddress(strandID: digest.tipAddress.strandID, sequenceNo: sequence)
            for tip in sequence <= 13 ? [digest.tipAddress, earlier] : [digest.tipAddress] {
                let proof = try #require(try await ledger.block(at: address, digestTip: tip).proof)
                found.append("\(sequence) at \(tip.sequenceNo): \(proof.map(\.bytes))")
            }
        }
        return found
    }

    /// Ledger "old" in `directory`: a table indexed on `VIN` created, then one car inserted per
    /// block (`VIN` 1, 2, …).
    static func ledgerOfCars(in directory: URL, blocks: Int) async throws -> Ledger {
        let ledger = try await Ledger(name: "old", directory: directory, logger: quietLogger())
        let cars = driver(on: ledger)
        try await cars.execute { txn in
            try await txn.execute("CREATE TABLE Car")
            try await txn.execute("CREATE INDEX ON Car (VIN)")
        }
        for k in 1..<blocks {
            try await cars.execute { txn in try await txn.execute("INSERT INTO Car VALUE {'VIN': ?}", k) }
        }
        try await cars.close()
        return ledger
    }

    @Test func aSchemaTwoFileKeepsItsDigestsAndProofsWhenItsMerkleNodesMove() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = try await Self.ledgerOfCars(in: directory, blocks: 21)
        let cars = driver(on: ledger)
        try await cars.execute { txn in try await txn.execute("UPDATE Car SET VIN = 700 WHERE VIN = 7") }
        try await cars.execute { txn in try await txn.execute("DELETE FROM Car WHERE VIN = 3") }
        try await cars.close()
        // 23 blocks: nodes of levels 1 to 4, the digest from (4, 0), (2, 4), (1, 10), (0, 22).
        let expected = try await Self.digestAndProofs(ledger)
        #expect(expected[0].hasPrefix("23 "))
        // Documents in the order of their inserts, each as it is now.
        #expect(expected[2] == "scan \([1, 2, 4, 5, 6, 700] + Array(8...20))")
        #expect(expected[3].hasPrefix("ids [\"") && expected[4] == "by id [9]" && expected[5] == "by value [700]")
        // Verification recomputes from the blocks the digest the stored nodes give.
        #expect(expected[1].dropFirst("verified ".count) == expected[0].dropFirst("23 ".count))
        await ledger.close()
        let path = directory.appendingPathComponent("old.sqlite").path
        let nodes = try await withSQLite(path) { connection in
            try await Self.turnIntoSchemaTwo(connection)
            return try await connection.query("SELECT count(*) AS n FROM merkle_nodes").first?.column("n")?.integer
        }
        // 11 even sequence numbers, 5 of them multiples of 4, 2 of 8, 1 of 16.
        #expect(nodes == 11 + 5 + 2 + 1)

        let readOnly = try await Ledger(
            name: "old", directory: directory, journalAccess: .readOnly, logger: quietLogger())
        let readOnlyProofs = try? await Self.digestAndProofs(readOnly)
        await readOnly.close()
        #expect(readOnlyProofs == expected)

        let upgraded = try await Ledger(name: "old", directory: directory, logger: quietLogger())
        let upgradedProofs = try? await Self.digestAndProofs(upgraded)
        await upgraded.close()
        #expect(upgradedProofs == expected)
        let (version, tables, indexes, moved) = try await withSQLite(path) { check in
            (
                try await check.query("PRAGMA user_version").first?.column("user_version")?.integer,
                try await check.query("SELECT name FROM sqlite_master WHERE name = 'merkle_nodes'").count,
                try await check.query(
                    "SELECT name FROM sqlite_master WHERE name IN ('revisions_by_block', 'documents')"
                ).count,
                try await check.query("SELECT count(*) AS n FROM blocks WHERE merkle_nodes IS NOT NULL").first?
                    .column("n")?.integer
            )
        }
        #expect(version == 3)
        #expect(tables == 0)
        #expect(indexes == 0)
        #expect(moved == 11)
    }

    @Test func aMissingMerkleNodeStopsTheUpgradeNamingItAndChangesNothing() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await Self.ledgerOfCars(in: directory, blocks: 8).close()
        let path = directory.appendingPathComponent("old.sqlite").path
        try await withSQLite(path) { connection in
            try await Self.turnIntoSchemaTwo(connection)
            // Block 8 completes (1, 3), (2, 1) and (3, 0); without (2, 1) the one above has no place.
            _ = try await connection.query("DELETE FROM merkle_nodes WHERE level = 2 AND position = 1")
        }

        do {
            _ = try await Ledger(name: "old", directory: directory, logger: quietLogger())
            Issue.record("a file missing a Merkle node was upgraded")
        } catch {
            #expect("\(error)".contains("node (3, 0) does not follow the nodes below it"))
        }
        let (version, nodes) = try await withSQLite(path) { check in
            (
                try await check.query("PRAGMA user_version").first?.column("user_version")?.integer,
                try await check.query("SELECT count(*) AS n FROM merkle_nodes").first?.column("n")?.integer
            )
        }
        #expect(version == 2)
        #expect(nodes == 4 + 2 + 1 - 1)
    }
}
