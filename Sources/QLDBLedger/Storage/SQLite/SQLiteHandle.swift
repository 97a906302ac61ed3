// sqlite-nio's vendored SQLite, called directly: its Swift API runs every statement on NIO's
// thread pool (two thread hops per statement) and prepares the SQL again each time, which cost
// the store two thirds of its commit rate (docs/performance.md). The product dependency on
// SQLiteNIO is what builds and links this module.
import Synchronization
import VaporCSQLite

/// A value bound to, or read from, a SQLite statement.
enum SQLiteValue: Sendable, Hashable {
    case null
    case integer(Int)
    case real(Double)
    case text(String)
    case blob([UInt8])

    /// The integer, or `nil` for any other type.
    var integer: Int? { if case .integer(let value) = self { value } else { nil } }
    /// The text, or `nil` for any other type.
    var text: String? { if case .text(let value) = self { value } else { nil } }
    /// The bytes of a blob, or `nil` for any other type.
    var blob: [UInt8]? { if case .blob(let value) = self { value } else { nil } }
}

/// A SQLite call that failed: SQLite's result code and message, and the statement.
struct SQLiteFailure: Error, Sendable, CustomStringConvertible {
    var code: Int32
    var message: String
    var sql: String

    var description: String { "SQLite error \(code): \(message) (in \(sql.prefix(120)))" }
}

/// One SQLite connection, used synchronously on the calling thread, with its prepared statements
/// kept for reuse (the store's statements are few and run many times).
///
/// Thread safety (the reason `@unchecked Sendable` is sound): the connection is opened with
/// `SQLITE_OPEN_FULLMUTEX`, so SQLite serialises every call on it, and the statement cache is
/// touched only by the one caller that holds the handle: ``SQLiteHandlePool`` lends each reader
/// to one caller at a time, and the writer's handle is used only on its
/// ``SQLiteSerialConnection``'s serial queue.
final class SQLiteHandle: @unchecked Sendable {
    private var connection: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    /// Statements whose SQL varies with their arguments (`IN (?, ?, …)`) are cached too; past
    /// this many the cache is emptied.
    private static let maxCachedStatements = 64
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Opens (creating, unless `readOnly`) the database file at `path`.
    init(path: String, readOnly: Bool) throws(SQLiteFailure) {
        var handle: OpaquePointer?
        let flags =
            (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_FULLMUTEX
        let status = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.flatMap { sqlite_nio_sqlite3_errmsg($0).map { String(cString: $0) } } ?? "cannot open"
            sqlite_nio_sqlite3_close_v2(handle)
            throw SQLiteFailure(code: status, message: message, sql: "open \(path)")
        }
        connection = handle
        // A writer holding the lock makes another wait (up to 10 s), not fail at once.
        sqlite_nio_sqlite3_busy_timeout(handle, 10_000)
    }

    deinit { close() }

    /// The WAL's size in frames after this connection's last commit, once ``reportWALSize()``
    /// was called; 0 before.
    var walFrames: Int { walFrameCount.load(ordering: .relaxed) }
    private let walFrameCount = Atomic<Int>(0)

    /// Has SQLite report the WAL's size (``walFrames``) after every commit on this connection.
    /// This replaces SQLite's automatic checkpoint, which is a hook of the same kind: the caller
    /// checkpoints (``SQLiteCheckpointer``).
    func reportWALSize() {
        // Unretained: SQLite calls the hook only inside a call on this connection, which needs
        // the handle alive, and `close()` removes the connection with its hook.
        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = sqlite_nio_sqlite3_wal_hook(
            connection,
            { context, _, _, frames in
                let handle = Unmanaged<SQLiteHandle>.fromOpaque(context!).takeUnretainedValue()
                handle.walFrameCount.store(Int(frames), ordering: .relaxed)
                return SQLITE_OK
            }, context)
    }

    /// Finalises every statement and closes the connection; later calls fail.
    func close() {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        statements = [:]
        if let connection { sqlite_nio_sqlite3_close_v2(connection) }
        connection = nil
    }

    /// Runs one statement to completion: the rows it returns, columns in the order selected.
    @discardableResult
    func query(_ sql: String, _ binds: [SQLiteValue] = []) throws(SQLiteFailure) -> [[SQLiteValue]] {
        let statement = try prepared(sql)
        // Ends the statement's read transaction. The bindings stay until the next call binds
        // every parameter again: sqlite3_clear_bindings would expire the statement (SQLite
        // re-prepares a statement whose plan may depend on a bound value when its bindings
        // are cleared), and parsing it again each time is what this cache avoids.
        defer { sqlite_nio_sqlite3_reset(statement) }
        for (offset, value) in binds.enumerated() {
            try check(bind(value, at: Int32(offset + 1), in: statement), sql)
        }
        var rows: [[SQLiteValue]] = []
        let columns = sqlite_nio_sqlite3_column_count(statement)
        while true {
            let status = sqlite_nio_sqlite3_step(statement)
            if status == SQLITE_DONE { return rows }
            guard status == SQLITE_ROW else { throw failure(status, sql) }
            var row: [SQLiteValue] = []
            row.reserveCapacity(Int(columns))
            for column in 0..<columns { row.append(value(at: column, in: statement)) }
            rows.append(row)
        }
    }

    private func prepared(_ sql: String) throws(SQLiteFailure) -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        guard let connection else {
            throw SQLiteFailure(code: SQLITE_MISUSE, message: "the connection is closed", sql: sql)
        }
        if statements.count >= Self.maxCachedStatements {
            for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
            statements = [:]
        }
        var statement: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(
            connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw failure(status, sql) }
        statements[sql] = statement
        return statement
    }

    private func bind(_ value: SQLiteValue, at index: Int32, in statement: OpaquePointer) -> Int32 {
        switch value {
        case .null: return sqlite_nio_sqlite3_bind_null(statement, index)
        case .integer(let integer): return sqlite_nio_sqlite3_bind_int64(statement, index, Int64(integer))
        case .real(let real): return sqlite_nio_sqlite3_bind_double(statement, index, real)
        case .text(let text):
            var text = text
            return text.withUTF8 { utf8 in
                utf8.withMemoryRebound(to: CChar.self) {
                    sqlite_nio_sqlite3_bind_text(statement, index, $0.baseAddress, Int32($0.count), Self.transient)
                }
            }
        case .blob(let bytes):
            return bytes.withUnsafeBytes {
                // A blob of no bytes is still a blob, not NULL: SQLite needs a pointer for it.
                sqlite_nio_sqlite3_bind_blob(
                    statement, index, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32($0.count),
                    Self.transient)
            }
        }
    }

    private func value(at column: Int32, in statement: OpaquePointer) -> SQLiteValue {
        switch sqlite_nio_sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(Int(sqlite_nio_sqlite3_column_int64(statement, column)))
        case SQLITE_FLOAT: return .real(sqlite_nio_sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            guard let text = sqlite_nio_sqlite3_column_text(statement, column) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            guard count > 0, let bytes = sqlite_nio_sqlite3_column_blob(statement, column) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default: return .null
        }
    }

    private func check(_ status: Int32, _ sql: String) throws(SQLiteFailure) {
        guard status == SQLITE_OK else { throw failure(status, sql) }
    }

    private func failure(_ status: Int32, _ sql: String) -> SQLiteFailure {
        let message = connection.flatMap { sqlite_nio_sqlite3_errmsg($0).map { String(cString: $0) } } ?? "closed"
        return SQLiteFailure(code: status, message: message, sql: sql)
    }
}
