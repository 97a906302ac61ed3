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
        while level.count > 1 {
            var next: [QLDBHash] = []
            next.reserveCapacity((level.count + 1) / 2)
            var i = 0
            while i + 1 < level.count {
                next.append(QLDBHash.journalDot(level[i], level[i + 1]))
                i += 2
            }
            if i < level.count { next.append(level[i]) }
            level = next
        }
        return level[0]
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
