import Foundation
import Ion
import QLDBDriver
import QLDBLedger
import QLDBSession
import Testing

/// The behaviour QLDB applications rely on beyond the reference's examples, on the DMV sample data.
@Suite struct PartiQLSemanticsTests {
    func dmv() async throws -> QLDBDriver {
        let (driver, _, _) = try await embedded()
        try await ReferenceFixtures.loadSampleData(into: driver)
        return driver
    }

    func query(_ driver: QLDBDriver, _ statement: String, _ parameters: IonValue...) async throws -> [IonValue] {
        try await driver.execute { txn in try await txn.execute(statement, parameters: parameters).collect() }
    }

    @Test func aListPositionPastTheEndIsMissingNotNull() async throws {
        let driver = try await dmv()
        _ = try await query(
            driver,
            "UPDATE VehicleRegistration AS r SET r.Owners.SecondaryOwners = [{'PersonId': 'p2'}] WHERE r.VIN = '1N4AL11D75C109151'"
        )
        let present = try await query(
            driver, "SELECT VALUE r.VIN FROM VehicleRegistration AS r WHERE r.Owners.SecondaryOwners[0] IS NOT MISSING")
        #expect(present == ["1N4AL11D75C109151"])
        let nulls = try await query(
            driver, "SELECT VALUE r.VIN FROM VehicleRegistration AS r WHERE r.Owners.SecondaryOwners[0] IS NULL")
        #expect(nulls.count == 4)
        let missing = try await query(
            driver, "SELECT VALUE r.Owners.SecondaryOwners[3] IS MISSING FROM VehicleRegistration AS r WHERE r.VIN = ?",
            "1N4AL11D75C109151")
        #expect(missing == [true])
    }

    @Test func correlatedSourcesEditOneElementOfANestedList() async throws {
        let driver = try await dmv()
        _ = try await query(
            driver,
            "UPDATE VehicleRegistration AS r SET r.Owners.SecondaryOwners = [{'PersonId': 'a'}, {'PersonId': 'b'}, {'PersonId': 'c'}] WHERE r.VIN = ?",
            "1N4AL11D75C109151")
        let unnested = try await query(
            driver,
            "SELECT o.PersonId, i FROM VehicleRegistration AS r, @r.Owners.SecondaryOwners AS o AT i WHERE r.VIN = ?",
            "1N4AL11D75C109151")
        #expect(unnested == [["PersonId": "a", "i": 0], ["PersonId": "b", "i": 1], ["PersonId": "c", "i": 2]])
        let set = try await query(
            driver,
            "FROM VehicleRegistration AS r, @r.Owners.SecondaryOwners AS o WHERE r.VIN = ? AND o.PersonId = 'b' SET o.PersonId = 'B'",
            "1N4AL11D75C109151")
        #expect(set.count == 1)
        _ = try await query(
            driver,
            "FROM VehicleRegistration AS r, @r.Owners.SecondaryOwners AS o WHERE r.VIN = ? AND o.PersonId IN ('a', 'c') REMOVE o",
            "1N4AL11D75C109151")
        let owners = try await query(
            driver, "SELECT VALUE r.Owners.SecondaryOwners FROM VehicleRegistration AS r WHERE r.VIN = ?",
            "1N4AL11D75C109151")
        #expect(owners == [[["PersonId": "B"]]])
    }

    @Test func pathWildcardsCollectEveryValue() async throws {
        let driver = try await dmv()
        let rows = try await query(
            driver,
            "SELECT VALUE v.a[*].b FROM << {'a': [{'b': 1}, {'b': 2}, {'c': 3}]} >> AS v")
        #expect(rows == [[1, 2]])
        let fields = try await query(driver, "SELECT VALUE v.s.* FROM << {'s': {'x': 1, 'y': 'two'}} >> AS v")
        #expect(fields == [[1, "two"]])
        let nested = try await query(driver, "SELECT VALUE v[*][*] FROM << [[1, 2], [3]] >> AS v")
        #expect(nested == [[1, 2, 3]])
    }

