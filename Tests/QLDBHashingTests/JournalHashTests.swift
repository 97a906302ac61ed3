import Ion
import QLDBHashing
import Testing

@Suite struct JournalHashTests {
    func hash(_ byte: UInt8) -> QLDBHash { QLDBHash.sha256([byte]) }

    @Test func comparisonIsSignedFromTheLastByte() throws {
        let a = try #require(QLDBHash(hex: String(repeating: "00", count: 31) + "7f"))
        let b = try #require(QLDBHash(hex: String(repeating: "00", count: 31) + "80"))
        // 0x80 is -128 as a signed byte, so b sorts first although memcmp would put a first.
        #expect(QLDBHash.compare(b, a) < 0)
        #expect(QLDBHash.dot(a, b) == QLDBHash.sha256(b.bytes + a.bytes))
        let c = try #require(QLDBHash(hex: "ff" + String(repeating: "00", count: 31)))
        let d = try #require(QLDBHash(hex: "01" + String(repeating: "00", count: 31)))
        #expect(QLDBHash.compare(c, d) < 0, "the first byte breaks the tie last")
    }

    @Test func emptyOperandsFollowEachRule() {
        let h = hash(1)
        #expect(QLDBHash.dot(QLDBHash([]), h) == QLDBHash.sha256(h.bytes))
        #expect(QLDBHash.journalDot(QLDBHash([]), h) == h)
        #expect(QLDBHash.journalDot(h, QLDBHash([])) == h)
    }

    @Test func merkleRootPairsAndCarriesTheOddHash() {
        let (a, b, c) = (hash(1), hash(2), hash(3))
        #expect(JournalHashes.merkleRoot([]) == QLDBHash([]))
        #expect(JournalHashes.merkleRoot([a]) == a)
        #expect(JournalHashes.merkleRoot([a, b]) == QLDBHash.dot(a, b))
        #expect(JournalHashes.merkleRoot([a, b, c]) == QLDBHash.dot(QLDBHash.dot(a, b), c))
    }

    @Test func proofsVerifyOnlyAgainstTheirDigest() {
        let metadata: IonValue = ["id": "doc1", "version": 0, "txId": "tx1"]
        let data: IonValue = ["licenceId": "L-1", "penaltyPoints": 3]
        let revision = JournalHashes.revisionHash(metadata: metadata, data: data)
        #expect(revision == JournalHashes.revisionHash(metadata: metadata, dataHash: CommitDigest.ionHash(data)))
        let siblings = [hash(7), hash(8), hash(9)]
        let digest = siblings.reduce(revision, QLDBHash.journalDot)
        #expect(JournalHashes.verify(revisionHash: revision, proof: siblings, digest: digest))
        #expect(!JournalHashes.verify(revisionHash: revision, proof: siblings.reversed(), digest: digest))
        #expect(!JournalHashes.verify(revisionHash: hash(0), proof: siblings, digest: digest))
        // A block links its entries to the chain before it.
        let block1 = JournalHashes.blockHash(entriesHash: hash(1), previousBlockHash: QLDBHash([]))
        #expect(block1 == hash(1))
        #expect(
            JournalHashes.blockHash(entriesHash: hash(2), previousBlockHash: block1) == QLDBHash.dot(hash(2), block1))
    }

    @Test func encodingsRoundTrip() throws {
        let h = hash(42)
        #expect(QLDBHash(hex: h.hex) == h)
        #expect(QLDBHash(hex: "zz") == nil)
        #expect(QLDBHash([0xFF, 0x00, 0x10]).base64 == "/wAQ")
    }
}
