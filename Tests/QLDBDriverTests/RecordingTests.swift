import Foundation
import Ion
import QLDBDriver
import QLDBSession
import QLDBTesting
import Testing

/// Every fault-matrix branch that has a response to record, kept as a committed recording in
/// `Recordings/`: the run against the scripted service must reproduce the recording exactly, and
/// the recording must replay through a fresh driver. `QLDB_RECORD=1 swift test` rewrites them.
@Suite struct RecordingTests {
    struct Scenario: Sendable, CustomStringConvertible {
        var name: String
        var script: @Sendable (ScriptedTransport.Command) -> ScriptedTransport.Reply
        var succeeds: Bool
        var description: String { name }
    }

    static func error(
        _ command: String, _ occurrence: Int?, _ status: Int, _ type: String, _ message: String, code: String? = nil
    )
        -> @Sendable (ScriptedTransport.Command) -> ScriptedTransport.Reply
    {
        { c in
            c.name == command && (occurrence == nil || c.occurrence == occurrence!)
                ? .respond(.serviceError(status: status, type: type, message: message, code: code)) : .proceed
        }
    }

    static let scenarios: [Scenario] = [
        Scenario(name: "success-with-pages", script: { _ in .proceed }, succeeds: true),
        Scenario(
            name: "occ-conflict",
            script: error(
                "CommitTransaction", 1, 400, "OccConflictException",
                "Optimistic concurrency control (OCC) failure encountered while committing the transaction"),
            succeeds: true),
        Scenario(
            name: "stale-session",
            script: error(
                "StartTransaction", 1, 400, "InvalidSessionException", "Exceeded the session idle time limit: Session x"
            ), succeeds: true),
        Scenario(
            name: "transaction-expired",
            script: error(
                "CommitTransaction", 1, 400, "InvalidSessionException", "Transaction txn0000000000000000001 has expired"
            ), succeeds: false),
        Scenario(
            name: "internal-failure-500", script: error("ExecuteStatement", 1, 500, "InternalFailure", "UnknownError"),
            succeeds: true),
        Scenario(
            name: "service-unavailable-503",
            script: error("ExecuteStatement", 1, 503, "ServiceUnavailable", "Service unavailable"), succeeds: true),
        Scenario(
            name: "capacity-exceeded",
            script: error("ExecuteStatement", 1, 503, "CapacityExceededException", "Capacity exceeded"), succeeds: true),
        Scenario(
            name: "rate-exceeded",
            script: error("ExecuteStatement", nil, 400, "RateExceededException", "Rate exceeded"), succeeds: false),
        Scenario(
            name: "limit-exceeded",
            script: error(
                "StartTransaction", nil, 400, "LimitExceededException", "Exceeded the concurrent session limit"),
            succeeds: false),
        Scenario(
            name: "bad-request",
            script: error("ExecuteStatement", nil, 400, "BadRequestException", "Parser error at line 1, column 8"),
            succeeds: false),
        Scenario(
            name: "digest-mismatch",
            script: error("CommitTransaction", nil, 400, "BadRequestException", "Digests don't match", code: "412"),
            succeeds: false),
    ]

    static let recordings = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Recordings")

    /// The transaction every scenario runs: a paged SELECT and an INSERT with a parameter.
    static func transaction(_ driver: QLDBDriver) async throws {
        try await driver.execute { txn in
            _ = try await txn.execute("SELECT * FROM Licence WHERE email = ?", "ann@example.com").collect()
            try await txn.execute(
                "INSERT INTO Licence ?", ["email": "ann@example.com", "penaltyPoints": 0] as IonValue)
        }
        try await driver.close()
    }

    static func succeeds(_ body: () async throws -> Void) async -> Bool {
        do {
            try await body()
            return true
        } catch {
            return false
        }
    }

    @Test(arguments: scenarios)
    func recordingMatchesAndReplays(_ scenario: Scenario) async throws {
        let scripted = ScriptedTransport(script: scenario.script)
        scripted.setPages(
            [[], [["email": "other@example.com"] as IonValue]], for: "SELECT * FROM Licence WHERE email = ?")
        let recorder = RecordingTransport(upstream: scripted)
        let succeeded = await Self.succeeds { try await Self.transaction(makeDriver(recorder)) }
        #expect(succeeded == scenario.succeeds)
        let lines = try recorder.jsonLines()
        let file = Self.recordings.appendingPathComponent("\(scenario.name).jsonl")
        if ProcessInfo.processInfo.environment["QLDB_RECORD"] == "1" {
            try lines.write(to: file, atomically: true, encoding: .utf8)
        }
        let committed = try String(contentsOf: file, encoding: .utf8)
        #expect(lines == committed, "the run differs from Recordings/\(scenario.name).jsonl")

        let replay = try ReplayTransport(contentsOf: file)
        let replayed = await Self.succeeds { try await Self.transaction(makeDriver(replay)) }
        #expect(replayed == scenario.succeeds)
        #expect(replay.mismatches == [])
        #expect(replay.remaining == 0)
    }
}
