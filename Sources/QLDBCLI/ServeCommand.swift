import ArgumentParser
import Foundation
import HTTPServerLimits
import Logging
import Metrics
import Prometheus
import QLDBControl
import QLDBLedger
import QLDBLedgerPostgres
import QLDBLedgerServer
import QLDBPermissions
import S3Objects
import SigV4
import Synchronization

/// `qldb serve`: a QLDB-compatible session endpoint over HTTP.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve QLDB-compatible ledgers over HTTP (QLDBSession.SendCommand, SigV4).",
        discussion: """
            Without --credentials the server runs in development mode: any access key is accepted and \
            only the form of the signature is checked. With --credentials every request's signature is \
            verified (region --region, service qldb). GET /health answers 200; GET /metrics gives \
            Prometheus metrics. Connection limits, TLS and exit status: docs/cli.md.

            Storage: a SQLite file per ledger in --data-dir (the default), --in-memory, or with \
            --postgres (or $QLDB_POSTGRES_URL) a PostgreSQL database that several qldb serve \
            processes share: any of them answers any request (docs/storage.md).

            Example: qldb serve --ledger licences --data-dir .ledger --credentials AKIDEXAMPLE:secret --region eu-west-2
            """
    )

    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free port).") var port = 8000
    @Option(
        name: .customLong("data-dir"),
        help: "Directory of the ledgers' SQLite files (<ledger>.sqlite; default .ledger).")
    var dataDirectoryOption: String?
    var dataDirectory: String { dataDirectoryOption ?? ".ledger" }
    @Flag(name: .customLong("in-memory"), help: "Keep everything in memory; nothing survives a restart.") var inMemory =
        false
    @Option(
        name: .customLong("postgres"),
        help:
            "postgresql://USER:PASSWORD@HOST:PORT/DATABASE: keep the ledgers there, shared with other qldb serve processes (default: $QLDB_POSTGRES_URL, unless --data-dir or --in-memory is given)."
    )
    var postgres: String?
    @Option(
        name: .customLong("advertise-url"),
        help: "With --postgres: the URL other frontends reach this one at (default: http://HOST:PORT as bound).")
    var advertiseURL: String?
    @Option(
        name: .customLong("ledger"),
        help:
            "A ledger to open (created when missing) at start-up (repeatable; default: ledger). Others are served too: those already stored, and those CreateLedger makes."
    )
    var ledgers: [String] = []
    @Option(
        name: .customLong("account-id"),
        help: "The AWS account the ledgers' ARNs name (arn:aws:qldb:REGION:ACCOUNT:ledger/NAME).")
    var accountID = "123456789012"
    @Option(
        name: .customLong("max-ledgers"),
        help: "The most ledgers CreateLedger may make room for (default: no limit; QLDB's quota was 5).")
    var maxLedgers: Int?
    @Option(
        name: .customLong("s3-endpoint"),
        help:
            "The S3 endpoint journal exports write to, path-style (such as http://127.0.0.1:5000); credentials come from the AWS chain (environment, profile, container, IMDS). Without it, ExportJournalToS3 is refused."
    )
    var s3Endpoint: String?
    @Option(name: .customLong("credentials"), help: "An accepted access key, as AKID:SECRET (repeatable).")
    var credentials: [String] = []
    @Option(
        name: .customLong("iam"),
        help:
            "An IAM file (JSON: accountId, principals with their keys and policies, an optional endpointPolicy; docs/permissions.md): only its keys are accepted and every request is authorized by its policies. Excludes --credentials; kill -HUP reloads it. Default: the JSON in $QLDB_IAM, if set."
    )
    var iamFile: String?
    @Option(
        name: .customLong("permissions-mode"),
        help:
            "ALLOW_ALL or STANDARD: the permissions mode of the --ledger ledgers that have none stored yet (a stored mode, set by CreateLedger or UpdateLedgerPermissionsMode, wins)."
    )
    var permissionsMode: String?
    @Option(
        help: "The region the ledgers' ARNs name, and that signatures must be scoped to when --credentials is given.")
    var region = "us-east-1"
    @Flag(
        name: .customLong("repair-torn-tail"),
        help:
            "When converting a journal file of earlier versions: truncate its incomplete last record (as a crash leaves it) instead of refusing to start."
    )
    var repairTornTail = false
    @Option(
        name: .customLong("max-nesting-depth"),
        help: "Deepest nesting of a statement's expressions (a nested SELECT counts for 8).")
    var maxNestingDepth = LedgerLimits().statementNestingDepth
    @Option(
        name: .customLong("max-evaluation-steps"), help: "Expression evaluations one statement may perform.")
    var maxEvaluationSteps = LedgerLimits().evaluationSteps
    @Option(
        name: .customLong("max-evaluation-rows"), help: "Rows (FROM bindings) one statement may produce.")
    var maxEvaluationRows = LedgerLimits().evaluationRows
    @OptionGroup var serverLimits: ServerLimitOptions

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        // Before any metric is made: the ledger service makes its own when created.
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        var logger = Logger(label: "qldb.serve")
        logger.logLevel = .info
        let names = ledgers.isEmpty ? ["ledger"] : ledgers
        // An explicit storage option wins over the environment.
        let environment = ProcessInfo.processInfo.environment["QLDB_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
        let postgresURL = postgres ?? (inMemory || dataDirectoryOption != nil ? nil : environment)
        if postgres != nil && (inMemory || dataDirectoryOption != nil) {
            throw ValidationError("--postgres excludes --in-memory and --data-dir: choose one place for the ledgers")
        }
        let frontendID = Ledger.newIdentifier()
        var serviceConfiguration = LedgerService.Configuration()
        if postgresURL != nil { serviceConfiguration.sessionTokenPrefix = frontendID }
        var database: PostgresLedgerDatabase?
        if let postgresURL {
            do {
                // $QLDB_POSTGRES_PASSWORD keeps a secret (an ECS task's, from Secrets Manager) out of the URL.
                let password = ProcessInfo.processInfo.environment["QLDB_POSTGRES_PASSWORD"].flatMap {
                    $0.isEmpty ? nil : $0
                }
                database = try await PostgresLedgerDatabase.connect(
                    url: postgresURL, password: password, logger: logger)
            } catch {
                throw ValidationError("--postgres: \(error)")
            }
        }
        var limits = LedgerLimits()
        limits.statementNestingDepth = maxNestingDepth
        limits.evaluationSteps = maxEvaluationSteps
        limits.evaluationRows = maxEvaluationRows
        let ledgerHost: any LedgerHost
        if let database {
            ledgerHost = database
        } else if inMemory {
            ledgerHost = MemoryLedgerHost(limits: limits, logger: logger)
        } else {
            ledgerHost = DirectoryLedgerHost(
                directory: URL(fileURLWithPath: dataDirectory), limits: limits,
                journalAccess: .readWrite(repairTornTail: repairTornTail), logger: logger)
        }
        let service = LedgerService(configuration: serviceConfiguration, host: ledgerHost, logger: logger)
        for name in names {
            if let problem = LedgerName.problem(with: name) { throw ValidationError("--ledger: \(problem)") }
            do {
                if try await service.openLedger(named: name) == nil {
                    _ = try await service.createLedger(named: name)
                }
            } catch {
                throw ValidationError("cannot open ledger \(name): \(error)")
            }
        }
        var configuration = LedgerServer.Configuration()
        configuration.limits = try serverLimits.applied(to: configuration.limits)
        configuration.metrics = { registry.emitToBuffer() }
        configuration.host = self.host
        configuration.port = port
        var controlPlane = ControlPlane.Configuration()
        controlPlane.accountID = accountID
        controlPlane.region = region
        if let maxLedgers {
            guard maxLedgers > 0 else { throw ValidationError("--max-ledgers must be at least 1; got \(maxLedgers)") }
            controlPlane.maxLedgers = maxLedgers
        }
        if let s3Endpoint {
            guard let url = URL(string: s3Endpoint), url.scheme == "http" || url.scheme == "https", url.host != nil
            else {
                throw ValidationError(
                    "--s3-endpoint must be an http(s) URL such as http://127.0.0.1:5000; got \(s3Endpoint)")
            }
            controlPlane.exportDestination = S3Client(
                endpoint: url, region: region, credentials: CredentialProviderChain.default())
        }
        let controlPlaneService = ControlPlane(service: service, configuration: controlPlane, logger: logger)
        configuration.controlPlane = controlPlaneService
        if let permissionsMode {
            guard let mode = PermissionsMode(rawValue: permissionsMode) else {
                throw ValidationError("--permissions-mode is ALLOW_ALL or STANDARD; got \(permissionsMode)")
            }
            for name in names { try await controlPlaneService.adopt(ledgerNamed: name, permissionsMode: mode) }
        }
        // $QLDB_IAM holds the file's JSON where no file can be written (an ECS task's secret).
        let iamJSON =
            iamFile == nil ? ProcessInfo.processInfo.environment["QLDB_IAM"].flatMap { $0.isEmpty ? nil : $0 } : nil
        if iamFile != nil || iamJSON != nil {
            guard credentials.isEmpty else {
                throw ValidationError("--iam and --credentials exclude each other: the IAM file holds the keys")
            }
            let iam: IAMConfiguration
            do {
                if let iamFile {
                    iam = try IAMConfiguration.load(path: iamFile)
                } else {
                    iam = try IAMConfiguration(json: Array((iamJSON ?? "").utf8))
                }
            } catch {
                throw ValidationError("--iam: \(error)")
            }
            guard iam.accountID == accountID else {
                throw ValidationError(
                    "--iam: the file's accountId \(iam.accountID) is not --account-id \(accountID): the ARNs its policies name would never match"
                )
            }
            let loaded = IAMAuthorizer(iam, region: region, logger: logger)
            loaded.readLedgerSettings(from: controlPlaneService)
            configuration.authentication = .iam(loaded)
            service.authorizer = loaded
            if let iamFile { reloadOnHangUp(path: iamFile, into: loaded, logger: logger) }
        } else if credentials.isEmpty {
            say(
                "qldb serve: development mode: no --credentials given; any access key is accepted and only the signature's form is checked"
            )
        } else {
            var keys: [String: String] = [:]
            for pair in credentials {
                guard let colon = pair.firstIndex(of: ":"), colon != pair.startIndex,
                    pair.index(after: colon) != pair.endIndex
                else {
                    throw ValidationError("--credentials must be AKID:SECRET, got \(pair)")
                }
                keys[String(pair[..<colon])] = String(pair[pair.index(after: colon)...])
            }
            configuration.authentication = .verify(region: region, credentials: keys)
        }
        if let database {
            let secret: String
            do { secret = try await database.forwardingSecret() } catch {
                throw ValidationError("--postgres: \(error)")
            }
            configuration.forwarding = SessionForwarding(frontendID: frontendID, secret: secret) { id in
                await database.url(ofFrontend: id)
            }
        }
        let storage =
            postgresURL != nil
            ? "PostgreSQL, shared; frontend \(frontendID)" : inMemory ? "in memory" : "data in \(dataDirectory)"
        let server = LedgerServer(service: service, configuration: configuration, logger: logger)
        let host = self.host
        let scheme = serverLimits.scheme
        let advertised = advertiseURL
        let shared = database
        let serveLogger = logger
        try await server.run { port in
            if let database = shared {
                let url = advertised.flatMap(URL.init(string:)) ?? URL(string: "\(scheme)://\(host):\(port)")!
                do {
                    try await database.register(frontend: frontendID, url: url)
                } catch {
                    serveLogger.error(
                        "cannot register this frontend: other frontends cannot forward its sessions' commands",
                        metadata: ["error": "\(error)"])
                }
            }
            say(
                "qldb serve: listening on \(scheme)://\(host):\(port)/ (ledgers: \(names.joined(separator: ", ")); \(storage))"
            )
        }
        if let database {
            await database.unregister(frontend: frontendID)
            await database.close()
        }
    }
}

/// `kill -HUP` reloads the IAM file; a file that does not load is logged and the old one kept.
private func reloadOnHangUp(path: String, into authorizer: IAMAuthorizer, logger: Logger) {
    signal(SIGHUP, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
    let accountID = authorizer.accountID
    source.setEventHandler {
        do {
            let reloaded = try IAMConfiguration.load(path: path)
            guard reloaded.accountID == accountID else {
                logger.error(
                    "IAM file not reloaded: its accountId changed; restart with --account-id to change the account",
                    metadata: ["file": "\(path)"])
                return
            }
            authorizer.reload(reloaded)
        } catch {
            logger.error(
                "IAM file not reloaded; the previous one stays", metadata: ["file": "\(path)", "error": "\(error)"])
        }
    }
    // Its cancel handler holds the source, which is never cancelled: it lives as long as the process.
    source.setCancelHandler { _ = source }
    source.resume()
}

/// Writes a line to standard output at once (scripts wait for these lines).
private func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
