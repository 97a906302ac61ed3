import Foundation
import Ion
import QLDBDriver
import QLDBHashing
import QLDBLedger
import QLDBSession
import Testing

@Suite struct JournalTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("swift-qldb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func driver(_ ledger: Ledger) -> QLDBDriver {
        let service = LedgerService(logger: quietLogger())
        service.add(ledger)
        var configuration = QLDBDriverConfiguration()
        configuration.logger = quietLogger()
        return QLDBDriver(
            ledger: ledger.name, transport: EmbeddedLedgerTransport(service: service), configuration: configuration)
    }

    @Test func aReopenedLedgerHasEveryCommit() async throws {
        let directory = try temporaryDirectory()
        do {
            let ledger = try Ledger(name: "books", directory: directory, logger: quietLogger())
            let driver = driver(ledger)
            try await driver.execute { txn in try await txn.execute("CREATE TABLE Book") }
            try await driver.execute { txn in try await txn.execute("CREATE INDEX ON Book (isbn)") }
            for i in 0..<20 {
                try await driver.execute { txn in
                    try await txn.execute("INSERT INTO Book ?", ["isbn": .int(i)] as IonValue)
                }
            }
            try await driver.execute { txn in try await txn.execute("UPDATE Book SET title = 'x' WHERE isbn = 3") }
            try await driver.execute { txn in try await txn.execute("DELETE FROM Book WHERE isbn = 4") }
        }
        let reopened = try Ledger(name: "books", directory: directory, logger: quietLogger())
        #expect(reopened.blockCount == 24)
        let rows = try await driver(reopened).execute { txn in
            try await txn.execute("SELECT VALUE isbn FROM Book").collect()
        }
        #expect(rows.count == 19)
        let three = try await driver(reopened).execute { txn in
            try await txn.execute("SELECT * FROM Book WHERE isbn = 3").collect()
        }
        #expect(three == [["isbn": 3, "title": "x"]])
        guard case .success(let digest?) = reopened.verifyChain() else {
            Issue.record("the chain does not verify")
            return
        }
        #expect(digest.tipAddress.sequenceNo == 24)
    }

    @Test func aTornTailIsRefusedUnlessItsRepairIsAskedFor() async throws {
        let directory = try temporaryDirectory()
        do {
            let ledger = try Ledger(name: "l", directory: directory, logger: quietLogger())
            let driver = driver(ledger)
            try await driver.execute { txn in try await txn.execute("CREATE TABLE T") }
            try await driver.execute { txn in try await txn.execute("INSERT INTO T VALUE {'a': 1}") }
        }
        let file = directory.appendingPathComponent("l.journal")
        let handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0, 0, 1, 0, 9, 9, 9]))
        try handle.close()
        let size = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as! Int
        let refused = #expect(throws: JournalError.self) {
            _ = try Ledger(name: "l", directory: directory, logger: quietLogger())
        }
        #expect(refused?.kind == .tornTail)
        #expect(refused?.block == 3)
        #expect(refused?.offset == size - 7)
        #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as! Int == size)
        let reopened = try Ledger(
            name: "l", directory: directory, journalAccess: .readWrite(repairTornTail: true), logger: quietLogger())
        #expect(reopened.blockCount == 2)
        #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as! Int == size - 7)
        let rows = try await driver(reopened).execute { txn in try await txn.execute("SELECT * FROM T").collect() }
        #expect(rows == [["a": 1]])
    }

    @Test func aTamperedBlockIsRefused() async throws {
        let directory = try temporaryDirectory()
        do {
            let ledger = try Ledger(name: "l", directory: directory, logger: quietLogger())
            let driver = driver(ledger)
            try await driver.execute { txn in try await txn.execute("CREATE TABLE T") }
            try await driver.execute { txn in try await txn.execute("INSERT INTO T VALUE {'owner': 'alice'}") }
        }
        let file = directory.appendingPathComponent("l.journal")
        var bytes = [UInt8](try Data(contentsOf: file))
        // Change "alice" to "alicf" and fix the record checksum, as a forger would.
        let needle = Array("alice".utf8)
        let at = try #require((0..<bytes.count - 5).last { Array(bytes[$0..<$0 + 5]) == needle })
        bytes[at + 4] = UInt8(ascii: "f")
        var offset = 0
        var recordStart = 0
        while offset < bytes.count {
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            if at >= offset && at < offset + 12 + length { recordStart = offset }
            offset += 12 + length
        }
        let length = bytes[recordStart..<recordStart + 4].reduce(0) { $0 << 8 | Int($1) }
        let payload = Array(bytes[(recordStart + 12)..<(recordStart + 12 + length)])
        bytes.replaceSubrange((recordStart + 4)..<(recordStart + 12), with: QLDBHash.sha256(payload).bytes.prefix(8))
        try Data(bytes).write(to: file)
        let error = #expect(throws: JournalError.self) {
            _ = try Ledger(name: "l", directory: directory, logger: quietLogger())
        }
        #expect(error?.kind == .corrupted)
        #expect(error?.block == 2)
        #expect(error?.offset == recordStart)
        #expect(error?.reason.contains("does not match its hash") == true)
    }

    @Test func proofsOfEveryRevisionVerifyAgainstTheDigest() async throws {
        let (driver, _, ledger) = embedded()
        try await driver.execute { txn in try await txn.execute("CREATE TABLE T") }
        var ids: [String] = []
        for i in 0..<7 {
            let result = try await driver.execute { txn in
                try await txn.execute("INSERT INTO T ?", [["n": .int(i)], ["n": .int(i + 100)]] as IonValue).collect()
            }
            ids += result.compactMap { $0["documentId"]?.stringValue }
        }
        for id in ids {
            let proof = try #require(ledger.proof(table: "T", documentID: id))
            #expect(
                JournalHashes.verify(
                    revisionHash: proof.revision.hash, proof: proof.hashes, digest: proof.digest.digest))
            var wrong = proof.revision.hash.bytes
            wrong[0] ^= 1
            #expect(
                !JournalHashes.verify(revisionHash: QLDBHash(wrong), proof: proof.hashes, digest: proof.digest.digest))
        }
        #expect(ledger.digest()?.tipAddress.sequenceNo == 8)
    }

    @Test func groupCommitSharesFsyncs() async throws {
        let directory = try temporaryDirectory()
        let ledger = try Ledger(name: "g", directory: directory, logger: quietLogger())
        let service = LedgerService(logger: quietLogger())
        service.add(ledger)
        var setup = RawSession(service)
        try await setup.start("g")
        try await setup.begin()
        try await setup.execute("CREATE TABLE T")
        try await setup.commit()
        // 64 transactions with their statements done, then all committed at once. How many
        // commits arrive during one fsync depends on scheduling (another test hogging both
        // cores can serialise them), so the round is tried up to three times: group commit
        // must share fsyncs in at least one.
        var fsyncsPerRound: [Int] = []
        for round in 0..<3 {
            var sessions: [RawSession] = []
            for i in 0..<64 {
                var session = RawSession(service)
                try await session.start("g")
                try await session.begin()
                try await session.execute("INSERT INTO T ?", ["n": .int(round * 64 + i)])
                sessions.append(session)
            }
            let before = ledger.journalSyncs
            try await withThrowingTaskGroup(of: Void.self) { group in
                for session in sessions { group.addTask { try await session.commit() } }
                try await group.waitForAll()
            }
            fsyncsPerRound.append(ledger.journalSyncs - before)
            if fsyncsPerRound.last! < 64 { break }
        }
        #expect(fsyncsPerRound.contains { $0 < 64 }, "fsyncs for 64 concurrent commits, per round: \(fsyncsPerRound)")
        #expect(ledger.blockCount == 1 + 64 * fsyncsPerRound.count)
    }
}
