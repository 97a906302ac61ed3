import ArgumentParser
import Foundation
import HTTPServerLimits
import LicenceService
import Logging
import QLDBControlClient
import QLDBDriver
import QLDBHTTPTransport
import QLDBLedger
import QLDBSession
import SigV4
import Synchronization

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
            try await runLambda(
                api: runtimeAPI, ledger: ledgerName, region: regionName, environment: environment, logger: logger)
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
        var configuration = QLDBDriverConfiguration()
        configuration.logger = logger
        if let endpoint {
            guard let url = URL(string: endpoint), url.scheme == "http" || url.scheme == "https" else {
                throw ValidationError("--endpoint must be an http or https URL, got \(endpoint)")
            }
            // A ledger that is `qldb serve --iam` knows the function by a key pair kept in Secrets
            // Manager (STS's role credentials can be verified only by AWS).
            let environment = ProcessInfo.processInfo.environment
            let credentials: any CredentialProvider =
                environment["QLDB_CREDENTIALS_SECRET_ARN"].flatMap { $0.isEmpty ? nil : $0 }.map {
                    SecretsManagerCredentialProvider(
                        secretID: $0, region: region, credentials: CredentialProviderChain.default())
                } ?? CredentialProviderChain.default()
            let driver = QLDBDriver(
                ledger: ledger, region: region, endpoint: url, credentials: credentials, configuration: configuration)
            var proofs: (any LicenceProofSource)?
            if let controlEndpoint {
                guard let control = URL(string: controlEndpoint), control.scheme == "http" || control.scheme == "https"
                else {
                    throw ValidationError("--control-endpoint must be an http or https URL, got \(controlEndpoint)")
                }
                proofs = ControlPlaneClient(endpoint: control, region: region, credentials: credentials)
            }
            return (driver, proofs, "ledger \(ledger) at \(endpoint)")
        }
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

    func runLambda(api: String, ledger: String, region: String, environment: [String: String], logger: Logger)
        async throws
    {
        let runtime = LambdaRuntime(api: api, logger: logger)
        let licences: LicenceAPI
        do {
            let endpoint = environment["QLDB_ENDPOINT"]
            // A VPC endpoint carries only the session API: /verify needs a control-plane endpoint
            // named outright, or a qldb serve endpoint, which answers both.
            let (driver, proofs, _) = try await makeBackend(
                ledger: ledger, region: region, endpoint: endpoint ?? "https://session.qldb.\(region).amazonaws.com/",
                controlEndpoint: environment["QLDB_CONTROL_ENDPOINT"] ?? endpoint, logger: logger)
            licences = LicenceAPI(driver: driver, proofs: proofs, logger: logger)
            if environment["LICENCE_PREPARE_TABLES"] == "1" {
                // Lambda allows 10 s for init: an unreachable ledger must fail it well inside that.
                let location = endpoint ?? "the regional QLDB endpoint of \(region)"
                guard try await finishes(within: .seconds(4), { try await licences.prepare() }) else {
                    throw ValidationError(
                        "the ledger \(ledger) at \(location) did not answer within 4 s while preparing its tables")
                }
            }
        } catch {
            try await runtime.initFailed(type: "Runtime.InitError", message: "\(error)")
            throw ExitCode(1)
        }
        try await runtime.run { event in await licences.handle(apiGatewayEvent: event) }
    }
}

/// Closes `driver`, giving up after `deadline` (its sessions then simply expire on the ledger).
func closeWithin(_ deadline: Duration, _ driver: QLDBDriver) async {
    _ = try? await finishes(within: deadline) { try await driver.close() }
}

/// Whether `body` finished within `deadline`, rethrowing its error if it failed in time. On
/// time-out it is cancelled and left to wind down on its own: the caller goes on at once, even if
/// `body` is slow to notice the cancellation (a driver mid-retry).
func finishes(within deadline: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws -> Bool {
    let settled = FirstClaim()
    return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Bool, any Error>) in
        let work = Task {
            do {
                try await body()
                if settled.claim() { continuation.resume(returning: true) }
            } catch {
                if settled.claim() {
                    continuation.resume(throwing: error)
                }
            }
        }
        Task {
            try? await Task.sleep(for: deadline)
            if settled.claim() {
                work.cancel()
                continuation.resume(returning: false)
            }
        }
    }
}

/// Says yes to the first caller only: whichever of the work and the timer ends first resumes.
final class FirstClaim: Sendable {
    private let claimed = Mutex(false)

    func claim() -> Bool {
        claimed.withLock { claimed in
            defer { claimed = true }
            return !claimed
        }
    }
}
