import Foundation
import Ion
import Logging
import QLDBHashing
import QLDBPrimitives
import QLDBSession
import ServiceLifecycle
import Synchronization

/// The QLDB session service over a set of ledgers: sessions, transactions, pages and QLDB's
/// session rules and errors, answering `SendCommand` requests.
///
/// ``handle(body:)`` takes and returns awsJson1_0 bodies as `qldb serve` and
/// ``EmbeddedLedgerTransport`` use them; ``handle(_:)`` works on the decoded types. The session
/// rules live in `LedgerSessionStateMachine`; this type runs the commands. As a `Service`,
/// ``run()`` removes expired sessions (aborting their transactions) until graceful shutdown.
public final class LedgerService: Sendable {
    /// Session and paging rules.
    public struct Configuration: Sendable {
        /// Values per result page (QLDB pages results; drivers follow `NextPageToken`).
        public var pageSize = 200
        /// A transaction older than this fails with `Transaction <id> has expired` (30 s).
        public var transactionTimeout: Duration = .seconds(30)
        /// A session unused for this long is ended (60 s).
        public var sessionIdleTimeout: Duration = .seconds(60)
        /// A session older than this is ended whatever it is doing (QLDB: 13–17 minutes; 15).
        public var sessionLifetime: Duration = .seconds(15 * 60)
        /// Most open sessions per ledger (3000).
        public var maxSessionsPerLedger = 3000
        /// Put before every session token with a `.` (tokens are base64, which has no `.`), so
        /// that a frontend sharing ledgers with others can tell whose session a token names;
        /// `nil` (the default) for none.
        public var sessionTokenPrefix: String?
        /// The defaults.
        public init() {}
    }

    /// What the service keeps per session besides the rules' own bookkeeping.
    struct SessionState: Sendable {
        let ledger: Ledger
        /// Who started the session (the access key that signed its StartSession).
        let principal: String?
        var transaction: LedgerTransaction?
        /// Result pages not yet fetched, by `NextPageToken`.
        var pages: [String: [ValueHolder]] = [:]
        /// The last transaction the session committed: a `CommitTransaction` retried because its
        /// answer was lost gets the same success, not an error that would make a client run the
        /// transaction again.
        var lastCommit: (id: String, digest: QLDBHash, writes: Int)?
    }

    typealias Sessions = LedgerSessionStateMachine<ErasedClock, SessionState>

    /// The configuration in use.
    public let configuration: Configuration
    private let ledgers = Mutex<[String: Ledger]>([:])
    /// Where ledgers not yet open are found, created and deleted; `nil` for only those added.
    let host: (any LedgerHost)?
    private let authorizerSlot = Mutex<(any LedgerAuthorizer)?>(nil)

    /// Who may use which ledger and run which statement; `nil` (the default) lets every caller
    /// do everything.
    public var authorizer: (any LedgerAuthorizer)? {
        get { authorizerSlot.withLock { $0 } }
        set { authorizerSlot.withLock { $0 = newValue } }
    }
    /// The last lifecycle operation (open, create, delete) of each ledger name: the next one
    /// waits for it, so a ledger is never opened twice or used while it is deleted.
    let lifecycle = Mutex<[String: Task<Void, Never>]>([:])
    private let sessions: Mutex<Sessions>
    private let clock: ErasedClock
    private let metrics = LedgerMetrics()
    let logger: Logger

    /// Creates a service with no ledgers open: add them with ``add(_:)``, and with a `host`,
    /// the host's ledgers are opened when first used and can be created and deleted
    /// (``createLedger(named:)``, ``deleteLedger(named:)``).
    public convenience init(
        configuration: Configuration = Configuration(), host: (any LedgerHost)? = nil,
        logger: Logger = Logger(label: "swift-qldb.ledger")
    ) {
        self.init(configuration: configuration, host: host, logger: logger, clock: ErasedClock(ContinuousClock()))
    }

