import Foundation
import Ion
import Logging
import QLDBHashing
import QLDBPartiQL
import Synchronization

/// A QLDB-compatible ledger: tables of Ion documents, PartiQL, serializable transactions with
/// optimistic concurrency control, and a hash-chained journal, kept in a store: a SQLite file
/// when it has a data directory, the process's memory otherwise.
public final class Ledger: Sendable {
    /// The ledger's name.
    public let name: String
    let store: any LedgerStore
    /// Who orders commits: the engine under ``head``'s lock, or a store shared between processes.
    let writer: Writer
    /// For a local store the serialization point; for a shared store only what this process
    /// last saw (strand, tip, catalog), the store being the serialization point.
    let head: Mutex<LedgerHead>
    let logger: Logger
    /// The limits, fixed when the ledger is opened (read without the lock).
    let limits: LedgerLimits
    /// Statements parsed before, under ``limits``.
    let parsedStatements: ParsedStatementCache
    private let beforeStatement = Mutex<(@Sendable () async -> Void)?>(nil)
    private let isClosed = Atomic<Bool>(false)

    /// Awaited by every statement once its rows are fetched, before it runs: tests use it to
    /// hold a statement while other transactions commit.
    var statementHook: (@Sendable () async -> Void)? {
        get { beforeStatement.withLock { $0 } }
        set { beforeStatement.withLock { $0 = newValue } }
    }

    enum Writer: Sendable {
        case local(any LocalLedgerStore)
        case shared(any SharedLedgerStore)
    }

    /// A digest of the journal up to its tip.
    public struct Digest: Sendable, Hashable {
        /// The Merkle root over every block hash up to the tip.
        public var digest: QLDBHash
        /// The last block the digest covers.
        public var tipAddress: BlockAddress
    }

    /// A proof that a revision is in the journal a digest covers.
    public struct Proof: Sendable, Hashable {
        /// The revision.
        public var revision: Revision
        /// Hashes to fold with `dot`, from the revision hash to the digest.
        public var hashes: [QLDBHash]
        /// The digest the proof leads to.
        public var digest: Digest
    }

    /// Creates an in-memory ledger: nothing survives the process.
    public init(
        name: String, limits: LedgerLimits = LedgerLimits(), logger: Logger = Logger(label: "swift-qldb.ledger")
    ) {
        let strand = LedgerIdentifiers.random()
        let store = MemoryLedgerStore(strandID: strand)
        self.name = name
        self.limits = limits
        self.parsedStatements = ParsedStatementCache(limits: limits.parserLimits)
        self.store = store
        self.writer = .local(store)
        self.head = Mutex(
            LedgerHead(StoredLedger(strandID: strand, lastSequence: 0, tip: QLDBHash([]), catalog: Catalog())))
        self.logger = logger
    }

