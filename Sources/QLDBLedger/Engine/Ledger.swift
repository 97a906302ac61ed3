import Foundation
import Ion
import Logging
import QLDBHashing
import QLDBPartiQL
import Synchronization

/// A QLDB-compatible ledger: tables of Ion documents, PartiQL, serializable transactions with
/// optimistic concurrency control, and a hash-chained journal, durable when it has a data
/// directory.
public final class Ledger: Sendable {
    /// The ledger's name.
    public let name: String
    let state: Mutex<LedgerState>
    let journal: JournalFile?
    let logger: Logger
    /// The limits, fixed when the ledger is opened (read without the lock).
    let limits: LedgerLimits
    private let beforeStatement = Mutex<(@Sendable () -> Void)?>(nil)

    /// Called by a statement that outgrew the quick budget once it has taken its snapshot, before
    /// it runs outside the lock: tests use it to hold a statement while other transactions commit.
    var statementHook: (@Sendable () -> Void)? {
        get { beforeStatement.withLock { $0 } }
        set { beforeStatement.withLock { $0 = newValue } }
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
        self.name = name
        self.limits = limits
        self.state = Mutex(LedgerState(strandID: LedgerIdentifiers.random(), limits: limits))
        self.journal = nil
        self.logger = logger
    }

    /// Opens (or creates) a durable ledger whose journal is `<directory>/<name>.journal`,
    /// replaying and verifying the journal.
    ///
    /// - Parameters:
    ///   - name: The ledger's name (see ``LedgerName``); the journal's file name.
    ///   - directory: Where the journal is.
    ///   - limits: QLDB's limits.
    ///   - journalAccess: Read-write (the default; a torn tail is an error unless its repair is
    ///     asked for) or read-only (nothing is created or written: for verification).
    ///   - logger: Where opening and repairs are logged.
    /// - Throws: ``JournalError`` naming the block and byte offset when the journal is corrupted
    ///   or ends in a torn tail (the file is left as it was); ``LedgerError`` when `name` is not a
    ///   ledger name (see ``LedgerName``) or the journal cannot be opened.
    public init(
        name: String, directory: URL, limits: LedgerLimits = LedgerLimits(),
        journalAccess: JournalAccess = .readWrite(repairTornTail: false),
        logger: Logger = Logger(label: "swift-qldb.ledger")
    ) throws {
        try LedgerName.validate(name)
        if journalAccess != .readOnly {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        let path = directory.appendingPathComponent("\(name).journal").path
        let (journal, records) = try JournalFile.open(path: path, ledger: name, access: journalAccess, logger: logger)
        func corrupted(_ block: Int, _ reason: String) -> JournalError {
            JournalError(
                kind: .corrupted, ledger: name, path: path, block: block, offset: records[block].offset, reason: reason)
        }
        var state: LedgerState
        if let first = records.first {
            let header: IonValue
            do { header = try Self.decodeRecord(first.payload) } catch {
                throw corrupted(0, "the header is not Ion: \(error)")
            }
            guard let strand = header["strandId"]?.stringValue, header["ledger"]?.stringValue == name else {
                throw corrupted(0, "the header is not this ledger's")
            }
            state = LedgerState(strandID: strand, limits: limits)
            for (index, record) in records.enumerated().dropFirst() {
                do {
                    try state.replay(try Self.decodeRecord(record.payload))
                } catch {
                    throw corrupted(index, "\(error)")
                }
            }
        } else {
            state = LedgerState(strandID: LedgerIdentifiers.random(), limits: limits)
            if journalAccess != .readOnly {
                let header: IonValue = ["ledger": .string(name), "strandId": .string(state.strandID)]
                // The header reaches the disk with the first commit's sync; a journal that lost it
                // before any commit is empty and starts afresh.
                _ = journal.append(try IonValue.encode(binary: [header]))
            }
        }
        self.name = name
        self.limits = limits
        self.state = Mutex(state)
        self.journal = journal
        self.logger = logger
        if !records.isEmpty {
            logger.info("ledger opened", metadata: ["ledger": "\(name)", "blocks": "\(records.count - 1)"])
        }
    }

    static func decodeRecord(_ bytes: [UInt8]) throws -> IonValue {
        let values = try IonValue.decode(binary: bytes)
        guard values.count == 1 else { throw LedgerError.badRequest("a journal record holds \(values.count) values") }
        return values[0]
    }

    // MARK: Transactions

    /// Starts a transaction on the latest committed state.
    func begin() -> LedgerTransaction {
        state.withLock { state in
            let txn = LedgerTransaction(id: LedgerIdentifiers.random(), snapshot: state.lastSequence)
            state.activeSnapshots[txn.id] = txn.snapshot
            return txn
        }
    }

    /// Runs a statement in a transaction: the text is parsed, its hash enters the transaction's
    /// commit digest, and its results come back.
    ///
    /// `interruption` is asked every few thousand evaluation steps; a reason it gives stops the
    /// statement with `InvalidSessionException`.
    func execute(
        _ text: String, parameters: [IonValue], parameterHashes: [QLDBHash], in txn: inout LedgerTransaction,
        interruption: (@Sendable () -> String?)? = nil
    ) throws(LedgerError) -> [IonValue] {
        let limit = limits.statementCharacters
        guard text.count <= limit else {
            throw LedgerError.badRequest("Statement exceeds the limit of \(limit) characters")
        }
        // The digest covers every statement the client sent, whether or not it succeeds here.
        let statementDigest = CommitDigest.statementHash(text, parameterHashes: parameterHashes)
        txn.digest.add(statementHash: statementDigest)
        let startTime = (try? IonTimestamp(Date())) ?? Self.epoch
        txn.statements.append(.init(text: text, startTime: startTime, digest: statementDigest))
        let parsed: ParsedStatement
        do {
            parsed = try Parser.parse(text, limits: ParserLimits(maxNestingDepth: limits.statementNestingDepth))
        } catch {
            throw LedgerError.badRequest(error.description)
        }
        guard parsed.parameterCount == parameters.count else {
            throw LedgerError.badRequest(
                "The statement has \(parsed.parameterCount) parameter placeholder(s) but \(parameters.count) parameter(s) were sent"
            )
        }
        // Every UTCNOW() of the statement is the statement's start time.
        let context = EvaluationContext(parameters: parameters, now: startTime, transactionID: txn.id)
        // A statement changes the transaction only when it succeeds: it works on a copy.
        var working = txn
        // Most statements are short: they run on the live state under the lock, as commits do,
        // within a small budget. One that outgrows it runs again on a copy of the state outside
        // the lock (copy-on-write makes the copy cheap; the transaction reads only its snapshot's
        // versions, which the copy holds), so a long query never holds commits up. Copying for
        // every statement instead would make each commit that overlaps one copy the tables it
        // changes.
        let quick = try state.withLock { state throws(LedgerError) in
            try state.execute(
                parsed.statement, context: context, txn: &working, quick: true, interruption: interruption)
        }
        if let quick {
            txn = working
            return quick
        }
        working = txn
        let snapshot = state.withLock { $0 }
        statementHook?()
        let results = try snapshot.execute(
            parsed.statement, context: context, txn: &working, quick: false, interruption: interruption)
        txn = working
        return results ?? []
    }

    // swift-format-ignore: NeverUseForceTry
    // A constant, valid timestamp: the initialiser cannot throw for it.
    static let epoch = try! IonTimestamp(year: 1970, precision: .day)

    /// Forgets a transaction without committing.
    func abort(_ txn: LedgerTransaction) {
        _ = state.withLock { $0.activeSnapshots.removeValue(forKey: txn.id) }
    }

    /// Commits: checks the client's digest, checks OCC against commits since the snapshot,
    /// appends the block, and returns once the block is durable.
    ///
    /// - Throws: ``LedgerError`` `BadRequestException` code 412 on a digest mismatch,
    ///   `OccConflictException` on a conflict.
    func commit(_ txn: LedgerTransaction, clientDigest: [UInt8]) async throws -> QLDBHash {
        let ticket: Int? = try state.withLock { state throws(LedgerError) in
            defer { state.activeSnapshots.removeValue(forKey: txn.id) }
            guard txn.digest.digest.withUnsafeBytes({ $0.elementsEqual(clientDigest) }) else {
                throw LedgerError.badRequest("Digests don't match", code: "412")
            }
            if txn.writes.isEmpty && txn.catalogChanges.isEmpty {
                return nil
            }
            try state.checkConflicts(txn)
            let block = try state.commit(txn, time: Date())
            let bytes: [UInt8]
            do { bytes = try IonValue.encode(binary: [block]) } catch {
                throw LedgerError(type: "InternalFailure", status: 500, message: "\(error)")
            }
            return journal?.append(bytes)
        }
        if let ticket, let journal { try await journal.waitDurable(ticket) }
        return txn.digest.digest
    }

    // MARK: Reading the journal

    /// The digest of the journal up to its tip.
    public func digest() -> Digest? {
        state.withLock { state in
            guard let last = state.blocks.last else { return nil }
            return Digest(digest: JournalHashes.merkleRoot(state.blocks.map(\.blockHash)), tipAddress: last.address)
        }
    }

    /// Every revision of a document, oldest first.
    public func revisions(table: String, documentID: String) -> [Revision] {
        state.withLock { state in
            guard let table = state.tables.values.first(where: { $0.name == table && $0.active }) ?? state.tables[table]
            else { return [] }
            return table.history.filter { $0.documentID == documentID }
        }
    }

    /// A proof of a document's latest revision against the current digest.
    public func proof(table: String, documentID: String) -> Proof? {
        state.withLock { state in
            guard let table = state.tables.values.first(where: { $0.name == table && $0.active }),
                let revision = table.history.last(where: { $0.documentID == documentID })
            else { return nil }
            return state.proof(of: revision)
        }
    }

    /// The number of committed blocks.
    public var blockCount: Int { state.withLock { $0.blocks.count } }

    /// Checks every block's hashes and links again, as `qldb verify` does.
    public func verifyChain() -> Result<Digest?, LedgerError> {
        state.withLock { state in
            var previous = QLDBHash([])
            for block in state.blocks {
                guard block.previousBlockHash == previous else {
                    return .failure(.badRequest("block \(block.address.sequenceNo): previousBlockHash does not link"))
                }
                let entries = JournalHashes.merkleRoot(block.entriesHashList)
                guard JournalHashes.blockHash(entriesHash: entries, previousBlockHash: previous) == block.blockHash
                else {
                    return .failure(.badRequest("block \(block.address.sequenceNo): blockHash does not verify"))
                }
                previous = block.blockHash
            }
            guard let last = state.blocks.last else { return .success(nil) }
            return .success(
                Digest(digest: JournalHashes.merkleRoot(state.blocks.map(\.blockHash)), tipAddress: last.address))
        }
    }

    /// How many fsyncs the journal made (group commit shares them between commits).
    public var journalSyncs: Int { journal?.fsyncs.withLock { $0 } ?? 0 }
}