    /// Creates a service whose session rules run on `clock` (tests pass a clock they advance).
    package init(configuration: Configuration, host: (any LedgerHost)? = nil, logger: Logger, clock: ErasedClock) {
        self.host = host
        self.configuration = configuration
        self.logger = logger
        self.clock = clock
        self.sessions = Mutex(
            Sessions(
                configuration: .init(
                    transactionTimeout: configuration.transactionTimeout,
                    sessionIdleTimeout: configuration.sessionIdleTimeout,
                    sessionLifetime: configuration.sessionLifetime,
                    maxSessionsPerLedger: configuration.maxSessionsPerLedger)))
    }

    /// Serves a ledger under its name.
    public func add(_ ledger: Ledger) { ledgers.withLock { $0[ledger.name] = ledger } }

    /// The ledger with this name, if it is open.
    public func ledger(named name: String) -> Ledger? { ledgers.withLock { $0[name] } }

    /// Removes an open ledger from the service, leaving it open; `nil` when none is.
    func removeLedger(named name: String) -> Ledger? { ledgers.withLock { $0.removeValue(forKey: name) } }

    /// The names of the ledgers served, sorted.
    package var ledgerNames: [String] { ledgers.withLock { $0.keys.sorted() } }

    /// Open sessions.
    public var sessionCount: Int { sessions.withLock { $0.count } }

    // MARK: JSON

    /// Answers one awsJson1_0 `SendCommand` body with the status and body QLDB would send.
    ///
    /// `principal` is who signed the request (its access key): a session started by one principal
    /// is "No such session" for every other. `nil` (the embedded transport) is a principal too.
    public nonisolated(nonsending) func handle(body: [UInt8], principal: String? = nil) async -> TransportResponse {
        let request: SendCommandRequest
        do {
            request = try SendCommandJSON.decodeRequest(body)
        } catch {
            return Self.errorResponse(
                LedgerError(
                    type: "SerializationException",
                    message: "The request body is not a valid SendCommand request: \(error)"))
        }
        switch await handle(request, principal: principal) {
        case .success(let response):
            do {
                return TransportResponse(status: 200, body: try SendCommandJSON.encode(response))
            } catch {
                return Self.errorResponse(LedgerError(type: "InternalFailure", status: 500, message: "\(error)"))
            }
        case .failure(let error): return Self.errorResponse(error)
        }
    }

    /// The error body QLDB sends: `{"__type": "com.amazonaws.qldbsession#<type>", "Message": …, "Code"?: …}`.
    public static func errorResponse(_ error: LedgerError) -> TransportResponse {
        var object: [String: String] = ["__type": "com.amazonaws.qldbsession#\(error.type)", "Message": error.message]
        if let code = error.code { object["Code"] = code }
        let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return TransportResponse(status: error.status, body: Array(body), errorType: error.type)
    }

    // MARK: Commands

    /// Answers one `SendCommand` request.
    ///
    /// `principal` is who signed the request; see ``handle(body:principal:)``.
    public nonisolated(nonsending) func handle(_ request: SendCommandRequest, principal: String? = nil) async
        -> Result<SendCommandResponse, LedgerError>
    {
        let started = ContinuousClock.now
        let result = await answer(request, principal: principal)
        let elapsed = started.duration(to: .now)
        let (seconds, attoseconds) = elapsed.components
        var error: LedgerError?
        if case .failure(let failure) = result { error = failure }
        metrics.record(
            command: LedgerMetrics.command(of: request),
            nanoseconds: seconds * 1_000_000_000 + attoseconds / 1_000_000_000,
            error: error)
        metrics.sessions.record(sessionCount)
        return result
    }

    private nonisolated(nonsending) func answer(_ request: SendCommandRequest, principal: String?) async
        -> Result<SendCommandResponse, LedgerError>
    {
        let command: Command
        switch Command.decode(request) {
        case .success(let decoded): command = decoded
        case .failure(let error): return .failure(error)
        }
        if case .startSession(let name) = command { return await startSession(name, owner: principal) }
        guard let token = request.sessionToken else {
            return .failure(
                .badRequest("The parameter SessionToken is required for \(request.commandName ?? "this command")"))
        }
        var session: Sessions.CheckedOut
        switch sessions.withLock({ $0.checkOut(token, owner: principal, now: clock.now) }) {
        case .success(let checkedOut): session = checkedOut
        case .failure(let refused):
            abortTransaction(of: refused.removed)
            return .failure(Self.error(refused.refusal))
        }
        let result = await run(command, on: &session)
        let ended: Bool
        if case .endSession = command { ended = true } else { ended = false }
        let removed = sessions.withLock {
            $0.checkIn(token, session, transaction: session.payload.transaction?.id, ended: ended, now: clock.now)
        }
        abortTransaction(of: removed)
        return result
    }

