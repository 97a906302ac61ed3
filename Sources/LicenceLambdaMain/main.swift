import Foundation
import LicenceLambda
import Logging

// `licence-lambda`: the licence service as a Lambda function's `bootstrap`, and nothing else (no
// local server, no embedded ledger), so that the zip stays small. `licence-service` runs the same
// function when AWS_LAMBDA_RUNTIME_API is set.
LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
let logger = Logger(label: "licence-service")
let environment = ProcessInfo.processInfo.environment
guard let api = environment["AWS_LAMBDA_RUNTIME_API"] else {
    logger.critical(
        "AWS_LAMBDA_RUNTIME_API is not set: licence-lambda is a Lambda function's bootstrap (run licence-service for a local server)"
    )
    exit(64)
}
do {
    try await LicenceLambda.run(api: api, environment: environment, logger: logger)
} catch {
    exit(1)
}
