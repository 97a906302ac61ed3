import Logging
import QLDBSession

/// A session the pool handed out: its token and its age.
struct PooledSession: Sendable {
    let token: String
    let startedAt: ContinuousClock.Instant
    var lastUsedAt: ContinuousClock.Instant
}

/// Sessions and the permits that bound concurrent transactions.
///
/// A caller takes a permit (waiting asynchronously, up to a timeout, when all are taken), then an
/// idle session young enough to trust, or a new one. Sessions older than `maxSessionAge` or idle
/// longer than `maxSessionIdle` are ended and replaced before use, because QLDB expires them
/// (13–17 minutes of life, 60 s idle) and a stale token costs a failed request.
actor SessionPool {
    private struct Waiter {
        let continuation: CheckedContinuation<Void, any Error>
    }

    private let client: SendCommandClient
    private let ledger: String
    private let maxSessionAge: Duration
    private let maxSessionIdle: Duration
    private let acquireTimeout: Duration
    private let logger: Logger
    private var permits: Int
    private var idle: [PooledSession] = []
    private var waiters: [Int: Waiter] = [:]
    private var waiterOrder: [Int] = []
    private var nextWaiterID = 0
    private var closed = false
    private(set) var sessionsStarted = 0
    private(set) var sessionsReplaced = 0

    init(
        client: SendCommandClient, ledger: String, maxSessions: Int, acquireTimeout: Duration,
        maxSessionAge: Duration, maxSessionIdle: Duration, logger: Logger
    ) {
        precondition(maxSessions > 0, "maxConcurrentTransactions must be at least 1")
        self.client = client
        self.ledger = ledger
        self.permits = maxSessions
        self.acquireTimeout = acquireTimeout
        self.maxSessionAge = maxSessionAge
        self.maxSessionIdle = maxSessionIdle
        self.logger = logger
    }

    /// A permit and a live session. The caller must give both back with ``release(_:healthy:)``
    /// or ``releasePermit()``.
    func acquire() async throws -> PooledSession {
        try await takePermit()
        do {
            return try await takeSession()
        } catch {
            releasePermit()
            throw error
        }
    }

    private func takePermit() async throws {
        if closed { throw QLDBDriverError(.driverClosed, "the driver is closed; create a new QLDBDriver") }
        if permits > 0 {
            permits -= 1
            return
        }
        let id = nextWaiterID
        nextWaiterID += 1
        let timeout = acquireTimeout
        let timer = Task { [weak self] in
            try await Task.sleep(for: timeout)
            await self?.expireWaiter(id)
        }
        defer { timer.cancel() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                waiters[id] = Waiter(continuation: continuation)
                waiterOrder.append(id)
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func expireWaiter(_ id: Int) {
        guard let waiter = waiters.removeValue(forKey: id) else { return }
        waiterOrder.removeAll { $0 == id }
        waiter.continuation.resume(
            throwing: QLDBDriverError(
                .sessionPoolTimeout,
                "no session became free within \(acquireTimeout): all \(permitsTotal) are in use; raise maxConcurrentTransactions or sessionAcquireTimeout"
            ))
    }

    private func cancelWaiter(_ id: Int) {
        guard let waiter = waiters.removeValue(forKey: id) else { return }
        waiterOrder.removeAll { $0 == id }
        waiter.continuation.resume(throwing: CancellationError())
    }

    private var permitsTotal: Int { permits + waiters.count }

    private func takeSession() async throws -> PooledSession {
        let now = ContinuousClock.now
        while let session = idle.popLast() {
            if now - session.startedAt < maxSessionAge, now - session.lastUsedAt < maxSessionIdle {
                return session
            }
            sessionsReplaced += 1
            logger.debug(
                "replacing a stale session",
                metadata: ["age": "\(now - session.startedAt)", "idle": "\(now - session.lastUsedAt)"])
            endInBackground(session)
        }
        return try await startSession()
    }

    /// Starts a fresh session (also used to replace one the server declared invalid).
    func startSession() async throws -> PooledSession {
        var request = SendCommandRequest()
        request.startSession = StartSessionRequest(ledgerName: ledger)
        let response = try await client.send(request)
        guard let token = response.startSession?.sessionToken else {
            throw QLDBDriverError(.protocolViolation, "StartSession answered without a SessionToken")
        }
        sessionsStarted += 1
        let now = ContinuousClock.now
        return PooledSession(token: token, startedAt: now, lastUsedAt: now)
    }

    /// Returns a session and its permit. Unhealthy sessions are dropped without `EndSession`
    /// (the server has already forgotten them, or their state is unknown).
    func release(_ session: PooledSession, healthy: Bool) {
        if healthy && !closed {
            var session = session
            session.lastUsedAt = .now
            idle.append(session)
        } else if healthy {
            endInBackground(session)
        }
        releasePermit()
    }

    /// Returns a permit whose session was lost.
    func releasePermit() {
        if let id = waiterOrder.first {
            waiterOrder.removeFirst()
            let waiter = waiters.removeValue(forKey: id)!
            waiter.continuation.resume()
        } else {
            permits += 1
        }
    }

    private nonisolated func endInBackground(_ session: PooledSession) {
        let client = client
        Task { try? await Self.end(session, client: client) }
    }

    private static func end(_ session: PooledSession, client: SendCommandClient) async throws {
        var request = SendCommandRequest(sessionToken: session.token)
        request.endSession = EndSessionRequest()
        _ = try await client.send(request)
    }

    /// Ends every idle session and refuses new work; waiting callers get `driverClosed`.
    func close() async {
        closed = true
        for id in waiterOrder {
            waiters.removeValue(forKey: id)?.continuation.resume(
                throwing: QLDBDriverError(.driverClosed, "the driver was closed while waiting for a session"))
        }
        waiterOrder.removeAll()
        let sessions = idle
        idle.removeAll()
        for session in sessions {
            do {
                try await Self.end(session, client: client)
            } catch {
                logger.debug("EndSession failed during shutdown", metadata: ["error": "\(error)"])
            }
        }
    }

    var idleCount: Int { idle.count }
}