    /// The one command a request carries.
    private enum Command {
        case startSession(ledgerName: String)
        case startTransaction
        case executeStatement(ExecuteStatementRequest)
        case fetchPage(FetchPageRequest)
        case commitTransaction(CommitTransactionRequest)
        case abortTransaction
        case endSession

        static func decode(_ request: SendCommandRequest) -> Result<Command, LedgerError> {
            // Counted, not collected: this runs for every request.
            var found: Command?
            var count = 0
            func take(_ command: Command?) {
                guard let command else { return }
                count += 1
                found = command
            }
            take(request.startSession.map { .startSession(ledgerName: $0.ledgerName) })
            take(request.startTransaction.map { _ in .startTransaction })
            take(request.executeStatement.map { .executeStatement($0) })
            take(request.fetchPage.map { .fetchPage($0) })
            take(request.commitTransaction.map { .commitTransaction($0) })
            take(request.abortTransaction.map { _ in .abortTransaction })
            take(request.endSession.map { _ in .endSession })
            guard count == 1, let found else {
                return .failure(
                    .badRequest("A SendCommand request must carry exactly one command; it carried \(count)"))
            }
            return .success(found)
        }
    }

    private func startSession(_ name: String, owner: String?) async -> Result<SendCommandResponse, LedgerError> {
        let started = clock.now
        if let problem = LedgerName.problem(with: name) {
            return .failure(.badRequest("Invalid ledger name: \(problem)"))
        }
        let found: Ledger?
        do { found = try await openLedger(named: name) } catch {
            return .failure(
                (error as? StorageError)?.ledgerError
                    ?? LedgerError(type: "InternalFailure", status: 500, message: "\(error)"))
        }
        guard let ledger = found else {
            return .failure(LedgerError(type: "BadRequestException", message: "Ledger \(name) does not exist"))
        }
        if let authorizer = self.authorizer,
            let denied = await authorizer.authorizeSession(principal: owner, ledger: name)
        {
            return .failure(denied)
        }
        let token = configuration.sessionTokenPrefix.map { "\($0).\(Self.randomToken())" } ?? Self.randomToken()
        let (opened, removed) = sessions.withLock {
            $0.start(
                token: token, id: LedgerIdentifiers.random(), ledger: name, owner: owner,
                payload: SessionState(ledger: ledger, principal: owner), now: started)
        }
        for state in removed { abortTransaction(of: state) }
        guard opened else {
            return .failure(
                LedgerError(type: "LimitExceededException", message: "Exceeded the concurrent session limit"))
        }
        var response = SendCommandResponse()
        var start = StartSessionResult()
        start.sessionToken = token
        start.timingInformation = timing(since: started)
        response.startSession = start
        return .success(response)
    }

