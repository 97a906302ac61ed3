/// QLDB's session rules as a state machine over an injected clock: which sessions exist, when
/// they and their transactions expire, and that one command runs on a session at a time. It
/// performs nothing; the caller (``LedgerService``) aborts the transactions of the sessions an
/// event removes, and runs commands.
///
/// Each session carries a `Payload` the machine never looks into (the service keeps the ledger,
/// the open transaction and the result pages there).
///
/// Rules, checked when a command checks a session out, in this order: a session older than
/// `sessionLifetime` has expired; one unused for `sessionIdleTimeout` has timed out; a
/// transaction older than `transactionTimeout` has expired and takes its session with it; a
/// session already running a command refuses another. Expired sessions that nobody uses are
/// removed by ``sweep(now:)`` (at every `StartSession`, and periodically by the service's `run()`).
struct LedgerSessionStateMachine<Clock: _Concurrency.Clock, Payload: Sendable>: Sendable
where Clock.Duration == Duration {
    /// QLDB's limits.
    struct Configuration: Sendable {
        var transactionTimeout: Duration
        var sessionIdleTimeout: Duration
        var sessionLifetime: Duration
        var maxSessionsPerLedger: Int
    }

    /// The open transaction of a session and when it started.
    struct OpenTransaction: Sendable, Equatable {
        let id: String
        let startedAt: Clock.Instant
    }

    /// A session checked out for one command.
    struct CheckedOut: Sendable {
        /// The session's id (not its token), as QLDB's messages name it.
        let id: String
        var payload: Payload
        /// When the command started.
        let at: Clock.Instant
        /// When the open transaction expires, if one is open: a statement still running then stops.
        var transactionDeadline: Clock.Instant? = nil
    }

    /// Why a command cannot run on a session.
    enum Refusal: Equatable, Sendable {
        /// No session has this token (never started, ended or removed).
        case noSuchSession
        /// The session outlived `sessionLifetime`.
        case sessionExpired(sessionID: String)
        /// The session was unused for `sessionIdleTimeout`.
        case idleTimeout(sessionID: String)
        /// The open transaction outlived `transactionTimeout`; the session is gone with it.
        case transactionExpired(transactionID: String)
        /// Another command is still running on the session.
        case busy
    }

    private struct Entry: Sendable {
        let id: String
        let ledger: String
        /// Who started the session (the signing access key); only they can use its token.
        let owner: String?
        let startedAt: Clock.Instant
        var lastUsedAt: Clock.Instant
        var transaction: OpenTransaction?
        var busy = false
        /// Held here while no command runs; `nil` while checked out.
        var payload: Payload?
    }

    let configuration: Configuration
    private var sessions: [String: Entry] = [:]

    init(configuration: Configuration) { self.configuration = configuration }

    /// Open sessions.
    var count: Int { sessions.count }

    /// Starts a session on `ledger`, after sweeping expired ones. Returns the payloads of the
    /// sessions swept, and whether the session was started (`false`: the ledger has
    /// `maxSessionsPerLedger` sessions open already).
    ///
    /// `owner` is who started it (the access key that signed the request): the token is "No such
    /// session" for anyone else.
    mutating func start(
        token: String, id: String, ledger: String, owner: String? = nil, payload: Payload, now: Clock.Instant
    ) -> (started: Bool, removed: [Payload]) {
        let removed = sweep(now: now)
        let open = sessions.values.reduce(0) { $0 + ($1.ledger == ledger ? 1 : 0) }
        guard open < configuration.maxSessionsPerLedger else { return (false, removed) }
        sessions[token] = Entry(
            id: id, ledger: ledger, owner: owner, startedAt: now, lastUsedAt: now, payload: payload)
        return (true, removed)
    }

    /// Checks a session out for one command, or says why it cannot run. A refusal that ends
    /// the session returns its payload, for the caller to abort its transaction.
    ///
    /// A token used by another `owner` than the one that started the session is refused as
    /// unknown, and the session is left exactly as it was.
    mutating func checkOut(_ token: String, owner: String? = nil, now: Clock.Instant) -> Result<CheckedOut, Refused> {
        guard var entry = sessions[token], entry.owner == owner else { return .failure(Refused(.noSuchSession)) }
        if entry.startedAt.duration(to: now) >= configuration.sessionLifetime {
            sessions[token] = nil
            return .failure(Refused(.sessionExpired(sessionID: entry.id), removed: entry.payload))
        }
        if entry.lastUsedAt.duration(to: now) >= configuration.sessionIdleTimeout {
            sessions[token] = nil
            return .failure(Refused(.idleTimeout(sessionID: entry.id), removed: entry.payload))
        }
        if let transaction = entry.transaction,
            transaction.startedAt.duration(to: now) >= configuration.transactionTimeout
        {
            sessions[token] = nil
            return .failure(Refused(.transactionExpired(transactionID: transaction.id), removed: entry.payload))
        }
        guard !entry.busy, let payload = entry.payload else { return .failure(Refused(.busy)) }
        entry.busy = true
        entry.payload = nil
        entry.lastUsedAt = now
        sessions[token] = entry
        return .success(
            CheckedOut(
                id: entry.id, payload: payload, at: now,
                transactionDeadline: entry.transaction?.startedAt.advanced(by: configuration.transactionTimeout)))
    }

    /// A refusal, with the payload of the session it removed, if it removed one.
    struct Refused: Error {
        let refusal: Refusal
        let removed: Payload?

        init(_ refusal: Refusal, removed: Payload? = nil) {
            self.refusal = refusal
            self.removed = removed
        }
    }

    /// Returns a session after its command. `transaction` is the id of the transaction open
    /// after the command (`nil` when none); a new id starts the transaction's clock at the
    /// command's start. An ended session is removed and its payload returned.
    mutating func checkIn(
        _ token: String, _ session: CheckedOut, transaction: String?, ended: Bool, now: Clock.Instant
    ) -> Payload? {
        guard var entry = sessions[token] else { return session.payload }
        if ended {
            sessions[token] = nil
            return session.payload
        }
        if transaction != entry.transaction?.id {
            entry.transaction = transaction.map { OpenTransaction(id: $0, startedAt: session.at) }
        }
        entry.busy = false
        entry.lastUsedAt = now
        entry.payload = session.payload
        sessions[token] = entry
        return nil
    }

    /// Removes every session that is not running a command and has expired or timed out,
    /// returning their payloads.
    mutating func sweep(now: Clock.Instant) -> [Payload] {
        var removed: [Payload] = []
        for (token, entry) in sessions where !entry.busy {
            let expired =
                entry.lastUsedAt.duration(to: now) >= configuration.sessionIdleTimeout
                || entry.startedAt.duration(to: now) >= configuration.sessionLifetime
            if expired {
                sessions[token] = nil
                if let payload = entry.payload { removed.append(payload) }
            }
        }
        return removed
    }
}
