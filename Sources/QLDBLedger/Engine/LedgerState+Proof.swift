import Foundation
import Ion
import QLDBHashing

extension LedgerState {
    /// The proof path from a revision to the current digest.
    func proof(of revision: Revision) -> Ledger.Proof? {
        let index = revision.blockAddress.sequenceNo - 1
        guard index >= 0, index < blocks.count, let last = blocks.last else { return nil }
        let block = blocks[index]
        guard let position = block.revisionDocuments.firstIndex(of: revision.documentID) else { return nil }
        var hashes = JournalHashes.merklePath(block.revisionHashes, index: position)
        hashes += JournalHashes.merklePath(block.entriesHashList, index: 1)
        if !block.previousBlockHash.isEmpty { hashes.append(block.previousBlockHash) }
        let blockHashes = blocks.map(\.blockHash)
        hashes += JournalHashes.merklePath(blockHashes, index: index)
        return Ledger.Proof(
            revision: revision, hashes: hashes,
            digest: Ledger.Digest(digest: JournalHashes.merkleRoot(blockHashes), tipAddress: last.address))
    }
}
