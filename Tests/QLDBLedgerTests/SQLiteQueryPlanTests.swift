import Foundation
import Ion
import Testing

@testable import QLDBLedger

/// SQLite's plans for the reads of current documents: a scan walks the first revisions in insert
/// order; reads by id or by an indexed value seek the primary key from each id. (Given the
/// partial index of first revisions, SQLite preferred walking it, for the order it gives, and
/// filtering every document of the table.)
@Suite struct SQLiteQueryPlanTests {
    /// The plan's steps (`EXPLAIN QUERY PLAN`'s detail column) for each read.
    func plans() async throws -> [String: [String]] {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = try await Ledger(name: "cars", directory: directory, logger: quietLogger())
        let cars = driver(on: ledger)
        try await cars.execute { txn in
            try await txn.execute("CREATE TABLE Car")
            try await txn.execute("CREATE INDEX ON Car (VIN)")
        }
        try await cars.execute { txn in try await txn.execute("INSERT INTO Car VALUE {'VIN': 1}") }
        try await cars.close()
        let table = try #require(ledger.head.withLock { $0.catalog.activeTable(named: "Car")?.id })
        await ledger.close()
        let store = try await SQLiteLedgerStore.open(
            path: directory.appendingPathComponent("cars.sqlite").path, newStrandID: "", readOnly: true,
            logger: quietLogger())
        var plans: [String: [String]] = [:]
        for (name, plan) in [
            ("scan", ReadPlan.scan), ("ids", .documents(["a", "b"])),
            ("values", .values(field: "VIN", values: [1, 2])),
        ] {
            let query = try #require(store.documentsQuery(table: table, plan: plan, at: 2))
            plans[name] = try store.read("EXPLAIN QUERY PLAN " + query.sql, query.binds).compactMap { $0[3].text }
        }
        await store.close()
        return plans
    }

    @Test func scansWalkFirstRevisionsAndNamedReadsSeekFromTheirIds() async throws {
        let plans = try await plans()
        let scan = try #require(plans["scan"])
        #expect(scan.contains { $0.hasPrefix("SEARCH d USING") && $0.contains("INDEX first_revisions") }, "\(scan)")
        #expect(!scan.contains { $0.contains("TEMP B-TREE") }, "\(scan)")
        for name in ["ids", "values"] {
            let plan = try #require(plans[name])
            #expect(plan.contains { $0.hasPrefix("SEARCH d USING PRIMARY KEY") }, "\(name): \(plan)")
            #expect(plan.contains { $0.hasPrefix("SEARCH r USING PRIMARY KEY") }, "\(name): \(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN d") || $0.hasPrefix("SCAN r") }, "\(name): \(plan)")
            #expect(
                !plan.contains { $0.contains("first_revisions") || $0.contains("commit_order") }, "\(name): \(plan)")
        }
    }
}
