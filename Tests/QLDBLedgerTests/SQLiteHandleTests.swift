import Foundation
import Testing

@testable import QLDBLedger

/// The store's SQLite connection: values round-trip with their types, errors name SQLite's code
/// and the statement, and the statement cache gives the same answers however full it is.
@Suite struct SQLiteHandleTests {
    func withHandle(_ body: (SQLiteHandle) throws -> Void) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let handle = try SQLiteHandle(path: directory.appendingPathComponent("test.sqlite").path, readOnly: false)
        defer { handle.close() }
        try body(handle)
    }

    @Test func valuesRoundTripWithTheirTypes() throws {
        try withHandle { db in
            try db.query("CREATE TABLE t (a, b, c, d, e, f)")
            let values: [SQLiteValue] = [
                .integer(-7), .real(2.5), .text("Åsa ✓"), .blob([0, 1, 0xFF]), .blob([]), .null,
            ]
            try db.query("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", values)
            #expect(try db.query("SELECT a, b, c, d, e, f FROM t") == [values])
            // An empty blob stays a blob, not NULL.
            #expect(try db.query("SELECT typeof(e), typeof(f) FROM t") == [[.text("blob"), .text("null")]])
        }
    }

    @Test func aStatementRunsAgainWithNewBindings() throws {
        try withHandle { db in
            try db.query("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
            for k in 0..<10 { try db.query("INSERT INTO t VALUES (?, ?)", [.integer(k), .text("v\(k)")]) }
            for k in [3, 0, 9] {
                #expect(try db.query("SELECT v FROM t WHERE k = ?", [.integer(k)]) == [[.text("v\(k)")]])
            }
            // More distinct statements than the cache keeps: it is emptied and filled again.
            for n in 0..<100 {
                #expect(try db.query("SELECT \(n) + k FROM t WHERE k = ?", [.integer(1)]) == [[.integer(n + 1)]])
            }
            #expect(try db.query("SELECT count(*) FROM t") == [[.integer(10)]])
        }
    }

    @Test func failuresNameTheCodeAndTheStatement() throws {
        try withHandle { db in
            let bad = #expect(throws: SQLiteFailure.self) { try db.query("SELECT * FROM missing") }
            #expect(bad?.code == 1)
            #expect(bad?.description == "SQLite error 1: no such table: missing (in SELECT * FROM missing)")
            try db.query("CREATE TABLE t (k INTEGER PRIMARY KEY)")
            try db.query("INSERT INTO t VALUES (1)")
            let duplicate = #expect(throws: SQLiteFailure.self) {
                try db.query("INSERT INTO t VALUES (?)", [.integer(1)])
            }
            #expect(duplicate?.message == "UNIQUE constraint failed: t.k")
            db.close()
            let closed = #expect(throws: SQLiteFailure.self) { try db.query("SELECT 1") }
            #expect(closed?.message == "the connection is closed")
        }
    }
}
