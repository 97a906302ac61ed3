import Foundation
import Ion
import QLDBDriver
import QLDBSession
import QLDBTesting
import Testing

/// Each row of the fault matrix in docs/driver.md: the exact requests sent and what the caller sees.
@Suite struct FaultMatrixTests {
    static let statement = "UPDATE Licence SET points = 1"
    let oneStatement = [
        "StartSession", "StartTransaction session-1", "ExecuteStatement session-1 \(statement)",
        "CommitTransaction session-1",
    ]

    func run(_ driver: QLDBDriver) async throws -> Int {
        try await driver.executeWithDetails { txn in try await txn.execute(Self.statement) }.attempts
    }

    @Test func occConflictRetriesOnTheSameSessionWithoutAbort() async throws {
        let transport = ScriptedTransport { command in
            command.name == "CommitTransaction" && command.occurrence == 1
                ? .error(
                    400, "OccConflictException",
                    "Optimistic concurrency control (OCC) failure encountered while committing the transaction")
                : .proceed
        }
        let backoff = BackoffRecorder()
        let attempts = try await run(makeDriver(transport, backoff: backoff))
        #expect(attempts == 2)
        #expect(transport.transcript == oneStatement + oneStatement.dropFirst())
        #expect(backoff.calls == [1])
    }