    /// Opens (or creates) a durable ledger in `<directory>/<name>.sqlite`.
    ///
    /// Opening reads the tip and the catalog, never the history: its time and memory do not
    /// grow with the ledger. A directory holding a journal file of earlier versions
    /// (`<name>.journal`) and no store has the journal converted into the store first, once,
    /// verifying every block (the journal file is kept).
    ///
    /// - Parameters:
    ///   - name: The ledger's name (see ``LedgerName``); the file's name.
    ///   - directory: Where the file is.
    ///   - limits: QLDB's limits.
    ///   - journalAccess: Read-write (the default; a torn tail of a journal file to convert is an
    ///     error unless its repair is asked for) or read-only (nothing is created, converted or
    ///     written: for verification).
    ///   - logger: Where opening, conversions and repairs are logged.
    /// - Throws: ``JournalError`` naming the block and byte offset when a journal file to convert
    ///   is corrupted or ends in a torn tail (nothing is converted); ``StorageError`` when the
    ///   store cannot be opened; ``LedgerError`` when `name` is not a ledger name.
    public convenience init(
        name: String, directory: URL, limits: LedgerLimits = LedgerLimits(),
        journalAccess: JournalAccess = .readWrite(repairTornTail: false),
        logger: Logger = Logger(label: "swift-qldb.ledger")
    ) async throws {
        try LedgerName.validate(name)
        let readOnly = journalAccess == .readOnly
        if !readOnly {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        let path = directory.appendingPathComponent("\(name).sqlite").path
        let journal = directory.appendingPathComponent("\(name).journal").path
        let files = FileManager.default
        if !files.fileExists(atPath: path), files.fileExists(atPath: journal) {
            guard !readOnly else {
                throw StorageError(
                    engine: "sqlite", operation: "opening \(path)",
                    reason: "the ledger is still a journal file (\(journal)); open it read-write once to convert it")
            }
            try await LegacyJournalConversion.convert(
                journal: journal, into: path, ledger: name, access: journalAccess, logger: logger)
        }
        let store = try await SQLiteLedgerStore.open(
            path: path, newStrandID: LedgerIdentifiers.random(), readOnly: readOnly, logger: logger)
        try await self.init(name: name, store: store, limits: limits, logger: logger)
        logger.info(
            "ledger opened", metadata: ["ledger": "\(name)", "store": "\(path)", "blocks": "\(blockCount)"])
    }

    /// Opens a ledger on a store: a ``LocalLedgerStore`` or a ``SharedLedgerStore``.
    package init(name: String, store: any LedgerStore, limits: LedgerLimits, logger: Logger) async throws {
        try LedgerName.validate(name)
        let stored = try await store.load()
        if let shared = store as? any SharedLedgerStore {
            writer = .shared(shared)
        } else if let local = store as? any LocalLedgerStore {
            writer = .local(local)
        } else {
            throw StorageError(
                engine: "\(type(of: store))", operation: "opening ledger \(name)",
                reason: "the store is neither local nor shared")
        }
        self.name = name
        self.limits = limits
        self.parsedStatements = ParsedStatementCache(limits: limits.parserLimits)
        self.store = store
        self.head = Mutex(LedgerHead(stored))
        self.logger = logger
    }

    /// A new random identifier of the form QLDB uses for strands, documents and transactions.
    package static func newIdentifier() -> String { LedgerIdentifiers.random() }

    /// Closes the store. Nothing may be called afterwards: sessions still holding the ledger
    /// (it was deleted) are answered that it is gone.
    public func close() async {
        isClosed.store(true, ordering: .releasing)
        await store.close()
    }

    /// Whether ``close()`` was called.
    package var closed: Bool { isClosed.load(ordering: .acquiring) }

    /// A value the ledger keeps beside its journal (the control plane's settings, tags and
    /// exports), or `nil`.
    ///
    /// - Throws: ``StorageError``.
    public func metadata(_ key: String) async throws -> [UInt8]? { try await store.metadata(key) }

    /// The keys of the values kept beside the journal that start with `prefix`, sorted.
    ///
    /// - Throws: ``StorageError``.
    public func metadataKeys(withPrefix prefix: String) async throws -> [String] {
        try await store.metadataKeys(withPrefix: prefix)
    }

    /// Keeps (or with `nil`, removes) a value beside the journal, durably.
    ///
    /// - Throws: ``StorageError``.
    public func setMetadata(_ key: String, _ value: [UInt8]?) async throws { try await store.setMetadata(key, value) }

    // MARK: Transactions

    /// Starts a transaction on the latest durable committed state (``LedgerHead/newTransactionSnapshot``).
    func begin() async throws(LedgerError) -> LedgerTransaction {
        if case .shared(let shared) = writer {
            let (sequence, catalog): (Int, Catalog)
            do { (sequence, catalog) = try await shared.head() } catch { throw error.ledgerError }
            head.withLock { head in
                if sequence > head.lastSequence {
                    head.lastSequence = sequence
                    head.durableSequence = sequence
                    head.catalog = catalog
                }
            }
            return LedgerTransaction(id: LedgerIdentifiers.random(), snapshot: sequence, catalog: catalog)
        }
        return try head.withLock { head throws(LedgerError) in
            if let failure = head.failure { throw failure.ledgerError }
            let txn = LedgerTransaction(
                id: LedgerIdentifiers.random(), snapshot: head.newTransactionSnapshot, catalog: head.catalog)
            head.activeSnapshots[txn.id] = txn.snapshot
            return txn
        }
    }

    /// Runs a statement in a transaction: the text is parsed, its hash enters the transaction's
    /// commit digest, the rows of its table items are fetched from the store at the
    /// transaction's snapshot, and the statement runs on them, holding no lock.
    ///
    /// `interruption` is asked every few thousand evaluation steps; a reason it gives stops the
    /// statement with `InvalidSessionException`.
    func execute(
        _ text: String, parameters: [IonValue], parameterHashes: [QLDBHash], in txn: inout LedgerTransaction,
        interruption: (@Sendable () -> String?)? = nil,
        authorize: (@Sendable ([RequiredPermission]) async -> LedgerError?)? = nil
    ) async throws(LedgerError) -> [IonValue] {
        let limit = limits.statementCharacters
        // A character takes at least one UTF-8 byte: only a longer text needs counting.
        guard text.utf8.count <= limit || text.count <= limit else {
            throw LedgerError.badRequest("Statement exceeds the limit of \(limit) characters")
        }
        // The digest covers every statement the client sent, whether or not it succeeds here.
        let statementDigest = CommitDigest.statementHash(text, parameterHashes: parameterHashes)
        txn.digest.add(statementHash: statementDigest)
        let startTime = (try? IonTimestamp(Date())) ?? Self.epoch
        txn.statements.append(.init(text: text, startTime: startTime, digest: statementDigest))
        let parsed: ParsedStatement
        do {
            parsed = try parsedStatements.parse(text)
        } catch {
            throw LedgerError.badRequest(error.description)
        }
        guard parsed.parameterCount == parameters.count else {
            throw LedgerError.badRequest(
                "The statement has \(parsed.parameterCount) parameter placeholder(s) but \(parameters.count) parameter(s) were sent"
            )
        }
        if let authorize, let denied = await authorize(Self.requiredPermissions(parsed.summary, txn: txn)) {
            throw denied
        }
        // Every UTCNOW() of the statement is the statement's start time.
        let context = EvaluationContext(parameters: parameters, now: startTime, transactionID: txn.id)
        if case .exec(let procedure, let arguments) = parsed.statement {
            return try await executeProcedure(procedure, arguments, context: context, txn: &txn)
        }
        let fetched: [SourcePosition: FetchedRows]
        do {
            fetched = try await fetchRows(for: parsed.statement, context: context, txn: txn)
        } catch {
            throw error.ledgerError
        }
        await statementHook?()
        // A statement changes the transaction only when it succeeds: it works on a copy.
        var working = txn
        let results = try StatementScope(limits: limits, fetched: fetched).execute(
            parsed.statement, context: context, txn: &working, interruption: interruption)
        txn = working
        return results
    }

    /// Reads from the store, at the transaction's snapshot, what each table item of the
    /// statement's outermost FROM may need: through the narrowest plan its WHERE clause allows.
    /// Only the outermost FROM reads tables (a nested query naming a table is refused).
    private func fetchRows(for statement: Statement, context: EvaluationContext, txn: LedgerTransaction)
        async throws(StorageError) -> [SourcePosition: FetchedRows]
    {
        let items: [FromItem]
        let whereClause: QLDBPartiQL.Expression?
        switch statement {
        case .select(let query): (items, whereClause) = (query.from, query.whereClause)
        case .update(let from, _, let condition): (items, whereClause) = (from, condition)
        case .delete(let target, let condition): (items, whereClause) = ([target], condition)
        default: return [:]
        }
        // The snapshot's last block may still be on its way to a local store.
        if case .local(let local) = writer { try await local.waitDurable(through: txn.snapshot) }
        // Plans only evaluate literals and parameters: an evaluator with no tables suffices.
        let constants = Evaluator(context: context, budget: EvaluationBudget(maxSteps: 10_000, maxRows: 1), source: nil)
        var fetched: [SourcePosition: FetchedRows] = [:]
        for item in items {
            switch item.kind {
            case .table(let name):
                guard let table = txn.catalog.activeTable(named: name), txn.createdTables[table.id] == nil else {
                    continue
                }
                let plan = StatementScope.plan(
                    for: item, table: table, whereClause: whereClause, isOnlySource: items.count == 1,
                    evaluator: constants)
                fetched[item.position] = FetchedRows(
                    table: table, plan: plan, revisions: try await storedDocuments(table: table, plan: plan, txn: txn))
            case .committed(let name):
                guard let table = txn.catalog.activeTable(named: name) else { continue }
                fetched[item.position] = FetchedRows(
                    table: table, plan: .scan,
                    revisions: try await store.documents(table: table.id, plan: .scan, at: txn.snapshot))
            case .history(let name, _, _):
                let tables = txn.catalog.tables
                guard
                    let table = txn.catalog.activeTable(named: name) ?? tables[name]
                        ?? tables.values.first(where: { $0.name == name })
                else { continue }
                fetched[item.position] = FetchedRows(
                    table: table, plan: .scan,
                    revisions: try await store.revisions(table: table.id, document: nil, through: txn.snapshot))
            case .userTables, .expression:
                continue
            }
        }
        return fetched
    }

    /// The documents of `table` that `plan` reads, from the store at `txn`'s snapshot. A
    /// document this transaction inserted is not asked for: its id is new (the ledger made it
    /// for this insert), so the store cannot hold it. `UPDATE … BY id WHERE id = ?` after an
    /// `INSERT` in the same transaction then reads nothing from the store.
    private func storedDocuments(table: TableDefinition, plan: ReadPlan, txn: LedgerTransaction)
        async throws(StorageError) -> [Revision]
    {
        guard case .documents(let ids) = plan else {
            return try await store.documents(table: table.id, plan: plan, at: txn.snapshot)
        }
        let stored = ids.filter { txn.writes[DocumentKey(table: table.id, document: $0)]?.isInsert != true }
        guard !stored.isEmpty else { return [] }
        return try await store.documents(table: table.id, plan: .documents(stored), at: txn.snapshot)
    }

    // swift-format-ignore: NeverUseForceTry
    // A constant, valid timestamp: the initialiser cannot throw for it.
    static let epoch = try! IonTimestamp(year: 1970, precision: .day)

    /// Forgets a transaction without committing.
    func abort(_ txn: LedgerTransaction) {
        _ = head.withLock { $0.activeSnapshots.removeValue(forKey: txn.id) }
    }

    /// Commits: checks the client's digest, checks OCC against commits since the snapshot,
    /// builds the block, and returns once the store holds it durably.
    ///
    /// - Throws: ``LedgerError`` `BadRequestException` code 412 on a digest mismatch,
    ///   `OccConflictException` on a conflict, `InternalFailure` (500) when the store failed:
    ///   the block was then not written, and no later one will be until the ledger is reopened.
    func commit(_ txn: LedgerTransaction, clientDigest: [UInt8]) async throws(LedgerError) -> QLDBHash {
        if !txn.tableTags.isEmpty { try await writeTableTags(of: txn) }
        guard case .local(let local) = writer else {
            return try await commitShared(txn, clientDigest: clientDigest)
        }
        // The block's hashes and effects are made before the lock (they do not depend on the
        // tip); under it only the OCC check and placing the block on the chain.
        let digestMatches = txn.digest.digest.withUnsafeBytes { $0.elementsEqual(clientDigest) }
        let prepared = digestMatches && !txn.changesNothing ? BlockBuilder.prepare(txn, time: Date()) : nil
        let sequence: Int? = try head.withLock { head throws(LedgerError) -> Int? in
            defer { head.activeSnapshots.removeValue(forKey: txn.id) }
            guard digestMatches else {
                throw LedgerError.badRequest("Digests don't match", code: "412")
            }
            guard let prepared else {
                return nil
            }
            if let failure = head.failure { throw failure.ledgerError }
            try head.checkConflicts(txn)
            let block = try head.seal(prepared, of: txn)
            // Under the lock, so the store receives blocks in sequence order.
            local.enqueue(block)
            return block.sequence
        }
        guard let sequence else { return txn.digest.digest }
        do {
            try await local.waitDurable(through: sequence)
        } catch {
            head.withLock { if $0.failure == nil { $0.failure = error } }
            throw error.ledgerError
        }
        head.withLock { $0.markDurable(through: sequence) }
        if let redaction = txn.redaction { try await apply(redaction) }
        return txn.digest.digest
    }

    /// Commits through a shared store, which checks OCC against every process's commits.
    private func commitShared(_ txn: LedgerTransaction, clientDigest: [UInt8]) async throws(LedgerError) -> QLDBHash {
        guard case .shared(let shared) = writer else { preconditionFailure("a shared store commits here") }
        guard txn.digest.digest.withUnsafeBytes({ $0.elementsEqual(clientDigest) }) else {
            throw LedgerError.badRequest("Digests don't match", code: "412")
        }
        if txn.changesNothing { return txn.digest.digest }
        let reads = txn.reads.conflictKeys(changesCatalog: !txn.catalogChanges.isEmpty)
        // Built under the store's lock, so that block times follow the chain's order across
        // processes too.
        let block = try await shared.commit(transactionID: txn.id, snapshot: txn.snapshot, reads: reads) {
            tip throws(LedgerError) in
            let (block, effects) = try BlockBuilder.build(txn, on: tip, time: Date())
            return (block, effects.effectKeys)
        }
        head.withLock { head in
            if block.sequence > head.lastSequence {
                head.lastSequence = block.sequence
                head.durableSequence = block.sequence
                head.tip = block.summary.blockHash
                head.catalog = block.catalog
            }
        }
        if let redaction = txn.redaction { try await apply(redaction) }
        return txn.digest.digest
    }
}
