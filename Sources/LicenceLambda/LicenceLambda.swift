import Foundation
import LicenceService
import Logging
import QLDBControlClient
import QLDBDriver
import QLDBHTTPTransport
import SigV4

/// The licence service as a Lambda function: its configuration from the environment, the ledger
/// reached over HTTPS, and the Runtime API loop on API Gateway proxy events.
///
/// The environment: `AWS_LAMBDA_RUNTIME_API` (set by Lambda), `LEDGER_NAME` (default
/// `licences`), `AWS_REGION` (default `us-east-1`), `QLDB_ENDPOINT` (default the regional QLDB
/// session endpoint), `QLDB_CONTROL_ENDPOINT` (for `/verify`; default `QLDB_ENDPOINT`),
/// `QLDB_CREDENTIALS_SECRET_ARN` (a key pair in Secrets Manager that `qldb serve --iam` knows;
/// default the AWS credential chain), `LICENCE_PREPARE_TABLES=1` (create the tables and indexes
/// at init).
public enum LicenceLambda {
    /// Runs the Runtime API loop at `api` until the process ends. A ledger that cannot be reached
    /// at init is reported to Lambda as `Runtime.InitError`, within 4 s (Lambda allows 10).
    ///
    /// - Throws: ``LicenceLambdaError`` after reporting an init failure.
    public static func run(api: String, environment: [String: String], logger: Logger) async throws {
        let runtime = LambdaRuntime(api: api, logger: logger)
        let ledger = environment["LEDGER_NAME"] ?? "licences"
        let region = environment["AWS_REGION"] ?? "us-east-1"
        let licences: LicenceAPI
        do {
            let endpoint = environment["QLDB_ENDPOINT"]
            // A VPC endpoint carries only the session API: /verify needs a control-plane endpoint
            // named outright, or a qldb serve endpoint, which answers both.
            let (driver, proofs) = try remoteLedger(
                ledger: ledger, region: region, endpoint: endpoint ?? "https://session.qldb.\(region).amazonaws.com/",
                controlEndpoint: environment["QLDB_CONTROL_ENDPOINT"] ?? endpoint, environment: environment,
                logger: logger)
            licences = LicenceAPI(driver: driver, proofs: proofs, logger: logger)
            if environment["LICENCE_PREPARE_TABLES"] == "1" {
                let location = endpoint ?? "the regional QLDB endpoint of \(region)"
                guard try await finishes(within: .seconds(4), { try await licences.prepare() }) else {
                    throw LicenceLambdaError(
                        "the ledger \(ledger) at \(location) did not answer within 4 s while preparing its tables")
                }
            }
        } catch {
            try await runtime.initFailed(type: "Runtime.InitError", message: "\(error)")
            throw LicenceLambdaError("init failed: \(error)")
        }
        try await runtime.run { event in await licences.handle(apiGatewayEvent: event) }
    }

    /// A driver for `ledger` at a session endpoint, and the control-plane client `/verify` uses
    /// (none without a control endpoint). A ledger that is `qldb serve --iam` knows the caller by
    /// a key pair kept in Secrets Manager (`QLDB_CREDENTIALS_SECRET_ARN`): STS's role credentials
    /// can be verified only by AWS.
    ///
    /// - Throws: ``LicenceLambdaError`` when an endpoint is not an http or https URL.
    package static func remoteLedger(
        ledger: String, region: String, endpoint: String, controlEndpoint: String?, environment: [String: String],
        logger: Logger
    ) throws -> (QLDBDriver, (any LicenceProofSource)?) {
        var configuration = QLDBDriverConfiguration()
        configuration.logger = logger
        guard let url = URL(string: endpoint), url.scheme == "http" || url.scheme == "https" else {
            throw LicenceLambdaError("the ledger endpoint must be an http or https URL, got \(endpoint)")
        }
        let credentials: any CredentialProvider =
            environment["QLDB_CREDENTIALS_SECRET_ARN"].flatMap { $0.isEmpty ? nil : $0 }.map {
                SecretsManagerCredentialProvider(
                    secretID: $0, region: region, credentials: CredentialProviderChain.default())
            } ?? CredentialProviderChain.default()
        let driver = QLDBDriver(
            ledger: ledger, region: region, endpoint: url, credentials: credentials, configuration: configuration)
        guard let controlEndpoint else { return (driver, nil) }
        guard let control = URL(string: controlEndpoint), control.scheme == "http" || control.scheme == "https" else {
            throw LicenceLambdaError("the control-plane endpoint must be an http or https URL, got \(controlEndpoint)")
        }
        return (driver, ControlPlaneClient(endpoint: control, region: region, credentials: credentials))
    }
}

/// Why the Lambda function could not start.
public struct LicenceLambdaError: Error, Sendable, CustomStringConvertible {
    /// What was wrong.
    public var description: String

    init(_ description: String) { self.description = description }
}
