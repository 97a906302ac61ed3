import Foundation
import Ion
import QLDBDriver
import Testing

@testable import QLDBLedger

/// A ledger parses each statement text once; what it keeps is bounded, and errors are never kept.
@Suite struct ParsedStatementCacheTests {
    @Test func aTextParsedBeforeComesFromTheCache() throws {
        let cache = ParsedStatementCache(limits: LedgerLimits().parserLimits)
        let first = try cache.parse("SELECT * FROM T WHERE id = ?")
        let second = try cache.parse("SELECT * FROM T WHERE id = ?")
        #expect(cache.count == 1)
        #expect(first.summary == second.summary)
        #expect(second.parameterCount == 1)
        _ = try cache.parse("SELECT * FROM U WHERE id = ?")
        #expect(cache.count == 2)
    }

    @Test func aTextThatDoesNotParseIsNotKeptAndFailsAlike() {
        let cache = ParsedStatementCache(limits: LedgerLimits().parserLimits)
        let first = #expect(throws: (any Error).self) { try cache.parse("SELEKT 1") }
        let second = #expect(throws: (any Error).self) { try cache.parse("SELEKT 1") }
        #expect(first.map { "\($0)" } == second.map { "\($0)" })
        #expect(first.map { "\($0)" }?.isEmpty == false)
        #expect(cache.count == 0)
    }

    /// The limits are the cache's: a statement nested beyond them fails however often it is sent.
    @Test func theLimitsHold() {
        var limits = LedgerLimits()
        limits.statementNestingDepth = 3
        let cache = ParsedStatementCache(limits: limits.parserLimits)
        let deep = "SELECT * FROM T WHERE a = ((((1))))"
        #expect(throws: (any Error).self) { try cache.parse(deep) }
        #expect(throws: (any Error).self) { try cache.parse(deep) }
        #expect(cache.count == 0)
    }

    @Test func itForgetsEverythingWhenFullAndSkipsLongTexts() throws {
        let cache = ParsedStatementCache(limits: LedgerLimits().parserLimits, capacity: 4, maxCharacters: 40)
        for n in 0..<4 { _ = try cache.parse("SELECT * FROM T WHERE n = \(n)") }
        #expect(cache.count == 4)
        _ = try cache.parse("SELECT * FROM T WHERE n = 4")
        #expect(cache.count == 1)
        let long = "SELECT * FROM T WHERE n = 1 AND m = 2 AND o = 3"
        #expect(long.utf8.count > 40)
        _ = try cache.parse(long)
        #expect(cache.count == 1)
    }

    /// The same statement text with other parameters, through the ledger: each execution binds
    /// its own.
    @Test func aCachedStatementBindsEachExecutionsParameters() async throws {
        let (driver, _, ledger) = try await embedded()
        try await driver.execute { txn in try await txn.execute("CREATE TABLE T") }
        for n in 0..<3 {
            try await driver.execute { txn in
                _ = try await txn.execute("INSERT INTO T ?", ["n": .int(IonInt(n))] as IonValue).collect()
            }
        }
        for n in 0..<3 {
            let rows = try await driver.execute { txn in
                try await txn.execute("SELECT n FROM T WHERE n = ?", IonValue.int(IonInt(n))).collect()
            }
            #expect(rows == [["n": .int(IonInt(n))]])
        }
        #expect(ledger.parsedStatements.count == 3)
    }
}
