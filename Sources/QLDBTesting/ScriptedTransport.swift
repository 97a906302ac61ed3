import Foundation
import Ion
import QLDBSession
import Synchronization

/// A stand-in for the QLDB session service that answers every command sensibly and lets a test
/// inject failures at exact points, recording every request it received.
///
/// By default: `StartSession` returns `session-1`, `session-2`, …; `StartTransaction` returns a
/// 22-character id; `ExecuteStatement` returns the pages set with ``setPages(_:for:)`` (one empty
/// page otherwise); `FetchPage` returns the following pages; `CommitTransaction` echoes the digest
/// it was sent; `AbortTransaction` and `EndSession` succeed.
public final class ScriptedTransport: QLDBTransport {
    /// What the script does with one request.
    public enum Reply: Sendable {
        /// Answer as the default service would.
        case proceed
        /// Answer with this response.
        case respond(TransportResponse)
        /// Fail without a response.
        case fail(QLDBTransportError)
        /// Never answer: wait until the calling task is cancelled, then throw `CancellationError`.
        case hang
    }

    /// A request as the script sees it.
    public struct Command: Sendable {
        /// The command name (`StartSession`, `ExecuteStatement`, …).
        public var name: String
        /// 1 for the first request of this command name, 2 for the second, …
        public var occurrence: Int
        /// The decoded request.
        public var request: SendCommandRequest
    }

    private struct State {
        var log: [SendCommandRequest] = []
        var occurrences: [String: Int] = [:]
        var sessions = 0
        var transactions = 0
        var pages: [String: [[IonValue]]] = [:]
        var pending: [String: [[IonValue]]] = [:]
    }

    private let script: @Sendable (Command) -> Reply
    private let state = Mutex(State())

    /// Creates a transport that consults `script` for every request.
    public init(script: @escaping @Sendable (Command) -> Reply = { _ in .proceed }) {
        self.script = script
        (commands, commandSink) = AsyncStream.makeStream(of: Command.self)
    }

    /// Every command as it arrives, before it is answered (a `hang` command appears here before
    /// it starts hanging): a test awaits the command it needs instead of polling the transcript.
    /// One consumer at a time.
    public let commands: AsyncStream<Command>
    private let commandSink: AsyncStream<Command>.Continuation

    /// Makes `statement` return these pages (a page may be empty; every page but the last carries a token).
    public func setPages(_ pages: [[IonValue]], for statement: String) {
        state.withLock { $0.pages[statement] = pages }
    }

    /// Every request received, in order.
    public var requests: [SendCommandRequest] { state.withLock { $0.log } }

    /// The requests as short lines: the command name, plus the statement for `ExecuteStatement`
    /// and the session token, e.g. `ExecuteStatement session-1 SELECT 1`.
    public var transcript: [String] {
        requests.map { request in
            let name = request.commandName ?? "?"
            let session = request.sessionToken.map { " \($0)" } ?? ""
            if let statement = request.executeStatement?.statement { return "\(name)\(session) \(statement)" }
            return name + session
        }
    }

    /// Answers one request.
    public nonisolated(nonsending) func send(_ body: [UInt8]) async throws -> TransportResponse {
        let request = try SendCommandJSON.decodeRequest(body)
        let name = request.commandName ?? "Unknown"
        let occurrence = state.withLock { state in
            state.log.append(request)
            state.occurrences[name, default: 0] += 1
            return state.occurrences[name]!
        }
        let command = Command(name: name, occurrence: occurrence, request: request)
        commandSink.yield(command)
        switch script(command) {
        case .respond(let response): return response
        case .fail(let error): throw error
        case .hang:
            while true { try await Task.sleep(for: .seconds(3600)) }
        case .proceed: return try defaultResponse(request)
        }
    }

    private func defaultResponse(_ request: SendCommandRequest) throws -> TransportResponse {
        var response = SendCommandResponse()
        let timing = TimingInformation(processingTimeMilliseconds: 1)
        try state.withLock { state in
            if request.startSession != nil {
                state.sessions += 1
                var result = StartSessionResult()
                result.sessionToken = "session-\(state.sessions)"
                result.timingInformation = timing
                response.startSession = result
            } else if request.startTransaction != nil {
                state.transactions += 1
                var result = StartTransactionResult()
                result.transactionId = Self.transactionID(state.transactions)
                result.timingInformation = timing
                response.startTransaction = result
            } else if let execute = request.executeStatement {
                var pages = state.pages[execute.statement] ?? [[]]
                let first = pages.removeFirst()
                var result = ExecuteStatementResult()
                var token: String?
                if !pages.isEmpty {
                    token = "page-\(execute.transactionId)-\(state.pending.count + 1)"
                    state.pending[token!] = pages
                }
                result.firstPage = Page(values: try Self.holders(first), nextPageToken: token)
                result.timingInformation = timing
                result.consumedIOs = IOUsage(readIOs: Int64(first.count), writeIOs: 0)
                response.executeStatement = result
            } else if let fetch = request.fetchPage {
                guard var pages = state.pending.removeValue(forKey: fetch.nextPageToken) else {
                    throw ReplayError("FetchPage with an unknown token \(fetch.nextPageToken)")
                }
                let page = pages.removeFirst()
                var token: String?
                if !pages.isEmpty {
                    token = fetch.nextPageToken + "+"
                    state.pending[token!] = pages
                }
                var result = FetchPageResult()
                result.page = Page(values: try Self.holders(page), nextPageToken: token)
                result.timingInformation = timing
                result.consumedIOs = IOUsage(readIOs: Int64(page.count), writeIOs: 0)
                response.fetchPage = result
            } else if let commit = request.commitTransaction {
                var result = CommitTransactionResult()
                result.transactionId = commit.transactionId
                result.commitDigest = commit.commitDigest
                result.timingInformation = timing
                result.consumedIOs = IOUsage(readIOs: 0, writeIOs: 1)
                response.commitTransaction = result
            } else if request.abortTransaction != nil {
                var result = AbortTransactionResult()
                result.timingInformation = timing
                response.abortTransaction = result
            } else {
                var result = EndSessionResult()
                result.timingInformation = timing
                response.endSession = result
            }
        }
        return TransportResponse(status: 200, body: try SendCommandJSON.encode(response))
    }

    /// A 22-character transaction id for the n-th transaction.
    public static func transactionID(_ n: Int) -> String {
        let digits = String(n)
        return "txn" + String(repeating: "0", count: 19 - digits.count) + digits
    }

    static func holders(_ values: [IonValue]) throws -> [ValueHolder] {
        try values.map { ValueHolder(ionBinary: try $0.binaryEncoded()) }
    }
}

extension TransportResponse {
    /// An awsJson1_0 error response as QLDB sends it: `{"__type": "com.amazonaws.qldbsession#<type>", "Message": …}`.
    public static func serviceError(status: Int = 400, type: String, message: String, code: String? = nil)
        -> TransportResponse
    {
        var object: [String: String] = ["__type": "com.amazonaws.qldbsession#\(type)", "Message": message]
        if let code { object["Code"] = code }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return TransportResponse(status: status, body: Array(data))
    }

    /// A successful response carrying `response`.
    public static func success(_ response: SendCommandResponse) throws -> TransportResponse {
        TransportResponse(status: 200, body: try SendCommandJSON.encode(response))
    }
}
