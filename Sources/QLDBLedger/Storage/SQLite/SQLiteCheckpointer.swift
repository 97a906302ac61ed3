import Logging
import Synchronization

/// Copies committed pages from the write-ahead log into the database file on a connection and a
/// thread of its own, so that group commits do not wait for it.
///
/// SQLite's automatic checkpoint runs inside the commit that takes the WAL past 1,000 frames, on
/// the writer's thread: that commit, and every commit queued behind it, waits while pages are
/// copied and the database file is synced. Here the writer only reports the WAL's size after
/// each commit (``walGrew(to:)``) and a passive checkpoint runs on the checkpointer's
/// queue while the writer goes on appending (SQLite lets one checkpoint run beside a writer).
///
/// A passive checkpoint never restarts the log while commits keep coming (the writer restarts it
/// only when every frame was copied before its transaction began), so past ``restartFrames`` the
/// writer waits while the checkpointer copies what is left and restarts the log: the WAL stays
/// bounded. Durability does not depend on checkpoints: a commit is durable once its
/// frames are synced in the WAL.
final class SQLiteCheckpointer: Sendable {
    /// The frames a commit must have added to the WAL since the last checkpoint began for it to
    /// start another one (SQLite's own automatic checkpoint runs every 1,000).
    let backgroundFrames: Int
    /// The WAL's size in frames from which the writer checkpoints and restarts the log itself.
    let restartFrames: Int
    private let connection: SQLiteSerialConnection
    private let running = Atomic<Bool>(false)
    /// How many background checkpoints have run.
    var backgroundCheckpoints: Int { completed.load(ordering: .relaxed) }
    private let completed = Atomic<Int>(0)
    /// The WAL's size when the last checkpoint began; only the writer's queue reads or writes it.
    private let framesAtLastCheckpoint = Atomic<Int>(0)
    private let logger: Logger

    /// A checkpointer on `handle`, a read-write connection to the writer's database that nothing
    /// else uses. Every checkpoint runs on it, one at a time.
    init(_ handle: SQLiteHandle, backgroundFrames: Int = 1_000, restartFrames: Int = 16_000, logger: Logger) {
        precondition(0 < backgroundFrames && backgroundFrames <= restartFrames, "thresholds out of order")
        self.connection = SQLiteSerialConnection(handle, label: "swift-qldb.sqlite-checkpointer")
        self.backgroundFrames = backgroundFrames
        self.restartFrames = restartFrames
        self.logger = logger
    }

    /// Called on the writer's queue after a commit left `frames` frames in the WAL: restarts the
    /// log past ``restartFrames``, or starts a background checkpoint once ``backgroundFrames``
    /// more have come since the last one began and none is running. (A checkpoint started after
    /// every commit would sync the database file as often as the WAL.)
    func walGrew(to frames: Int) {
        if frames >= restartFrames {
            // Only one connection can checkpoint at a time: a restart beside a background
            // checkpoint would fail at once (SQLITE_BUSY, whatever the busy timeout) and the log
            // would grow until a later commit's restart found the lock free. So the restart runs
            // on the checkpointer's queue, after the checkpoint in progress, and the writer waits
            // for it: it needs the writer idle anyway, and waits for readers still on old frames
            // (the busy timeout). The writer's next commit writes from the start of the log.
            connection.runBlocking { handle in checkpoint("RESTART", on: handle) }
            framesAtLastCheckpoint.store(0, ordering: .relaxed)
            return
        }
        var last = framesAtLastCheckpoint.load(ordering: .relaxed)
        if frames < last {
            // The log restarted by itself: every frame had been copied when a commit began.
            last = 0
            framesAtLastCheckpoint.store(0, ordering: .relaxed)
        }
        guard frames - last >= backgroundFrames, !running.exchange(true, ordering: .acquiringAndReleasing) else {
            return
        }
        framesAtLastCheckpoint.store(frames, ordering: .relaxed)
        connection.submit { [self] handle in
            checkpoint("PASSIVE", on: handle)
            completed.add(1, ordering: .relaxed)
            running.store(false, ordering: .releasing)
        }
    }

    private func checkpoint(_ mode: String, on handle: SQLiteHandle) {
        do {
            // One row: whether the checkpoint was blocked, the WAL's frames, the frames copied.
            let row = try handle.query("PRAGMA wal_checkpoint(\(mode))").first
            if row?.first?.integer == 1 {
                logger.debug(
                    "a checkpoint of the ledger's WAL stopped short",
                    metadata: [
                        "mode": "\(mode)", "log": "\(row?[1].integer ?? -1)", "copied": "\(row?[2].integer ?? -1)",
                    ])
            }
        } catch {
            // Nothing is lost: the frames stay in the WAL for the next checkpoint.
            logger.warning(
                "a checkpoint of the ledger's WAL failed", metadata: ["mode": "\(mode)", "error": "\(error)"])
        }
    }

    /// Waits for a checkpoint in progress, then closes the checkpointer's connection.
    func close() async {
        await connection.close()
    }

    /// Returns once the checkpoint in progress, if any, has finished.
    func waitIdle() async {
        _ = try? await connection.run { _ in }
    }
}
