import Ion
import QLDBHashing

/// Where a ledger keeps its blocks, revisions, catalog and metadata.
///
/// The engine (PartiQL, transactions, OCC, block building) reaches storage only through this
/// protocol and one of its two refinements, which differ in who orders commits:
/// ``LocalLedgerStore`` (one process writes; the engine orders commits under its own lock) and
/// ``SharedLedgerStore`` (several processes write; the store's own transaction is the
/// serialization point). Reads name a snapshot (a block sequence number) and see exactly the
/// blocks up to it, so a transaction reads the same data however long it runs and whatever
/// commits meanwhile.
package protocol LedgerStore: AnyObject, Sendable {
    /// What the engine needs to go on from the stored state: strand, tip and catalog. Never a
    /// replay of history: its cost does not grow with the number of revisions.
    func load() async throws(StorageError) -> StoredLedger

    /// The current revisions (deletes left out) of a table's documents at `snapshot`, narrowed
    /// by `plan`, in the order the documents were first inserted. A `.values` plan may return
    /// documents that no longer match (readers re-check the condition).
    func documents(table: String, plan: ReadPlan, at snapshot: Int) async throws(StorageError) -> [Revision]

    /// Every revision of a table up to `snapshot`, in commit order; only those of `document`
    /// when given.
    func revisions(table: String, document: String?, through snapshot: Int) async throws(StorageError)
        -> [Revision]

    /// The hashes and entries of one block, for proofs.
    func blockSummary(_ sequence: Int) async throws(StorageError) -> BlockSummary?

    /// The Ion binary of the blocks in `sequences` that exist, in order: what GetBlock answers
    /// and journal exports write.
    func blockBodies(_ sequences: ClosedRange<Int>) async throws(StorageError) -> [(sequence: Int, body: [UInt8])]

    /// Nodes of the journal's Merkle tree (``JournalTree``): level 0 is a block's hash (block
    /// `index + 1`), higher levels the complete subtrees the store keeps as blocks arrive.
    /// Digests and proofs read O(log n) of them; absent positions are left out.
    func merkleNodes(_ positions: Set<JournalTree.Position>) async throws(StorageError)
        -> [JournalTree.Position: QLDBHash]

    /// Calls `body` with every stored block in order, with the revisions stored for it (what
    /// reads are served from), so verification can hold both to the block's hashes.
    func forEachBlock(_ body: @Sendable (StoredBlock) throws -> Void) async throws

    /// A metadata value of the ledger (state, deletion protection, permissions mode, tags,
    /// exports: what the control plane and permissions keep), or `nil`.
    func metadata(_ key: String) async throws(StorageError) -> [UInt8]?

    /// Redacts a revision whose redaction is durable in the journal: the revision of `document`
    /// committed in block `sequence` keeps its hash, loses its data and gets `dataHash`, and the
    /// block's stored body becomes `blockBody` (the same block with that revision redacted).
    /// Atomic; doing it twice changes nothing more.
    func redact(table: String, document: String, sequence: Int, dataHash: QLDBHash, blockBody: [UInt8])
        async throws(StorageError)

    /// The metadata keys that start with `prefix`, sorted.
    func metadataKeys(withPrefix prefix: String) async throws(StorageError) -> [String]

    /// Sets (or with `nil`, removes) a metadata value, durably.
    func setMetadata(_ key: String, _ value: [UInt8]?) async throws(StorageError)

    /// Writes a consistent copy of the whole ledger, as of the last durable block, to a new file
    /// at `path`, while the ledger keeps serving.
    func backup(to path: String) async throws(StorageError)

    /// Closes the store; nothing may be called afterwards.
    func close() async
}

/// A store one process writes: the engine builds blocks in sequence order under its own lock
/// and hands each to ``enqueue(_:)``; the store makes them durable in that order, several at a
/// time when they queue up (group commit), and ``waitDurable(through:)`` returns once a block is.
package protocol LocalLedgerStore: LedgerStore {
    /// Queues a block for writing. Called in sequence order, under the ledger's lock.
    func enqueue(_ block: BlockRecord)

    /// Returns once every block up to `sequence` is durable.
    func waitDurable(through sequence: Int) async throws(StorageError)

    /// How many syncs to stable storage the store has made (group commit shares them).
    var syncs: Int { get }
}

/// A store several processes write at once (each a `qldb serve` frontend): the store orders
/// commits itself, in its own transaction, and checks OCC there against every commit after the
/// snapshot, whichever process made it.
package protocol SharedLedgerStore: LedgerStore {
    /// The last committed block and the catalog after it: where a new transaction starts.
    func head() async throws(StorageError) -> (sequence: Int, catalog: Catalog)

    /// Commits atomically: takes the ledger's serialization point, fails with
    /// `OccConflictException` when a commit after `snapshot` had an effect in `reads`, calls
    /// `build` with the tip, and writes the block and its effects. A commit whose outcome the
    /// store cannot know (the connection dropped after COMMIT was sent) is looked up by
    /// `transactionID` before answering, so it is never reported failed when it happened.
    func commit(
        transactionID: String, snapshot: Int, reads: Set<String>,
        build: @escaping @Sendable (ChainTip) throws(LedgerError) -> (block: BlockRecord, effects: Set<String>)
    ) async throws(LedgerError) -> BlockRecord
}

