import Foundation
import Ion
import QLDBDriver
import QLDBHashing
import QLDBSession
import QLDBTesting
import ServiceLifecycleTestKit
import Testing

@Suite struct DriverBehaviourTests {
    @Test func resultsArePagedLazilyAndEmptyPagesWithATokenAreFollowed() async throws {
        let transport = ScriptedTransport()
        transport.setPages([[1, 2], [], [], [3]], for: "SELECT * FROM t")
        let driver = makeDriver(transport)
        let (values, fetchesBeforeIteration) = try await driver.execute { txn in
            let result = try await txn.execute("SELECT * FROM t")
            let before = transport.transcript.filter { $0.hasPrefix("FetchPage") }.count
            return (try await result.collect(), before)
        }
        #expect(values == [1, 2, 3])
        #expect(fetchesBeforeIteration == 0)
        #expect(transport.transcript.filter { $0.hasPrefix("FetchPage") }.count == 3)
    }

    @Test func aResultReturnedFromTheClosureIsBufferedBeforeCommit() async throws {
        let transport = ScriptedTransport()
        transport.setPages([["a"], ["b"], ["c"]], for: "SELECT * FROM t")
        let driver = makeDriver(transport)
        let result = try await driver.execute { txn in try await txn.execute("SELECT * FROM t") }
        #expect(
            transport.transcript.suffix(3) == [
                "FetchPage session-1", "FetchPage session-1", "CommitTransaction session-1",
            ])
        #expect(try await result.collect() == ["a", "b", "c"])
    }

    @Test func aDroppedResultIsNotFetched() async throws {
        let transport = ScriptedTransport()
        transport.setPages([["a"], ["b"]], for: "SELECT * FROM t")
        try await makeDriver(transport).execute { txn in _ = try await txn.execute("SELECT * FROM t") }
        #expect(!transport.transcript.contains { $0.hasPrefix("FetchPage") })
    }

    @Test func statementsAfterTheTransactionEndedAreRefused() async throws {
        let driver = makeDriver(ScriptedTransport())
        let escaped = try await driver.execute { txn in txn }
        let error = await #expect(throws: QLDBDriverError.self) { try await escaped.execute("SELECT 1") }
        #expect(error?.kind == .transactionEnded)
    }

    @Test func theCommitDigestMatchesTheOfficialDrivers() async throws {
        let transport = ScriptedTransport { command in
            guard command.name == "StartTransaction" else { return .proceed }
            var response = SendCommandResponse()
            var result = StartTransactionResult()
            result.transactionId = "9pZ7gYfDN2b7bD8lkpY6Fw"
            response.startTransaction = result
            return .respond(try! .success(response))
        }
        let outcome = try await makeDriver(transport).executeWithDetails { txn in
            try await txn.execute("INSERT INTO Licence ?", ["name": "Alice", "points": 3] as IonValue)
        }
        #expect(outcome.transactionID == "9pZ7gYfDN2b7bD8lkpY6Fw")
        let commit = try #require(transport.requests.last?.commitTransaction)
        #expect(commit.commitDigest.base64EncodedString() == "u3lmhSm+ht7is0PAHSiqFvni3lxA9aUAr2Cznju0d/Q=")
    }

    @Test func encodableParametersAreEncodedAsIon() async throws {
        struct Licence: Codable, Sendable {
            var name: String
            var points: Int
        }
        let transport = ScriptedTransport()
        try await makeDriver(transport).execute { txn in
            try await txn.execute("INSERT INTO Licence ?", Licence(name: "Alice", points: 3))
        }
        let parameter = try #require(
            transport.requests.first { $0.executeStatement != nil }?.executeStatement?.parameters?.first?.ionBinary)
        #expect(try IonValue.decode(binary: [UInt8](parameter)) == [["name": "Alice", "points": 3]])
    }

    @Test func statsAreSummedPerStatementAndPerTransaction() async throws {
        let transport = ScriptedTransport()
        transport.setPages([[1, 2], [3]], for: "SELECT * FROM t")
        let outcome = try await makeDriver(transport).executeWithDetails { txn in
            let result = try await txn.execute("SELECT * FROM t")
            _ = try await result.collect()
            return await result.stats
        }
        // ScriptedTransport: 1 ms per command, one read IO per value, one write IO on commit.
        #expect(outcome.value == ExecutionStats(readIOs: 3, writeIOs: 0, processingTimeMilliseconds: 2))
        #expect(outcome.stats == ExecutionStats(readIOs: 3, writeIOs: 1, processingTimeMilliseconds: 4))
    }

    @Test func idleSessionsAreReplacedBeforeUseAndEndedByClose() async throws {
        let transport = ScriptedTransport()
        let clock = TestClock()
        let driver = makeDriver(transport, clock: clock) { $0.maxSessionIdle = .seconds(55) }
        try await driver.execute { txn in try await txn.execute("SELECT 1") }
        clock.advance(by: .seconds(54))
        try await driver.execute { txn in try await txn.execute("SELECT 1") }
        #expect(transport.transcript.filter { $0 == "StartSession" }.count == 1)
        clock.advance(by: .seconds(55))
        try await driver.execute { txn in try await txn.execute("SELECT 1") }
        #expect(transport.transcript.contains("StartTransaction session-2"))
        // Without run(), the replaced session waits in the queue; close() ends it, then the pooled one.
        #expect(!transport.transcript.contains("EndSession session-1"))
        try await driver.close()
        #expect(transport.transcript.suffix(2) == ["EndSession session-1", "EndSession session-2"])
    }

    @Test func runEndsReplacedSessionsAsTheyAreReplacedAndClosesOnShutdown() async throws {
        let transport = ScriptedTransport()
        let clock = TestClock()
        let driver = makeDriver(transport, clock: clock)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await driver.run() }
                try await driver.execute { txn in try await txn.execute("SELECT 1") }
                clock.advance(by: .seconds(60))
                try await driver.execute { txn in try await txn.execute("SELECT 1") }
                for await command in transport.commands where command.name == "EndSession" {
                    #expect(command.request.sessionToken == "session-1")
                    break
                }
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(transport.transcript.last == "EndSession session-2")
        let error = await #expect(throws: QLDBDriverError.self) { try await driver.execute { _ in } }
        #expect(error?.kind == .driverClosed)
    }

    @Test func closeEndsPooledSessionsAndRefusesNewWork() async throws {
        let transport = ScriptedTransport()
        let driver = makeDriver(transport)
        try await driver.execute { txn in try await txn.execute("SELECT 1") }
        try await driver.close()
        #expect(transport.transcript.last == "EndSession session-1")
        let error = await #expect(throws: QLDBDriverError.self) { try await driver.execute { _ in } }
        #expect(error?.kind == .driverClosed)
    }

    @Test func tableNamesUsesTheOfficialDriversQuery() async throws {
        let transport = ScriptedTransport()
        transport.setPages(
            [["Licence", "Vehicle"]],
            for: "SELECT VALUE name FROM information_schema.user_tables WHERE status = 'ACTIVE'")
        #expect(try await makeDriver(transport).tableNames() == ["Licence", "Vehicle"])
    }

    @Test func concurrentStatementsInOneTransactionAreSentOneAtATime() async throws {
        let transport = ScriptedTransport()
        let driver = makeDriver(transport)
        try await driver.execute { txn in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<8 { group.addTask { try await txn.execute("SELECT \(i)") } }
                try await group.waitForAll()
            }
        }
        // The digest the ledger echoed matched, so the send order equals the hash order.
        #expect(transport.transcript.filter { $0.hasPrefix("ExecuteStatement") }.count == 8)
    }

    @Test func equalJitterStaysWithinItsBounds() {
        let backoff = RetryPolicy.equalJitter()
        for retry in 1...12 {
            let ceiling = min(5000.0, 10 * pow(2, Double(retry)))
            let wait = backoff(retry)
            let ms = Double(wait.components.attoseconds) / 1e15 + Double(wait.components.seconds) * 1000
            #expect(ms >= ceiling / 2 - 0.001 && ms <= ceiling + 0.001, "retry \(retry): \(ms) ms")
        }
    }
}