    @Test func occConflictOnEveryAttemptGivesUpAfterFourRetries() async throws {
        let transport = ScriptedTransport { command in
            command.name == "CommitTransaction" ? .error(400, "OccConflictException", "OCC") : .proceed
        }
        let backoff = BackoffRecorder()
        let error = await #expect(throws: QLDBSessionError.self) {
            _ = try await run(makeDriver(transport, backoff: backoff))
        }
        #expect(error?.kind == .occConflict)
        #expect(backoff.calls == [1, 2, 3, 4])
        #expect(transport.transcript.filter { $0.hasPrefix("CommitTransaction") }.count == 5)
        #expect(!transport.transcript.contains { $0.hasPrefix("AbortTransaction") })
    }

    @Test func staleSessionOnTheFirstAttemptIsReplacedAtOnce() async throws {
        let transport = ScriptedTransport { command in
            command.name == "StartTransaction" && command.occurrence == 1
                ? .error(400, "InvalidSessionException", "Exceeded the session idle time limit: Session x") : .proceed
        }
        let backoff = BackoffRecorder()
        #expect(try await run(makeDriver(transport, backoff: backoff)) == 2)
        #expect(
            transport.transcript == [
                "StartSession", "StartTransaction session-1", "StartSession", "StartTransaction session-2",
                "ExecuteStatement session-2 \(Self.statement)", "CommitTransaction session-2",
            ])
        #expect(backoff.calls.isEmpty)
    }

    @Test func invalidSessionOnALaterAttemptBacksOff() async throws {
        let transport = ScriptedTransport { command in
            switch (command.name, command.occurrence) {
            case ("CommitTransaction", 1): .error(400, "OccConflictException", "OCC")
            case ("ExecuteStatement", 2): .error(400, "InvalidSessionException", "No such session")
            default: .proceed
            }
        }
        let backoff = BackoffRecorder()
        #expect(try await run(makeDriver(transport, backoff: backoff)) == 3)
        #expect(backoff.calls == [1, 2])
        #expect(transport.transcript.filter { $0 == "StartSession" }.count == 2)
    }

    @Test func badRequestSessionTokenNotValidIsTreatedAsAStaleSession() async throws {
        let transport = ScriptedTransport { command in
            command.name == "StartTransaction" && command.occurrence == 1
                ? .error(400, "BadRequestException", "The parameter SessionToken is not valid") : .proceed
        }
        #expect(try await run(makeDriver(transport)) == 2)
        #expect(transport.transcript.filter { $0 == "StartSession" }.count == 2)
    }

    @Test func transactionExpiryAbortsAndIsNotRetried() async throws {
        let transport = ScriptedTransport { command in
            command.name == "CommitTransaction" && command.occurrence == 1
                ? .error(400, "InvalidSessionException", "Transaction txn0000000000000000001 has expired") : .proceed
        }
        let driver = makeDriver(transport)
        let error = await #expect(throws: QLDBSessionError.self) { _ = try await run(driver) }
        #expect(error?.kind == .invalidSession)
        #expect(transport.transcript == oneStatement + ["AbortTransaction session-1"])
        // The session was dropped: the next transaction starts a new one.
        _ = try await run(driver)
        #expect(transport.transcript.filter { $0 == "StartSession" }.count == 2)
    }

    @Test(arguments: [
        (500, "InternalFailure"), (503, "ServiceUnavailable"), (503, "CapacityExceededException"),
    ])
    func serverFailuresAbortThenRetry(status: Int, type: String) async throws {
        let transport = ScriptedTransport { command in
            command.name == "ExecuteStatement" && command.occurrence == 1 ? .error(status, type, "try again") : .proceed
        }
        let backoff = BackoffRecorder()
        #expect(try await run(makeDriver(transport, backoff: backoff)) == 2)
        #expect(
            transport.transcript == [
                "StartSession", "StartTransaction session-1", "ExecuteStatement session-1 \(Self.statement)",
                "AbortTransaction session-1", "StartTransaction session-1",
                "ExecuteStatement session-1 \(Self.statement)",
                "CommitTransaction session-1",
            ])
        #expect(backoff.calls == [1])
    }

    @Test(arguments: [QLDBTransportError.Kind.connection, .timeout])
    func transportFailuresAbortThenRetry(kind: QLDBTransportError.Kind) async throws {
        let transport = ScriptedTransport { command in
            command.name == "ExecuteStatement" && command.occurrence == 1
                ? .fail(QLDBTransportError(kind, "connection reset by peer")) : .proceed
        }
        #expect(try await run(makeDriver(transport)) == 2)
        #expect(transport.transcript.filter { $0.hasPrefix("AbortTransaction") }.count == 1)
        #expect(transport.transcript.last == "CommitTransaction session-1")
    }

    @Test func failedAbortDropsTheSession() async throws {
        let transport = ScriptedTransport { command in
            switch command.name {
            case "ExecuteStatement" where command.occurrence == 1: .fail(QLDBTransportError(.connection, "reset"))
            case "AbortTransaction": .fail(QLDBTransportError(.connection, "reset"))
            default: .proceed
            }
        }
        #expect(try await run(makeDriver(transport)) == 2)
        #expect(transport.transcript.contains("StartTransaction session-2"))
    }

    @Test(arguments: [
        ("RateExceededException", "Rate exceeded"), ("LimitExceededException", "Exceeded the concurrent session limit"),
        ("BadRequestException", "No open transaction"),
    ])
    func clientErrorsAbortAndAreNotRetried(type: String, message: String) async throws {
        let transport = ScriptedTransport { command in
            command.name == "ExecuteStatement" ? .error(400, type, message) : .proceed
        }
        let error = await #expect(throws: QLDBSessionError.self) { _ = try await run(makeDriver(transport)) }
        #expect(error?.type == type)
        #expect(error?.message == message)
        #expect(transport.transcript == Array(oneStatement.prefix(3)) + ["AbortTransaction session-1"])
    }

    @Test func rateExceededIsRetriedWhenThePolicySaysSo() async throws {
        let transport = ScriptedTransport { command in
            command.name == "ExecuteStatement" && command.occurrence == 1
                ? .error(400, "RateExceededException", "Rate exceeded") : .proceed
        }
        let driver = makeDriver(transport) { $0.retryPolicy.retryOnRateExceeded = true }
        #expect(try await run(driver) == 2)
    }

    @Test func digestMismatchFromTheLedgerAbortsAndIsNotRetried() async throws {
        let transport = ScriptedTransport { command in
            command.name == "CommitTransaction"
                ? .error(400, "BadRequestException", "Digests don't match", code: "412") : .proceed
        }
        let error = await #expect(throws: QLDBSessionError.self) { _ = try await run(makeDriver(transport)) }
        #expect(error?.isDigestMismatch == true)
        #expect(transport.transcript == oneStatement + ["AbortTransaction session-1"])
    }

    @Test func aWrongDigestEchoIsReported() async throws {
        let transport = ScriptedTransport { command in
            guard let commit = command.request.commitTransaction else { return .proceed }
            var response = SendCommandResponse()
            var result = CommitTransactionResult()
            result.transactionId = commit.transactionId
            result.commitDigest = Data(repeating: 7, count: 32)
            response.commitTransaction = result
            return .respond(try! .success(response))
        }
        let error = await #expect(throws: QLDBDriverError.self) { _ = try await run(makeDriver(transport)) }
        #expect(error?.kind == .commitDigestMismatch)
        #expect(transport.transcript == oneStatement)
    }

    @Test func callerErrorAbortsAndIsRethrown() async throws {
        let transport = ScriptedTransport()
        let driver = makeDriver(transport)
        await #expect(throws: CallerError.self) {
            try await driver.execute { txn in
                try await txn.execute(Self.statement)
                throw CallerError()
            }
        }
        #expect(transport.transcript == Array(oneStatement.prefix(3)) + ["AbortTransaction session-1"])
    }

    @Test func cancellationInTheMiddleOfAStatementStillSendsTheAbort() async throws {
        let transport = ScriptedTransport { command in command.name == "ExecuteStatement" ? .hang : .proceed }
        let driver = makeDriver(transport)
        let task = Task { try await run(driver) }
        for await command in transport.commands where command.name == "ExecuteStatement" { break }
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        #expect(transport.transcript == Array(oneStatement.prefix(3)) + ["AbortTransaction session-1"])
    }

    @Test func aCallerWaitsForAFreeSessionThenTimesOut() async throws {
        let transport = ScriptedTransport()
        let clock = TestClock()
        let driver = makeDriver(transport, maxConcurrent: 1, acquireTimeout: .milliseconds(300), clock: clock)
        let (first, release) = await holdTheOnlySession(driver)
        // Waits the whole timeout, not a moment less, then fails clearly.
        let waiter = Task { try await run(driver) }
        await clock.waitForSleepers(1)
        clock.advance(by: .milliseconds(299))
        #expect(clock.sleeperCount == 1)
        clock.advance(by: .milliseconds(1))
        let error = await #expect(throws: QLDBDriverError.self) { _ = try await waiter.value }
        #expect(error?.kind == .sessionPoolTimeout)
        #expect(
            error?.message
                == "no session became free within 0.3 seconds: all 1 are in use; raise maxConcurrentTransactions or sessionAcquireTimeout"
        )
        // A waiter that is still within its timeout gets the session when it is freed.
        let second = Task { try await run(driver) }
        await clock.waitForSleepers(1)
        release.yield()
        try await first.value
        #expect(try await second.value == 1)
        #expect(transport.transcript.filter { $0 == "StartSession" }.count == 1)
    }

    @Test func aCancelledWaiterLeavesAtOnceAndTheQueueMovesOn() async throws {
        let transport = ScriptedTransport()
        let clock = TestClock()
        let driver = makeDriver(transport, maxConcurrent: 1, clock: clock)
        let (first, release) = await holdTheOnlySession(driver)
        let cancelled = Task { try await run(driver) }
        await clock.waitForSleepers(1)
        let next = Task { try await run(driver) }
        await clock.waitForSleepers(2)
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { _ = try await cancelled.value }
        release.yield()
        try await first.value
        #expect(try await next.value == 1)
        #expect(clock.sleeperCount == 0)
    }

    @Test func aSessionReturnedAfterCloseIsEndedBeforeTheCallReturns() async throws {
        let transport = ScriptedTransport()
        let driver = makeDriver(transport, maxConcurrent: 1)
        let (first, release) = await holdTheOnlySession(driver)
        try await driver.close()
        #expect(!transport.transcript.contains("EndSession session-1"))
        release.yield()
        try await first.value
        #expect(transport.transcript.last == "EndSession session-1")
    }

    /// Starts a transaction that holds a session until `release` yields; returns once it holds it.
    func holdTheOnlySession(_ driver: QLDBDriver) async -> (Task<Void, any Error>, AsyncStream<Void>.Continuation) {
        let (holding, release) = AsyncStream.makeStream(of: Void.self)
        let started = AsyncStream.makeStream(of: Void.self)
        let first = Task {
            try await driver.execute { txn in
                try await txn.execute(Self.statement)
                started.continuation.yield()
                for await _ in holding { break }
            }
        }
        for await _ in started.stream { break }
        return (first, release)
    }
}
