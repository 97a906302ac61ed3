import InMemoryTracing
import Ion
import QLDBDriver
import QLDBTesting
import Testing
import Tracing

/// The spans a transaction makes, through a tracer given in the configuration.
struct TracingTests {
    @Test func aTransactionSpanWrapsOneSpanPerStatementWithItsText() async throws {
        let tracer = InMemoryTracer()
        let transport = ScriptedTransport()
        transport.setPages([[1]], for: "SELECT * FROM t WHERE a = ?")
        let driver = makeDriver(transport, ledger: "traced") { $0.tracer = tracer }
        try await driver.execute { txn in
            _ = try await txn.execute("SELECT * FROM t WHERE a = ?", 1).collect()
            try await txn.execute("DELETE FROM t")
        }
        let spans = tracer.finishedSpans
        #expect(spans.map(\.operationName) == ["QLDB.statement", "QLDB.statement", "QLDB.transaction"])
        let transaction = try #require(spans.last)
        #expect(transaction.kind == .client)
        #expect(transaction.attributes["db.system"]?.toSpanAttribute() == "qldb")
        #expect(transaction.attributes["db.name"]?.toSpanAttribute() == "traced")
        #expect(transaction.parentSpanID == nil)
        #expect(spans[0].attributes["db.statement"]?.toSpanAttribute() == "SELECT * FROM t WHERE a = ?")
        #expect(spans[1].attributes["db.statement"]?.toSpanAttribute() == "DELETE FROM t")
        for statement in spans.prefix(2) {
            #expect(statement.parentSpanID == transaction.spanID)
            #expect(statement.traceID == transaction.traceID)
        }
    }

    /// With no tracer configured, spans go to the active one: here a task-local `withTracer`
    /// scope over the no-op bootstrapped instrument.
    @Test func withoutAConfiguredTracerSpansGoToTheActiveOne() async throws {
        let tracer = InMemoryTracer()
        let driver = makeDriver(ScriptedTransport())
        try await driver.execute { txn in try await txn.execute("DELETE FROM t") }
        #expect(tracer.finishedSpans.isEmpty)
        _ = try await withTracer(tracer) {
            try await driver.execute { txn in try await txn.execute("DELETE FROM t") }
        }
        #expect(tracer.finishedSpans.map(\.operationName) == ["QLDB.statement", "QLDB.transaction"])
    }

    @Test func aFailedTransactionRecordsTheCallersError() async throws {
        let tracer = InMemoryTracer()
        let driver = makeDriver(ScriptedTransport()) { $0.tracer = tracer }
        await #expect(throws: CallerError.self) {
            try await driver.execute { _ in throw CallerError() }
        }
        let transaction = try #require(tracer.finishedSpans.last)
        #expect(transaction.operationName == "QLDB.transaction")
        #expect(transaction.errors.count == 1)
        #expect(transaction.errors.first?.error is CallerError)
    }
}
