import Foundation
import Ion
import Logging
import Metrics
import QLDBSession
import ServiceLifecycle
import Tracing

/// Runs transactions on a QLDB ledger, with a session pool, OCC retries and commit digests.
///
/// ```swift
/// let driver = QLDBDriver(ledger: "licences", transport: transport)
/// let count = try await driver.execute { txn in
///     try await txn.execute("SELECT * FROM Licence WHERE email = ?", "ann@example.com").collect().count
/// }
/// ```
///
/// The closure may run more than once: it is retried on OCC conflicts, stale sessions, 5xx and
/// transport failures (see ``RetryPolicy``). Keep it free of side effects outside the ledger.
public final class QLDBDriver: Sendable {
    /// What an ``QLDBDriver/executeWithDetails(isolation:_:)`` call produced besides its value.
    public struct Outcome<Value> {
        /// The closure's value.
        public var value: Value
        /// The id of the committed transaction.
        public var transactionID: String
        /// I/O and server time of the committed attempt.
        public var stats: ExecutionStats
        /// Attempts made (1 when no retry was needed).
        public var attempts: Int
    }

    /// The ledger's name.
    public let ledger: String
    /// The configuration in use.
    public let configuration: QLDBDriverConfiguration
    let client: SendCommandClient
    let pool: SessionPool
    private let transactionsCommitted: Counter
    private let transactionsFailed: Counter
    private let latency: Metrics.Timer

    /// Creates a driver that sends commands through `transport`.
    public init(ledger: String, transport: any QLDBTransport, configuration: QLDBDriverConfiguration = .init()) {
        self.ledger = ledger
        self.configuration = configuration
        self.client = SendCommandClient(transport: transport)
        var logger = configuration.logger
        logger[metadataKey: "ledger"] = "\(ledger)"
        self.pool = SessionPool(
            client: client, ledger: ledger,
            configuration: .init(
                maxSessions: configuration.maxConcurrentTransactions,
                acquireTimeout: configuration.sessionAcquireTimeout,
                maxSessionAge: configuration.maxSessionAge, maxSessionIdle: configuration.maxSessionIdle),
            clock: configuration.clock, logger: logger)
        self.transactionsCommitted = Counter(
            label: "qldb_transactions", dimensions: [("ledger", ledger), ("outcome", "committed")])
        self.transactionsFailed = Counter(
            label: "qldb_transactions", dimensions: [("ledger", ledger), ("outcome", "failed")])
        self.latency = Metrics.Timer(label: "qldb_transaction_duration", dimensions: [("ledger", ledger)])
    }

    /// Runs `body` in a transaction and commits it, retrying the whole closure as the retry
    /// rules allow. Returns what the closure returned.
    ///
    /// - Throws: the closure's own error (after aborting), `QLDBSessionError` for a service error
    ///   that is not retried or outlived the retries, `QLDBTransportError` when the ledger could
    ///   not be reached, ``QLDBDriverError`` (pool timeout, digest mismatch, closed driver), or
    ///   `CancellationError` when the calling task was cancelled (the transaction is aborted).
    @discardableResult
    public func execute<T>(
        isolation: isolated (any Actor)? = #isolation, _ body: (QLDBTransaction) async throws -> T
    ) async throws -> T {
        try await executeWithDetails(isolation: isolation, body).value
    }

    /// Runs `body` as ``execute(isolation:_:)`` does and also returns the committed transaction's
    /// id, stats and the number of attempts.
    public func executeWithDetails<T>(
        isolation: isolated (any Actor)? = #isolation, _ body: (QLDBTransaction) async throws -> T
    ) async throws -> Outcome<T> {
        let started = ContinuousClock.now
        do {
            let tracer = activeTracer(configuration.tracer)
            let outcome = try await withClientSpan(
                "QLDB.transaction", tracer: tracer,
                attributes: { [ledger] in
                    $0["db.system"] = "qldb"
                    $0["db.name"] = ledger
                }
            ) { try await runWithRetries(tracer: tracer, body) }
            transactionsCommitted.increment()
            latency.recordNanoseconds(Int64((ContinuousClock.now - started).nanoseconds))
            return outcome
        } catch {
            transactionsFailed.increment()
            throw error
        }
    }

    /// The names of the ledger's active tables.
    public func tableNames() async throws -> [String] {
        try await execute { txn in
            try await txn.execute("SELECT VALUE name FROM information_schema.user_tables WHERE status = 'ACTIVE'")
                .collect().compactMap { $0.stringValue }
        }
    }

    /// Ends every pooled session and every session queued for `EndSession`, refuses new
    /// transactions, and shuts down the transport.
    public func close() async throws {
        await pool.close()
        try await client.transport.shutdown()
    }

    // MARK: - The attempt loop

