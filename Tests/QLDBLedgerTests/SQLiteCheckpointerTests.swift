import Foundation
import Logging
import Testing

@testable import QLDBLedger

/// The WAL is checkpointed beside the writer: the writer learns the log's size from SQLite after
/// each commit, a background checkpoint copies every frame, and past the restart threshold the
/// writer restarts the log, so it stays bounded however long commits keep coming.
@Suite struct SQLiteCheckpointerTests {
    /// A WAL database with table `t`, its writer reporting the WAL's size, and a checkpointer
    /// with small thresholds on a connection of its own.
    func withDatabase(_ body: (SQLiteHandle, SQLiteCheckpointer) async throws -> Void) async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("test.sqlite").path
        let writer = try SQLiteHandle(path: path, readOnly: false)
        defer { writer.close() }
        try writer.query("PRAGMA journal_mode=WAL")
        try writer.query("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)")
        writer.reportWALSize()
        let checkpointer = SQLiteCheckpointer(
            try SQLiteHandle(path: path, readOnly: false), backgroundFrames: 12, restartFrames: 40,
            logger: Logger(label: "test"))
        try await body(writer, checkpointer)
        await checkpointer.close()
    }

    /// One commit of a row big enough for a few pages; the WAL's size after it.
    func commit(_ k: Int, on writer: SQLiteHandle) throws -> Int {
        try writer.query("BEGIN IMMEDIATE")
        try writer.query(
            "INSERT INTO t VALUES (?, ?)", [.integer(k), .blob([UInt8](repeating: UInt8(k % 256), count: 6000))])
        try writer.query("COMMIT")
        return writer.walFrames
    }

    /// The frames in the WAL and how many of them are copied into the database file, from a
    /// passive checkpoint (which copies nothing new here: it runs after the checkpointer's).
    func logAndCheckpointed(_ writer: SQLiteHandle) throws -> (log: Int, checkpointed: Int) {
        let row = try writer.query("PRAGMA wal_checkpoint(PASSIVE)")[0]
        return (row[1].integer ?? -1, row[2].integer ?? -1)
    }

    @Test func theWritersCommitsReportTheWALsSize() async throws {
        try await withDatabase { writer, _ in
            var sizes: [Int] = []
            for k in 0..<3 { sizes.append(try commit(k, on: writer)) }
            // The table's creation left frames already; each row of 6,000 bytes adds pages.
            #expect(sizes[0] > 0)
            #expect(sizes[1] > sizes[0])
            #expect(sizes[2] > sizes[1])
        }
    }

    @Test func aBackgroundCheckpointCopiesEveryFrameCommittedBeforeIt() async throws {
        try await withDatabase { writer, checkpointer in
            var frames = try commit(0, on: writer)
            // Below the threshold nothing is started: the database file keeps its size.
            let before = try fileSize(writer)
            try #require(frames < checkpointer.backgroundFrames)
            checkpointer.walGrew(to: frames)
            await checkpointer.waitIdle()
            #expect(try fileSize(writer) == before)
            #expect(checkpointer.backgroundCheckpoints == 0)
            var k = 1
            while frames < checkpointer.backgroundFrames {
                frames = try commit(k, on: writer)
                k += 1
            }
            // At it, a checkpoint runs on the checkpointer's queue and copies every frame.
            checkpointer.walGrew(to: frames)
            await checkpointer.waitIdle()
            #expect(try fileSize(writer) > before + 6000 * k)
            #expect(checkpointer.backgroundCheckpoints == 1)
            let state = try logAndCheckpointed(writer)
            #expect(state.log == frames)
            #expect(state.checkpointed == frames)
        }
    }

    @Test func aCheckpointStartsOnceEnoughFramesCameSinceTheLastBegan() async throws {
        try await withDatabase { writer, checkpointer in
            // A reader's open transaction keeps the log from restarting, so it only grows.
            let reader = try SQLiteHandle(
                path: try #require(try writer.query("PRAGMA database_list").first?[2].text), readOnly: true)
            defer { reader.close() }
            try reader.query("BEGIN")
            _ = try reader.query("SELECT count(*) FROM t")
            var frames = 0
            var k = 0
            func commitUntil(_ target: Int) throws {
                while frames < target {
                    frames = try commit(k, on: writer)
                    k += 1
                }
            }
            try commitUntil(checkpointer.backgroundFrames)
            let first = frames
            checkpointer.walGrew(to: frames)
            await checkpointer.waitIdle()
            #expect(checkpointer.backgroundCheckpoints == 1)
            try commitUntil(frames + 1)
            try #require(frames - first < checkpointer.backgroundFrames)
            checkpointer.walGrew(to: frames)
            await checkpointer.waitIdle()
            #expect(checkpointer.backgroundCheckpoints == 1)
            try commitUntil(first + checkpointer.backgroundFrames)
            checkpointer.walGrew(to: frames)
            await checkpointer.waitIdle()
            #expect(checkpointer.backgroundCheckpoints == 2)
            try reader.query("COMMIT")
        }
    }

    /// The size of the database file (not its WAL).
    func fileSize(_ writer: SQLiteHandle) throws -> Int {
        let path = try #require(try writer.query("PRAGMA database_list").first?[2].text)
        return try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    }

    @Test func pastTheRestartThresholdTheLogStartsAgain() async throws {
        try await withDatabase { writer, checkpointer in
            var frames = 0
            var k = 0
            var largest = 0
            // Commits keep coming as the checkpointer is asked after each: the log never grows
            // much past the restart threshold, even when a background checkpoint is still running
            // as the threshold is crossed (the restart waits for it; one beside it would fail
            // with SQLITE_BUSY and the log would grow: 6 of 40 runs of this test on a loaded
            // machine reached 56–87 frames that way).
            for _ in 0..<60 {
                frames = try commit(k, on: writer)
                largest = max(largest, frames)
                checkpointer.walGrew(to: frames)
                k += 1
            }
            await checkpointer.waitIdle()
            #expect(largest >= checkpointer.restartFrames)
            #expect(largest < checkpointer.restartFrames + 10)
            #expect(try writer.query("SELECT count(*) FROM t") == [[.integer(60)]])
        }
    }
}
