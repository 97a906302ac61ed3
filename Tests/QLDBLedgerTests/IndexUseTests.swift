import Ion
import QLDBDriver
import Testing

@testable import QLDBLedger

/// Equality and IN on an indexed top-level field (or on the BY variable) read only the matching
/// documents; every other condition scans. The read set recorded for OCC shows which happened.
@Suite struct IndexUseTests {
    enum Read: Equatable, CustomStringConvertible {
        case scan
        case index([IonValue])
        case documents(Int)

        var description: String {
            switch self {
            case .scan: "scan"
            case .index(let values): "index \(values)"
            case .documents(let n): "\(n) document(s) by id"
            }
        }
    }

    @Test(arguments: [
        ("SELECT * FROM T WHERE email = 'a@x'", Read.index(["a@x"]), 1),
        ("SELECT * FROM T AS t WHERE t.email = ?", .index(["b@x"]), 1),
        ("SELECT * FROM T AS t WHERE 'a@x' = t.email AND t.points >= 1", .index(["a@x"]), 1),
        ("SELECT * FROM T AS t WHERE t.email IN ('a@x', 'c@x')", .index(["a@x", "c@x"]), 2),
        ("SELECT * FROM T AS t WHERE t.email = 'a@x' OR t.points > 1", .scan, 3),
        ("SELECT * FROM T AS t WHERE t.points = 1", .scan, 1),
        ("SELECT * FROM T AS t WHERE UPPER(t.email) = 'A@X'", .scan, 1),
        ("SELECT * FROM T AS t WHERE t.email LIKE 'a%'", .scan, 1),
        ("SELECT * FROM T AS t BY id WHERE id = 'nope'", .documents(1), 0),
        ("UPDATE T AS t SET t.points = 9 WHERE t.email = 'c@x'", .index(["c@x"]), 1),
        ("DELETE FROM T AS t WHERE t.email = 'c@x'", .index(["c@x"]), 1),
        ("FROM T AS t WHERE t.email = 'a@x' INSERT INTO t.tags VALUE 'n'", .index(["a@x"]), 1),
        ("SELECT t.email, u.email FROM T AS t, T AS u WHERE t.email = 'a@x'", .scan, 3),
    ])
    func readsOnlyWhatTheConditionAllows(_ statement: String, expected: Read, rows: Int) async throws {
        let (driver, _, ledger) = try await embedded()
        try await driver.execute { txn in
            try await txn.execute("CREATE TABLE T")
            try await txn.execute("CREATE INDEX ON T (email)")
        }
        try await driver.execute { txn in
            try await txn.execute(
                "INSERT INTO T ?",
                [
                    ["email": "a@x", "points": 1, "tags": []], ["email": "b@x", "points": 2],
                    ["email": "c@x", "points": 3],
                ] as IonValue)
        }
        var txn = try await ledger.begin()
        defer { ledger.abort(txn) }
        let parameters: [IonValue] = statement.contains("?") ? ["b@x"] : []
        let results = try await ledger.execute(statement, parameters: parameters, parameterHashes: [], in: &txn)
        #expect(results.count == rows)
        let read: Read
        if !txn.reads.documents.isEmpty && txn.reads.values.isEmpty && txn.reads.tables.isEmpty
            && !statement.hasPrefix("UPDATE") && !statement.hasPrefix("DELETE") && !statement.hasPrefix("FROM")
        {
            read = .documents(txn.reads.documents.count)
        } else if !txn.reads.tables.isEmpty {
            read = .scan
        } else {
            read = .index(txn.reads.values.map(\.value).sorted { "\($0)" < "\($1)" })
        }
        #expect(read == expected)
    }
}
