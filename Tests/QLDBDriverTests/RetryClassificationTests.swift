import Foundation
import QLDBSession
import Testing

@testable import QLDBDriver

/// One case per row of the retry table in `docs/driver.md`: the verdict, the reason and what
/// happens to the session.
@Suite struct RetryClassificationTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let error: @Sendable () -> any Error
        let attempt: Int
        var retryOnRateExceeded = false
        let action: RetryVerdict.Action
        let reason: RetryReason
        let session: RetryReason.SessionHandling
    }

    static func service(_ status: Int, _ type: String, _ message: String, code: String? = nil) -> QLDBSessionError {
        var body = #"{"__type":"com.amazonaws.qldbsession#\#(type)","Message":"\#(message)""#
        if let code { body += #","Code":"\#(code)""# }
        return QLDBSessionError(status: status, body: Array((body + "}").utf8))
    }

    static let rows: [Row] = [
        Row(
            testDescription: "OccConflictException: retried with backoff, session kept",
            error: { service(400, "OccConflictException", "Optimistic concurrency control (OCC) failure") }, attempt: 0,
            action: .retry, reason: .occConflict, session: .keep),
        Row(
            testDescription: "InvalidSessionException on the first attempt: retried at once, session dropped",
            error: { service(400, "InvalidSessionException", "No such session") }, attempt: 0,
            action: .retryNow, reason: .invalidSession, session: .drop),
        Row(
            testDescription: "InvalidSessionException on a later attempt: retried with backoff",
            error: { service(400, "InvalidSessionException", "No such session") }, attempt: 2,
            action: .retry, reason: .invalidSession, session: .drop),
        Row(
            testDescription: "BadRequestException SessionToken is not valid: as an invalid session",
            error: { service(400, "BadRequestException", "The parameter SessionToken is not valid") }, attempt: 0,
            action: .retryNow, reason: .invalidSession, session: .drop),
        Row(
            testDescription: "Transaction has expired: not retried, aborted and dropped",
            error: { service(400, "InvalidSessionException", "Transaction 4o5Uk09OcjC6PpJpLahceE has expired") },
            attempt: 0, action: .fail, reason: .transactionExpired, session: .abortThenDrop),
        Row(
            testDescription: "HTTP 500 InternalFailure: retried, aborted",
            error: { service(500, "InternalFailure", "") }, attempt: 0,
            action: .retry, reason: .serverError, session: .abortAndKeepIfAcknowledged),
        Row(
            testDescription: "HTTP 503 ServiceUnavailable: retried, aborted",
            error: { service(503, "ServiceUnavailable", "") }, attempt: 0,
            action: .retry, reason: .serverError, session: .abortAndKeepIfAcknowledged),
        Row(
            testDescription: "HTTP 503 CapacityExceededException: retried, aborted",
            error: { service(503, "CapacityExceededException", "") }, attempt: 0,
            action: .retry, reason: .capacityExceeded, session: .abortAndKeepIfAcknowledged),
        Row(
            testDescription: "Connection refused: retried, aborted",
            error: { QLDBTransportError(.connection, "refused") }, attempt: 0,
            action: .retry, reason: .transport, session: .abortAndKeepIfAcknowledged),
        Row(
            testDescription: "Timeout: retried, aborted",
            error: { QLDBTransportError(.timeout, "read") }, attempt: 0,
            action: .retry, reason: .transport, session: .abortAndKeepIfAcknowledged),
        Row(
            testDescription: "RateExceededException: not retried by default",
            error: { service(400, "RateExceededException", "") }, attempt: 0,
            action: .fail, reason: .rateExceeded, session: .abortAndKeepIfAcknowledged),
        Row(
            testDescription: "RateExceededException with retryOnRateExceeded: retried",
            error: { service(400, "RateExceededException", "") }, attempt: 0, retryOnRateExceeded: true,
            action: .retry, reason: .rateExceeded, session: .abortAndKeepIfAcknowledged),
        Row(
            testDescription: "BadRequestException: not retried, aborted",
            error: { service(400, "BadRequestException", "Semantic Error: no such table") }, attempt: 0,
            action: .fail, reason: .badRequest, session: .abortAndKeepIfAcknowledged),
        Row(
            testDescription: "LimitExceededException: not retried",
            error: { service(400, "LimitExceededException", "too many") }, attempt: 0,
            action: .fail, reason: .badRequest, session: .abortAndKeepIfAcknowledged),
        Row(
            testDescription: "Other 4xx: not retried",
            error: { service(403, "AccessDeniedException", "no") }, attempt: 0,
            action: .fail, reason: .clientError, session: .abortAndKeepIfAcknowledged),
        Row(
            testDescription: "Commit digest echo mismatch: not retried, session kept",
            error: { QLDBDriverError(.commitDigestMismatch, "differs") }, attempt: 0,
            action: .fail, reason: .digestEchoMismatch, session: .keep),
        Row(
            testDescription: "The caller's own error: not retried, aborted",
            error: { CocoaError(.fileNoSuchFile) }, attempt: 0,
            action: .fail, reason: .callerError, session: .abortAndKeepIfAcknowledged),
    ]

    @Test(arguments: rows)
    func row(_ row: Row) {
        let policy = RetryPolicy(maxRetries: 4, retryOnRateExceeded: row.retryOnRateExceeded)
        let verdict = RetryVerdict.classify(row.error(), attempt: row.attempt, policy: policy)
        #expect(verdict == RetryVerdict(action: row.action, reason: row.reason))
        #expect(verdict.reason.sessionHandling == row.session)
    }

    @Test func poolFailuresAndCancellationAreFinalAndStartSessionErrorsFollowTheRules() {
        let policy = RetryPolicy.default
        #expect(
            RetryVerdict.classifyWithoutSession(QLDBDriverError(.sessionPoolTimeout, "busy"), policy: policy)
                == RetryVerdict(action: .fail, reason: .pool))
        #expect(
            RetryVerdict.classifyWithoutSession(CancellationError(), policy: policy)
                == RetryVerdict(action: .fail, reason: .cancelled))
        // StartSession failing on a stale endpoint counts as a later attempt: backoff, not at once.
        #expect(
            RetryVerdict.classifyWithoutSession(Self.service(400, "InvalidSessionException", "gone"), policy: policy)
                == RetryVerdict(action: .retry, reason: .invalidSession))
        #expect(
            RetryVerdict.classifyWithoutSession(QLDBTransportError(.connection, "refused"), policy: policy)
                == RetryVerdict(action: .retry, reason: .transport))
    }

    @Test func everyReasonHasTheMetricNameOfTheTable() {
        #expect(
            RetryReason.allCases.map(\.rawValue) == [
                "occ_conflict", "invalid_session", "transaction_expired", "rate_exceeded", "capacity_exceeded",
                "bad_request", "server_error", "client_error", "transport", "digest_echo_mismatch", "caller_error",
                "pool",
                "cancelled",
            ])
    }
}
