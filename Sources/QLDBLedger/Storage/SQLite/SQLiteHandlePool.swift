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
