import Foundation
import Ion
import QLDBDriver
import QLDBHashing
import QLDBLedger
import QLDBSession
import Testing

/// `EXEC redact_revision` on the storage under test: an earlier revision loses its data for the
/// data's hash, the journal records it, and every hash and proof stays valid.
@Suite struct RedactionTests {
    /// A car inserted then updated: (driver, ledger, table id, document id, version 0's block address).
    func carWithTwoRevisions() async throws -> (QLDBDriver, Ledger, String, String, IonValue) {
        let (driver, _, ledger) = try await embedded("redaction")
        try await driver.execute { txn in try await txn.execute("CREATE TABLE Car") }
        let inserted = try await driver.execute { txn in
            try await txn.execute("INSERT INTO Car VALUE {'VIN': 'V1', 'Owner': 'Ann'}").collect()
        }
        let id = try #require(inserted.first?["documentId"]?.stringValue)
        try await driver.execute { txn in try await txn.execute("UPDATE Car AS c SET c.Owner = 'Bob'") }
        let tables = try await driver.execute { txn in
            try await txn.execute("SELECT VALUE tableId FROM information_schema.user_tables WHERE name = 'Car'")
                .collect()
        }
        let history = try await driver.execute { txn in
            try await txn.execute("SELECT * FROM history(Car) AS h WHERE h.metadata.version = 0").collect()
        }
        return (
            driver, ledger, try #require(tables.first?.stringValue), id,
            try #require(history.first?["blockAddress"])
        )
    }

    @Test func anEarlierRevisionIsRedactedAndEveryHashStillHolds() async throws {
        let (driver, ledger, table, id, address) = try await carWithTwoRevisions()
        let before = try await driver.execute { txn in
            try await txn.execute("SELECT * FROM history(Car) AS h WHERE h.metadata.version = 0").collect()
        }
        let original = try #require(before.first)
        let digestBefore = try #require(try await ledger.digest())

        let result = try await driver.execute { txn in
            try await txn.execute("EXEC redact_revision ?, '\(table)', '\(id)'", address).collect()
        }
        #expect(
            result == [
                ["blockAddress": address, "tableId": .string(table), "documentId": .string(id), "version": 0]
            ])

        let after = try await driver.execute { txn in
            try await txn.execute("SELECT * FROM history(Car) AS h WHERE h.metadata.id = ?", id).collect()
        }
        #expect(after.count == 2)
        let redacted = try #require(after.first)
        #expect(redacted["data"] == nil)
        #expect(
            redacted["dataHash"]?.bytesValue == CommitDigest.ionHash(try #require(original["data"])).bytes)
        #expect(redacted["hash"] == original["hash"])
        #expect(after.last?["data"]?["Owner"]?.stringValue == "Bob")

        // The journal: the redacted block holds dataHash, the last block records the redaction
        // in redactionInfo, whose hash is one of its entries.
        let blocks = try await ledger.blocks(1...ledger.blockCount)
        let sequence = try #require(address["sequenceNo"]?.intValue)
        let revisionInBlock = try #require(blocks[sequence - 1]["revisions"]?.elements?.first)
        #expect(revisionInBlock["data"] == nil)
        #expect(revisionInBlock["dataHash"] == redacted["dataHash"])
        let last = try #require(blocks.last)
        let info = try #require(last["redactionInfo"])
        #expect(info["revisions"]?.elements?.first == result.first)
        #expect(
            last["entriesHashList"]?.elements?.contains(.blob(CommitDigest.ionHash(info).bytes)) == true)

        // Verification recomputes every hash from the redacted bodies; a proof of the redacted
        // revision still reaches the digest taken before the redaction.
        guard case .success(let digest?) = await ledger.verifyChain() else {
            Issue.record("the chain does not verify after a redaction")
            return
        }
        #expect(digest == (try await ledger.digest()))
        let blockAddress = try #require(BlockAddress(ionText: try IonValue.encode(text: [address])))
        let (revision, proof) = try await ledger.revision(
            at: blockAddress, documentID: id, digestTip: digestBefore.tipAddress)
        #expect(revision["dataHash"] != nil)
        #expect(
            JournalHashes.verify(
                revisionHash: QLDBHash(try #require(revision["hash"]?.bytesValue)), proof: try #require(proof),
                digest: digestBefore.digest))
    }

    @Test func whatCannotBeRedactedIsRefusedWithTheReason() async throws {
        let (driver, ledger, table, id, address) = try await carWithTwoRevisions()
        let latest = try await driver.execute { txn in
            try await txn.execute("SELECT * FROM history(Car) AS h WHERE h.metadata.version = 1").collect()
        }
        let latestAddress = try #require(latest.first?["blockAddress"])
        let strand = try #require(address["strandId"]?.stringValue)
        let cases: [(IonValue, String, String, String)] = [
            (latestAddress, table, id, "is the document's latest revision, which cannot be redacted"),
            (address, "NoSuchTableIdAAAAAAAAA", id, "no table with id NoSuchTableIdAAAAAAAAA"),
            (address, table, "NoSuchDocumentAAAAAAAA", "has no revision in the block at"),
            (
                ["strandId": .string(strand), "sequenceNo": .int(ledger.blockCount + 5)], table, id,
                "no block at"
            ),
            (.string("block 2"), table, id, "the block address must be"),
        ]
        for (blockAddress, tableID, documentID, reason) in cases {
            let error = await #expect(throws: QLDBSessionError.self) {
                try await driver.execute { txn in
                    try await txn.execute("EXEC redact_revision ?, '\(tableID)', '\(documentID)'", blockAddress)
                }
            }
            #expect(error?.type == "BadRequestException")
            #expect(error?.message.contains(reason) == true, "\(error?.message ?? "no error"): \(reason)")
        }
        let twice = await #expect(throws: QLDBSessionError.self) {
            try await driver.execute { txn in
                try await txn.execute("EXEC redact_revision ?, '\(table)', '\(id)'", address)
                try await txn.execute("EXEC redact_revision ?, '\(table)', '\(id)'", address)
            }
        }
        #expect(twice?.message.contains("only one revision") == true)
        try await driver.execute { txn in try await txn.execute("EXEC redact_revision ?, '\(table)', '\(id)'", address)
        }
        let again = await #expect(throws: QLDBSessionError.self) {
            try await driver.execute { txn in
                try await txn.execute("EXEC redact_revision ?, '\(table)', '\(id)'", address)
            }
        }
        #expect(again?.message.contains("is already redacted") == true)
        let unknown = await #expect(throws: QLDBSessionError.self) {
            try await driver.execute { txn in try await txn.execute("EXEC drop_everything") }
        }
        #expect(unknown?.type == "BadRequestException")
    }
}
