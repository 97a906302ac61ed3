import DriverWorkload
import Foundation
import Ion
import Logging
import QLDBDriver
import QLDBHTTPTransport
import QLDBLedger
import QLDBLedgerPostgres
import QLDBLedgerServer
import QLDBSession
import SigV4
import Synchronization

// Committed licence-create transactions per second through the Swift driver.
//
//   LedgerLoad serve [--port P] [--data-dir DIR | --postgres URL]   a ledger server (in memory without either)
//   LedgerLoad http URL[,URL…] [--workers N] [--seconds S]       the driver over loopback HTTP
//   LedgerLoad embedded [--data-dir DIR | --postgres URL] [--workers N] [--seconds S]   the driver in-process
//   LedgerLoad fill --data-dir DIR --revisions N                 a ledger of N revisions (40 per commit)
//   LedgerLoad open --data-dir DIR [--verify] [--hold]           open time (and verify throughput)
//
// Each transaction is the licence service's create: a uniqueness SELECT on the indexed email,
// the INSERT, and the UPDATE that stores the licenceId.

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}
let quiet: Logger = {
    var logger = Logger(label: "load")
    logger.logLevel = .warning
    return logger
}()

func makeLedger() async throws -> Ledger {
    if let directory = option("--data-dir") {
        return try await Ledger(name: "licences", directory: URL(fileURLWithPath: directory), logger: quiet)
    }
    if let url = option("--postgres") {
        return try await PostgresLedgerDatabase.connect(url: url, logger: quiet).ledger(named: "licences")
    }
    return Ledger(name: "licences", logger: quiet)
}

/// Commits `revisions` licence documents, 40 per transaction (QLDB's limit), from 8 tasks.
func fill(driver: QLDBDriver, revisions: Int) async throws {
    try await driver.execute { txn in try await txn.execute("CREATE TABLE Licence") }
    try await driver.execute { txn in try await txn.execute("CREATE INDEX ON Licence (email)") }
    let commits = (revisions + 39) / 40
    let started = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<8 {
            group.addTask {
                for commit in stride(from: worker, to: commits, by: 8) {
                    let documents: [IonValue] = (0..<40).map { n in
                        [
                            "firstName": "Ann", "lastName": "Lee", "email": .string("f\(commit)-\(n)@example.com"),
                            "telephone": "01234 567890", "postcode": "CF10 1AA", "penaltyPoints": 0,
                        ]
                    }
                    try await driver.execute { txn in
                        try await txn.execute("INSERT INTO Licence ?", IonValue.list(documents))
                    }
                }
            }
        }
        try await group.waitForAll()
    }
    print("fill: \(commits * 40) revisions in \(commits) commits, \(ContinuousClock.now - started)")
}

/// Runs the workers on `drivers`, worker n on driver n mod count (one driver per frontend: as a
/// load balancer spreading connections).
func run(driver: QLDBDriver, others: [QLDBDriver] = []) async throws {
    let drivers = [driver] + others
    let workers = Int(option("--workers") ?? "8")!
    let seconds = Double(option("--seconds") ?? "5")!
    try await driver.execute { txn in
        if try await txn.execute("SELECT VALUE name FROM information_schema.user_tables WHERE name = 'Licence'")
            .collect().isEmpty
        {
            try await txn.execute("CREATE TABLE Licence")
        }
    }
    let indexed = try await driver.execute { txn in
        try await txn.execute(
            "SELECT VALUE i.expr FROM information_schema.user_tables AS t, t.indexes AS i WHERE t.name = 'Licence'"
        ).collect()
    }
    if !indexed.contains("[email]") {
        try await driver.execute { txn in try await txn.execute("CREATE INDEX ON Licence (email)") }
    }
    let counters = Counters()
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    let started = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<workers {
            let driver = drivers[worker % drivers.count]
            group.addTask {
                var n = 0
                while ContinuousClock.now < deadline {
                    n += 1
                    let email = "w\(worker)-\(n)-\(UInt32.random(in: 0...UInt32.max))@example.com"
                    let outcome = try await driver.executeWithDetails { txn in
                        let existing = try await txn.execute(
                            "SELECT VALUE l.licenceId FROM Licence AS l WHERE l.email = ?", email
                        ).collect()
                        precondition(existing.isEmpty)
                        let document: IonValue = [
                            "firstName": "Ann", "lastName": "Lee", "email": .string(email), "telephone": "01234 567890",
                            "postcode": "CF10 1AA", "penaltyPoints": 0, "events": [["eventName": "LicenceCreated"]],
                        ]
                        let inserted = try await txn.execute("INSERT INTO Licence ?", document).collect()
                        let id = inserted[0]["documentId"]!.stringValue!
                        try await txn.execute(
                            "UPDATE Licence AS l BY docId SET l.licenceId = ? WHERE docId = ?", id, id)
                    }
                    counters.add(retries: outcome.attempts - 1)
                }
            }
        }
        try await group.waitForAll()
    }
    let elapsed = ContinuousClock.now - started
    let (total, retried) = counters.values
    let secondsElapsed = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    print(
        String(
            format: "swift driver: %d transactions in %.2f s = %.0f txn/s (%d workers, %d endpoints, %d OCC retries)",
            total, secondsElapsed, Double(total) / secondsElapsed, workers, drivers.count, retried))
}

