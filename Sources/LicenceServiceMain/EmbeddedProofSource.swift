import LicenceService
import QLDBControlClient
import QLDBHashing
import QLDBLedger

/// `/verify` on the embedded ledger: the digest and proof straight from the ledger, folded as a
/// control-plane client folds GetRevision's answer.
struct EmbeddedProofSource: LicenceProofSource {
    let ledger: Ledger

    func verifyRevision(ledger name: String, blockAddress: String, documentID: String) async throws
        -> VerifiedRevision
    {
        guard let address = BlockAddress(ionText: blockAddress) else {
            throw LedgerError.badRequest("\(blockAddress) is not a block address")
        }
        guard let digest = try await ledger.digest() else {
            throw LedgerError.badRequest("ledger \(name) has no blocks to digest")
        }
        let (revision, proof) = try await ledger.revision(
            at: address, documentID: documentID, digestTip: digest.tipAddress)
        let hash = QLDBHash(revision["hash"]?.bytesValue ?? [])
        let hashes = proof ?? []
        return VerifiedRevision(
            revision: revision, revisionHash: hash, proof: hashes, digest: digest.digest,
            digestTipAddress: digest.tipAddress.ionValue,
            verified: JournalHashes.verify(revisionHash: hash, proof: hashes, digest: digest.digest))
    }
}
