import ArgumentParser
import Foundation
import HTTPServerLimits
import LicenceLambda
import LicenceService
import Logging
import QLDBDriver
import QLDBLedger
import QLDBSession

/// `licence-service`: the licence API as a Lambda function (when `AWS_LAMBDA_RUNTIME_API` is
/// set) or as a local HTTP server.
@main
struct LicenceServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "licence-service",
        abstract: "The licence API on a QLDB ledger: a Lambda function, or a local HTTP server.",
        discussion: """
            With AWS_LAMBDA_RUNTIME_API set it runs the Lambda Runtime API loop on API Gateway (REST) \
            proxy events, using LEDGER_NAME, AWS_REGION and the AWS credential chain (QLDB_ENDPOINT \
            overrides the regional endpoint). Otherwise it serves the same routes over HTTP, by default \
            on an embedded ledger kept in ./.ledger.

            Example: licence-service --port 3000   (then: curl -s http://127.0.0.1:3000/licences?email=ann@example.com)
            """,
        version: SwiftQLDBVersion.current
    )

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free port).") var port = 3000
    @Option(name: .customLong("data-dir"), help: "Directory of the embedded ledger's SQLite file (<ledger>.sqlite).")
    var dataDirectory =
        ".ledger"
    @Flag(name: .customLong("in-memory"), help: "Keep the embedded ledger in memory only.") var inMemory = false
    @Option(help: "A remote ledger's session endpoint (qldb serve, or AWS) instead of the embedded ledger.")
    var endpoint: String?
    @Option(
        name: .customLong("control-endpoint"),
        help:
            "QLDB's control-plane endpoint, for /verify's digests and proofs (default: --endpoint, which qldb serve answers both on; AWS's is https://qldb.REGION.amazonaws.com)."
    )
    var controlEndpoint: String?
    @Option(help: "The ledger name (default: $LEDGER_NAME, else licences).") var ledger: String?
    @Option(help: "The AWS region for signing (default: $AWS_REGION, else us-east-1).") var region: String?
    @Flag(
        name: .customLong("repair-torn-tail"),
        help:
            "When converting a journal file of earlier versions: truncate its incomplete last record (as a crash leaves it) instead of refusing to start."
    )
    var repairTornTail = false
    @OptionGroup var serverLimits: ServerLimitOptions

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let environment = ProcessInfo.processInfo.environment
        let ledgerName = ledger ?? environment["LEDGER_NAME"] ?? "licences"
        let regionName = region ?? environment["AWS_REGION"] ?? "us-east-1"
        let logger = Logger(label: "licence-service")
        if let runtimeAPI = environment["AWS_LAMBDA_RUNTIME_API"] {
            var lambdaEnvironment = environment
            lambdaEnvironment["LEDGER_NAME"] = ledgerName
            lambdaEnvironment["AWS_REGION"] = regionName
            do {
                try await LicenceLambda.run(api: runtimeAPI, environment: lambdaEnvironment, logger: logger)
            } catch is LicenceLambdaError {
                throw ExitCode(1)
            }
            return
        }
        let (driver, proofs, description) = try await makeBackend(
            ledger: ledgerName, region: regionName, endpoint: endpoint, controlEndpoint: controlEndpoint ?? endpoint,
            logger: logger)
        let api = LicenceAPI(driver: driver, proofs: proofs, logger: logger)
        try await api.prepare()
        let limits = try serverLimits.applied(to: ServerLimits())
        let server = LicenceHTTPServer(api: api, host: host, port: port, limits: limits, logger: logger)
        let host = host
        let scheme = serverLimits.scheme
        try await server.run { port in
            FileHandle.standardOutput.write(
                Data("licence-service: listening on \(scheme)://\(host):\(port) (\(description))\n".utf8))
        }
        // Ending the pooled sessions is best effort: a ledger that no longer answers must not hold the exit.
        await closeWithin(.seconds(2), driver)
    }

    func makeBackend(
        ledger: String, region: String, endpoint: String?, controlEndpoint: String?, logger: Logger
    ) async throws -> (QLDBDriver, (any LicenceProofSource)?, String) {
        if let endpoint {
            do {
                let (driver, proofs) = try LicenceLambda.remoteLedger(
                    ledger: ledger, region: region, endpoint: endpoint, controlEndpoint: controlEndpoint,
                    environment: ProcessInfo.processInfo.environment, logger: logger)
                return (driver, proofs, "ledger \(ledger) at \(endpoint)")
            } catch {
                throw ValidationError("\(error)")
            }
        }
        var configuration = QLDBDriverConfiguration()
        configuration.logger = logger
        if let problem = LedgerName.problem(with: ledger) { throw ValidationError("ledger name: \(problem)") }
        let service = LedgerService(logger: logger)
        let embedded: Ledger
        if inMemory {
            embedded = Ledger(name: ledger, logger: logger)
        } else {
            do {
                embedded = try await Ledger(
                    name: ledger, directory: URL(fileURLWithPath: dataDirectory),
                    journalAccess: .readWrite(repairTornTail: repairTornTail), logger: logger)
            } catch {
                throw ValidationError("cannot open the embedded ledger in \(dataDirectory): \(error)")
            }
        }
        service.add(embedded)
        let driver = QLDBDriver(
            ledger: ledger, transport: EmbeddedLedgerTransport(service: service), configuration: configuration)
        return (
            driver, EmbeddedProofSource(ledger: embedded),
            "embedded ledger \(ledger), \(inMemory ? "in memory" : "data in \(dataDirectory)")"
        )
    }
}
