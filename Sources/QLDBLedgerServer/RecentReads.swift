import Synchronization

/// Values read from storage at most once a second per key and process: what permission checks
/// read on every request (a ledger's permissions mode, the tags of a ledger or table) without
/// a storage read each time. A change made through this process is seen at once (its key is
/// dropped with ``forget(_:)``); one made by another process sharing the storage, within a second.
final class RecentReads<Value: Sendable>: Sendable {
    private let entries = Mutex<[String: (value: Value, read: ContinuousClock.Instant)]>([:])
    /// Keys kept before the whole cache is emptied (ARNs come from requests: bounded memory).
    private static var capacity: Int { 10_000 }

    /// The value of `key` read within the last second, else what `read` gives now (kept unless
    /// it is `nil`, which is not).
    func value(_ key: String, read: () async -> Value?) async -> Value? {
        let now = ContinuousClock.now
        if let cached = entries.withLock({ $0[key] }), cached.read.duration(to: now) < .seconds(1) {
            return cached.value
        }
        guard let value = await read() else { return nil }
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll() }
            entries[key] = (value, now)
        }
        return value
    }

    /// Drops `key`: the next ``value(_:read:)`` reads it again.
    func forget(_ key: String) {
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }
}
