import QLDBHashing
import QLDBLedger

/// Where `GET /licences/{id}/verify` gets a digest and a proof. The embedded ``QLDBLedger/Ledger``
/// is one; a remote QLDB endpoint is not (its proofs come from the control plane, which the
/// session API and the VPC endpoint do not carry).
public protocol LicenceProofSource: Sendable {
    /// A proof of the document's latest revision against the current digest.
    func latestProof(table: String, documentID: String) -> Ledger.Proof?
}

extension Ledger: LicenceProofSource {
    /// The ledger's own proof of the latest revision.
    public func latestProof(table: String, documentID: String) -> Ledger.Proof? {
        proof(table: table, documentID: documentID)
    }
}
