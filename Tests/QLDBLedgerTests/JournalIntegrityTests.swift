import Foundation
import Ion
import QLDBDriver
import QLDBLedger
import Testing

/// Damage anywhere in a journal is reported with its block and byte offset and changes nothing;
/// only an incomplete last record is a torn tail, and only an explicit repair removes it.
@Suite struct JournalIntegrityTests {
    /// A journal of a header and five blocks: its bytes, and where each record starts.
    static func makeJournal() async throws -> (bytes: [UInt8], offsets: [Int]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "qldb-integrity-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let ledger = try Ledger(name: "j", directory: directory, logger: quietLogger())
            let service = LedgerService(logger: quietLogger())
            service.add(ledger)
            var configuration = QLDBDriverConfiguration()
            configuration.logger = quietLogger()
            let driver = QLDBDriver(
                ledger: "j", transport: EmbeddedLedgerTransport(service: service), configuration: configuration)
            try await driver.execute { txn in try await txn.execute("CREATE TABLE T") }
            for i in 0..<4 {
                try await driver.execute { txn in try await txn.execute("INSERT INTO T ?", ["n": .int(i)] as IonValue) }
            }
            try await driver.close()
        }
        let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent("j.journal")))
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

    /// Opens `bytes` as a journal read-only; the error, and whether the file is unchanged.
    func open(_ bytes: [UInt8], access: JournalAccess = .readOnly) throws -> (JournalError?, unchanged: Bool, Ledger?) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "qldb-integrity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("j.journal")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let ledger = try Ledger(name: "j", directory: directory, journalAccess: access, logger: quietLogger())
            return (nil, [UInt8](try Data(contentsOf: file)) == bytes, ledger)
        } catch let error as JournalError {
            return (error, [UInt8](try Data(contentsOf: file)) == bytes, nil)
        }
    }

    @Test func theIntactJournalOpens() async throws {
        let journal = try await Self.makeJournal()
        #expect(journal.offsets.count == 6)
        let (error, unchanged, ledger) = try open(journal.bytes)
        #expect(error == nil)
        #expect(unchanged)
        #expect(ledger?.blockCount == 5)
    }

    @Test(arguments: Part.allCases, ["first", "middle", "last"])
    func aFlippedByteIsReportedWhereItIs(_ part: Part, _ which: String) async throws {
        let journal = try await Self.makeJournal()
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
                let (error, unchanged, _) = try open(bytes)
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
        let journal = try await Self.makeJournal()
        let last = journal.offsets.last!
        for cut in last..<journal.bytes.count {
            let bytes = Array(journal.bytes[..<cut])
            let (error, unchanged, ledger) = try open(bytes)
            #expect(unchanged)
            if cut == last {
                #expect(error == nil)
                #expect(ledger?.blockCount == 4)
            } else {
                #expect(error?.kind == .tornTail, "cut at \(cut): \(String(describing: error))")
                #expect(error?.block == 5)
                #expect(error?.offset == last)
            }
        }
    }

    @Test func onlyAnExplicitRepairRemovesATornTail() async throws {
        let journal = try await Self.makeJournal()
        let last = journal.offsets.last!
        let bytes = Array(journal.bytes[..<(last + 20)])
        let (refused, _, _) = try open(bytes, access: .readWrite(repairTornTail: false))
        #expect(refused?.kind == .tornTail)
        let (error, unchanged, ledger) = try open(bytes, access: .readWrite(repairTornTail: true))
        #expect(error == nil)
        #expect(!unchanged)
        #expect(ledger?.blockCount == 4)
        // Corruption is never repaired, even when asked.
        var corrupted = journal.bytes
        corrupted[journal.offsets[2] + 20] ^= 1
        let (notRepaired, stillUnchanged, _) = try open(corrupted, access: .readWrite(repairTornTail: true))
        #expect(notRepaired?.kind == .corrupted)
        #expect(stillUnchanged)
    }

    @Test(arguments: ["../escaped", "a/b", "", "123", "-a", "a-", "a--b", String(repeating: "x", count: 33), "ünï"])
    func ledgerNamesAreQLDBs(_ name: String) {
        #expect(LedgerName.problem(with: name) != nil)
        #expect(throws: LedgerError.self) {
            _ = try Ledger(name: name, directory: FileManager.default.temporaryDirectory, logger: quietLogger())
        }
    }

    @Test func validLedgerNames() {
        for name in ["licences", "vehicle-registration", "a1", "A-b-9", String(repeating: "x", count: 32)] {
            #expect(LedgerName.problem(with: name) == nil, "\(name)")
        }
    }
}