    private func run(_ command: Command, on session: inout Sessions.CheckedOut) async -> Result<
        SendCommandResponse, LedgerError
    > {
        guard !session.payload.ledger.closed else {
            return .failure(
                LedgerError(
                    type: "BadRequestException", message: "Ledger \(session.payload.ledger.name) was deleted"))
        }
        var response = SendCommandResponse()
        switch command {
        case .startSession:
            preconditionFailure("StartSession is answered before a session is checked out")
        case .startTransaction:
            guard session.payload.transaction == nil else { return .failure(.badRequest("Transaction already open")) }
            let txn: LedgerTransaction
            do { txn = try await session.payload.ledger.begin() } catch { return .failure(error) }
            session.payload.transaction = txn
            session.payload.pages = [:]
            var result = StartTransactionResult()
            result.transactionId = txn.id
            result.timingInformation = timing(since: session.at)
            response.startTransaction = result
        case .executeStatement(let execute):
            switch await executeStatement(execute, on: &session) {
            case .success(let result): response.executeStatement = result
            case .failure(let error): return .failure(error)
            }
        case .fetchPage(let fetch):
            guard let txn = session.payload.transaction, txn.id == fetch.transactionId else {
                return .failure(.badRequest("No open transaction"))
            }
            guard let remaining = session.payload.pages.removeValue(forKey: fetch.nextPageToken) else {
                return .failure(.badRequest("The parameter NextPageToken is not valid"))
            }
            var result = FetchPageResult()
            result.page = page(remaining, session: &session)
            result.timingInformation = timing(since: session.at)
            result.consumedIOs = IOUsage(readIOs: Int64(result.page?.values?.count ?? 0), writeIOs: 0)
            response.fetchPage = result
        case .commitTransaction(let commit):
            switch await commitTransaction(commit, on: &session) {
            case .success(let result): response.commitTransaction = result
            case .failure(let error): return .failure(error)
            }
        case .abortTransaction:
            abortTransaction(of: session.payload)
            session.payload.transaction = nil
            session.payload.pages = [:]
            var result = AbortTransactionResult()
            result.timingInformation = timing(since: session.at)
            response.abortTransaction = result
        case .endSession:
            var result = EndSessionResult()
            result.timingInformation = timing(since: session.at)
            response.endSession = result
        }
        return .success(response)
    }

    private func executeStatement(
        _ execute: ExecuteStatementRequest, on session: inout Sessions.CheckedOut
    ) async -> Result<ExecuteStatementResult, LedgerError> {
        guard var txn = session.payload.transaction else { return .failure(.badRequest("No open transaction")) }
        guard txn.id == execute.transactionId else {
            return .failure(.badRequest("Transaction \(execute.transactionId) is not the open transaction"))
        }
        let parameters: [IonValue]
        switch Self.decodeParameters(execute.parameters ?? []) {
        case .success(let decoded): parameters = decoded
        case .failure(let error): return .failure(error)
        }
        let values: [IonValue]
        do {
            let clock = self.clock
            let interruption = session.transactionDeadline.map { deadline in
                { @Sendable () -> String? in
                    clock.now >= deadline ? "Transaction \(execute.transactionId) has expired" : nil
                }
            }
            let (authorizer, principal, ledger) = (self.authorizer, session.payload.principal, session.payload.ledger)
            let statement = execute.statement
            let authorize = authorizer.map { authorizer in
                { @Sendable (permissions: [RequiredPermission]) async -> LedgerError? in
                    await authorizer.authorizeStatement(
                        principal: principal, ledger: ledger.name, statement: statement, permissions: permissions)
                }
            }
            values = try await ledger.execute(
                execute.statement, parameters: parameters, parameterHashes: parameters.map(CommitDigest.ionHash),
                in: &txn, interruption: interruption, authorize: authorize)
            session.payload.transaction = txn
        } catch {
            session.payload.transaction = txn
            return .failure(error)
        }
        let holders: [ValueHolder]
        do {
            holders = try values.map { ValueHolder(ionBinary: try $0.binaryEncoded()) }
        } catch {
            return .failure(LedgerError(type: "InternalFailure", status: 500, message: "\(error)"))
        }
        var result = ExecuteStatementResult()
        result.firstPage = page(holders, session: &session)
        result.timingInformation = timing(since: session.at)
        result.consumedIOs = IOUsage(readIOs: Int64(max(values.count, 1)), writeIOs: 0)
        return .success(result)
    }

    /// Each parameter holds exactly one Ion value, binary or text.
    private static func decodeParameters(_ holders: [ValueHolder]) -> Result<[IonValue], LedgerError> {
        var parameters: [IonValue] = []
        parameters.reserveCapacity(holders.count)
        for (index, holder) in holders.enumerated() {
            let values: [IonValue]
            do {
                if let binary = holder.ionBinaryBytes {
                    values = try IonValue.decode(binary: binary)
                } else if let text = holder.ionText {
                    values = try IonValue.decode(text: text)
                } else {
                    return .failure(.badRequest("Parameter \(index + 1) has neither IonBinary nor IonText"))
                }
            } catch {
                return .failure(.badRequest("Parameter \(index + 1) is not valid Ion: \(error)"))
            }
            guard values.count == 1 else {
                return .failure(
                    .badRequest("Parameter \(index + 1) must hold exactly one Ion value, not \(values.count)"))
            }
            parameters.append(values[0])
        }
        return .success(parameters)
    }

