import Foundation
import Ion
import Logging
import QLDBHashing
import Synchronization

extension Ledger {
    /// The number of durable blocks.
    public var blockCount: Int { head.withLock { $0.durableSequence } }

    /// How many syncs to stable storage a local store made (group commit shares them between
    /// commits); 0 for a shared store.
    public var storeSyncs: Int {
        if case .local(let local) = writer { return local.syncs }
        return 0
    }

    /// The last durable block: for a shared store, as the store has it now.
    func durableTip() async throws -> Int {
        if case .shared(let shared) = writer { return try await shared.head().sequence }
        return head.withLock { $0.durableSequence }
    }

    /// The table with this name: the active one, else a dropped one.
    private func tableID(named name: String) -> String? {
        let catalog = head.withLock { $0.catalog }
        return catalog.activeTable(named: name)?.id ?? catalog.tables.values.first { $0.name == name }?.id
    }

    /// Writes a consistent copy of the ledger, as of its last durable block, to a new file
    /// (`<name>.sqlite` in another directory restores it), while the ledger keeps serving.
    ///
    /// - Throws: ``StorageError`` when the ledger is in memory, the file exists or the copy fails.
    public func backup(to file: URL) async throws { try await store.backup(to: file.path) }

    /// Every revision of a document, oldest first.
    public func revisions(table: String, documentID: String) async throws -> [Revision] {
        guard let id = tableID(named: table) else { return [] }
        let tip = try await durableTip()
        return try await store.revisions(table: id, document: documentID, through: tip)
    }

    /// Walks every stored block, as `qldb verify` does: each revision, entries and block hash is
    /// recomputed from the block itself and every link to the block before is checked; the tip
    /// must be the one the ledger opened with. Reads only.
    ///
    /// - Returns: The digest, `nil` for a ledger with no blocks, or the first block that fails.
    public func verifyChain() async -> Result<Digest?, LedgerError> {
        let (strand, tip, local) = head.withLock { head -> (String, QLDBHash, Bool) in
            if case .local = writer { return (head.strandID, head.tip, true) }
            return (head.strandID, head.tip, false)
        }
        let verifier = Mutex(BlockVerifier(strandID: strand))
        do {
            // Blocks imported from a QLDB export are held to what such blocks carry.
            let imported = try await store.metadata(JournalImport.importedThroughKey)
            let importedThrough = imported.flatMap { Int(String(decoding: $0, as: UTF8.self)) } ?? 0
            try await store.forEachBlock { stored in
                let failure = verifier.withLock { verifier -> LedgerError? in
                    do throws(LedgerError) {
                        let block = try verifier.verify(stored.body, foreign: stored.sequence <= importedThrough)
                        guard stored.summary == nil || stored.summary == block.summary else {
                            throw .badRequest("the hashes stored beside the block differ from the block's")
                        }
                        try Self.check(stored.revisions, against: block.revisions)
                        return nil
                    } catch {
                        return error
                    }
                }
                if let failure { throw LedgerError.badRequest("block \(stored.sequence): \(failure.message)") }
            }
        } catch let error as LedgerError {
            return .failure(error)
        } catch {
            return .failure(LedgerError(type: "InternalFailure", status: 500, message: "\(error)"))
        }
        let verified = verifier.withLock { $0 }
        // A shared store's tip moves with other processes' commits; the chain itself verified.
        guard !local || verified.tip == tip else {
            return .failure(
                .badRequest("the stored blocks end at block \(verified.lastSequence), not at the ledger's tip"))
        }
        // The tree nodes digests and proofs are served from must give the digest of the blocks.
        if let digest = verified.digest {
            let stored: QLDBHash
            do { stored = try await root(leafCount: digest.tipAddress.sequenceNo) } catch {
                return .failure(.badRequest("the journal's Merkle tree: \(error)"))
            }
            guard stored == digest.digest else {
                return .failure(
                    .badRequest("the stored Merkle tree gives a digest other than the blocks' own: a node was changed"))
            }
        }
        return .success(verified.digest)
    }

    /// The revisions a store serves reads from must be the block's own, each matching its hash.
    static func check(
        _ stored: [(table: String, revision: Revision)], against block: [(table: String, revision: Revision)]
    ) throws(LedgerError) {
        guard stored.count == block.count else {
            throw .badRequest("the store holds \(stored.count) revisions for it, the block \(block.count)")
        }
        for (held, written) in zip(stored, block) {
            let revision = held.revision
            guard held.table == written.table, revision == written.revision,
                revision.computedHash == revision.hash
            else {
                throw .badRequest(
                    "the stored revision \(revision.version) of document \(revision.documentID) differs from the block's"
                )
            }
        }
    }
}

extension Ledger {
    /// Verifies a journal file of earlier versions (`<name>.journal`) without converting it:
    /// read-only unless `repairTornTail` asks to truncate an incomplete last record.
    ///
    /// - Returns: The digest, `nil` when the journal holds no block.
    /// - Throws: ``JournalError`` naming the block and byte offset of the first damage.
    public static func verifyJournalFile(
        name: String, directory: URL, repairTornTail: Bool, logger: Logger
    ) async throws -> Digest? {
        try LedgerName.validate(name)
        let path = directory.appendingPathComponent("\(name).journal").path
        return try await LegacyJournalConversion.verify(
            journal: path, ledger: name, access: repairTornTail ? .readWrite(repairTornTail: true) : .readOnly,
            logger: logger
        ).digest
    }
}