/// The end of a ledger's chain, where the next block goes.
package struct ChainTip: Sendable {
    package var strandID: String
    /// The last block's sequence number, 0 when there is none.
    package var sequence: Int
    /// The last block's hash, empty when there is none.
    package var tip: QLDBHash
    /// The catalog after the last block.
    package var catalog: Catalog

    package init(strandID: String, sequence: Int, tip: QLDBHash, catalog: Catalog) {
        self.strandID = strandID
        self.sequence = sequence
        self.tip = tip
        self.catalog = catalog
    }
}

/// What a store gives the engine when a ledger opens.
package struct StoredLedger: Sendable {
    /// The journal strand.
    package var strandID: String
    /// The last block's sequence number, 0 when there is none.
    package var lastSequence: Int
    /// The last block's hash, empty when there is none.
    package var tip: QLDBHash
    /// Tables and indexes after the last block.
    package var catalog: Catalog

    package init(strandID: String, lastSequence: Int, tip: QLDBHash, catalog: Catalog) {
        self.strandID = strandID
        self.lastSequence = lastSequence
        self.tip = tip
        self.catalog = catalog
    }
}

/// How a read of one table is narrowed.
package enum ReadPlan: Sendable {
    /// Every document.
    case scan
    /// The documents with these ids.
    case documents(Set<String>)
    /// The documents whose indexed top-level `field` has had one of `values`.
    case values(field: String, values: [IonValue])
}

/// One block as the engine hands it to a store: the hashes proofs need, the block itself, the
/// revisions it commits with their tables, and the catalog it leaves.
package struct BlockRecord: Sendable {
    package var summary: BlockSummary
    /// The block in Ion binary: what verification and journal exports read.
    package var body: [UInt8]
    /// Each revision with the id of its table.
    package var revisions: [(table: String, revision: Revision)]
    package var catalogChanges: [CatalogChange]
    /// The catalog after this block (which fields each table indexes).
    package var catalog: Catalog

    package var sequence: Int { summary.address.sequenceNo }

    package init(
        summary: BlockSummary, body: [UInt8], revisions: [(table: String, revision: Revision)],
        catalogChanges: [CatalogChange], catalog: Catalog
    ) {
        self.summary = summary
        self.body = body
        self.revisions = revisions
        self.catalogChanges = catalogChanges
        self.catalog = catalog
    }
}

/// One block as a store holds it: its Ion binary and the revisions stored for it.
package struct StoredBlock: Sendable {
    package var sequence: Int
    package var body: [UInt8]
    /// The hashes kept beside the block for digests and proofs.
    package var summary: BlockSummary?
    /// In the block's order, each with the id of its table.
    package var revisions: [(table: String, revision: Revision)]

    package init(
        sequence: Int, body: [UInt8], summary: BlockSummary?, revisions: [(table: String, revision: Revision)]
    ) {
        self.sequence = sequence
        self.body = body
        self.summary = summary
        self.revisions = revisions
    }
}

/// What proofs need of each block.
package struct BlockSummary: Sendable, Hashable {
    package var address: BlockAddress
    package var blockHash: QLDBHash
    package var previousBlockHash: QLDBHash
    package var entriesHashList: [QLDBHash]
    package var revisionHashes: [QLDBHash]
    package var revisionDocuments: [String]

    /// Document ids stored joined with commas, one per revision hash: `""` for a revision with
    /// none (an imported QLDB system revision), so positions match the hashes'.
    package static func splitDocuments(_ joined: String, revisions: Int) -> [String] {
        revisions == 0 ? [] : joined.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }

    /// Hashes stored end to end, as the stores keep a block's entries and revision hashes.
    package static func splitHashes(_ bytes: [UInt8]) -> [QLDBHash] {
        stride(from: 0, to: bytes.count, by: 32).map { QLDBHash(Array(bytes[$0..<min($0 + 32, bytes.count)])) }
    }

    package init(
        address: BlockAddress, blockHash: QLDBHash, previousBlockHash: QLDBHash, entriesHashList: [QLDBHash],
        revisionHashes: [QLDBHash], revisionDocuments: [String]
    ) {
        self.address = address
        self.blockHash = blockHash
        self.previousBlockHash = previousBlockHash
        self.entriesHashList = entriesHashList
        self.revisionHashes = revisionHashes
        self.revisionDocuments = revisionDocuments
    }
}

/// A failure of the storage engine under a ledger: the disk, the database file or the database
/// server, as opposed to anything wrong with a request.
public struct StorageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The engine: `sqlite`, `memory`.
    public var engine: String
    /// What the store was doing.
    public var operation: String
    /// What went wrong.
    public var reason: String

    /// Creates an error.
    public init(engine: String, operation: String, reason: String) {
        self.engine = engine
        self.operation = operation
        self.reason = reason
    }

    public var description: String { "\(engine) storage failed while \(operation): \(reason)" }

    /// The error the session API answers with: a 500 the driver retries; the commit it
    /// interrupted did not happen (a block is written whole or not at all).
    package var ledgerError: LedgerError {
        LedgerError(type: "InternalFailure", status: 500, message: description)
    }
}
