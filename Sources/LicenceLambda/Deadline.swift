import QLDBDriver
import Synchronization

/// Closes `driver`, giving up after `deadline` (its sessions then simply expire on the ledger).
package func closeWithin(_ deadline: Duration, _ driver: QLDBDriver) async {
    _ = try? await finishes(within: deadline) { try await driver.close() }
}

/// Whether `body` finished within `deadline`, rethrowing its error if it failed in time. On
/// time-out it is cancelled and left to wind down on its own: the caller goes on at once, even if
/// `body` is slow to notice the cancellation (a driver mid-retry).
package func finishes(within deadline: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws
    -> Bool
{
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
