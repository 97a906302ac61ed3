import Foundation

/// Caches expiring credentials and refreshes them ahead of expiry.
///
/// However many callers ask at once, one refresh is in flight; they all wait for it. If a refresh
/// fails while the cached credentials are still valid, the cached ones are returned (and the next
/// call tries again); past their expiry the error is thrown.
public actor RefreshingCredentialProvider: CredentialProvider {
    let base: any CredentialProvider
    let refreshAhead: TimeInterval
    let now: @Sendable () -> Date
    private var cached: AWSCredentials?
    private var inFlight: Task<AWSCredentials, any Error>?
    /// How many times the underlying provider has been asked.
    public private(set) var fetchCount = 0

    /// Wraps `base`, refreshing `refreshAhead` seconds (5 minutes by default) before expiry.
    public init(
        _ base: any CredentialProvider, refreshAhead: TimeInterval = 300,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.base = base
        self.refreshAhead = refreshAhead
        self.now = now
    }

    public func credentials() async throws -> AWSCredentials {
        if let cached, !needsRefresh(cached) { return cached }
        let task: Task<AWSCredentials, any Error>
        if let inFlight {
            task = inFlight
        } else {
            fetchCount += 1
            let base = self.base
            task = Task { try await base.credentials() }
            inFlight = task
        }
        do {
            let fresh = try await task.value
            if inFlight == task { inFlight = nil }
            cached = fresh
            return fresh
        } catch {
            if inFlight == task { inFlight = nil }
            if let cached, let expiration = cached.expiration, expiration > now() { return cached }
            throw error
        }
    }

    /// Forgets the cached credentials (after `ExpiredToken`, `ExpiredTokenException` or `RequestExpired`).
    public func invalidate() { cached = nil }

    func needsRefresh(_ credentials: AWSCredentials) -> Bool {
        guard let expiration = credentials.expiration else { return false }
        return expiration.timeIntervalSince(now()) < refreshAhead
    }
}
