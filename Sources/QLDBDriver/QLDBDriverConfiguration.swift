import Logging
import QLDBPrimitives
import Tracing

/// How a ``QLDBDriver`` pools sessions and retries transactions.
public struct QLDBDriverConfiguration: Sendable {
    /// Most transactions in flight at once, and so most sessions held (default 50).
    public var maxConcurrentTransactions: Int = 50
    /// How long ``QLDBDriver/execute(isolation:_:)`` waits for a free session before failing
    /// with ``QLDBDriverError/Kind-swift.enum/sessionPoolTimeout`` (default 10 s).
    public var sessionAcquireTimeout: Duration = .seconds(10)
    /// Pooled sessions older than this are replaced before use (QLDB ends sessions after 13–17
    /// minutes; default 13 minutes).
    public var maxSessionAge: Duration = .seconds(13 * 60)
    /// Pooled sessions idle longer than this are replaced before use (QLDB's idle limit is 60 s;
    /// default 55 s).
    public var maxSessionIdle: Duration = .seconds(55)
    /// Retry count and backoff.
    public var retryPolicy: RetryPolicy = .default
    /// Where retries, aborts and session replacements are logged.
    public var logger: Logger = Logger(label: "swift-qldb.driver")
    /// The tracer of the `QLDB.transaction` and `QLDB.statement` spans; `nil` (the default) uses
    /// `InstrumentationSystem.tracer`, looked up at the start of each transaction.
    public var tracer: (any Tracer)? = nil
    /// The time source of the pool's timeouts, session ageing and retry backoff (tests inject
    /// a clock they advance).
    package var clock = ErasedClock(ContinuousClock())

    /// The defaults.
    public init() {}
}