    private func runWithRetries<T>(
        isolation: isolated (any Actor)? = #isolation, tracer: (any Tracer)?,
        _ body: (QLDBTransaction) async throws -> T
    ) async throws -> Outcome<T> {
        let policy = configuration.retryPolicy
        let logger = configuration.logger
        var attempt = 0
        while true {
            try Task.checkCancellation()
            let verdict: RetryVerdict
            do {
                return try await runAttempt(attempt: attempt, tracer: tracer, body)
            } catch let failure as AttemptFailure {
                verdict = failure.verdict
                if case .fail = verdict.action { throw failure.error }
                if attempt >= policy.maxRetries {
                    logger.debug(
                        "transaction failed after \(attempt + 1) attempts",
                        metadata: ["ledger": "\(ledger)", "error": "\(failure.error)"])
                    throw failure.error
                }
                attempt += 1
                Counter(
                    label: "qldb_transaction_retries",
                    dimensions: [("ledger", ledger), ("reason", verdict.reason.rawValue)]
                )
                .increment()
                logger.info(
                    "retrying transaction",
                    metadata: [
                        "ledger": "\(ledger)", "attempt": "\(attempt + 1)", "reason": "\(verdict.reason.rawValue)",
                        "error": "\(failure.error)",
                    ])
                if case .retryNow = verdict.action { continue }
                try await configuration.clock.sleep(for: policy.backoff(attempt))
            }
        }
    }

    struct AttemptFailure: Error {
        var error: any Error
        var verdict: RetryVerdict
    }

    /// One attempt: session, StartTransaction, the closure, buffering, commit. Every failure
    /// leaves as an `AttemptFailure` saying whether to retry, after the session was aborted,
    /// returned or dropped as the error requires.
    private func runAttempt<T>(
        isolation: isolated (any Actor)? = #isolation, attempt: Int, tracer: (any Tracer)?,
        _ body: (QLDBTransaction) async throws -> T
    ) async throws -> Outcome<T> {
        let session: PooledSession
        do {
            session = try await pool.acquire()
        } catch {
            throw AttemptFailure(
                error: error, verdict: RetryVerdict.classifyWithoutSession(error, policy: configuration.retryPolicy))
        }
        var transaction: QLDBTransaction?
        do {
            var request = SendCommandRequest(sessionToken: session.token)
            request.startTransaction = StartTransactionRequest()
            let response = try await client.send(request)
            guard let id = response.startTransaction?.transactionId else {
                throw QLDBDriverError(.protocolViolation, "StartTransaction answered without a TransactionId")
            }
            let txn = QLDBTransaction(
                transactionID: id, client: client, sessionToken: session.token, logger: configuration.logger,
                tracer: tracer,
                startTime: response.startTransaction?.timingInformation?.processingTimeMilliseconds)
            transaction = txn
            let value = try await body(txn)
            try Task.checkCancellation()
            let stats = try await txn.bufferResultsAndCommit()
            await pool.release(session, healthy: true)
            return Outcome(value: value, transactionID: id, stats: stats, attempts: attempt + 1)
        } catch {
            await transaction?.markEnded()
            throw await handleFailure(error, session: session, attempt: attempt)
        }
    }

    private func handleFailure(_ error: any Error, session: PooledSession, attempt: Int) async -> AttemptFailure {
        let logger = configuration.logger
        if error is CancellationError || Task.isCancelled {
            // The caller's task is cancelled, so the abort runs in a task of its own that is not.
            let healthy = await Task.detached { [client] in await Self.abort(session, client: client) }.value
            logger.debug("transaction cancelled; aborted", metadata: ["abortSucceeded": "\(healthy)"])
            await pool.release(session, healthy: healthy)
            return AttemptFailure(error: CancellationError(), verdict: RetryVerdict(action: .fail, reason: .cancelled))
        }
        let verdict = RetryVerdict.classify(error, attempt: attempt, policy: configuration.retryPolicy)
        switch verdict.reason.sessionHandling {
        case .keep:
            await pool.release(session, healthy: true)
        case .abortThenDrop:
            _ = await Self.abort(session, client: client)
            await pool.release(session, healthy: false)
        case .drop:
            logger.info("dropping an invalid session", metadata: ["error": "\(error)"])
            await pool.release(session, healthy: false)
        case .abortAndKeepIfAcknowledged:
            let healthy = await Self.abort(session, client: client)
            if !healthy { logger.info("abort failed; dropping the session", metadata: ["error": "\(error)"]) }
            await pool.release(session, healthy: healthy)
        }
        return AttemptFailure(error: error, verdict: verdict)
    }

    private static func abort(_ session: PooledSession, client: SendCommandClient) async -> Bool {
        var request = SendCommandRequest(sessionToken: session.token)
        request.abortTransaction = AbortTransactionRequest()
        do {
            _ = try await client.send(request)
            return true
        } catch {
            return false
        }
    }
}

extension QLDBDriver.Outcome: Sendable where Value: Sendable {}

extension QLDBDriver: Service {
    /// Ends replaced sessions in the background until graceful shutdown, then closes the driver
    /// (ending pooled sessions) and returns once every `EndSession` has been answered.
    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.pool.run() }
            try? await gracefulShutdown()
            try await close()
            try await group.waitForAll()
        }
    }
}

extension Duration {
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
