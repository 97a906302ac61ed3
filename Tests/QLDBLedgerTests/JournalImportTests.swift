import Foundation
import Ion
import QLDBDriver
import QLDBHashing
import QLDBLedger
import QLDBSession
import Testing

/// `JournalImport` (`qldb import-export`) on an export written in Amazon QLDB's documented format
/// by AWS's own Python Ion libraries (`scripts/make_qldb_export_fixture.py`), not by this package.
@Suite struct JournalImportTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/qldb-export")
    static let strand = "KmA3ZZca7vAIiJAK9S5Iwl"
    static let dataKey = "exports/2019/09/16/19/KmA3ZZca7vAIiJAK9S5Iwl.1-3.ion"

    /// The fixture's objects by key (the export's prefix is `exports/`), `edit` applied to the data.
    static func objects(_ edit: (String) -> String = { $0 }) throws -> [String: [UInt8]] {
        let data = try String(
            contentsOf: fixture.appendingPathComponent("2019/09/16/19/KmA3ZZca7vAIiJAK9S5Iwl.1-3.ion"), encoding: .utf8)
        return [dataKey: Array(edit(data).utf8)]
    }

    static func importing(_ objects: [String: [UInt8]], into directory: URL) async throws -> JournalImport.Summary {
        try await JournalImport.importExport(
            keys: [dataKey], read: { key in objects[key] ?? [] }, into: directory, ledger: "vehicles",
            logger: quietLogger())
    }

    @Test func aQLDBExportImportsKeepingEveryIdAndHashAndTheChainGoesOn() async throws {
        let manifest = try #require(
            try IonDocument.decode(
                Array(
                    try Data(
                        contentsOf: Self.fixture.appendingPathComponent(
                            "8UyXulxccYLAsbN1aon7e4.KmA3ZZca7vAIiJAK9S5Iwl.completed.manifest")))
            ).first)
        #expect(manifest["keys"]?.elements?.compactMap(\.stringValue) == [Self.dataKey])
        let directory = try temporaryDirectory()
        let summary = try await Self.importing(try Self.objects(), into: directory)
        #expect(summary.strandID == Self.strand)
        #expect(summary.blocks == 3)

        let exported = try IonDocument.decode(try #require(try Self.objects()[Self.dataKey]))
        let ledger = try await Ledger(name: "vehicles", directory: directory, logger: quietLogger())
        let vehicles = driver(on: ledger)
        let history = try await vehicles.execute { txn in
            try await txn.execute("SELECT * FROM history(VehicleRegistration)").collect()
        }
        let exportedRevisions = exported.dropFirst().compactMap { $0["revisions"]?.elements?.first }
        #expect(history == exportedRevisions)
        let current = try await vehicles.execute { txn in
            try await txn.execute("SELECT VALUE r.City FROM VehicleRegistration AS r").collect()
        }
        #expect(current == ["Everett"])
        // The imported blocks verify, and a proof of an imported revision reaches the digest.
        guard case .success(let digest?) = await ledger.verifyChain() else {
            Issue.record("the imported journal does not verify")
            return
        }
        #expect(digest == summary.digest)
        let (revision, proof) = try await ledger.revision(
            at: BlockAddress(strandID: Self.strand, sequenceNo: 3), documentID: "JUJgkIcNbhS2goq8RqLuZ4",
            digestTip: digest.tipAddress)
        #expect(
            JournalHashes.verify(
                revisionHash: QLDBHash(try #require(revision["hash"]?.bytesValue)), proof: try #require(proof),
                digest: digest.digest))

        // New commits chain on from the last imported block.
        try await vehicles.execute { txn in
            try await txn.execute("INSERT INTO VehicleRegistration VALUE {'VIN': 'KM8SRDHF6EU074761'}")
        }
        let next = try #require(try await ledger.blocks(4...4).first)
        #expect(next["blockAddress"]?["strandId"]?.stringValue == Self.strand)
        #expect(next["previousBlockHash"] == exported.last?["blockHash"])
        guard case .success(let after?) = await ledger.verifyChain() else {
            Issue.record("the chain does not verify after a new commit")
            return
        }
        #expect(after.tipAddress.sequenceNo == 4)
        try await vehicles.close()
        await ledger.close()
    }

    @Test(arguments: [
        ("\"Everett\"}", "\"Evereth\"}", 3, "does not match its hash"),
        ("sequenceNo:2}", "sequenceNo:7}", 2, "out of sequence after block 1"),
    ])
    func aDamagedExportStopsTheImportNamingTheBlockAndCreatesNothing(
        find: String, replace: String, block: Int, reason: String
    ) async throws {
        let directory = try temporaryDirectory()
        let damaged = try Self.objects { text in
            // The last occurrence: in block 3 for the data, in block 2's address for the sequence.
            guard let range = text.range(of: find, options: find.hasPrefix("sequenceNo") ? [] : .backwards) else {
                return text
            }
            return text.replacingCharacters(in: range, with: replace)
        }
        let error = await #expect(throws: JournalImportError.self) {
            _ = try await Self.importing(damaged, into: directory)
        }
        #expect(error?.key == Self.dataKey)
        #expect(error?.description.contains(reason) == true, "\(error?.description ?? "")")
        if block != 2 { #expect(error?.block?.sequenceNo == block) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func aBrokenLinkIsNamed() async throws {
        let directory = try temporaryDirectory()
        let exported = try IonDocument.decode(try #require(try Self.objects()[Self.dataKey]))
        // Block 3 as if it followed another block 2: its previous hash no longer links.
        var third = try #require(exported[2].structValue)
        third["previousBlockHash"] = exported[0]["blockHash"]
        let text = try IonValue.encode(text: [exported[0], exported[1], .struct(third)])
        let error = await #expect(throws: JournalImportError.self) {
            _ = try await Self.importing([Self.dataKey: Array(text.utf8)], into: directory)
        }
        #expect(error?.block == BlockAddress(strandID: Self.strand, sequenceNo: 3))
        #expect(error?.reason == "previousBlockHash does not match the previous block's hash")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }
}
