import Foundation
import Ion
import Logging
import QLDBHashing
import QLDBPrimitives
import QLDBSession
import Tracing

/// One open transaction on a ledger, handed to the closure of ``QLDBDriver/execute(isolation:_:)``.
///
/// Statements run one at a time in the order they are called, even when the closure calls
/// ``execute(_:_:)`` from several tasks: each statement's hash enters the commit digest just
/// before it is sent, and the ledger must receive them in that order. Do not keep the
/// transaction after the closure returns; statements on an ended transaction throw
/// ``QLDBDriverError/Kind-swift.enum/transactionEnded``.
public actor QLDBTransaction {
    enum State { case active, committed, ended }

    struct Cursor {
        weak var handle: ResultHandle?
        var buffer: [IonValue]
        var nextPageToken: String?
        var stats: ExecutionStats
    }

    /// The transaction id the ledger assigned (22 characters).
    public nonisolated let transactionID: String
    let client: SendCommandClient
    let sessionToken: String
    let logger: Logger
    /// Looked up once per transaction: `InstrumentationSystem`'s lookup takes a lock, which was
    /// measurable per statement; `nil` when spans would go to the no-op tracer.
    let tracer: (any Tracer)?
    private(set) var state = State.active
    private var digest: CommitDigest
    /// Every result of the transaction, by id: ids count from 0, so an array holds them (a
    /// dropped result leaves `nil`).
    private var cursors: [Cursor?] = []
    private var busy = false
    private var queue: [CheckedContinuation<Void, Never>] = []
    /// What the transaction consumed so far: StartTransaction, every statement and page, and the commit.
    public private(set) var stats = ExecutionStats()
    /// The statements executed so far.
    public private(set) var statementCount = 0

    /// `startTime` is the server time `StartTransaction` reported; it is counted in ``stats``.
    init(
        transactionID: String, client: SendCommandClient, sessionToken: String, logger: Logger, tracer: (any Tracer)?,
        startTime: Int64?
    ) {
        self.transactionID = transactionID
        self.client = client
        self.sessionToken = sessionToken
        self.logger = logger
        self.tracer = tracer
        self.digest = CommitDigest(transactionID: transactionID)
        stats.add(ios: nil, timeMilliseconds: startTime)
    }

    private func enter() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { queue.append($0) }
    }

    private func leave() {
        if queue.isEmpty { busy = false } else { queue.removeFirst().resume() }
    }

    /// Runs a PartiQL statement with positional `?` parameters.
    ///
    /// Each parameter is an `IonValue` or any `Encodable` (encoded with `IonEncoder`). The first
    /// page of results arrives before this returns; later pages are fetched as the result is
    /// iterated.
    @discardableResult
    public func execute(_ statement: String, _ parameters: any Encodable & Sendable...) async throws -> QLDBResult {
        var values: [IonValue] = []
        values.reserveCapacity(parameters.count)
        let encoder = IonEncoder()
        // Ion values and strings (the common parameters) take IonEncoder's shortcut for native forms.
        for parameter in parameters { values.append(try encoder.encodeValue(parameter)) }
        return try await execute(statement, parameters: values)
    }

    /// Runs a PartiQL statement with positional `?` parameters given as Ion values.
    @discardableResult
    public func execute(_ statement: String, parameters: [IonValue]) async throws -> QLDBResult {
        await enter()
        defer { leave() }
        guard state == .active else {
            throw QLDBDriverError(
                .transactionEnded,
                "statement '\(statement.prefix(60))' issued after transaction \(transactionID) ended; run statements inside the execute closure"
            )
        }
        var holders: [ValueHolder] = []
        holders.reserveCapacity(parameters.count)
        for parameter in parameters {
            holders.append(ValueHolder(ionBinary: try parameter.binaryEncoded()))
        }
        // The digest follows send order: hash, then send, with no other statement in between.
        digest.add(statement: statement, parameters: parameters)
        statementCount += 1
        var request = SendCommandRequest(sessionToken: sessionToken)
        request.executeStatement = ExecuteStatementRequest(
            transactionID: transactionID, statement: statement, parameters: holders)
        let response = try await withClientSpan(
            "QLDB.statement", tracer: tracer,
            attributes: {
                $0["db.system"] = "qldb"
                $0["db.statement"] = statement
            }
        ) { try await client.send(request) }
        guard let result = response.executeStatement else {
            throw QLDBDriverError(.protocolViolation, "ExecuteStatement answered without an ExecuteStatement member")
        }
        var cursorStats = ExecutionStats()
        cursorStats.add(
            ios: result.consumedIOs.snapshot, timeMilliseconds: result.timingInformation?.processingTimeMilliseconds)
        stats.add(cursorStats)
        let page = result.firstPage
        let id = cursors.count
        let handle = ResultHandle(id: id, transaction: self)
        cursors.append(
            Cursor(
                handle: handle, buffer: try Self.decode(page?.values ?? []), nextPageToken: page?.nextPageToken,
                stats: cursorStats))
        return QLDBResult(handle: handle)
    }

    static func decode(_ holders: [ValueHolder]) throws -> [IonValue] {
        var values: [IonValue] = []
        values.reserveCapacity(holders.count)
        for holder in holders {
            if let binary = holder.ionBinaryBytes {
                let decoded = try IonValue.decode(binary: binary)
                guard decoded.count == 1 else {
                    throw QLDBDriverError(.protocolViolation, "a result value held \(decoded.count) Ion values, not 1")
                }
                values.append(decoded[0])
            } else if let text = holder.ionText {
                let decoded = try IonValue.decode(text: text)
                guard decoded.count == 1 else {
                    throw QLDBDriverError(.protocolViolation, "a result value held \(decoded.count) Ion values, not 1")
                }
                values.append(decoded[0])
            } else {
                throw QLDBDriverError(.protocolViolation, "a result value had neither IonBinary nor IonText")
            }
        }
        return values
    }

    /// The next values of a result: what is buffered, else the next non-empty page; `nil` at the end.
    func nextChunk(_ id: Int) async throws -> [IonValue]? {
        await enter()
        defer { leave() }
        guard var cursor = cursor(id) else { return nil }
        if !cursor.buffer.isEmpty {
            let values = cursor.buffer
            cursor.buffer = []
            cursors[id] = cursor
            return values
        }
        guard cursor.nextPageToken != nil else { return nil }
        guard state == .active else {
            throw readAfterEnd
        }
        try await fetchNonEmptyPage(&cursor)
        let values = cursor.buffer
        cursor.buffer = []
        cursors[id] = cursor
        return values.isEmpty ? nil : values
    }

    private var readAfterEnd: QLDBDriverError {
        QLDBDriverError(
            .transactionEnded, "a result of transaction \(transactionID) was read after the transaction ended")
    }

    /// Every value of a result not yet delivered, reading its remaining pages: one call for what
    /// ``QLDBResult/collect()`` would otherwise take a chunk at a time.
    func remainingValues(_ id: Int) async throws -> [IonValue] {
        await enter()
        defer { leave() }
        guard var cursor = cursor(id) else { return [] }
        if cursor.nextPageToken != nil {
            guard state == .active else {
                throw readAfterEnd
            }
            while cursor.nextPageToken != nil { try await fetchPage(&cursor) }
        }
        let values = cursor.buffer
        cursor.buffer = []
        cursors[id] = cursor
        return values
    }

    /// Follows tokens until a page with values arrives or the token runs out (QLDB may send
    /// empty pages that still carry a token).
    private func fetchNonEmptyPage(_ cursor: inout Cursor) async throws {
        while cursor.buffer.isEmpty, cursor.nextPageToken != nil { try await fetchPage(&cursor) }
    }

    /// Fetches the page `cursor`'s token names, appending its values and counting its stats.
    private func fetchPage(_ cursor: inout Cursor) async throws {
        guard let token = cursor.nextPageToken else { return }
        var request = SendCommandRequest(sessionToken: sessionToken)
        request.fetchPage = FetchPageRequest(transactionID: transactionID, nextPageToken: token)
        let response = try await client.send(request)
        guard let result = response.fetchPage else {
            throw QLDBDriverError(.protocolViolation, "FetchPage answered without a FetchPage member")
        }
        var pageStats = ExecutionStats()
        pageStats.add(
            ios: result.consumedIOs.snapshot, timeMilliseconds: result.timingInformation?.processingTimeMilliseconds)
        cursor.stats.add(pageStats)
        stats.add(pageStats)
        cursor.buffer += try Self.decode(result.page?.values ?? [])
        cursor.nextPageToken = result.page?.nextPageToken
    }

    /// Statement stats of one result: its execute plus every page fetched so far.
    func stats(of id: Int) -> ExecutionStats { cursor(id)?.stats ?? ExecutionStats() }

    private func cursor(_ id: Int) -> Cursor? { cursors.indices.contains(id) ? cursors[id] : nil }

    /// Reads every remaining page of the results the caller still holds, so they stay readable
    /// after commit, then commits, checking the echoed digest. Returns the transaction's stats.
    /// One call, so the driver crosses onto the transaction's executor once for the whole end.
    func bufferResultsAndCommit() async throws -> ExecutionStats {
        await enter()
        defer { leave() }
        try await bufferLiveResults()
        try await commit()
        return stats
    }

    /// Reads every remaining page of the results the caller still holds. Results nobody holds
    /// are dropped without fetching.
    private func bufferLiveResults() async throws {
        for id in cursors.indices {
            guard var cursor = cursors[id] else { continue }
            if cursor.handle == nil {
                cursors[id] = nil
                continue
            }
            while cursor.nextPageToken != nil { try await fetchPage(&cursor) }
            cursors[id] = cursor
        }
    }

    /// Commits, checking the echoed digest.
    private func commit() async throws {
        guard state == .active else {
            throw QLDBDriverError(.transactionEnded, "transaction \(transactionID) already ended")
        }
        var request = SendCommandRequest(sessionToken: sessionToken)
        request.commitTransaction = CommitTransactionRequest(
            transactionID: transactionID, commitDigest: digest.digest.withUnsafeBytes { Data($0) })
        state = .ended
        let response = try await client.send(request)
        guard let result = response.commitTransaction else {
            throw QLDBDriverError(.protocolViolation, "CommitTransaction answered without a CommitTransaction member")
        }
        stats.add(
            ios: result.consumedIOs.snapshot, timeMilliseconds: result.timingInformation?.processingTimeMilliseconds)
        guard let echoed = result.commitDigest,
            digest.digest.withUnsafeBytes({ computed in echoed.withUnsafeBytes { $0.elementsEqual(computed) } })
        else {
            throw QLDBDriverError(
                .commitDigestMismatch,
                "transaction \(transactionID): the ledger's commit digest \(result.commitDigest.map { Base64.encode($0) } ?? "(none)") differs from the computed \(digest.digest.base64); the statements or parameters it received are not the ones sent"
            )
        }
        state = .committed
    }

    /// Marks the transaction ended without a commit (the driver aborts it).
    func markEnded() { state = .ended }

    /// The commit digest of the statements so far.
    public var commitDigest: QLDBHash { digest.digest }
}

extension Optional where Wrapped == IOUsage {
    var snapshot: IOUsageSnapshot? {
        guard let usage = self else { return nil }
        return IOUsageSnapshot(read: usage.readIOs ?? 0, write: usage.writeIOs ?? 0)
    }
}
