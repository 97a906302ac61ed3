import QLDBHashing
import QLDBLedger

/// Where `GET /licences/{id}/verify` gets a digest and a proof. The embedded ``QLDBLedger/Ledger``
/// is one; a remote QLDB endpoint is not (its proofs come from the control plane, which the
/// session API and the VPC endpoint do not carry).
public protocol LicenceProofSource: Sendable {
    /// A proof of the document's latest revision against the current digest; `nil` when the
    /// document has none.
    func latestProof(table: String, documentID: String) async throws -> Ledger.Proof?
}

extension Ledger: LicenceProofSource {
    /// The ledger's own proof of the latest revision.
    public func latestProof(table: String, documentID: String) async throws -> Ledger.Proof? {
        try await proof(table: table, documentID: documentID)
    }
}
