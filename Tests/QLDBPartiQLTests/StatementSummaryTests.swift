import QLDBPartiQL
import Testing

/// What the permissions check reads before a statement runs: its kind and the tables it touches.
@Suite struct StatementSummaryTests {
    typealias Use = StatementSummary.TableUse

    @Test(arguments: [
        (
            "SELECT * FROM Person AS p, VehicleRegistration AS r WHERE p.GovId = r.GovId", "PartiQLSelect",
            ["Person:read", "VehicleRegistration:read"]
        ),
        ("SELECT * FROM history(Person) AS h", "PartiQLSelect", ["Person:history"]),
        ("SELECT * FROM _ql_committed_Person", "PartiQLSelect", ["Person:read"]),
        ("SELECT * FROM information_schema.user_tables", "PartiQLSelect", []),
        ("INSERT INTO Person ?", "PartiQLInsert", ["Person:write"]),
        ("UPDATE Person AS p SET p.x = 1", "PartiQLUpdate", ["Person:write"]),
        ("UPDATE Person AS p REMOVE p WHERE p.x = 1", "PartiQLDelete", ["Person:write"]),
        ("UPDATE Person AS p REMOVE x", "PartiQLUpdate", ["Person:write"]),
        (
            "FROM VehicleRegistration AS r, @r.Owners.SecondaryOwners AS o WHERE o.PersonId = 'a' REMOVE o",
            "PartiQLUpdate", ["VehicleRegistration:write"]
        ),
        ("DELETE FROM Person AS p WHERE p.x = 1", "PartiQLDelete", ["Person:write"]),
        ("CREATE TABLE Person", "PartiQLCreateTable", ["Person:definition"]),
        ("CREATE INDEX ON Person (GovId)", "PartiQLCreateIndex", ["Person:definition"]),
        ("DROP INDEX \"abc\" ON Person WITH (purge = true)", "PartiQLDropIndex", ["Person:definition"]),
        ("DROP TABLE Person", "PartiQLDropTable", ["Person:definition"]),
        ("UNDROP TABLE \"5PLf9SXwndd63lPaSIa0O6\"", "PartiQLUndropTable", ["5PLf9SXwndd63lPaSIa0O6:definition"]),
        ("EXEC redact_revision `{strandId: \"a\", sequenceNo: 1}`, 't', 'd'", "PartiQLRedact", []),
    ])
    func kindAndTables(_ text: String, kind: String, tables: [String]) throws {
        let summary = try Parser.parse(text).summary
        #expect(summary.kind.rawValue == kind)
        #expect(summary.tables.map { "\($0.table):\($0.access.rawValue)" } == tables)
    }

    @Test func createTableReadsItsTags() throws {
        let tagged = try Parser.parse(
            "CREATE TABLE Vehicle WITH (aws_tags = `{'key1': 'value1', key2: \"value2\"}`)")
        #expect(tagged.summary.tagsOnCreation == ["key1": "value1", "key2": "value2"])
        #expect(try Parser.parse("CREATE TABLE Vehicle").summary.tagsOnCreation == [:])
        #expect(try Parser.parse("INSERT INTO Vehicle ?").summary.tagsOnCreation == [:])
    }

    @Test(arguments: [
        (
            "CREATE TABLE T WITH (purge = true)",
            "Syntax error at line 1, column 22: expected aws_tags (the one option of CREATE TABLE … WITH), found 'purge'"
        ),
        (
            "CREATE TABLE T WITH (aws_tags = 'x')",
            "Semantic error at line 1, column 33: aws_tags must be an Ion struct in backticks, such as `{'environment': 'production'}`"
        ),
        (
            "CREATE TABLE T WITH (aws_tags = `{a: 1}`)",
            "Semantic error at line 1, column 33: The value of tag 'a' must be a string or a symbol"
        ),
        (
            "CREATE TABLE T WITH (aws_tags = `{a: b, a: c}`)",
            "Semantic error at line 1, column 22: Tag 'a' is given twice in aws_tags"
        ),
        (
            "CREATE TABLE T WITH (aws_tags = `{a: b}`",
            "Syntax error at line 1, column 41: expected ')', found the end of the statement"
        ),
    ])
    func badTagClausesSayWhatIsWrongAndWhere(_ text: String, message: String) {
        #expect(throws: (any Error).self) { try Parser.parse(text) }
        do {
            _ = try Parser.parse(text)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func catalogReadsAndParametersAreCounted() throws {
        let parsed = try Parser.parse(
            "SELECT * FROM information_schema.user_tables AS t WHERE t.name = ? OR t.name = ?")
        #expect(parsed.summary.readsCatalog)
        #expect(parsed.parameterCount == 2)
    }
}
