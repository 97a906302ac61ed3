import QLDBSession

/// Why an attempt failed, as the retry rules see it: one case per row of the retry table in
/// `docs/driver.md`. The raw value is the `reason` dimension of `qldb_transaction_retries`.
enum RetryReason: String, Sendable, CaseIterable {
    /// `OccConflictException` at commit.
    case occConflict = "occ_conflict"
    /// `InvalidSessionException` that is not an expiry, or QLDB's `SessionToken is not valid`.
    case invalidSession = "invalid_session"
    /// `InvalidSessionException: Transaction … has expired`.
    case transactionExpired = "transaction_expired"
    /// `RateExceededException`.
    case rateExceeded = "rate_exceeded"
    /// `CapacityExceededException`.
    case capacityExceeded = "capacity_exceeded"
    /// `BadRequestException` or `LimitExceededException`: the request itself is wrong.
    case badRequest = "bad_request"
    /// Any other service error with a 5xx status.
    case serverError = "server_error"
    /// Any other service error with a 4xx status.
    case clientError = "client_error"
    /// The ledger could not be reached or did not answer (`QLDBTransportError`).
    case transport
    /// The commit digest the ledger echoed differs from the one computed.
    case digestEchoMismatch = "digest_echo_mismatch"
    /// The caller's closure threw.
    case callerError = "caller_error"
    /// No session could be had from the pool (timeout, closed driver).
    case pool
    /// The calling task was cancelled.
    case cancelled

    /// What happens to the attempt's session, before the verdict is acted on.
    enum SessionHandling: Sendable, Equatable {
        /// Back to the pool without an abort: the ledger already ended the transaction.
        case keep
        /// Abort, then drop it: the ledger discards the session with an expired transaction.
        case abortThenDrop
        /// Drop without `EndSession`: the ledger no longer knows it.
        case drop
        /// Abort; keep the session if the abort succeeds, else drop it.
        case abortAndKeepIfAcknowledged
    }

    /// How the session of an attempt that failed this way is treated.
    var sessionHandling: SessionHandling {
        switch self {
        case .occConflict, .digestEchoMismatch: return .keep
        case .transactionExpired: return .abortThenDrop
        case .invalidSession: return .drop
        case .rateExceeded, .capacityExceeded, .badRequest, .serverError, .clientError, .transport, .callerError,
            .pool, .cancelled:
            return .abortAndKeepIfAcknowledged
        }
    }
}

/// The decision for one failed attempt.
struct RetryVerdict: Sendable, Equatable {
    /// What the attempt loop does next.
    enum Action: Sendable, Equatable {
        /// Retry after the policy's backoff.
        case retry
        /// Retry at once (a stale pooled session on the first attempt).
        case retryNow
        /// Give up and throw the error.
        case fail
    }

    var action: Action
    var reason: RetryReason

    /// The retry rules (see `docs/driver.md`): classifies the error of attempt number `attempt`
    /// (0 for the first).
    static func classify(_ error: any Error, attempt: Int, policy: RetryPolicy) -> RetryVerdict {
        if let error = error as? QLDBSessionError {
            switch error.kind {
            case .occConflict:
                return RetryVerdict(action: .retry, reason: .occConflict)
            case .invalidSession:
                if isTransactionExpiry(error.message) {
                    return RetryVerdict(action: .fail, reason: .transactionExpired)
                }
                return RetryVerdict(action: attempt == 0 ? .retryNow : .retry, reason: .invalidSession)
            case .badRequest where error.message.firstRange(of: "SessionToken is not valid") != nil:
                // QLDB sometimes reports a session it has forgotten this way instead of ISE.
                return RetryVerdict(action: attempt == 0 ? .retryNow : .retry, reason: .invalidSession)
            case .rateExceeded:
                return RetryVerdict(action: policy.retryOnRateExceeded ? .retry : .fail, reason: .rateExceeded)
            case .capacityExceeded:
                return RetryVerdict(action: .retry, reason: .capacityExceeded)
            case .badRequest, .limitExceeded:
                return RetryVerdict(action: .fail, reason: .badRequest)
            case .other:
                return error.status >= 500
                    ? RetryVerdict(action: .retry, reason: .serverError)
                    : RetryVerdict(action: .fail, reason: .clientError)
            }
        }
        if error is QLDBTransportError { return RetryVerdict(action: .retry, reason: .transport) }
        if let error = error as? QLDBDriverError, error.kind == .commitDigestMismatch {
            return RetryVerdict(action: .fail, reason: .digestEchoMismatch)
        }
        return RetryVerdict(action: .fail, reason: .callerError)
    }

    /// Classifies a failure to get a session from the pool: pool errors and cancellation are
    /// final; errors of starting a session follow the rules of a later attempt.
    static func classifyWithoutSession(_ error: any Error, policy: RetryPolicy) -> RetryVerdict {
        if error is CancellationError { return RetryVerdict(action: .fail, reason: .cancelled) }
        if error is QLDBDriverError { return RetryVerdict(action: .fail, reason: .pool) }
        return classify(error, attempt: 1, policy: policy)
    }

    /// `Transaction <id> has expired`, the message of an `InvalidSessionException` that ends
    /// the transaction (and is not retried: its statements may have been seen).
    static func isTransactionExpiry(_ message: String) -> Bool {
        guard let start = message.firstRange(of: "Transaction ") else { return false }
        return message[start.upperBound...].firstRange(of: " has expired") != nil
    }
}
