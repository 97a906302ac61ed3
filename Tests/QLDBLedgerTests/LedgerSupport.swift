import Foundation
import Ion
import Logging
import QLDBDriver
import QLDBHashing
import QLDBLedger
import QLDBLedgerPostgres
import QLDBLedgerServer
import QLDBPrimitives
import QLDBSession
import QLDBTesting

func quietLogger() -> Logger {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    return logger
}

/// The store the ledger suite runs on, from `QLDB_TEST_STORAGE`: `sqlite` (the default, as a
/// data directory gives), `memory`, or `postgres` (the database at `QLDB_POSTGRES_URL`, which
/// `scripts/postgres.sh` starts). CI runs the suite once per store.
enum TestStorage: String {
    case sqlite, memory, postgres

    static let current: TestStorage = {
        let name = ProcessInfo.processInfo.environment["QLDB_TEST_STORAGE"] ?? "sqlite"
        guard let storage = TestStorage(rawValue: name) else {
            fatalError("QLDB_TEST_STORAGE=\(name): expected sqlite, memory or postgres")
        }
        return storage
    }()

    /// One database for the whole test process; every ledger in it has a name of its own.
    static let database = Task<PostgresLedgerDatabase, any Error> {
        guard let url = ProcessInfo.processInfo.environment["QLDB_POSTGRES_URL"] else {
            fatalError("QLDB_TEST_STORAGE=postgres needs QLDB_POSTGRES_URL (eval \"$(scripts/postgres.sh start DIR)\")")
        }
        return try await PostgresLedgerDatabase.connect(url: url, logger: quietLogger())
    }

    /// A fresh, empty ledger on this store. On PostgreSQL, whose database outlives the test,
    /// its name gets a random suffix.
    func ledger(_ name: String, limits: LedgerLimits = .init()) async throws -> Ledger {
        switch self {
        case .memory: return Ledger(name: name, limits: limits, logger: quietLogger())
        case .sqlite:
            return try await Ledger(
                name: name, directory: temporaryDirectory(), limits: limits, logger: quietLogger())
        case .postgres:
            let suffix = String((0..<12).map { _ in "abcdefghijklmnopqrstuvwxyz".randomElement()! })
            return try await Self.database.value.ledger(
                named: "\(name.prefix(16))-\(suffix)", limits: limits, logger: quietLogger())
        }
    }
}

extension TestStorage {
    /// A place with no ledgers yet, for ledgers created at run time: a fresh directory, or memory.
    /// PostgreSQL's database outlives the test and holds other tests' ledgers, so its host is
    /// exercised by `scripts/interop-control-plane.sh` instead; here it is a directory.
    func emptyHost() throws -> any LedgerHost {
        switch self {
        case .memory: MemoryLedgerHost(logger: quietLogger())
        case .sqlite, .postgres: DirectoryLedgerHost(directory: try temporaryDirectory(), logger: quietLogger())
        }
    }
}

/// Runs `qldb serve`'s server for `service` with `configuration` (its port replaced by a free
/// one) while `body` runs with the bound port; stops it after.
func withLedgerServer(
    _ service: LedgerService, _ configuration: LedgerServer.Configuration, _ body: (Int) async throws -> Void
) async throws {
    var configuration = configuration
    configuration.port = 0
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let application = try LedgerServer(service: service, configuration: configuration, logger: quietLogger())
        .application { port in continuation.yield(port) }
    let server = Task { try await application.run() }
    defer { server.cancel() }
    var port = 0
    for await bound in ports {
        port = bound
        break
    }
    try await body(port)
}

/// A driver on `ledger` alone, through the embedded transport.
func driver(on ledger: Ledger) -> QLDBDriver {
    let service = LedgerService(logger: quietLogger())
    service.add(ledger)
    var configuration = QLDBDriverConfiguration()
    configuration.logger = quietLogger()
    return QLDBDriver(
        ledger: ledger.name, transport: EmbeddedLedgerTransport(service: service), configuration: configuration)
}

/// A new empty directory under the system's temporary directory.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("swift-qldb-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A driver on a fresh ledger on the store under test.
func embedded(
    _ name: String = "test", configuration: LedgerService.Configuration = .init(), limits: LedgerLimits = .init(),
    retries: Int = 4, clock: TestClock? = nil
) async throws -> (QLDBDriver, LedgerService, Ledger) {
    let service = LedgerService(
        configuration: configuration, logger: quietLogger(), clock: clock.map { ErasedClock($0) } ?? .continuous)
    let ledger = try await TestStorage.current.ledger(name, limits: limits)
    service.add(ledger)
    var config = QLDBDriverConfiguration()
    config.logger = quietLogger()
    // Jittered, as the driver's default: with a fixed backoff, contenders that lost together retry
    // in lockstep and one can lose every round.
    config.retryPolicy = RetryPolicy(
        maxRetries: retries, backoff: RetryPolicy.equalJitter(base: .milliseconds(1), cap: .milliseconds(50)))
    return (
        QLDBDriver(ledger: ledger.name, transport: EmbeddedLedgerTransport(service: service), configuration: config),
        service,
        ledger
    )
}

/// Sends raw commands, for interleaving two sessions by hand.
struct RawSession {
    let client: SendCommandClient
    var token = ""
    var transactionID = ""
    var digest: CommitDigestAccumulator

    /// The ledger `start()` opens a session on when given none: the service's only ledger.
    let defaultLedger: String

    init(_ service: LedgerService) {
        client = SendCommandClient(transport: EmbeddedLedgerTransport(service: service))
        digest = CommitDigestAccumulator()
        defaultLedger = service.ledgerNames.first ?? "test"
    }

    mutating func start(_ ledger: String? = nil) async throws {
        var request = SendCommandRequest()
        request.startSession = StartSessionRequest(ledgerName: ledger ?? defaultLedger)
        token = try await client.send(request).startSession!.sessionToken!
    }

    mutating func begin() async throws {
        var request = SendCommandRequest(sessionToken: token)
        request.startTransaction = StartTransactionRequest()
        transactionID = try await client.send(request).startTransaction!.transactionId!
        digest = CommitDigestAccumulator(transactionID: transactionID)
    }

    @discardableResult
    mutating func execute(_ statement: String, _ parameters: IonValue...) async throws -> [IonValue] {
        digest.add(statement, parameters)
        var request = SendCommandRequest(sessionToken: token)
        request.executeStatement = ExecuteStatementRequest(
            transactionID: transactionID, statement: statement,
            parameters: try parameters.map { ValueHolder(ionBinary: Data(try IonValue.encode(binary: [$0]))) })
        let page = try await client.send(request).executeStatement!.firstPage!
        return try page.values!.map { try IonValue.decode(binary: [UInt8]($0.ionBinary!))[0] }
    }

    func commit(digest override: Data? = nil) async throws {
        var request = SendCommandRequest(sessionToken: token)
        request.commitTransaction = CommitTransactionRequest(
            transactionID: transactionID, commitDigest: override ?? digest.data)
        _ = try await client.send(request)
    }
}

struct CommitDigestAccumulator {
    var value: CommitDigest?
    init() {}
    init(transactionID: String) { value = CommitDigest(transactionID: transactionID) }
    mutating func add(_ statement: String, _ parameters: [IonValue]) {
        value?.add(statement: statement, parameters: parameters)
    }
    var data: Data { Data(value!.digest.bytes) }
}
