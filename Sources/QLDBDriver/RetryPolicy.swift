/// How many times a transaction is retried and how long the driver waits between attempts.
///
/// Which errors are retried is fixed by the protocol (see `docs/driver.md`); this policy decides
/// how often and how fast.
public struct RetryPolicy: Sendable {
    /// Retries after the first attempt (default 4, so 5 attempts in all).
    public var maxRetries: Int
    /// Whether `RateExceededException` is retried (off by default: throttling is better answered
    /// by the caller slowing down).
    public var retryOnRateExceeded: Bool
    /// The wait before retry number `retry` (1 for the first retry).
    public var backoff: @Sendable (_ retry: Int) -> Duration

    /// Creates a policy.
    public init(
        maxRetries: Int = 4, retryOnRateExceeded: Bool = false,
        backoff: @escaping @Sendable (_ retry: Int) -> Duration = RetryPolicy.equalJitter()
    ) {
        precondition(maxRetries >= 0, "maxRetries must not be negative")
        self.maxRetries = maxRetries
        self.retryOnRateExceeded = retryOnRateExceeded
        self.backoff = backoff
    }

    /// The official drivers' defaults: 4 retries, equal jitter, base 10 ms, cap 5 s.
    public static let `default` = RetryPolicy()

    /// Equal jitter, as the Java and Python drivers do: with `d = min(cap, base · 2^retry)`,
    /// wait `d/2 + random(0...d/2)`. The first retry waits 10 to 20 ms with the defaults.
    public static func equalJitter(base: Duration = .milliseconds(10), cap: Duration = .seconds(5))
        -> @Sendable (Int) -> Duration
    {
        { retry in
            let baseNanos = Double(base.components.seconds) * 1e9 + Double(base.components.attoseconds) / 1e9
            let capNanos = Double(cap.components.seconds) * 1e9 + Double(cap.components.attoseconds) / 1e9
            let ceiling = min(capNanos, baseNanos * Double(1 << min(max(retry, 0), 40)))
            let half = ceiling / 2
            return .nanoseconds(Int64(half + Double.random(in: 0...half)))
        }
    }
}
