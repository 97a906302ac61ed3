import Foundation

/// A value QLDB's control plane passes as Ion text (`{"IonText": "…"}`): block addresses,
/// revisions, blocks and proofs.
public struct ValueHolder: Codable, Sendable, Hashable {
    /// The Ion text.
    public var ionText: String

    /// A holder of `ionText`.
    public init(ionText: String) { self.ionText = ionText }

    enum CodingKeys: String, CodingKey { case ionText = "IonText" }
}

/// `GetDigest`'s answer.
public struct GetDigestResponse: Codable, Sendable, Hashable {
    /// The 32-byte digest (base64 in JSON).
    public var digest: Data
    /// The last block the digest covers, `{strandId:"…",sequenceNo:N}`.
    public var digestTipAddress: ValueHolder

    /// An answer.
    public init(digest: Data, digestTipAddress: ValueHolder) {
        self.digest = digest
        self.digestTipAddress = digestTipAddress
    }

    enum CodingKeys: String, CodingKey {
        case digest = "Digest"
        case digestTipAddress = "DigestTipAddress"
    }
}

/// `GetRevision`'s request body.
public struct GetRevisionRequest: Codable, Sendable, Hashable {
    /// The block that committed the revision.
    public var blockAddress: ValueHolder
    /// The document's id.
    public var documentID: String
    /// The tip of the digest to prove against; without it, no proof is returned.
    public var digestTipAddress: ValueHolder?

    /// A request.
    public init(blockAddress: ValueHolder, documentID: String, digestTipAddress: ValueHolder?) {
        self.blockAddress = blockAddress
        self.documentID = documentID
        self.digestTipAddress = digestTipAddress
    }

    enum CodingKeys: String, CodingKey {
        case blockAddress = "BlockAddress"
        case documentID = "DocumentId"
        case digestTipAddress = "DigestTipAddress"
    }
}

/// `GetRevision`'s answer.
public struct GetRevisionResponse: Codable, Sendable, Hashable {
    /// The hashes from the revision's hash to the digest, an Ion list of blobs.
    public var proof: ValueHolder?
    /// The revision, `{blockAddress, hash, data, metadata}`.
    public var revision: ValueHolder

    /// An answer.
    public init(proof: ValueHolder?, revision: ValueHolder) {
        self.proof = proof
        self.revision = revision
    }

    enum CodingKeys: String, CodingKey {
        case proof = "Proof"
        case revision = "Revision"
    }
}

/// `GetBlock`'s request body.
public struct GetBlockRequest: Codable, Sendable, Hashable {
    /// The block.
    public var blockAddress: ValueHolder
    /// The tip of the digest to prove against; without it, no proof is returned.
    public var digestTipAddress: ValueHolder?

    /// A request.
    public init(blockAddress: ValueHolder, digestTipAddress: ValueHolder?) {
        self.blockAddress = blockAddress
        self.digestTipAddress = digestTipAddress
    }

    enum CodingKeys: String, CodingKey {
        case blockAddress = "BlockAddress"
        case digestTipAddress = "DigestTipAddress"
    }
}

/// `GetBlock`'s answer.
public struct GetBlockResponse: Codable, Sendable, Hashable {
    /// The journal block in Ion text.
    public var block: ValueHolder
    /// The hashes from the block's hash to the digest, an Ion list of blobs.
    public var proof: ValueHolder?

    /// An answer.
    public init(block: ValueHolder, proof: ValueHolder?) {
        self.block = block
        self.proof = proof
    }

    enum CodingKeys: String, CodingKey {
        case block = "Block"
        case proof = "Proof"
    }
}
