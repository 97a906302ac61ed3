import Foundation
import Ion
import QLDBDriver
import QLDBHashing
import QLDBLedger
import QLDBSession
import QLDBTesting
import Synchronization
import Testing

@Suite struct ConcurrencyTests {
    func setUp(index: Bool) async throws -> (QLDBDriver, LedgerService) {
        let (driver, service, _) = try await embedded()
        try await driver.execute { txn in try await txn.execute("CREATE TABLE Licence") }
        if index { try await driver.execute { txn in try await txn.execute("CREATE INDEX ON Licence (email)") } }
        return (driver, service)
    }

    /// Two transactions check that an email is free, then insert it: the second commit conflicts.
    func race(index: Bool, emails: (String, String)) async throws -> (Bool, Bool) {
        let (_, service) = try await setUp(index: index)
        var a = RawSession(service)
        var b = RawSession(service)
        try await a.start()
        try await b.start()
        try await a.begin()
        try await b.begin()
        try await a.execute("SELECT * FROM Licence WHERE email = ?", .string(emails.0))
        try await b.execute("SELECT * FROM Licence WHERE email = ?", .string(emails.1))
        try await a.execute("INSERT INTO Licence ?", ["email": .string(emails.0)])
        try await b.execute("INSERT INTO Licence ?", ["email": .string(emails.1)])
        let first = (try? await a.commit()) != nil
        do {
            try await b.commit()
            return (first, true)
        } catch let error as QLDBSessionError {
            #expect(error.kind == .occConflict)
            #expect(
                error.message
                    == "Optimistic concurrency control (OCC) failure encountered while committing the transaction")
            return (first, false)
        }
    }

    @Test func sameEmailConflictsWithAnIndex() async throws {
        #expect(try await race(index: true, emails: ("a@x", "a@x")) == (true, false))
    }

    @Test func differentEmailsDoNotConflictWithAnIndex() async throws {
        #expect(try await race(index: true, emails: ("a@x", "b@x")) == (true, true))
    }

    @Test func differentEmailsConflictWithoutAnIndexBecauseTheyScan() async throws {
        #expect(try await race(index: false, emails: ("a@x", "b@x")) == (true, false))
    }

    @Test func snapshotReadsDoNotSeeLaterCommits() async throws {
        let (driver, service) = try await setUp(index: true)
        try await driver.execute { txn in
            try await txn.execute("INSERT INTO Licence VALUE {'email': 'a@x', 'points': 1}")
        }
        var reader = RawSession(service)
        try await reader.start()
        try await reader.begin()
        try await driver.execute { txn in try await txn.execute("UPDATE Licence SET points = 2 WHERE email = 'a@x'") }
        let seen = try await reader.execute("SELECT VALUE points FROM Licence WHERE email = 'a@x'")
        #expect(seen == [1])
    }

    @Test func aWrongCommitDigestIsRejectedWith412AndNothingCommits() async throws {
        let (driver, service) = try await setUp(index: false)
        var session = RawSession(service)
        try await session.start()
        try await session.begin()
        try await session.execute("INSERT INTO Licence VALUE {'email': 'a@x'}")
        let error = await #expect(throws: QLDBSessionError.self) {
            try await session.commit(digest: Data(repeating: 0, count: 32))
        }
        #expect(error?.isDigestMismatch == true)
        #expect(error?.message == "Digests don't match")
        let rows = try await driver.execute { txn in try await txn.execute("SELECT * FROM Licence").collect() }
        #expect(rows.isEmpty)
    }

    /// A CommitTransaction sent again (its answer was lost) answers the same success and commits
    /// nothing twice; with another digest it is refused.
    @Test func aRetriedCommitAnswersItsSuccessAgain() async throws {
        let (driver, service) = try await setUp(index: false)
        var session = RawSession(service)
        try await session.start()
        try await session.begin()
        try await session.execute("INSERT INTO Licence VALUE {'email': 'a@x'}")
        try await session.commit()
        try await session.commit()
        let mismatch = await #expect(throws: QLDBSessionError.self) {
            try await session.commit(digest: Data(repeating: 0, count: 32))
        }
        #expect(mismatch?.isDigestMismatch == true)
        let rows = try await driver.execute { txn in try await txn.execute("SELECT * FROM Licence").collect() }
        #expect(rows.count == 1)
    }

    @Test func sessionRulesMatchQLDB() async throws {
        var configuration = LedgerService.Configuration()
        configuration.transactionTimeout = .milliseconds(50)
        let clock = TestClock()
        let (_, service, _) = try await embedded(configuration: configuration, clock: clock)
        var session = RawSession(service)
        try await session.start()
        try await session.begin()
        let again = await #expect(throws: QLDBSessionError.self) { try await session.begin() }
        #expect(again?.message == "Transaction already open")
        clock.advance(by: .milliseconds(49))
        try await session.execute("SELECT * FROM information_schema.user_tables")
        clock.advance(by: .milliseconds(1))
        let expired = await #expect(throws: QLDBSessionError.self) { try await session.execute("SELECT 1 FROM x") }
        #expect(expired?.kind == .invalidSession)
        #expect(expired?.message == "Transaction \(session.transactionID) has expired")
        let gone = await #expect(throws: QLDBSessionError.self) { try await session.begin() }
        #expect(gone?.message == "No such session")
    }

    /// 16 tasks move money between 8 accounts; OCC retries keep the total fixed.
    @Test func transfersAreSerializable() async throws {
        // Liveness under this much contention is not what is tested: retries are not the limit.
        let (driver, _, _) = try await embedded(retries: 1000)
        try await driver.execute { txn in try await txn.execute("CREATE TABLE Account") }
        try await driver.execute { txn in try await txn.execute("CREATE INDEX ON Account (id)") }
        try await driver.execute { txn in
            for id in 0..<8 {
                try await txn.execute("INSERT INTO Account ?", ["id": .int(id), "balance": 1000] as IonValue)
            }
        }
        let transactions = 1024
        let retries = SharedCounter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<16 {
                group.addTask {
                    var generator = SystemRandomNumberGenerator()
                    for _ in 0..<(transactions / 16) {
                        let from = Int.random(in: 0..<8, using: &generator)
                        let to = (from + Int.random(in: 1..<8, using: &generator)) % 8
                        let amount = Int.random(in: 1...50, using: &generator)
                        let outcome = try await driver.executeWithDetails { txn in
                            let balance = try await txn.execute("SELECT VALUE balance FROM Account WHERE id = ?", from)
                                .collect()
                            guard let current = balance.first?.intValue, current >= amount else { return }
                            try await txn.execute("UPDATE Account SET balance = balance - ? WHERE id = ?", amount, from)
                            try await txn.execute("UPDATE Account SET balance = balance + ? WHERE id = ?", amount, to)
                        }
                        retries.add(outcome.attempts - 1)
                    }
                    _ = worker
                }
            }
            try await group.waitForAll()
        }
        let balances = try await driver.execute { txn in
            try await txn.execute("SELECT VALUE balance FROM Account").collect()
        }
        let total = balances.compactMap(\.intValue).reduce(0, +)
        print(
            "serializability: \(transactions) transfers by 16 tasks, \(retries.value) OCC retries, total \(total) (expected 8000)"
        )
        #expect(total == 8000)
        #expect(balances.allSatisfy { ($0.intValue ?? -1) >= 0 })
    }
}

final class SharedCounter: Sendable {
    private let storage = Mutex(0)
    func add(_ n: Int) { storage.withLock { $0 += n } }
    var value: Int { storage.withLock { $0 } }
}
