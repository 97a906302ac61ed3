import Ion
import QLDBHashing

/// Digests, and proofs that a block or a revision is in the journal a digest covers: what
/// QLDB's GetDigest, GetBlock and GetRevision answer.
///
/// The digest is the root of the journal's Merkle tree over the block hashes (``JournalTree``).
/// A proof is the list of hashes that, folded into the starting hash one by one with QLDB's
/// `dot` (SHA-256 of the two hashes, the smaller first in QLDB's signed-byte order), ends at the
/// digest: for a block its siblings in that tree; for a revision first its path through the
/// block's revision hashes, then through the block's entries, then the previous block's hash
/// (which makes the block hash), then the block's path.
extension Ledger {
    /// The digest of the journal up to its tip; `nil` before the first block.
    public func digest() async throws -> Digest? {
        let tip = try await durableTip()
        let strand = head.withLock { $0.strandID }
        guard tip > 0 else { return nil }
        return Digest(
            digest: try await root(leafCount: tip), tipAddress: BlockAddress(strandID: strand, sequenceNo: tip))
    }

    /// The Merkle root over the first `leafCount` block hashes, from O(log n) stored nodes.
    func root(leafCount: Int) async throws -> QLDBHash {
        let nodes = try await store.merkleNodes(JournalTree.nodesForRoot(leafCount: leafCount))
        guard let root = JournalTree.root(leafCount: leafCount, node: { nodes[$0] }) else {
            throw StorageError(
                engine: "\(type(of: store))", operation: "computing the digest",
                reason: "a node of the Merkle tree is missing")
        }
        return root
    }

    /// A proof of a document's latest revision against the current digest.
    public func proof(table: String, documentID: String) async throws -> Proof? {
        let tip = try await durableTip()
        let (strand, catalog) = head.withLock { ($0.strandID, $0.catalog) }
        guard let id = catalog.activeTable(named: table)?.id,
            let revision = try await store.revisions(table: id, document: documentID, through: tip).last,
            let block = try await store.blockSummary(revision.blockAddress.sequenceNo),
            let position = block.revisionDocuments.firstIndex(of: revision.documentID)
        else { return nil }
        return Proof(
            revision: revision, hashes: try await revisionPath(block, position: position, leafCount: tip),
            digest: Digest(
                digest: try await root(leafCount: tip), tipAddress: BlockAddress(strandID: strand, sequenceNo: tip)))
    }

    /// A journal block as QLDB's GetBlock gives it, with the proof from its hash to the digest
    /// whose tip is `digestTip` (no proof without one).
    ///
    /// - Throws: ``LedgerError`` `InvalidParameterException` when an address is not of this
    ///   ledger's strand, the block is after the digest's tip or the tip after the journal's end.
    public func block(at address: BlockAddress, digestTip: BlockAddress?) async throws -> (
        block: IonValue, proof: [QLDBHash]?
    ) {
        let leafCount = try await checkedProofAddresses(address, digestTip: digestTip)
        guard let body = try await store.blockBodies(address.sequenceNo...address.sequenceNo).first?.body,
            let block = try IonValue.decode(binary: body).first
        else {
            throw StorageError(
                engine: "\(type(of: store))", operation: "reading block \(address.sequenceNo)",
                reason: "the block is missing")
        }
        guard let leafCount else { return (block, nil) }
        return (block, try await blockPath(leaf: address.sequenceNo - 1, leafCount: leafCount))
    }