/// Runs `count` licence-create transactions one after another and returns the time they took.
/// Top-level code runs on the main actor, and a loop there would hop to the main thread and back
/// on every transaction; this nonisolated function keeps the loop on the global executor, as a
/// Lambda handler or a server's request task runs.
nonisolated func timeOffTheMainActor(count: Int, driver: QLDBDriver) async throws -> Duration {
    _ = try await LicenceCreate.run(driver)
    let clock = ContinuousClock()
    let began = clock.now
    for _ in 0..<count { _ = try await LicenceCreate.run(driver) }
    return clock.now - began
}

final class Counters: Sendable {
    private let state = Mutex((committed: 0, retries: 0))
    func add(retries: Int) {
        state.withLock {
            $0.committed += 1
            $0.retries += retries
        }
    }
    var values: (Int, Int) { state.withLock { ($0.committed, $0.retries) } }
}

var configuration = QLDBDriverConfiguration()
configuration.logger = quiet
switch arguments.first {
case "serve":
    let service = LedgerService(logger: quiet)
    service.add(try await makeLedger())
    var server = LedgerServer.Configuration()
    server.port = Int(option("--port") ?? "0")!
    try await LedgerServer(service: service, configuration: server, logger: quiet).run { port in
        FileHandle.standardOutput.write(Data("listening on http://127.0.0.1:\(port)/\n".utf8))
    }
case "http":
    // `http URL[,URL…]`: one driver per endpoint, the workers spread over them.
    let drivers = arguments[1].split(separator: ",").map { endpoint in
        QLDBDriver(
            ledger: "licences",
            transport: HTTPTransport(
                configuration: .init(endpoint: URL(string: String(endpoint))!, region: "us-east-1"),
                credentials: StaticCredentialProvider(
                    AWSCredentials(accessKeyID: "AKIDLOAD", secretAccessKey: "secret"))),
            configuration: configuration)
    }
    try await run(driver: drivers[0], others: Array(drivers.dropFirst()))
case "prepared":
    // Client CPU alone: the licence-create transaction against prepared responses, one at a time.
    let count = Int(option("--count") ?? "20000")!
    let driver = QLDBDriver(ledger: "licences", transport: PreparedLedgerTransport(), configuration: configuration)
    let elapsed = try await timeOffTheMainActor(count: count, driver: driver)
    let micros =
        (Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12) / Double(count)
    print(String(format: "prepared: %d transactions, %.1f µs per transaction (wall, one at a time)", count, micros))
case "open":
    // Opening a durable ledger: the time to a ledger ready to serve.
    let clock = ContinuousClock()
    let began = clock.now
    let ledger = try await makeLedger()
    // Unbuffered: a script reads this line while the process holds.
    FileHandle.standardOutput.write(Data("open: \(ledger.blockCount) blocks, ready in \(clock.now - began)\n".utf8))
    if arguments.contains("--verify") {
        let verifying = clock.now
        let result = await ledger.verifyChain()
        let elapsed = clock.now - verifying
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(
            String(
                format: "verify: %@ in %.2f s = %.0f blocks/s", "\(result)".prefix(60).description, seconds,
                Double(ledger.blockCount) / seconds))
    }
    if arguments.contains("--hold") { try await Task.sleep(for: .seconds(3600)) }
case "fill":
    let service = LedgerService(logger: quiet)
    service.add(try await makeLedger())
    try await fill(
        driver: QLDBDriver(
            ledger: "licences", transport: EmbeddedLedgerTransport(service: service), configuration: configuration),
        revisions: Int(option("--revisions") ?? "1000000")!)
case "embedded":
    let service = LedgerService(logger: quiet)
    let ledger = try await makeLedger()
    service.add(ledger)
    let blocksBefore = ledger.blockCount
    try await run(
        driver: QLDBDriver(
            ledger: "licences", transport: EmbeddedLedgerTransport(service: service), configuration: configuration))
    if ledger.storeSyncs > 0 {
        print(
            String(
                format: "store: %d blocks in %d syncs (%.1f per group commit)", ledger.blockCount - blocksBefore,
                ledger.storeSyncs, Double(ledger.blockCount - blocksBefore) / Double(ledger.storeSyncs)))
    }
default:
    print(
        "usage: LedgerLoad serve|http URL|embedded|fill [--data-dir DIR | --postgres URL] [--workers N] [--seconds S] [--port P] [--revisions N]"
    )
    exit(2)
}
