import Dispatch
import Synchronization

/// Reader connections of one database file, each lent to one caller at a time.
///
/// A read runs synchronously on the caller's thread (the store's reads take microseconds; a hop
/// to another thread and back cost more than the read). Since a reader is never held across a
/// suspension, no more are open than threads read at once; a caller that finds none idle opens
/// another.
final class SQLiteHandlePool: Sendable {
    private let idle = Mutex<[SQLiteHandle]>([])
    private let closed = Atomic<Bool>(false)
    let path: String
    let readOnly: Bool

    init(path: String, readOnly: Bool) {
        self.path = path
        self.readOnly = readOnly
    }

    /// Runs `body` with a reader no one else uses meanwhile.
    func with<T>(_ body: (SQLiteHandle) throws -> T) throws -> T {
        let handle = try idle.withLock { $0.popLast() } ?? SQLiteHandle(path: path, readOnly: readOnly)
        defer { if !closed.load(ordering: .acquiring) { idle.withLock { $0.append(handle) } } }
        return try body(handle)
    }

    /// Closes every idle reader; readers in use close when their callers finish.
    func close() {
        closed.store(true, ordering: .releasing)
        let handles = idle.withLock { idle in
            let all = idle
            idle = []
            return all
        }
        for handle in handles { handle.close() }
    }
}

/// The writer connection of one database file and the serial queue every write runs on: a
/// group commit's fsync blocks that queue's thread, never one of Swift's concurrency threads.
final class SQLiteWriter: Sendable {
    let handle: SQLiteHandle
    private let queue: DispatchQueue

    init(_ handle: SQLiteHandle, label: String) {
        self.handle = handle
        self.queue = DispatchQueue(label: label)
    }

    /// Runs `body` on the writer's queue, after every write queued before it.
    @discardableResult
    func run<T: Sendable>(_ body: @escaping @Sendable (SQLiteHandle) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { [handle] in continuation.resume(with: Result { try body(handle) }) }
        }
    }

    /// Runs `body` on the writer's queue without waiting for it.
    func submit(_ body: @escaping @Sendable (SQLiteHandle) -> Void) {
        queue.async { [handle] in body(handle) }
    }

    /// Runs `body` in one transaction on the writer's queue: committed when it returns, rolled
    /// back when it throws.
    @discardableResult
    func transaction<T: Sendable>(_ body: @escaping @Sendable (SQLiteHandle) throws -> T) async throws -> T {
        try await run { handle in
            try handle.query("BEGIN IMMEDIATE")
            do {
                let result = try body(handle)
                try handle.query("COMMIT")
                return result
            } catch {
                _ = try? handle.query("ROLLBACK")
                throw error
            }
        }
    }

    /// Closes the connection after every queued write.
    func close() async {
        _ = try? await run { $0.close() }
    }
}
