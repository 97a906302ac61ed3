import Dispatch

/// A connection used only on a serial queue of its own: the store's writer (every write runs
/// there, so a group commit's fsync blocks that queue's thread, never one of Swift's concurrency
/// threads) and a backup's reader (a copy of the whole file).
final class SQLiteSerialConnection: Sendable {
    let handle: SQLiteHandle
    private let queue: DispatchQueue

    init(_ handle: SQLiteHandle, label: String) {
        self.handle = handle
        self.queue = DispatchQueue(label: label)
    }

    /// Runs `body` on the connection's queue, after everything submitted before it.
    @discardableResult
    func run<T: Sendable>(_ body: @escaping @Sendable (SQLiteHandle) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { [handle] in continuation.resume(with: Result { try body(handle) }) }
        }
    }

    /// Runs `body` on the connection's queue, after everything submitted before it, blocking the
    /// calling thread until it returns. Never call it from this connection's own queue.
    func runBlocking<T>(_ body: (SQLiteHandle) throws -> T) rethrows -> T {
        try queue.sync { try body(handle) }
    }

    /// Runs `body` on the connection's queue without waiting for it.
    func submit(_ body: @escaping @Sendable (SQLiteHandle) -> Void) {
        queue.async { [handle] in body(handle) }
    }

    /// Runs `body` in one transaction on the connection's queue: committed when it returns, rolled
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

    /// Closes the connection after everything submitted before.
    func close() async {
        _ = try? await run { $0.close() }
    }
}
