import Foundation
import Ion
import QLDBDriver
import QLDBLedger
import QLDBSession
import Testing

@Suite struct PartiQLTests {
    @Test func crudThroughTheDriver() async throws {
        let (driver, _, _) = try await embedded()
        try await driver.execute { txn in try await txn.execute("CREATE TABLE Licence") }
        try await driver.execute { txn in try await txn.execute("CREATE INDEX ON Licence (email)") }
        let inserted = try await driver.execute { txn in
            try await txn.execute(
                "INSERT INTO Licence ?",
                [["email": "ann@example.com", "points": 3], ["email": "bob@example.com", "points": 0]] as IonValue
            ).collect()
        }
        #expect(inserted.count == 2)
        let ann = try #require(inserted[0]["documentId"]?.stringValue)
        #expect(ann.count == 22)
        try await driver.execute { txn in
            try await txn.execute("INSERT INTO Licence VALUE {'email': 'cy@example.com', 'points': 9, 'tags': ['a']}")
            try await txn.execute("INSERT INTO Licence << {'email': 'di@example.com', 'points': 1} >>")
        }
        let byIndex = try await driver.execute { txn in
            try await txn.execute("SELECT l.points FROM Licence AS l WHERE l.email = ?", "ann@example.com").collect()
        }
        #expect(byIndex == [["points": 3]])
        let values = try await driver.execute { txn in
            try await txn.execute(
                "SELECT VALUE email FROM Licence WHERE points >= 1 AND NOT email IN ('cy@example.com')"
            ).collect()
        }
        #expect(Set(values) == ["ann@example.com", "di@example.com"])
        let updated = try await driver.execute { txn in
            try await txn.execute(
                "UPDATE Licence AS l SET l.points = l.points + ?, l.address.postcode = 'AB1' WHERE l.email = ?", 2,
                "ann@example.com"
            ).collect()
        }
        #expect(updated == [["documentId": .string(ann)]])
        try await driver.execute { txn in
            try await txn.execute("FROM Licence AS l WHERE l.email = 'cy@example.com' INSERT INTO l.tags VALUE 'b'")
            try await txn.execute("UPDATE Licence AS l REMOVE l.points WHERE l.email = 'bob@example.com'")
        }
        let byID = try await driver.execute { txn in
            try await txn.execute("SELECT * FROM Licence AS l BY id WHERE id = ?", ann).collect()
        }
        #expect(byID == [["email": "ann@example.com", "points": 5, "address": ["postcode": "AB1"]]])
        let cy = try await driver.execute { txn in
            try await txn.execute("SELECT VALUE l.tags FROM Licence l WHERE l.email = 'cy@example.com'").collect()
        }
        #expect(cy == [["a", "b"]])
        let bob = try await driver.execute { txn in
            try await txn.execute("SELECT * FROM Licence WHERE email = 'bob@example.com'").collect()
        }
        #expect(bob == [["email": "bob@example.com"]])
        let deleted = try await driver.execute { txn in
            try await txn.execute("DELETE FROM Licence AS l WHERE l.email = ?", "di@example.com").collect()
        }
        #expect(deleted.count == 1)
        let history = try await driver.execute { txn in
            try await txn.execute("SELECT * FROM history(Licence) AS h WHERE h.metadata.id = ?", ann).collect()
        }
        #expect(history.map { $0["metadata"]?["version"] } == [0, 1])
        #expect(history[1]["data"]?["points"] == 5)
        #expect(history.allSatisfy { $0["hash"]?.type == .blob && $0["blockAddress"]?["sequenceNo"] != nil })
        let committed = try await driver.execute { txn in
            try await txn.execute(
                "SELECT VALUE c.metadata.version FROM _ql_committed_Licence AS c WHERE c.data.email = 'ann@example.com'"
            ).collect()
        }
        #expect(committed == [1])
        #expect(try await driver.tableNames() == ["Licence"])
        let count = try await driver.execute { txn in try await txn.execute("SELECT COUNT(*) FROM Licence").collect() }
        #expect(count == [["_1": 3]])
    }

    @Test func joinsAndCatalog() async throws {
        let (driver, _, _) = try await embedded()
        try await driver.execute { txn in
            try await txn.execute("CREATE TABLE Person")
            try await txn.execute("CREATE TABLE Car")
        }
        try await driver.execute { txn in
            try await txn.execute("INSERT INTO Person VALUE {'id': 1, 'name': 'Ann'}")
            try await txn.execute("INSERT INTO Car VALUE {'owner': 1, 'make': 'Fiat'}")
            try await txn.execute("INSERT INTO Car VALUE {'owner': 2, 'make': 'Ford'}")
        }
        let joined = try await driver.execute { txn in
            try await txn.execute("SELECT p.name, c.make FROM Person AS p INNER JOIN Car AS c ON p.id = c.owner")
                .collect()
        }
        #expect(joined == [["name": "Ann", "make": "Fiat"]])
        let comma = try await driver.execute { txn in
            try await txn.execute("SELECT c.make AS m FROM Person p, Car c WHERE p.id = c.owner").collect()
        }
        #expect(comma == [["m": "Fiat"]])
        try await driver.execute { txn in try await txn.execute("CREATE INDEX ON Car (owner)") }
        let tables = try await driver.execute { txn in
            try await txn.execute("SELECT * FROM information_schema.user_tables WHERE name = 'Car'").collect()
        }
        #expect(tables.first?["indexes"]?[0]?["expr"] == "[owner]")
        #expect(tables.first?["status"] == "ACTIVE")
        try await driver.execute { txn in try await txn.execute("DROP TABLE Car") }
        #expect(try await driver.tableNames() == ["Person"])
        try await driver.execute { txn in try await txn.execute("UNDROP TABLE Car") }
        #expect(Set(try await driver.tableNames()) == ["Person", "Car"])
    }

