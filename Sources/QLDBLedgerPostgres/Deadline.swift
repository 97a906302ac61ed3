import QLDBLedger
import Synchronization

/// Runs a database operation with a deadline: its result, or a ``StorageError`` once the
/// deadline passes, whatever the operation is doing.
///
/// A connection whose server went away during a restart can leave a query waiting forever (seen
/// with an immediate PostgreSQL shutdown under load); the client must get a retriable error
/// instead of a hung request. The operation runs in a task of its own and is cancelled at the
/// deadline; if it ignores the cancellation it finishes (or not) unobserved.
func withDeadline<T: Sendable>(
    _ deadline: Duration, _ what: String, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let state = DeadlineState()
    return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        @Sendable func finish(_ result: Result<T, any Error>) {
            let timer: Task<Void, Never>?? = state.value.withLock { state in
                guard !state.resumed else { return .none }
                state.resumed = true
                return .some(state.timer)
            }
            guard let timer else { return }
            timer?.cancel()
            continuation.resume(with: result)
        }
        let work = Task {
            do { finish(.success(try await operation())) } catch { finish(.failure(error)) }
        }
        let timer = Task {
            guard (try? await Task.sleep(for: deadline)) != nil else { return }
            work.cancel()
            finish(
                .failure(
                    StorageError(
                        engine: "postgres", operation: what,
                        reason: "the database did not answer within \(deadline); the connection may have been lost")))
        }
        let cancelNow = state.value.withLock { state in
            state.timer = timer
            return state.resumed
        }
        if cancelNow { timer.cancel() }
    }
}

/// Whether a deadline's continuation was resumed, and the timer to stop when the operation wins.
private final class DeadlineState: Sendable {
    let value = Mutex<(resumed: Bool, timer: Task<Void, Never>?)>((false, nil))
}
