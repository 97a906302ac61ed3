import Foundation
import Ion
import Logging
import QLDBDriver
import QLDBPrimitives
import QLDBSession
import QLDBTesting
import Synchronization
import Testing

/// Records the backoff asked for on each retry, and sleeps not at all.
final class BackoffRecorder: Sendable {
    let retries = Mutex<[Int]>([])
    var policy: RetryPolicy {
        RetryPolicy(maxRetries: 4) { retry in
            self.retries.withLock { $0.append(retry) }
            return .zero
        }
    }
    var calls: [Int] { retries.withLock { $0 } }
}

func makeDriver(
    _ transport: any QLDBTransport, ledger: String = "test-ledger", backoff: BackoffRecorder = BackoffRecorder(),
    maxConcurrent: Int = 50,
    acquireTimeout: Duration = .seconds(10), clock: TestClock? = nil,
    configure: (inout QLDBDriverConfiguration) -> Void = { _ in }
) -> QLDBDriver {
    var configuration = QLDBDriverConfiguration()
    configuration.retryPolicy = backoff.policy
    configuration.maxConcurrentTransactions = maxConcurrent
    configuration.sessionAcquireTimeout = acquireTimeout
    configuration.logger.logLevel = .critical
    if let clock { configuration.clock = ErasedClock(clock) }
    configure(&configuration)
    return QLDBDriver(ledger: ledger, transport: transport, configuration: configuration)
}

struct CallerError: Error, Equatable {}

extension ScriptedTransport.Reply {
    static func error(_ status: Int = 400, _ type: String, _ message: String, code: String? = nil) -> Self {
        .respond(.serviceError(status: status, type: type, message: message, code: code))
    }
}