    /// The revision of `documentID` committed in the block at `address`, as QLDB's GetRevision
    /// gives it (`{blockAddress, hash, data, metadata}`; a redacted revision has `dataHash`), with
    /// the proof from its hash to the digest whose tip is `digestTip` (no proof without one).
    ///
    /// - Throws: ``LedgerError`` `InvalidParameterException` as ``block(at:digestTip:)`` does, and
    ///   when the block commits no revision of the document.
    public func revision(at address: BlockAddress, documentID: String, digestTip: BlockAddress?) async throws -> (
        revision: IonValue, proof: [QLDBHash]?
    ) {
        let leafCount = try await checkedProofAddresses(address, digestTip: digestTip)
        let sequence = address.sequenceNo
        guard let summary = try await store.blockSummary(sequence),
            let body = try await store.blockBodies(sequence...sequence).first?.body,
            let block = try IonValue.decode(binary: body).first
        else {
            throw StorageError(
                engine: "\(type(of: store))", operation: "reading block \(sequence)", reason: "the block is missing")
        }
        guard let position = summary.revisionDocuments.firstIndex(of: documentID),
            let revisions = block["revisions"]?.listValue, position < revisions.count
        else {
            throw LedgerError(
                type: "InvalidParameterException",
                message: "The block at \(address) commits no revision of document \(documentID)")
        }
        guard let leafCount else { return (revisions[position], nil) }
        return (revisions[position], try await revisionPath(summary, position: position, leafCount: leafCount))
    }

    /// The number of blocks a proof at `digestTip` covers, once both addresses are checked.
    private func checkedProofAddresses(_ address: BlockAddress, digestTip: BlockAddress?) async throws -> Int? {
        let strand = head.withLock { $0.strandID }
        let tip = try await durableTip()
        let addresses: [(String, BlockAddress?)] = [("block address", address), ("digest tip address", digestTip)]
        for (what, given) in addresses {
            guard let given else { continue }
            guard given.strandID == strand else {
                throw LedgerError(
                    type: "InvalidParameterException",
                    message: "The \(what) \(given) is not on this ledger's strand \(strand)")
            }
            guard (1...max(tip, 1)).contains(given.sequenceNo), tip > 0 else {
                throw LedgerError(
                    type: "InvalidParameterException",
                    message:
                        "The \(what) \(given) names no block: the journal's blocks are 1 to \(tip) on strand \(strand)")
            }
        }
        guard let digestTip else { return nil }
        guard address.sequenceNo <= digestTip.sequenceNo else {
            throw LedgerError(
                type: "InvalidParameterException",
                message: "The block address \(address) is after the digest tip address \(digestTip)")
        }
        return digestTip.sequenceNo
    }

    /// The siblings of block `leaf + 1` in the tree over the first `leafCount` blocks.
    private func blockPath(leaf: Int, leafCount: Int) async throws -> [QLDBHash] {
        let nodes = try await store.merkleNodes(JournalTree.nodesForPath(leaf: leaf, leafCount: leafCount))
        guard let path = JournalTree.path(leaf: leaf, leafCount: leafCount, node: { nodes[$0] }) else {
            throw StorageError(
                engine: "\(type(of: store))", operation: "proving block \(leaf + 1)",
                reason: "a node of the Merkle tree is missing")
        }
        return path
    }

    /// From the revision at `position` of `block` to the root over the first `leafCount` blocks.
    private func revisionPath(_ block: BlockSummary, position: Int, leafCount: Int) async throws -> [QLDBHash] {
        var hashes = JournalHashes.merklePath(block.revisionHashes, index: position)
        // The revisions' root is entry 1 of this ledger's blocks; an imported QLDB block may
        // have it elsewhere among its entries.
        let root = JournalHashes.merkleRoot(block.revisionHashes)
        hashes += JournalHashes.merklePath(
            block.entriesHashList, index: block.entriesHashList.firstIndex(of: root) ?? 1)
        if !block.previousBlockHash.isEmpty { hashes.append(block.previousBlockHash) }
        return hashes + (try await blockPath(leaf: block.address.sequenceNo - 1, leafCount: leafCount))
    }

    /// The journal blocks `sequences` (those that exist), as journal exports write them.
    public func blocks(_ sequences: ClosedRange<Int>) async throws -> [IonValue] {
        try await store.blockBodies(sequences).compactMap { try IonValue.decode(binary: $0.body).first }
    }
}
