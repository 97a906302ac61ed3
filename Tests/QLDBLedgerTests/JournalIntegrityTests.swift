import Foundation
import Ion
import QLDBDriver
import QLDBLedger
import Testing

/// Journal files of earlier versions are converted once into the store. Damage anywhere in one
/// is reported with its block and byte offset and converts nothing; only an incomplete last
/// record is a torn tail, and only an explicit repair removes it. The fixture is a journal the
/// previous release wrote: a licence ledger of 10 blocks.
@Suite struct JournalIntegrityTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/licences.journal")
    /// Its digest, as `qldb verify` of that release printed it.
    static let fixtureDigest = "Mrcclg5qBNzkNeU76Un53B4GTxhMSWQX+FSVbcRPkiU="

    /// The fixture's bytes and where each record starts.
    static func makeJournal() throws -> (bytes: [UInt8], offsets: [Int]) {
        let bytes = [UInt8](try Data(contentsOf: fixture))
        var offsets: [Int] = []
        var offset = 0
        while offset < bytes.count {
            offsets.append(offset)
            offset += 12 + bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        }
        return (bytes, offsets)
    }

    enum Part: String, CaseIterable, Sendable {
        case length, checksum, payload
    }

    /// Verifies `bytes` as a journal file read-only, or with `.readWrite` opens the ledger,
    /// converting it: the error, whether the journal file is unchanged, and the blocks found.
    /// A conversion that fails leaves no store behind.
    func open(_ bytes: [UInt8], access: JournalAccess = .readOnly) async throws -> (
        JournalError?, unchanged: Bool, blocks: Int?
    ) {
        let directory = try temporaryDirectory()
        let file = directory.appendingPathComponent("licences.journal")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let blocks: Int
            if access == .readOnly {
                blocks =
                    try await Ledger.verifyJournalFile(
                        name: "licences", directory: directory, repairTornTail: false, logger: quietLogger()
                    )?.tipAddress.sequenceNo ?? 0
            } else {
                let ledger = try await Ledger(
                    name: "licences", directory: directory, journalAccess: access, logger: quietLogger())
                blocks = ledger.blockCount
                await ledger.close()
            }
            return (nil, [UInt8](try Data(contentsOf: file)) == bytes, blocks)
        } catch let error as JournalError {
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            #expect(leftovers == ["licences.journal"], "a failed conversion left \(leftovers)")
            return (error, [UInt8](try Data(contentsOf: file)) == bytes, nil)
        }
    }

    @Test func theJournalConvertsOnceToTheSameDigest() async throws {
        let directory = try temporaryDirectory()
        let journal = directory.appendingPathComponent("licences.journal")
        try FileManager.default.copyItem(at: Self.fixture, to: journal)
        let ledger = try await Ledger(name: "licences", directory: directory, logger: quietLogger())
        #expect(ledger.blockCount == 10)
        #expect(try await ledger.digest()?.digest.base64 == Self.fixtureDigest)
        guard case .success(let verified?) = await ledger.verifyChain() else {
            Issue.record("the converted ledger does not verify")
            return
        }
        #expect(verified.digest.base64 == Self.fixtureDigest)
        // Its data is served: the licence whose points were added has two revisions.
        let service = LedgerService(logger: quietLogger())
        service.add(ledger)
        var session = RawSession(service)
        try await session.start("licences")
        try await session.begin()
        let found = try await session.execute(
            "SELECT VALUE penaltyPoints FROM Licence WHERE email = 'v2@example.com'")
        #expect(found == [3])
        try await session.commit()
        await ledger.close()
        #expect([UInt8](try Data(contentsOf: journal)) == [UInt8](try Data(contentsOf: Self.fixture)))
        // Once converted, the store is what opens; the journal file is not read again.
        try Data([0xFF]).write(to: journal)
        let reopened = try await Ledger(name: "licences", directory: directory, logger: quietLogger())
        #expect(reopened.blockCount == 10)
    }

    @Test(arguments: Part.allCases, ["first", "middle", "last"])
    func aFlippedByteIsReportedWhereItIs(_ part: Part, _ which: String) async throws {
        let journal = try Self.makeJournal()
        let offsets = journal.offsets
        let record = which == "first" ? 0 : which == "middle" ? 3 : offsets.count - 1
        let start = offsets[record]
        let end = record + 1 < offsets.count ? offsets[record + 1] : journal.bytes.count
        let positions: [Int]
        switch part {
        case .length: positions = Array(start..<start + 4)
        case .checksum: positions = Array(start + 4..<start + 12)
        case .payload: positions = [start + 12, (start + 12 + end) / 2, end - 1]
        }
        for position in positions {
            for bit in [0, 7] {
                var bytes = journal.bytes
                bytes[position] ^= UInt8(1 << bit)
                let (error, unchanged, _) = try await open(bytes)
                #expect(unchanged, "byte \(position) bit \(bit): the file changed")
                let found = try #require(
                    error, "byte \(position) bit \(bit) of the \(which) record's \(part) went unnoticed")
                #expect(found.block == record, "\(found)")
                #expect(found.offset == start, "\(found)")
                // Only a last record whose length now runs past the end, and is still a possible
                // block's length (at most 64 MB), looks like a torn tail.
                let length = bytes[start..<start + 4].reduce(0) { $0 << 8 | Int($1) }
                let lengthGrew = part == .length && length > end - start - 12 && length <= 64 * 1024 * 1024
                let expected: JournalError.Kind = record == offsets.count - 1 && lengthGrew ? .tornTail : .corrupted
                #expect(found.kind == expected, "byte \(position) bit \(bit): \(found)")
            }
        }
    }

    @Test func truncatingAnywhereInTheLastRecordIsATornTail() async throws {
        let journal = try Self.makeJournal()
        let last = journal.offsets.last!
        for cut in last..<journal.bytes.count {
            let bytes = Array(journal.bytes[..<cut])
            let (error, unchanged, blocks) = try await open(bytes)
            #expect(unchanged)
            if cut == last {
                #expect(error == nil)
                #expect(blocks == 9)
            } else {
                #expect(error?.kind == .tornTail, "cut at \(cut): \(String(describing: error))")
                #expect(error?.block == 10)
                #expect(error?.offset == last)
            }
        }
    }

    @Test func onlyAnExplicitRepairRemovesATornTail() async throws {
        let journal = try Self.makeJournal()
        let last = journal.offsets.last!
        let bytes = Array(journal.bytes[..<(last + 20)])
        let (refused, _, _) = try await open(bytes, access: .readWrite(repairTornTail: false))
        #expect(refused?.kind == .tornTail)
        let (error, unchanged, blocks) = try await open(bytes, access: .readWrite(repairTornTail: true))
        #expect(error == nil)
        #expect(!unchanged)
        #expect(blocks == 9)
        // Corruption is never repaired, even when asked.
        var corrupted = journal.bytes
        corrupted[journal.offsets[2] + 20] ^= 1
        let (notRepaired, stillUnchanged, _) = try await open(corrupted, access: .readWrite(repairTornTail: true))
        #expect(notRepaired?.kind == .corrupted)
        #expect(stillUnchanged)
    }

    @Test(arguments: ["../escaped", "a/b", "", "123", "-a", "a-", "a--b", String(repeating: "x", count: 33), "ünï"])
    func ledgerNamesAreQLDBs(_ name: String) async {
        #expect(LedgerName.problem(with: name) != nil)
        await #expect(throws: LedgerError.self) {
            _ = try await Ledger(name: name, directory: FileManager.default.temporaryDirectory, logger: quietLogger())
        }
    }

    @Test func validLedgerNames() {
        for name in ["licences", "vehicle-registration", "a1", "A-b-9", String(repeating: "x", count: 32)] {
            #expect(LedgerName.problem(with: name) == nil, "\(name)")
        }
    }
}
