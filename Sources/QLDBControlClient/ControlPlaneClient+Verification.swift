import Ion
import QLDBControl
import QLDBHashing

/// A revision proved to be in the journal a digest covers.
public struct VerifiedRevision: Sendable, Hashable {
    /// The revision as GetRevision gave it: `{blockAddress, hash, data, metadata}`.
    public var revision: IonValue
    /// The revision's hash.
    public var revisionHash: QLDBHash
    /// The proof's hashes, from the revision's hash to the digest.
    public var proof: [QLDBHash]
    /// The digest.
    public var digest: QLDBHash
    /// The digest's tip, `{strandId, sequenceNo}`.
    public var digestTipAddress: IonValue
    /// Whether folding the proof into the revision's hash gives the digest.
    public var verified: Bool

    /// A result.
    public init(
        revision: IonValue, revisionHash: QLDBHash, proof: [QLDBHash], digest: QLDBHash, digestTipAddress: IonValue,
        verified: Bool
    ) {
        self.revision = revision
        self.revisionHash = revisionHash
        self.proof = proof
        self.digest = digest
        self.digestTipAddress = digestTipAddress
        self.verified = verified
    }
}

extension ControlPlaneClient {
    /// Gets the current digest and the revision of `documentID` committed in the block at
    /// `blockAddress` (Ion text `{strandId:"…",sequenceNo:N}`, as a committed view's
    /// `blockAddress` prints) with its proof against that digest, and folds the proof with
    /// QLDB's `dot`, as AWS's verifier does.
    ///
    /// - Throws: ``ControlPlaneError`` from the service; ``ControlPlaneError`` `InvalidAnswer`
    ///   when an answer is not the Ion it should be.
    public func verifyRevision(ledger: String, blockAddress: String, documentID: String) async throws
        -> VerifiedRevision
    {
        let digest = try await getDigest(ledger: ledger)
        let answer = try await getRevision(
            ledger: ledger,
            GetRevisionRequest(
                blockAddress: ValueHolder(ionText: blockAddress), documentID: documentID,
                digestTipAddress: digest.digestTipAddress))
        guard let revision = try? IonValue.decode(text: answer.revision.ionText).first,
            let hash = revision["hash"]?.bytesValue,
            let proofText = answer.proof?.ionText,
            let proofList = try? IonValue.decode(text: proofText).first?.elements,
            let tip = try? IonValue.decode(text: digest.digestTipAddress.ionText).first
        else {
            throw ControlPlaneError(
                type: "InvalidAnswer", status: 200,
                message: "GetRevision's answer has no revision hash or no proof list")
        }
        let proof = proofList.compactMap(\.bytesValue).map(QLDBHash.init)
        let digestHash = QLDBHash(Array(digest.digest))
        return VerifiedRevision(
            revision: revision, revisionHash: QLDBHash(hash), proof: proof, digest: digestHash, digestTipAddress: tip,
            verified: proof.count == proofList.count
                && JournalHashes.verify(revisionHash: QLDBHash(hash), proof: proof, digest: digestHash))
    }
}
