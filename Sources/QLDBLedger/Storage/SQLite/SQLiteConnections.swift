import SQLiteNIO
import Synchronization

/// SQLite connections lent out one caller at a time.
///
/// A connection runs one read transaction at a time, and sqlite-nio runs statements on NIO's
/// thread pool: two callers sharing a connection can have their statements overlap, and the
/// second then reads inside the first's transaction, at a snapshot older than its own (a
/// transaction would miss a commit it must see). So every statement sequence holds its
/// connection alone.
final class SQLiteConnections: Sendable {
    private struct State {
        var idle: [SQLiteConnection]
        var waiters: [CheckedContinuation<SQLiteConnection, Never>] = []
    }

    private let state: Mutex<State>
    /// Every connection, for closing.
    let all: [SQLiteConnection]

    init(_ connections: [SQLiteConnection]) {
        self.all = connections
        self.state = Mutex(State(idle: connections))
    }

    /// Runs `body` with a connection no one else uses meanwhile.
    func with<T: Sendable>(_ body: (SQLiteConnection) async throws -> T) async throws -> T {
        let connection = await checkOut()
        defer { checkIn(connection) }
        return try await body(connection)
    }

    private func checkOut() async -> SQLiteConnection {
        await withCheckedContinuation { continuation in
            let ready: SQLiteConnection? = state.withLock { state in
                if let connection = state.idle.popLast() { return connection }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    private func checkIn(_ connection: SQLiteConnection) {
        let waiter: CheckedContinuation<SQLiteConnection, Never>? = state.withLock { state in
            if state.waiters.isEmpty {
                state.idle.append(connection)
                return nil
            }
            return state.waiters.removeFirst()
        }
        waiter?.resume(returning: connection)
    }
}