    @Test func removingTheAliasDeletesAndSettingItReplacesTheDocument() async throws {
        let driver = try await dmv()
        let removed = try await query(driver, "UPDATE Person AS p REMOVE p WHERE p.GovId = 'LEWISR261LL'")
        #expect(removed.count == 1)
        #expect(try await query(driver, "SELECT * FROM Person AS p WHERE p.GovId = 'LEWISR261LL'").isEmpty)
        let replacement: IonValue = ["FirstName": "Brent", "LastName": "Logan", "GovId": "LOGANB486CG", "Note": "new"]
        let replaced = try await query(
            driver, "UPDATE Person AS p SET p = ? WHERE p.GovId = 'LOGANB486CG'", replacement)
        #expect(replaced.count == 1)
        #expect(try await query(driver, "SELECT * FROM Person AS p WHERE p.GovId = 'LOGANB486CG'") == [replacement])
        let notStruct = await #expect(throws: QLDBSessionError.self) {
            _ = try await query(driver, "UPDATE Person AS p SET p = 5 WHERE p.GovId = 'LOGANB486CG'")
        }
        #expect(
            notStruct?.message == "Type error at line 1, column 28: SET of the whole document needs a struct, got int")
    }

    @Test func starOfAnAliasWithADocumentIdVariable() async throws {
        let driver = try await dmv()
        let id = try #require(
            try await query(driver, "SELECT VALUE pid FROM Person AS p BY pid WHERE p.GovId = 'LEWISR261LL'").first)
        let rows = try await query(driver, "SELECT p.* FROM Person AS p BY pid WHERE pid = ?", id)
        #expect(rows.count == 1)
        #expect(rows.first?["GovId"] == "LEWISR261LL")
        #expect(rows.first?["pid"] == nil)
        let withID = try await query(driver, "SELECT pid, p.* FROM Person AS p BY pid WHERE pid = ?", id)
        #expect(withID.first?["pid"] == id)
        #expect(withID.first?["FirstName"] == "Raul")
    }

    @Test func utcnowIsTheStatementsStartAndTxidTheTransactionsId() async throws {
        let driver = try await dmv()
        let outcome = try await driver.executeWithDetails { txn in
            try await txn.execute("SELECT UTCNOW() AS a, UTCNOW() AS b, TXID() AS t FROM Person").collect()
        }
        let rows = outcome.value
        #expect(rows.count == 5)
        let first = try #require(rows.first)
        #expect(rows.allSatisfy { $0["a"] == first["a"] && $0["b"] == first["a"] })
        #expect(first["t"] == .string(outcome.transactionID))
        _ = try await query(driver, "INSERT INTO Person VALUE { 'firstName': 'Jane', 'createdAt': UTCNOW() }")
        _ = try await query(driver, "UPDATE Person p SET p.updatedAt = UTCNOW() WHERE p.firstName = 'Jane'")
        let jane = try await query(driver, "SELECT VALUE p FROM Person AS p WHERE p.firstName = 'Jane'")
        let created = try #require(jane.first?["createdAt"]?.timestampValue)
        let updated = try #require(jane.first?["updatedAt"]?.timestampValue)
        #expect(created.date <= updated.date)
    }

    @Test func existsAndNestedQueriesOverTheOuterRow() async throws {
        let driver = try await dmv()
        #expect(try await query(driver, "SELECT VALUE EXISTS(`{ a: 1 }`) FROM << 0 >>") == [true])
        let owners = try await query(
            driver,
            "SELECT r.VIN, (SELECT VALUE o.PersonId FROM @r.Owners.SecondaryOwners AS o) AS s FROM VehicleRegistration AS r WHERE r.VIN = ?",
            "1N4AL11D75C109151")
        #expect(owners == [["VIN": "1N4AL11D75C109151", "s": []]])
        let count = try await query(
            driver, "SELECT COUNT(*) AS n, SUM(r.PendingPenaltyTicketAmount) AS total FROM VehicleRegistration AS r")
        #expect(count == [["n": 5, "total": .decimal(IonDecimal(73595, fractionDigits: 2))]])
    }
}
