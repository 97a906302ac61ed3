import QLDBControlClient

/// Where `GET /licences/{id}/verify` gets a digest and a proof: QLDB's control plane through a
/// ``QLDBControlClient/ControlPlaneClient`` (Amazon QLDB or a remote `qldb serve`), or the
/// embedded ledger (the `licence-service` executable wires that one).
public protocol LicenceProofSource: Sendable {
    /// The revision of `documentID` committed in the block at `blockAddress` (Ion text
    /// `{strandId:"…",sequenceNo:N}`), with its proof against the current digest, folded.
    func verifyRevision(ledger: String, blockAddress: String, documentID: String) async throws -> VerifiedRevision
}

extension ControlPlaneClient: LicenceProofSource {}
