import Foundation
import Ion
import Logging
import QLDBHashing
import QLDBSession
import Synchronization

/// The QLDB session service over a set of ledgers: sessions, transactions, pages and QLDB's
/// session rules and errors, answering `SendCommand` requests.
///
/// ``handle(body:)`` takes and returns awsJson1_0 bodies as `qldb serve` and
/// ``EmbeddedLedgerTransport`` use them; ``handle(_:)`` works on the decoded types.
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
        /// The defaults.
        public init() {}
    }

    struct Session {
        let token: String
        let id: String
        let ledger: Ledger
        let startedAt: ContinuousClock.Instant
        var lastUsedAt: ContinuousClock.Instant
        var transaction: LedgerTransaction?
        var pages: [String: [ValueHolder]] = [:]
        var busy = false
    }

    /// The configuration in use.
    public let configuration: Configuration
    private let ledgers = Mutex<[String: Ledger]>([:])
    private let sessions = Mutex<[String: Session]>([:])
    let logger: Logger

    /// Creates a service with no ledgers; add them with ``add(_:)``.
    public init(configuration: Configuration = Configuration(), logger: Logger = Logger(label: "swift-qldb.ledger")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Serves a ledger under its name.
    public func add(_ ledger: Ledger) { ledgers.withLock { $0[ledger.name] = ledger } }

    /// The ledger with this name.
    public func ledger(named name: String) -> Ledger? { ledgers.withLock { $0[name] } }

    /// Open sessions.
    public var sessionCount: Int { sessions.withLock { $0.count } }

    // MARK: JSON

    /// Answers one awsJson1_0 `SendCommand` body with the status and body QLDB would send.
    public nonisolated(nonsending) func handle(body: [UInt8]) async -> TransportResponse {
        let request: SendCommandRequest
        do {
            request = try SendCommandJSON.decodeRequest(body)
        } catch {
            return Self.errorResponse(
                LedgerError(type: "SerializationException", message: "The request body is not a valid SendCommand request: \(error)"))
        }
        switch await handle(request) {
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
    public nonisolated(nonsending) func handle(_ request: SendCommandRequest) async -> Result<SendCommandResponse, LedgerError> {
        let started = ContinuousClock.now
        let commands = [
            request.startSession != nil, request.startTransaction != nil, request.executeStatement != nil,
            request.fetchPage != nil, request.commitTransaction != nil, request.abortTransaction != nil,
            request.endSession != nil,
        ].filter { $0 }.count
        guard commands == 1 else {
            return .failure(.badRequest("A SendCommand request must carry exactly one command; it carried \(commands)"))
        }
        if let start = request.startSession {
            return startSession(start.ledgerName, started: started)
        }
        guard let token = request.sessionToken else {
            return .failure(.badRequest("The parameter SessionToken is required for \(request.commandName ?? "this command")"))
        }
        var session: Session
        switch checkOut(token) {
        case .success(let s): session = s
        case .failure(let error): return .failure(error)
        }
        let outcome = await run(request, in: &session, started: started)
        checkIn(session, ended: request.endSession != nil || outcome.endsSession)
        return outcome.result
    }

    private func startSession(_ name: String, started: ContinuousClock.Instant) -> Result<SendCommandResponse, LedgerError> {
        guard Self.isValidLedgerName(name) else {
            return .failure(.badRequest("Invalid ledger name \(name): 1–32 letters, digits or hyphens, not all digits"))
        }
        guard let ledger = ledger(named: name) else {
            return .failure(LedgerError(type: "BadRequestException", message: "Ledger \(name) does not exist"))
        }
        let token = Self.randomToken()
        let now = ContinuousClock.now
        let result: LedgerError? = sessions.withLock { sessions in
            sweep(&sessions, now: now)
            if sessions.values.filter({ $0.ledger === ledger }).count >= configuration.maxSessionsPerLedger {
                return LedgerError(type: "LimitExceededException", message: "Exceeded the concurrent session limit")
            }
            sessions[token] = Session(
                token: token, id: LedgerIdentifiers.random(), ledger: ledger, startedAt: now, lastUsedAt: now)
            return nil
        }
        if let result { return .failure(result) }
        var response = SendCommandResponse()
        var start = StartSessionResult()
        start.sessionToken = token
        start.timingInformation = Self.timing(since: started)
        response.startSession = start
        return .success(response)
    }

    private func sweep(_ sessions: inout [String: Session], now: ContinuousClock.Instant) {
        sessions = sessions.filter { _, session in
            let keep = session.busy || (now - session.lastUsedAt < configuration.sessionIdleTimeout && now - session.startedAt < configuration.sessionLifetime)
            if !keep, let txn = session.transaction { session.ledger.abort(txn) }
            return keep
        }
    }

    private func checkOut(_ token: String) -> Result<Session, LedgerError> {
        let now = ContinuousClock.now
        return sessions.withLock { sessions -> Result<Session, LedgerError> in
            guard var session = sessions[token] else { return .failure(.invalidSession("No such session")) }
            if now - session.startedAt >= configuration.sessionLifetime {
                sessions[token] = nil
                if let txn = session.transaction { session.ledger.abort(txn) }
                return .failure(.invalidSession("Session \(session.id) has expired"))
            }
            if now - session.lastUsedAt >= configuration.sessionIdleTimeout {
                sessions[token] = nil
                if let txn = session.transaction { session.ledger.abort(txn) }
                return .failure(.invalidSession("Exceeded the session idle time limit: Session \(session.id)"))
            }
            if let txn = session.transaction, now - txn.startedAt >= configuration.transactionTimeout {
                sessions[token] = nil
                session.ledger.abort(txn)
                return .failure(.invalidSession("Transaction \(txn.id) has expired"))
            }
            guard !session.busy else {
                return .failure(.badRequest("Another command is still running on this session; send commands one at a time"))
            }
            session.busy = true
            session.lastUsedAt = now
            sessions[token] = session
            return .success(session)
        }
    }

    private func checkIn(_ session: Session, ended: Bool) {
        var session = session
        session.busy = false
        session.lastUsedAt = .now
        sessions.withLock { sessions in
            if ended {
                sessions[session.token] = nil
                if let txn = session.transaction { session.ledger.abort(txn) }
            } else {
                sessions[session.token] = session
            }
        }
    }

    private struct Outcome {
        var result: Result<SendCommandResponse, LedgerError>
        var endsSession = false
    }

    private nonisolated(nonsending) func run(_ request: SendCommandRequest, in session: inout Session, started: ContinuousClock.Instant) async -> Outcome {
        var response = SendCommandResponse()
        if request.startTransaction != nil {
            guard session.transaction == nil else { return Outcome(result: .failure(.badRequest("Transaction already open"))) }
            let txn = session.ledger.begin()
            session.transaction = txn
            session.pages = [:]
            var result = StartTransactionResult()
            result.transactionId = txn.id
            result.timingInformation = Self.timing(since: started)
            response.startTransaction = result
        } else if let execute = request.executeStatement {
            guard var txn = session.transaction else { return Outcome(result: .failure(.badRequest("No open transaction"))) }
            guard txn.id == execute.transactionId else {
                return Outcome(result: .failure(.badRequest("Transaction \(execute.transactionId) is not the open transaction")))
            }
            var parameters: [IonValue] = []
            var hashes: [QLDBHash] = []
            for (index, holder) in (execute.parameters ?? []).enumerated() {
                do {
                    let values: [IonValue]
                    if let binary = holder.ionBinaryBytes {
                        values = try IonValue.decode(binary: binary)
                    } else if let text = holder.ionText {
                        values = try IonValue.decode(text: text)
                    } else {
                        return Outcome(result: .failure(.badRequest("Parameter \(index + 1) has neither IonBinary nor IonText")))
                    }
                    guard values.count == 1 else {
                        return Outcome(result: .failure(.badRequest("Parameter \(index + 1) must hold exactly one Ion value, not \(values.count)")))
                    }
                    parameters.append(values[0])
                    hashes.append(CommitDigest.ionHash(values[0]))
                } catch {
                    return Outcome(result: .failure(.badRequest("Parameter \(index + 1) is not valid Ion: \(error)")))
                }
            }
            let values: [IonValue]
            do {
                values = try session.ledger.execute(execute.statement, parameters: parameters, parameterHashes: hashes, in: &txn)
                session.transaction = txn
            } catch {
                session.transaction = txn
                return Outcome(result: .failure(error))
            }
            let holders: [ValueHolder]
            do {
                holders = try values.map { ValueHolder(ionBinary: try $0.binaryEncoded()) }
            } catch {
                return Outcome(result: .failure(LedgerError(type: "InternalFailure", status: 500, message: "\(error)")))
            }
            var result = ExecuteStatementResult()
            result.firstPage = page(holders, session: &session)
            result.timingInformation = Self.timing(since: started)
            result.consumedIOs = IOUsage(readIOs: Int64(max(values.count, 1)), writeIOs: 0)
            response.executeStatement = result
        } else if let fetch = request.fetchPage {
            guard let txn = session.transaction, txn.id == fetch.transactionId else {
                return Outcome(result: .failure(.badRequest("No open transaction")))
            }
            guard let remaining = session.pages.removeValue(forKey: fetch.nextPageToken) else {
                return Outcome(result: .failure(.badRequest("The parameter NextPageToken is not valid")))
            }
            var result = FetchPageResult()
            result.page = page(remaining, session: &session)
            result.timingInformation = Self.timing(since: started)
            result.consumedIOs = IOUsage(readIOs: Int64(result.page?.values?.count ?? 0), writeIOs: 0)
            response.fetchPage = result
        } else if let commit = request.commitTransaction {
            guard let txn = session.transaction else { return Outcome(result: .failure(.badRequest("No open transaction"))) }
            guard txn.id == commit.transactionId else {
                return Outcome(result: .failure(.badRequest("Transaction \(commit.transactionId) is not the open transaction")))
            }
            session.transaction = nil
            session.pages = [:]
            do {
                let digest = try await session.ledger.commit(txn, clientDigest: [UInt8](commit.commitDigest))
                var result = CommitTransactionResult()
                result.transactionId = txn.id
                result.commitDigest = Data(digest.bytes)
                result.timingInformation = Self.timing(since: started)
                result.consumedIOs = IOUsage(readIOs: 0, writeIOs: Int64(txn.writes.count))
                response.commitTransaction = result
            } catch let error as LedgerError {
                return Outcome(result: .failure(error))
            } catch {
                return Outcome(result: .failure(LedgerError(type: "InternalFailure", status: 500, message: "\(error)")))
            }
        } else if request.abortTransaction != nil {
            if let txn = session.transaction { session.ledger.abort(txn) }
            session.transaction = nil
            session.pages = [:]
            var result = AbortTransactionResult()
            result.timingInformation = Self.timing(since: started)
            response.abortTransaction = result
        } else {
            var result = EndSessionResult()
            result.timingInformation = Self.timing(since: started)
            response.endSession = result
        }
        return Outcome(result: .success(response))
    }

    private func page(_ holders: [ValueHolder], session: inout Session) -> Page {
        guard holders.count > configuration.pageSize else { return Page(values: holders, nextPageToken: nil) }
        let token = Self.randomToken()
        session.pages[token] = Array(holders[configuration.pageSize...])
        return Page(values: Array(holders[..<configuration.pageSize]), nextPageToken: token)
    }

    static func timing(since start: ContinuousClock.Instant) -> TimingInformation {
        let elapsed = ContinuousClock.now - start
        return TimingInformation(processingTimeMilliseconds: elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<24).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
    }

    static func isValidLedgerName(_ name: String) -> Bool {
        let scalars = name.unicodeScalars
        guard (1...32).contains(scalars.count), !name.hasPrefix("-"), !name.hasSuffix("-"), !name.contains("--") else { return false }
        guard scalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }) else { return false }
        return !scalars.allSatisfy { ("0"..."9").contains($0) }
    }
}

/// Sends `SendCommand` bodies straight to an in-process ``LedgerService``: the driver runs
/// against an embedded ledger with no HTTP and no signing.
public struct EmbeddedLedgerTransport: QLDBTransport {
    /// The service that answers.
    public let service: LedgerService

    /// A transport to `service`.
    public init(service: LedgerService) { self.service = service }

    /// Hands the body to the service.
    public nonisolated(nonsending) func send(_ body: [UInt8]) async throws -> TransportResponse {
        try Task.checkCancellation()
        return await service.handle(body: body)
    }
}
