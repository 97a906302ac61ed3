import Foundation
import Ion
import QLDBDriver
import QLDBSession
import QLDBTesting
import Synchronization
import Testing

@testable import QLDBLedger

/// Statements hold no ledger-wide lock: while one is held mid-way, other transactions keep
/// committing and it still reads its snapshot; and a statement still running when its
/// transaction expires stops.
@Suite struct StatementConcurrencyTests {
    @Test func otherSessionsCommitWhileAStatementIsHeld() async throws {
        let (driver, _, ledger) = try await embedded()
        try await driver.execute { txn in try await txn.execute("CREATE TABLE T") }
        try await driver.execute { txn in try await txn.execute("INSERT INTO T VALUE {'n': -1}") }
        // The hook holds the first statement that arms it (the reader's, after its rows were
        // fetched) until the test releases it, telling the test once it is held.
        let (held, heldContinuation) = AsyncStream.makeStream(of: Void.self)
        let (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self)
        let armed = Mutex(true)
        ledger.statementHook = {
            guard
                armed.withLock({ armed in
                    defer { armed = false }
                    return armed
                })
            else { return }
            heldContinuation.yield()
            for await _ in release { break }
        }
        let sixty = "<<" + (0..<60).map(String.init).joined(separator: ",") + ">>"
        let query = "SELECT COUNT(*) AS c FROM T AS t, \(sixty) AS a, \(sixty) AS b"
        let reader = Task.detached {
            var txn = try await ledger.begin()
            let rows = try await ledger.execute(query, parameters: [], parameterHashes: [], in: &txn)
            ledger.abort(txn)
            return rows
        }
        for await _ in held { break }
        // The reader is inside its statement: 50 transactions commit meanwhile.
        for i in 0..<50 {
            try await driver.execute { txn in try await txn.execute("INSERT INTO T ?", ["n": .int(i)] as IonValue) }
        }
        releaseContinuation.yield()
        // The reader saw its snapshot, from before those commits: one document.
        #expect(try await reader.value == [["c": 3600]])
        let count = try await driver.execute { txn in try await txn.execute("SELECT COUNT(*) AS n FROM T").collect() }
        #expect(count == [["n": 51]])
    }

    @Test func aFailedStatementLeavesTheTransactionAsItWas() async throws {
        let (driver, _, _) = try await embedded()
        try await driver.execute { txn in try await txn.execute("CREATE TABLE T") }
        let rows = try await driver.execute { txn in
            try await txn.execute("INSERT INTO T VALUE {'n': 1}")
            // The second document breaks the 128 KB limit after the first was written in the statement.
            let big = String(repeating: "x", count: 140_000)
            await #expect(throws: QLDBSessionError.self) {
                try await txn.execute("INSERT INTO T << {'n': 2}, {'n': 3, 'big': ?} >>", IonValue.string(big))
            }
            return try await txn.execute("SELECT VALUE t.n FROM T AS t").collect()
        }
        #expect(rows == [1])
    }

    @Test func aStatementRunningPastItsTransactionsDeadlineStops() async throws {
        let clock = TestClock()
        let (driver, _, ledger) = try await embedded(retries: 0, clock: clock)
        try await driver.execute { txn in try await txn.execute("CREATE TABLE T") }
        // The statement starts in time; the hook moves the clock past the 30 s limit while it runs.
        ledger.statementHook = { clock.advance(by: .seconds(31)) }
        let bag = "<<" + (0..<100).map(String.init).joined(separator: ",") + ">>"
        let error = await #expect(throws: QLDBSessionError.self) {
            try await driver.execute { txn in
                try await txn.execute("SELECT VALUE 1 FROM \(bag) AS a, \(bag) AS b").collect()
            }
        }
        #expect(error?.type == "InvalidSessionException")
        #expect(error?.message.hasPrefix("Transaction ") == true && error?.message.hasSuffix(" has expired") == true)
    }

    @Test func aSessionBelongsToTheKeyThatStartedIt() async throws {
        let service = LedgerService(logger: quietLogger())
        service.add(Ledger(name: "l", logger: quietLogger()))
        func send(_ json: String, as principal: String?) async -> (Int, String) {
            let response = await service.handle(body: Array(json.utf8), principal: principal)
            return (response.status, String(decoding: response.body, as: UTF8.self))
        }
        let (status, started) = await send(#"{"StartSession":{"LedgerName":"l"}}"#, as: "AKIDONE")
        #expect(status == 200)
        let token = try #require(
            started.range(of: #""SessionToken":"[^"]+""#, options: .regularExpression).map {
                String(started[$0].dropFirst(#""SessionToken":""#.count).dropLast())
            })
        let stolen = await send(#"{"SessionToken":"\#(token)","StartTransaction":{}}"#, as: "AKIDTWO")
        #expect(stolen.0 == 400)
        #expect(stolen.1.contains("InvalidSessionException") && stolen.1.contains("No such session"))
        let anonymous = await send(#"{"SessionToken":"\#(token)","EndSession":{}}"#, as: nil)
        #expect(anonymous.1.contains("No such session"))
        let owner = await send(#"{"SessionToken":"\#(token)","StartTransaction":{}}"#, as: "AKIDONE")
        #expect(owner.0 == 200)
    }
}