    private func commitTransaction(
        _ commit: CommitTransactionRequest, on session: inout Sessions.CheckedOut
    ) async -> Result<CommitTransactionResult, LedgerError> {
        if let last = session.payload.lastCommit, last.id == commit.transactionId,
            session.payload.transaction?.id != commit.transactionId
        {
            guard last.digest.withUnsafeBytes({ $0.elementsEqual(commit.commitDigest) }) else {
                return .failure(.badRequest("Digests don't match", code: "412"))
            }
            var result = CommitTransactionResult()
            result.transactionId = last.id
            result.commitDigest = last.digest.withUnsafeBytes { Data($0) }
            result.timingInformation = timing(since: session.at)
            result.consumedIOs = IOUsage(readIOs: 0, writeIOs: Int64(last.writes))
            return .success(result)
        }
        guard let txn = session.payload.transaction else { return .failure(.badRequest("No open transaction")) }
        guard txn.id == commit.transactionId else {
            return .failure(.badRequest("Transaction \(commit.transactionId) is not the open transaction"))
        }
        session.payload.transaction = nil
        session.payload.pages = [:]
        do {
            let digest = try await session.payload.ledger.commit(txn, clientDigest: [UInt8](commit.commitDigest))
            session.payload.lastCommit = (txn.id, digest, txn.writes.count)
            var result = CommitTransactionResult()
            result.transactionId = txn.id
            result.commitDigest = digest.withUnsafeBytes { Data($0) }
            result.timingInformation = timing(since: session.at)
            result.consumedIOs = IOUsage(readIOs: 0, writeIOs: Int64(txn.writes.count))
            return .success(result)
        } catch {
            return .failure(error)
        }
    }

    /// Aborts the open transaction of a session the rules removed or ended.
    private func abortTransaction(of state: SessionState?) {
        if let state, let txn = state.transaction { state.ledger.abort(txn) }
    }

    private func page(_ holders: [ValueHolder], session: inout Sessions.CheckedOut) -> Page {
        guard holders.count > configuration.pageSize else { return Page(values: holders, nextPageToken: nil) }
        let token = Self.randomToken()
        session.payload.pages[token] = Array(holders[configuration.pageSize...])
        return Page(values: Array(holders[..<configuration.pageSize]), nextPageToken: token)
    }

    /// QLDB's messages for each refusal of the session rules.
    static func error(_ refusal: Sessions.Refusal) -> LedgerError {
        switch refusal {
        case .noSuchSession: return .invalidSession("No such session")
        case .sessionExpired(let id): return .invalidSession("Session \(id) has expired")
        case .idleTimeout(let id): return .invalidSession("Exceeded the session idle time limit: Session \(id)")
        case .transactionExpired(let id): return .invalidSession("Transaction \(id) has expired")
        case .busy: return .badRequest("Another command is still running on this session; send commands one at a time")
        }
    }

    private func timing(since start: ErasedClock.Instant) -> TimingInformation {
        let elapsed = start.duration(to: clock.now)
        return TimingInformation(
            processingTimeMilliseconds: elapsed.components.seconds * 1000
                + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<24).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Base64.encode(bytes)
    }

    /// Removes expired sessions that nobody uses.
    func sweep() {
        let removed = sessions.withLock { $0.sweep(now: clock.now) }
        for state in removed { abortTransaction(of: state) }
        if !removed.isEmpty { logger.debug("removed expired sessions", metadata: ["count": "\(removed.count)"]) }
    }
}

extension LedgerService: Service {
    /// Removes expired sessions (aborting their transactions) every half idle timeout, until
    /// graceful shutdown or cancellation; without it they are removed at the next `StartSession`.
    public func run() async throws {
        let interval = configuration.sessionIdleTimeout / 2
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await self.clock.sleep(for: interval) }
            } catch {
                return
            }
            sweep()
        }
    }
}
