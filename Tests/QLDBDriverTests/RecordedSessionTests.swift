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

    /// `../shared/<path>` of a transcript.
    static func path(_ name: String) -> String { "qldb/recorded-sessions/\(name).jsonl" }

    /// A transport that replays the transcript `name`.
    static func transcript(_ name: String) throws -> ReplayTransport {
        try ReplayTransport(contentsOf: SharedFixtures.url(path(name)))
    }

    @Test(
        .enabled(
            if: SharedFixtures.isAvailable(RecordedSessionTests.path("pyqldb-occ-retry")),
            "needs ../shared/qldb/recorded-sessions/pyqldb-occ-retry.jsonl beside the repository"))
    func occRetryOnTheSameSession() async throws {
        let replay = try Self.transcript("pyqldb-occ-retry")
        let driver = makeDriver(replay, ledger: "qldb-private-dev")
        try await driver.execute { txn in
            _ = try await txn.execute("SELECT email FROM BicycleLicence AS b WHERE b.email = ?", "matt@example.com")
                .collect()
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

    @Test(
        .enabled(
            if: SharedFixtures.isAvailable(RecordedSessionTests.path("pyqldb-stale-session-and-abort")),
            "needs ../shared/qldb/recorded-sessions/pyqldb-stale-session-and-abort.jsonl beside the repository"))
    func staleSessionReplacedAndUserErrorAborted() async throws {
        let replay = try Self.transcript("pyqldb-stale-session-and-abort")
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
