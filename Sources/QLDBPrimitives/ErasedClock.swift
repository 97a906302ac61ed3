/// Any `Clock` counted in `Duration`, behind one concrete type: a time source for the driver and the ledger.
///
/// Production uses `ContinuousClock`; tests inject a clock they advance themselves (such as
/// `QLDBTesting.TestClock`), so pool timeouts, session ageing and retry backoff run without
/// sleeping. Instants count from the moment the `ErasedClock` was made.
public struct ErasedClock: Clock {
    /// An instant: the time elapsed since the `ErasedClock` was made.
    public struct Instant: InstantProtocol {
        /// Time since the clock's origin.
        public var offset: Duration

        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let elapsed: @Sendable () -> Duration
    private let sleeper: @Sendable (_ offset: Duration, _ tolerance: Duration?) async throws -> Void
    public let minimumResolution: Duration

    /// Wraps `clock`; its present instant becomes this clock's origin.
    public init<Wrapped: Clock>(_ clock: Wrapped) where Wrapped.Duration == Duration {
        let origin = clock.now
        elapsed = { origin.duration(to: clock.now) }
        sleeper = { offset, tolerance in try await clock.sleep(until: origin.advanced(by: offset), tolerance: tolerance)
        }
        minimumResolution = clock.minimumResolution
    }

    /// `ContinuousClock`.
    public static var continuous: ErasedClock { ErasedClock(ContinuousClock()) }

    public var now: Instant { Instant(offset: elapsed()) }

    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try await sleeper(deadline.offset, tolerance)
    }
}
