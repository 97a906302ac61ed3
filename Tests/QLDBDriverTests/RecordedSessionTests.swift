import Foundation
import Ion
import QLDBDriver
import QLDBSession
import QLDBTesting
import SharedFixtures
import Testing

/// The pyqldb transcripts in ../shared/qldb/recorded-sessions, replayed as the same transactions
/// through this driver: every request must match, in order, and none may be left over.
@Suite struct RecordedSessionTests {
    static let licence: IonValue = [
        "firstName": "Matt", "lastName": "Lewis", "email": "matt@example.com", "penaltyPoints": 0,
    ]

    func replay(_ name: String) throws -> ReplayTransport? {
        let path = "qldb/recorded-sessions/\(name).jsonl"
        guard SharedFixtures.exists(path) else { return nil }
        return try ReplayTransport(contentsOf: SharedFixtures.url(path))
    }

    @Test func occRetryOnTheSameSession() async throws {
        guard let replay = try replay("pyqldb-occ-retry") else {
            print("skipped: ../shared/qldb/recorded-sessions is absent")
            return
        }
        let driver = makeDriver(replay, ledger: "qldb-private-dev")
        try await driver.execute { txn in
            _ = try await txn.execute("SELECT email FROM BicycleLicence AS b WHERE b.email = ?", "matt@example.com").collect()
            let inserted = try await txn.execute("INSERT INTO BicycleLicence ?", Self.licence).collect()
            let documentID = try #require(inserted.first?["documentId"]?.stringValue)
            try await txn.execute(
                "UPDATE BicycleLicence AS b SET b.licenceId = ? WHERE b.email = ?", documentID, "matt@example.com")
        }
        _ = try await driver.tableNames()
        try await driver.close()
        #expect(replay.mismatches == [])
        #expect(replay.remaining == 0)
    }

    @Test func staleSessionReplacedAndUserErrorAborted() async throws {
        guard let replay = try replay("pyqldb-stale-session-and-abort") else {
            print("skipped: ../shared/qldb/recorded-sessions is absent")
            return
        }
        let driver = makeDriver(replay, ledger: "qldb-private-dev")
        _ = try await driver.execute { txn in
            try await txn.execute("SELECT * FROM BicycleLicence AS b WHERE b.licenceId = ?", "X").collect()
        }
        await #expect(throws: CallerError.self) {
            try await driver.execute { txn in
                let existing = try await txn.execute(
                    "SELECT email FROM BicycleLicence AS b WHERE b.email = ?", "dup@example.com"
                ).collect()
                if !existing.isEmpty { throw CallerError() }
            }
        }
        try await driver.close()
        #expect(replay.mismatches == [])
        #expect(replay.remaining == 0)
    }
}
