/// The decisions of the driver's session pool, with no I/O, no tasks and no clock of its own.
///
/// Every event (`acquire`, `release`, a timer, a cancellation, `close`) is a `mutating func`
/// taking the current instant and returning an ``Action`` that says which requests to grant or
/// fail, which sessions to end and which timer to start. ``SessionPool`` performs the actions.
///
/// Invariants: `permits + granted == maxSessions`, where `granted` counts permits handed out and
/// not yet released; a request is either waiting (in `waiters`, with a timer) or has been
/// answered exactly once; an idle session is never older than `maxSessionAge` nor idle longer
/// than `maxSessionIdle` when it is granted (stale ones are ended instead, because QLDB expires
/// sessions after 13–17 minutes of life or 60 s idle, and a stale token costs a failed request).
struct SessionPoolStateMachine<Clock: _Concurrency.Clock> where Clock.Duration == Duration {
    /// A request for a permit, numbered by the shell.
    typealias RequestID = Int

    /// The pool's limits.
    struct Configuration: Sendable {
        var maxSessions: Int
        var acquireTimeout: Duration
        var maxSessionAge: Duration
        var maxSessionIdle: Duration
    }

    /// A session the pool holds or handed out.
    struct Session: Hashable, Sendable {
        let token: String
        let startedAt: Clock.Instant
        var lastUsedAt: Clock.Instant
    }

    /// What a granted request receives with its permit.
    enum Grant: Hashable, Sendable {
        /// An idle session young enough to use.
        case session(Session)
        /// No usable idle session: the requester starts one.
        case startSession
    }

    /// Why a request failed.
    enum Failure: Hashable, Sendable {
        /// The pool is closed (or was closed while the request waited).
        case closed
        /// No permit became free within `acquireTimeout`.
        case timedOut
        /// The requester's task was cancelled while it waited.
        case cancelled
    }

    /// What the shell must do after an event.
    struct Action: Hashable, Sendable {
        /// The request that now holds a permit, with what it was given. No event grants more
        /// than one, so this is no collection: `acquire` and `release` run once per transaction.
        var granted: Granted?
        /// Requests that are answered with an error.
        var failures: [RequestID: Failure] = [:]
        /// Sessions to end with `EndSession` (stale, or returned after close).
        var sessionsToEnd: [Session] = []
        /// A timer to start: when it fires, call ``SessionPoolStateMachine/timerFired(_:now:)``.
        var timer: Timer?

        static var none: Action { Action() }
    }

    /// A request granted a permit.
    struct Granted: Hashable, Sendable {
        let request: RequestID
        let grant: Grant
    }

    /// A timeout for a waiting request.
    struct Timer: Hashable, Sendable {
        let request: RequestID
        let deadline: Clock.Instant
    }

    private struct Waiter {
        let id: RequestID
        let deadline: Clock.Instant
    }

    let configuration: Configuration
    private(set) var permits: Int
    private(set) var idle: [Session] = []
    private var waiters: [Waiter] = []
    private(set) var isClosed = false
    /// Sessions started through this pool.
    private(set) var sessionsStarted = 0
    /// Idle sessions ended because they were too old or idle too long.
    private(set) var sessionsReplaced = 0

    init(configuration: Configuration) {
        precondition(configuration.maxSessions > 0, "maxConcurrentTransactions must be at least 1")
        self.configuration = configuration
        self.permits = configuration.maxSessions
    }

    /// Requests waiting for a permit.
    var waitingCount: Int { waiters.count }

    /// A request for a permit and a session.
    mutating func acquire(_ id: RequestID, now: Clock.Instant) -> Action {
        var action = Action()
        if isClosed {
            action.failures[id] = .closed
        } else if permits > 0 {
            permits -= 1
            action.granted = Granted(request: id, grant: takeIdle(now: now, ending: &action.sessionsToEnd))
        } else {
            let deadline = now.advanced(by: configuration.acquireTimeout)
            waiters.append(Waiter(id: id, deadline: deadline))
            action.timer = Timer(request: id, deadline: deadline)
        }
        return action
    }

    /// The timer of a waiting request fired: it fails if it is still waiting.
    mutating func timerFired(_ id: RequestID, now: Clock.Instant) -> Action {
        guard let index = waiters.firstIndex(where: { $0.id == id }), now >= waiters[index].deadline else {
            return .none
        }
        waiters.remove(at: index)
        var action = Action()
        action.failures[id] = .timedOut
        return action
    }

    /// The requester's task was cancelled: a waiting request fails; a granted one is unaffected
    /// (its holder gives the permit back with ``release(_:healthy:now:)``).
    mutating func cancelled(_ id: RequestID) -> Action {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return .none }
        waiters.remove(at: index)
        var action = Action()
        action.failures[id] = .cancelled
        return action
    }

    /// A session was started for a ``Grant/startSession`` grant.
    mutating func sessionStarted(token: String, now: Clock.Instant) -> Session {
        sessionsStarted += 1
        return Session(token: token, startedAt: now, lastUsedAt: now)
    }

    /// A permit comes back, with its session (`nil` when the session was lost or never started).
    /// A healthy session is kept idle (or ended when the pool is closed); an unhealthy one is
    /// dropped without `EndSession`, since the server has forgotten it or its state is unknown.
    /// The permit goes to the longest-waiting request, if any.
    mutating func release(_ session: Session?, healthy: Bool, now: Clock.Instant) -> Action {
        var action = Action()
        if var session, healthy {
            if isClosed {
                action.sessionsToEnd.append(session)
            } else {
                session.lastUsedAt = now
                idle.append(session)
            }
        }
        if !waiters.isEmpty {
            let next = waiters.removeFirst()
            action.granted = Granted(request: next.id, grant: takeIdle(now: now, ending: &action.sessionsToEnd))
        } else {
            permits += 1
        }
        return action
    }

    /// Refuses new requests, fails the waiting ones and ends every idle session.
    mutating func close() -> Action {
        isClosed = true
        var action = Action()
        for waiter in waiters { action.failures[waiter.id] = .closed }
        waiters.removeAll()
        action.sessionsToEnd = idle
        idle.removeAll()
        return action
    }

    /// The most recently used idle session still fit for use; staler ones go to `ending`.
    private mutating func takeIdle(now: Clock.Instant, ending: inout [Session]) -> Grant {
        while let session = idle.popLast() {
            if session.startedAt.duration(to: now) < configuration.maxSessionAge,
                session.lastUsedAt.duration(to: now) < configuration.maxSessionIdle
            {
                return .session(session)
            }
            sessionsReplaced += 1
            ending.append(session)
        }
        return .startSession
    }
}
