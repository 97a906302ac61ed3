import Foundation
import Ion
import QLDBDriver
import Testing

@testable import QLDBLedger

/// A new transaction on a ledger with a store in this process starts from the last durable block:
/// its reads find that state in the store without waiting for a group commit, and the commits
/// still on their way to the store count against it in the OCC check.
@Suite struct SnapshotTests {
    /// Builds `txn`'s block as a commit does but does not send it to the store: the block stays
    /// "on its way", built but not durable.
    static func buildWithoutStoring(_ txn: LedgerTransaction, in ledger: Ledger) throws -> Int {
        try ledger.head.withLock { head in
            try head.checkConflicts(txn)
            return try head.seal(BlockBuilder.prepare(txn, time: Date()), of: txn).sequence
        }
    }

    /// A fresh ledger on the store under test with table `T`, and a driver on it.
    static func ledgerWithTable() async throws -> (QLDBDriver, Ledger) {
        let (driver, _, ledger) = try await embedded()
        try await driver.execute { txn in try await txn.execute("CREATE TABLE T") }
        return (driver, ledger)
    }

    @Test func aNewTransactionStartsFromTheLastDurableBlock() async throws {
        let (_, ledger) = try await Self.ledgerWithTable()
        guard case .local = ledger.writer else { return }  // a shared store has its own head
        let durable = ledger.head.withLock { $0.durableSequence }

        var writer = try await ledger.begin()
        _ = try await ledger.execute("INSERT INTO T VALUE {'n': 1}", parameters: [], parameterHashes: [], in: &writer)
        let inFlight = try Self.buildWithoutStoring(writer, in: ledger)
        #expect(inFlight == durable + 1)

        // The block is built, not durable: a new transaction's snapshot is the durable block, and
        // the built block's effects are kept for its OCC check (no transaction was open).
        var reader = try await ledger.begin()
        #expect(reader.snapshot == durable)
        #expect(ledger.head.withLock { $0.commitLog.map(\.sequence) } == [inFlight])
        // It reads the durable state at once, and its scan of T meets the block on its way.
        let rows = try await ledger.execute("SELECT * FROM T", parameters: [], parameterHashes: [], in: &reader)
        #expect(rows.isEmpty)
        #expect(throws: LedgerError.self) { try ledger.head.withLock { try $0.checkConflicts(reader) } }

        // A transaction that reads nothing the block changed passes the check.
        var other = try await ledger.begin()
        _ = try await ledger.execute(
            "SELECT VALUE x FROM << 1 >> AS x", parameters: [], parameterHashes: [], in: &other)
        try ledger.head.withLock { try $0.checkConflicts(other) }
    }

    @Test func aCatalogChangeOnItsWayMakesNewTransactionsStartFromIt() async throws {
        let (_, ledger) = try await Self.ledgerWithTable()
        guard case .local = ledger.writer else { return }
        var creator = try await ledger.begin()
        _ = try await ledger.execute("CREATE TABLE U", parameters: [], parameterHashes: [], in: &creator)
        let inFlight = try Self.buildWithoutStoring(creator, in: ledger)
        // The head keeps only the latest catalog, which has U: the snapshot is the block with it.
        let txn = try await ledger.begin()
        #expect(txn.snapshot == inFlight)
        #expect(txn.catalog.activeTable(named: "U") != nil)
    }

    /// A block is prepared from its transaction's view of the catalog, outside the ledger's lock,
    /// and placed on the tip's catalog under it: an index created by a commit after the
    /// transaction's snapshot still covers the transaction's insert.
    @Test func anIndexCreatedAfterTheSnapshotCoversTheBlock() async throws {
        let (driver, ledger) = try await Self.ledgerWithTable()
        var writer = try await ledger.begin()
        _ = try await ledger.execute("INSERT INTO T VALUE {'k': 'x'}", parameters: [], parameterHashes: [], in: &writer)
        try await driver.execute { txn in try await txn.execute("CREATE INDEX ON T (k)") }
        #expect(writer.catalog.activeTable(named: "T")?.indexes.isEmpty == true)
        _ = try await ledger.commit(writer, clientDigest: writer.digest.digest.bytes)
        // The index stays in the catalog, so the query below reads through it.
        #expect(ledger.head.withLock { $0.catalog.activeTable(named: "T")?.indexes.count } == 1)
        let found = try await driver.execute { txn in
            try await txn.execute("SELECT k FROM T WHERE k = 'x'").collect()
        }
        #expect(found == [["k": "x"]])
    }

    /// A document the transaction inserted is not read from the store (it cannot be there);
    /// documents committed before are, in the same statement too.
    @Test func documentsInsertedInTheTransactionAndCommittedOnesUpdateByID() async throws {
        let (driver, ledger) = try await Self.ledgerWithTable()
        let committed = try await driver.execute { txn in
            try await txn.execute("INSERT INTO T VALUE {'n': 1}").collect()
        }
        let old = try #require(committed.first?["documentId"])
        var txn = try await ledger.begin()
        let inserted = try await ledger.execute(
            "INSERT INTO T VALUE {'n': 2}", parameters: [], parameterHashes: [], in: &txn)
        let new = try #require(inserted.first?["documentId"])
        let own = try await ledger.execute(
            "UPDATE T AS t BY id SET t.n = 20 WHERE id = ?", parameters: [new], parameterHashes: [], in: &txn)
        #expect(own == [["documentId": new]])
        let both = try await ledger.execute(
            "UPDATE T AS t BY id SET t.m = 3 WHERE id IN (?, ?)", parameters: [new, old], parameterHashes: [],
            in: &txn)
        #expect(Set(both.compactMap { $0["documentId"]?.stringValue }) == Set([new, old].compactMap(\.stringValue)))
        _ = try await ledger.commit(txn, clientDigest: txn.digest.digest.bytes)
        let rows = try await driver.execute { txn in
            try await txn.execute("SELECT t.n, t.m FROM T AS t").collect()
        }
        #expect(Set(rows) == [["n": 1, "m": 3], ["n": 20, "m": 3]])
    }

    /// A block prepared before another that took the lock first gets that block's time and its
    /// hashes again: block times never go back along the chain.
    @Test func blockTimesFollowTheChain() async throws {
        let (_, ledger) = try await Self.ledgerWithTable()
        guard case .local = ledger.writer else { return }
        var first = try await ledger.begin()
        _ = try await ledger.execute("INSERT INTO T VALUE {'n': 1}", parameters: [], parameterHashes: [], in: &first)
        var second = try await ledger.begin()
        _ = try await ledger.execute("INSERT INTO T VALUE {'n': 2}", parameters: [], parameterHashes: [], in: &second)
        let now = Date()
        let early = BlockBuilder.prepare(second, time: now)
        let late = BlockBuilder.prepare(first, time: now.addingTimeInterval(1))
        let (a, b) = try ledger.head.withLock { head in
            (try head.seal(late, of: first), try head.seal(early, of: second))
        }
        let times = try [a, b].map { block in
            try #require(IonValue.decode(binary: block.body).first?["blockTimestamp"]?.timestampValue)
        }
        #expect(times[1] == times[0])
        let revision = try #require(b.revisions.first?.revision)
        #expect(revision.transactionTime == times[1])
        #expect(revision.hash == revision.computedHash)
    }
}