    @Test(arguments: [
        ("SELECT * FROM", "Syntax error at line 1, column 14: expected a table name, found the end of the statement"),
        (
            "SELECT * FROM Licence WHERE",
            "Syntax error at line 1, column 28: expected an expression, found the end of the statement"
        ),
        (
            "SELECT * FROM Licence ORDER BY x",
            "Semantic error at line 1, column 23: ORDER BY is not part of QLDB's PartiQL"
        ),
        ("SELECT * FROM Nope", "Semantic error at line 1, column 15: No such variable named 'Nope'"),
        (
            "INSERT INTO Licence VALUE 5",
            "INSERT INTO Licence: the value must be a struct or a bag of structs, not int"
        ),
        (
            "SELECT * FROM Licence WHERE a = ?",
            "The statement has 1 parameter placeholder(s) but 0 parameter(s) were sent"
        ),
        (
            "SELEKT 1",
            "Syntax error at line 1, column 1: expected a statement (SELECT, INSERT, UPDATE, DELETE, FROM, CREATE, DROP, UNDROP, EXEC), found 'SELEKT'"
        ),
    ])
    func errorsNameThePosition(statement: String, message: String) async throws {
        let (driver, _, _) = try await embedded()
        try await driver.execute { txn in try await txn.execute("CREATE TABLE Licence") }
        let error = await #expect(throws: QLDBSessionError.self) {
            try await driver.execute { txn in try await txn.execute(statement) }
        }
        #expect(error?.type == "BadRequestException")
        #expect(error?.message == message)
    }

    @Test func limitsAreEnforcedWithClearMessages() async throws {
        let (driver, _, _) = try await embedded()
        try await driver.execute { txn in try await txn.execute("CREATE TABLE T") }
        let many = IonValue.list((0..<41).map { ["n": .int($0)] })
        let error = await #expect(throws: QLDBSessionError.self) {
            try await driver.execute { txn in try await txn.execute("INSERT INTO T ?", many) }
        }
        #expect(error?.message == "Transaction exceeds the limit of 40 documents changed (41)")
        let big = IonValue.struct(IonStruct([.init(name: "blob", value: .blob([UInt8](repeating: 1, count: 140_000)))]))
        let tooBig = await #expect(throws: QLDBSessionError.self) {
            try await driver.execute { txn in try await txn.execute("INSERT INTO T ?", big) }
        }
        #expect(tooBig?.message.hasPrefix("Document size 140") == true)
    }
}

/// Hostile statements through the whole stack (driver, session service, engine) on Swift
/// concurrency threads (512 KB stacks): refused with a limit error, never a crash.
@Suite struct PartiQLLimitsThroughTheLedgerTests {
    @Test(arguments: [
        String(repeating: "(", count: 49_000) + "1" + String(repeating: ")", count: 49_000),
        String(repeating: "1 + (", count: 16_000) + "1" + String(repeating: ")", count: 16_000),
        "`" + String(repeating: "[", count: 49_000) + String(repeating: "]", count: 49_000) + "`",
        String(repeating: "(SELECT VALUE ", count: 3_000) + "1" + String(repeating: " FROM << 0 >>)", count: 3_000),
    ])
    func deepStatementsAreRefused(_ expression: String) async throws {
        let (driver, _, _) = try await embedded()
        let statement = "SELECT VALUE " + expression + " FROM << 0 >>"
        #expect(statement.count <= 100_000)
        let error = await #expect(throws: QLDBSessionError.self) {
            try await driver.execute { txn in try await txn.execute(statement) }
        }
        #expect(error?.type == "BadRequestException")
        #expect(
            error?.message.contains("limit of 40 levels") == true || error?.message.contains("deeper than 20") == true,
            "\(String(describing: error?.message))")
    }

    @Test func statementsAtTheLimitRun() async throws {
        let (driver, _, _) = try await embedded()
        let sum = String(repeating: "1 + (", count: 19) + "1" + String(repeating: ")", count: 19)
        let rows = try await driver.execute { txn in
            try await txn.execute("SELECT VALUE \(sum) FROM << 0 >>").collect()
        }
        #expect(rows == [20])
    }
}
