import Foundation
import Ion
import QLDBDriver
import QLDBLedger
import QLDBSession
import Testing

/// One example of the QLDB Developer Guide's PartiQL reference, as transcribed (with the result
/// the page documents) in `Tests/QLDBLedgerTests/PartiQLReference/*.ion`.
struct ReferenceExample: Sendable, CustomTestStringConvertible {
    enum Expectation: Sendable {
        /// These values, in any order (Ion equivalence: precision counts).
        case rows([IonValue])
        /// This many result values.
        case count(Int)
        /// The statement fails with this exception type.
        case error(String)
        /// Timestamps of the current time (UTCNOW).
        case now
        /// The page documents no result; the statement must succeed.
        case succeeds
    }

    var file: String
    var index: Int
    var page: String
    var statement: String
    var parameters: [IonValue]
    var setup: [String]
    /// Ids the page prints literally (document, table and index ids are random here), each with
    /// the query that finds the id of the same object once the setup has run.
    var substitutions: [(literal: String, query: String)]
    var expectation: Expectation

    var testDescription: String { "\(page) #\(index): \(statement.prefix(90))" }
}

/// Reads the fixture files and loads the DMV tutorial's sample data into a ledger.
enum ReferenceFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("PartiQLReference")

    static func values(_ file: String) -> [IonValue] {
        let url = directory.appendingPathComponent("\(file).ion")
        guard let bytes = try? Data(contentsOf: url) else { fatalError("cannot read \(url.path)") }
        do { return try IonValue.decode(text: [UInt8](bytes)) } catch {
            fatalError("\(url.path) is not valid Ion: \(error)")
        }
    }

    /// The examples of one fixture file, in page order.
    static func examples(_ file: String) -> [ReferenceExample] {
        values(file).enumerated().map { index, value in
            guard let page = value["page"]?.stringValue, let statement = value["statement"]?.stringValue,
                let expect = value["expect"]
            else { fatalError("\(file).ion example \(index + 1) lacks page, statement or expect") }
            let expectation: ReferenceExample.Expectation
            switch expect.annotations.first?.text {
            case "rows": expectation = .rows(expect.listValue ?? [])
            case "count": expectation = .count(expect.intValue ?? -1)
            case "error": expectation = .error(expect.stringValue ?? "")
            case "now": expectation = .now
            case "succeeds": expectation = .succeeds
            default: fatalError("\(file).ion example \(index + 1): unknown expectation \(expect)")
            }
            return ReferenceExample(
                file: file, index: index + 1, page: page, statement: statement,
                parameters: value["parameters"]?.listValue ?? [],
                setup: (value["setup"]?.listValue ?? []).compactMap(\.stringValue),
                substitutions: (value["substitute"]?.structValue.map(Array.init) ?? []).map {
                    ($0.name.text ?? "", $0.value.stringValue ?? "")
                },
                expectation: expectation)
        }
    }

    /// Creates the tutorial's tables, indexes and documents.
    static func loadSampleData(into driver: QLDBDriver) async throws {
        for table in values("dmv-sample-data") {
            guard let name = table["table"]?.stringValue else { continue }
            try await driver.execute { txn in try await txn.execute("CREATE TABLE \(name)") }
            for field in table["indexes"]?.listValue ?? [] {
                try await driver.execute { txn in
                    try await txn.execute("CREATE INDEX ON \(name) (\(field.stringValue ?? ""))")
                }
            }
            let documents = table["documents"] ?? .list([])
            try await driver.execute { txn in try await txn.execute("INSERT INTO \(name) ?", documents) }
        }
    }

    /// Runs an example on a fresh ledger holding the sample data and checks the documented result.
    static func check(_ example: ReferenceExample) async throws {
        let (driver, _, _) = try await embedded()
        try await loadSampleData(into: driver)
        for statement in example.setup {
            try await driver.execute { txn in try await txn.execute(statement) }
        }
        var example = example
        for (literal, query) in example.substitutions {
            let found = try await driver.execute { txn in try await txn.execute(query).collect() }
            guard found.count == 1, let id = found[0].stringValue else {
                Issue.record("substitution query for \(literal) found \(found)")
                return
            }
            example.statement = example.statement.replacingOccurrences(of: literal, with: id)
            if case .rows(let rows) = example.expectation {
                example.expectation = .rows(rows.map { replacing(literal, with: id, in: $0) })
            }
        }
        let before = Date()
        let outcome: Result<[IonValue], any Error>
        do {
            let rows = try await driver.execute { txn in
                try await txn.execute(example.statement, parameters: example.parameters).collect()
            }
            outcome = .success(rows)
        } catch {
            outcome = .failure(error)
        }
        let after = Date()
        switch (example.expectation, outcome) {
        case (.error(let type), .failure(let error)):
            #expect((error as? QLDBSessionError)?.type == type, "\(error)")
        case (.error(let type), .success(let rows)):
            Issue.record("expected \(type), got \(rows.count) rows: \(rows)")
        case (_, .failure(let error)):
            Issue.record("failed: \(error)")
        case (.rows(let expected), .success(let rows)):
            #expect(sameMultiset(rows, expected), "got \(rows), documented \(expected)")
        case (.count(let n), .success(let rows)):
            #expect(rows.count == n, "got \(rows)")
        case (.succeeds, .success):
            break
        case (.now, .success(let rows)):
            #expect(!rows.isEmpty)
            for row in rows {
                let value = row.structValue?.first?.value ?? row
                let time = try #require(value.timestampValue, "\(row) is not a timestamp")
                #expect(time.offsetMinutes == 0 && time.precision == .fractionalSecond, "\(time)")
                #expect(time.date >= before.addingTimeInterval(-0.001) && time.date <= after, "\(time)")
            }
        }
    }

    /// `value` with every string equal to `literal` replaced by `id`.
    static func replacing(_ literal: String, with id: String, in value: IonValue) -> IonValue {
        switch value.content {
        case .string(let s) where s == literal: return .string(id)
        case .list(let items): return .list(items.map { replacing(literal, with: id, in: $0) })
        case .struct(let fields):
            var out = IonStruct()
            for field in fields { out.append(name: field.name, value: replacing(literal, with: id, in: field.value)) }
            return .struct(out)
        default: return value
        }
    }

    static func sameMultiset(_ a: [IonValue], _ b: [IonValue]) -> Bool {
        guard a.count == b.count else { return false }
        var remaining = b
        for value in a {
            guard let i = remaining.firstIndex(of: value) else { return false }
            remaining.remove(at: i)
        }
        return true
    }
}

extension IonValue {
    fileprivate var listValue: [IonValue]? {
        switch content {
        case .list(let items), .sexp(let items): items
        default: nil
        }
    }
}
