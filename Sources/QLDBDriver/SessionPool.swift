import Logging
import QLDBPrimitives
import QLDBSession

/// A session the pool handed out: its token and its age.
typealias PooledSession = SessionPoolStateMachine<ErasedClock>.Session

/// Performs what ``SessionPoolStateMachine`` decides: suspends and resumes callers, starts
/// sessions, times out waiters and ends stale sessions.
///
/// A caller takes a permit (waiting, up to a timeout, when all are taken), then an idle session
/// or a new one. Every wait is structured: the timeout is a child task of the waiting caller,
/// so cancelling the caller ends it. Stale sessions to end are queued; ``run()`` ends them as
/// they come, and ``close()`` ends whatever is still queued, so no `EndSession` is left to a
/// task nobody awaits.
actor SessionPool {
    typealias Machine = SessionPoolStateMachine<ErasedClock>

    private var machine: Machine
    private var waiting: [Machine.RequestID: CheckedContinuation<Machine.Grant, any Error>] = [:]
    private var nextRequestID = 0
    /// Sessions waiting for `EndSession`, oldest first.
    private var endQueue: [PooledSession] = []
    /// Wakes ``run()`` when sessions are queued; `nil` while `run()` is not running.
    private var endSignal: AsyncStream<Void>.Continuation?
    private let client: SendCommandClient
    private let ledger: String
    private let clock: ErasedClock
    private let logger: Logger

    init(
        client: SendCommandClient, ledger: String, configuration: Machine.Configuration, clock: ErasedClock,
        logger: Logger
    ) {
        self.machine = Machine(configuration: configuration)
        self.client = client
        self.ledger = ledger
        self.clock = clock
        self.logger = logger
    }

    /// Sessions started through this pool.
    var sessionsStarted: Int { machine.sessionsStarted }
    /// Idle sessions replaced because they were too old or idle too long.
    var sessionsReplaced: Int { machine.sessionsReplaced }
    /// Sessions kept for reuse.
    var idleCount: Int { machine.idle.count }
    /// Sessions queued for `EndSession`.
    var endQueueCount: Int { endQueue.count }

    /// A permit and a live session. The caller gives both back with ``release(_:healthy:)``,
    /// or the permit alone with ``releasePermit()`` when the session was lost.
    func acquire() async throws -> PooledSession {
        let id = nextRequestID
        nextRequestID += 1
        var action = machine.acquire(id, now: clock.now)
        let own = action.granted
        let failure = action.failures.removeValue(forKey: id)
        let timer = action.timer
        action.granted = nil
        action.timer = nil
        perform(action)
        let grant: Machine.Grant
        if let own {
            grant = own.grant
        } else if let failure {
            throw error(failure)
        } else {
            guard let timer else { preconditionFailure("a request that is neither granted nor failed has a timer") }
            grant = try await wait(id, until: timer.deadline)
        }
        switch grant {
        case .session(let session):
            return session
        case .startSession:
            do {
                return try await startSession()
            } catch {
                releasePermit()
                throw error
            }
        }
    }

    /// Waits for a grant; the timeout runs as a child task, which also notices cancellation.
    private func wait(_ id: Machine.RequestID, until deadline: ErasedClock.Instant) async throws -> Machine.Grant {
        try await withThrowingTaskGroup(of: Void.self) { group in
            let clock = clock
            group.addTask {
                do {
                    try await clock.sleep(until: deadline)
                    await self.timerFired(id)
                } catch {
                    // Cancelled: the caller was cancelled, or it was answered and the group ended.
                    await self.cancelled(id)
                }
            }
            defer { group.cancelAll() }
            return try await withCheckedThrowingContinuation { waiting[id] = $0 }
        }
    }

    private func timerFired(_ id: Machine.RequestID) { perform(machine.timerFired(id, now: clock.now)) }

    private func cancelled(_ id: Machine.RequestID) { perform(machine.cancelled(id)) }

    /// Starts a fresh session (also used to replace one the server declared invalid).
    func startSession() async throws -> PooledSession {
        var request = SendCommandRequest()
        request.startSession = StartSessionRequest(ledgerName: ledger)
        let response = try await client.send(request)
        guard let token = response.startSession?.sessionToken else {
            throw QLDBDriverError(.protocolViolation, "StartSession answered without a SessionToken")
        }
        return machine.sessionStarted(token: token, now: clock.now)
    }

    /// Returns a session and its permit. Unhealthy sessions are dropped without `EndSession`
    /// (the server has already forgotten them, or their state is unknown).
    func release(_ session: PooledSession, healthy: Bool) async {
        perform(machine.release(session, healthy: healthy, now: clock.now))
        // After close() nobody else drains the queue: the caller returning the session ends it.
        if machine.isClosed { await drainEndQueue() }
    }

    /// Returns a permit whose session was lost.
    func releasePermit() {
        perform(machine.release(nil, healthy: false, now: clock.now))
    }

    /// Ends queued sessions as they are queued, until ``close()``. Without it, sessions wait in
    /// the queue (at most `maxSessions` of them; older ones are dropped, since QLDB expires
    /// them itself) until ``close()`` ends them.
    func run() async {
        let (signal, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        endSignal = continuation
        if !endQueue.isEmpty { continuation.yield() }
        for await _ in signal { await drainEndQueue() }
        endSignal = nil
    }

    /// Ends every idle and queued session, fails waiting callers with `driverClosed`, refuses
    /// new work, and stops ``run()``.
    func close() async {
        perform(machine.close())
        await drainEndQueue()
        endSignal?.finish()
    }

    private func perform(_ action: Machine.Action) {
        if let granted = action.granted {
            waiting.removeValue(forKey: granted.request)?.resume(returning: granted.grant)
        }
        for (id, failure) in action.failures { waiting.removeValue(forKey: id)?.resume(throwing: error(failure)) }
        if !action.sessionsToEnd.isEmpty { queueEnd(action.sessionsToEnd) }
    }

    private func queueEnd(_ sessions: [PooledSession]) {
        let now = clock.now
        for session in sessions {
            logger.debug(
                "ending a session",
                metadata: [
                    "session.age": "\(session.startedAt.duration(to: now))",
                    "session.idle": "\(session.lastUsedAt.duration(to: now))",
                ])
        }
        endQueue += sessions
        if let endSignal {
            endSignal.yield()
        } else if endQueue.count > machine.configuration.maxSessions {
            let dropped = endQueue.count - machine.configuration.maxSessions
            endQueue.removeFirst(dropped)
            logger.debug(
                "dropped stale sessions without EndSession; run() is not running", metadata: ["count": "\(dropped)"])
        }
    }

    private func drainEndQueue() async {
        while !endQueue.isEmpty {
            let session = endQueue.removeFirst()
            var request = SendCommandRequest(sessionToken: session.token)
            request.endSession = EndSessionRequest()
            do {
                _ = try await client.send(request)
            } catch {
                logger.debug("EndSession failed", metadata: ["error": "\(error)"])
            }
        }
    }

    private func error(_ failure: Machine.Failure) -> any Error {
        switch failure {
        case .closed:
            return QLDBDriverError(.driverClosed, "the driver is closed; create a new QLDBDriver")
        case .timedOut:
            let limits = machine.configuration
            return QLDBDriverError(
                .sessionPoolTimeout,
                "no session became free within \(limits.acquireTimeout): all \(limits.maxSessions) are in use; raise maxConcurrentTransactions or sessionAcquireTimeout"
            )
        case .cancelled:
            return CancellationError()
        }
    }
}
