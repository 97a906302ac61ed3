import Ion

/// Hashes of QLDB's journal: revisions, Merkle roots, blocks and proofs.
public enum JournalHashes {
    /// A revision's hash: `dot(H(metadata), H(data))`. Pass `dataHash` for a revision whose data
    /// is redacted or absent (a delete), where the stored hash stands for the data.
    public static func revisionHash(metadata: IonValue, data: IonValue) -> QLDBHash {
        QLDBHash.dot(CommitDigest.ionHash(metadata), CommitDigest.ionHash(data))
    }

    /// A revision's hash when only the data's hash is known.
    public static func revisionHash(metadata: IonValue, dataHash: QLDBHash) -> QLDBHash {
        QLDBHash.dot(CommitDigest.ionHash(metadata), dataHash)
    }

    /// The Merkle root of QLDB's journal verifier: pair neighbours with `dot`, carry an odd last
    /// hash up unchanged, repeat until one is left. The root of nothing is the empty hash.
    public static func merkleRoot(_ hashes: [QLDBHash]) -> QLDBHash {
        guard !hashes.isEmpty else { return QLDBHash([]) }
        var level = hashes
        while level.count > 1 { level = nextLevel(level) }
        return level[0]
    }

    /// The hashes to fold, in order, with `dot` to go from leaf `index` to ``merkleRoot(_:)`` of
    /// `hashes` (a leaf carried up unpaired adds nothing): a proof of membership.
    public static func merklePath(_ hashes: [QLDBHash], index: Int) -> [QLDBHash] {
        var level = hashes
        var i = index
        var path: [QLDBHash] = []
        while level.count > 1 {
            if i % 2 == 1 {
                path.append(level[i - 1])
            } else if i + 1 < level.count {
                path.append(level[i + 1])
            }
            level = nextLevel(level)
            i /= 2
        }
        return path
    }

    /// One level up the tree: neighbours paired with `dot`, an odd last hash carried up.
    static func nextLevel(_ level: [QLDBHash]) -> [QLDBHash] {
        var next: [QLDBHash] = []
        next.reserveCapacity((level.count + 1) / 2)
        var i = 0
        while i + 1 < level.count {
            next.append(QLDBHash.journalDot(level[i], level[i + 1]))
            i += 2
        }
        if i < level.count { next.append(level[i]) }
        return next
    }

    /// A block's entries-hash list: the Ion hash of its transaction info, then the Merkle root of
    /// its revisions' hashes when it has any, then the Ion hash of its redaction info when it
    /// records a redaction. The block's `entriesHash` is the Merkle root of this list.
    public static func entriesHashList(
        transactionInfo: IonValue, revisionHashes: [QLDBHash], redactionInfo: IonValue? = nil
    ) -> [QLDBHash] {
        var list = [QLDBHash.ionHash(of: transactionInfo)]
        if !revisionHashes.isEmpty { list.append(merkleRoot(revisionHashes)) }
        if let redactionInfo { list.append(QLDBHash.ionHash(of: redactionInfo)) }
        return list
    }

    /// A block's hash: `dot(entriesHash, previousBlockHash)`; the first block has an empty previous hash.
    public static func blockHash(entriesHash: QLDBHash, previousBlockHash: QLDBHash) -> QLDBHash {
        QLDBHash.journalDot(entriesHash, previousBlockHash)
    }

    /// Whether a proof links a revision hash to a ledger digest: folding `dot` over the proof's
    /// hashes, in order, starting from the revision hash, must give the digest.
    public static func verify(revisionHash: QLDBHash, proof: [QLDBHash], digest: QLDBHash) -> Bool {
        proof.reduce(revisionHash, QLDBHash.journalDot) == digest
    }
}
