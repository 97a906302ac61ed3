import Ion
import QLDBHashing

/// Where a ledger keeps its blocks, revisions, catalog and metadata.
///
/// The engine (PartiQL, transactions, OCC, block building) reaches storage only through this
/// protocol. A ledger is single-writer per store: the engine builds blocks in sequence order
/// under its own lock and hands each to ``enqueue(_:)``; the store makes them durable in that
/// order, several at a time when they queue up (group commit), and ``waitDurable(through:)``
/// returns once a block is. Reads name a snapshot (a block sequence number) and see exactly the
/// blocks up to it, so a transaction reads the same data however long it runs and whatever
/// commits meanwhile.
protocol LedgerStore: AnyObject, Sendable {
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

    /// Queues a block for writing. Called in sequence order, under the ledger's lock.
    func enqueue(_ block: BlockRecord)

    /// Returns once every block up to `sequence` is durable.
    func waitDurable(through sequence: Int) async throws(StorageError)

    /// The hashes and entries of one block, for proofs.
    func blockSummary(_ sequence: Int) async throws(StorageError) -> BlockSummary?

    /// Every block hash from the first block through `sequence`, for digests.
    func blockHashes(through sequence: Int) async throws(StorageError) -> [QLDBHash]

    /// Calls `body` with every stored block in order, with the revisions stored for it (what
    /// reads are served from), so verification can hold both to the block's hashes.
    func forEachBlock(_ body: @Sendable (StoredBlock) throws -> Void) async throws

    /// How many syncs to stable storage the store has made (group commit shares them).
    var syncs: Int { get }

    /// A metadata value of the ledger (state, deletion protection, permissions mode, tags,
    /// exports: what the control plane and permissions keep), or `nil`.
    func metadata(_ key: String) async throws(StorageError) -> [UInt8]?

    /// Sets (or with `nil`, removes) a metadata value, durably.
    func setMetadata(_ key: String, _ value: [UInt8]?) async throws(StorageError)

    /// Writes a consistent copy of the whole ledger, as of the last durable block, to a new file
    /// at `path`, while the ledger keeps serving.
    func backup(to path: String) async throws(StorageError)

    /// Closes the store; nothing may be called afterwards.
    func close() async
}

/// What a store gives the engine when a ledger opens.
struct StoredLedger: Sendable {
    /// The journal strand.
    var strandID: String
    /// The last block's sequence number, 0 when there is none.
    var lastSequence: Int
    /// The last block's hash, empty when there is none.
    var tip: QLDBHash
    /// Tables and indexes after the last block.
    var catalog: Catalog
}

/// How a read of one table is narrowed.
enum ReadPlan: Sendable {
    /// Every document.
    case scan
    /// The documents with these ids.
    case documents(Set<String>)
    /// The documents whose indexed top-level `field` has had one of `values`.
    case values(field: String, values: [IonValue])
}

/// One block as the engine hands it to a store: the hashes proofs need, the block itself, the
/// revisions it commits with their tables, and the catalog it leaves.
struct BlockRecord: Sendable {
    var summary: BlockSummary
    /// The block in Ion binary: what verification and journal exports read.
    var body: [UInt8]
    /// Each revision with the id of its table.
    var revisions: [(table: String, revision: Revision)]
    var catalogChanges: [CatalogChange]
    /// The catalog after this block (which fields each table indexes).
    var catalog: Catalog

    var sequence: Int { summary.address.sequenceNo }
}

/// One block as a store holds it: its Ion binary and the revisions stored for it.
struct StoredBlock: Sendable {
    var sequence: Int
    var body: [UInt8]
    /// The hashes kept beside the block for digests and proofs.
    var summary: BlockSummary?
    /// In the block's order, each with the id of its table.
    var revisions: [(table: String, revision: Revision)]
}

/// What proofs need of each block.
struct BlockSummary: Sendable, Hashable {
    var address: BlockAddress
    var blockHash: QLDBHash
    var previousBlockHash: QLDBHash
    var entriesHashList: [QLDBHash]
    var revisionHashes: [QLDBHash]
    var revisionDocuments: [String]
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
    var ledgerError: LedgerError {
        LedgerError(type: "InternalFailure", status: 500, message: description)
    }
}
