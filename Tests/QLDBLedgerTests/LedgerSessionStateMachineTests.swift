import QLDBTesting
import Testing

@testable import QLDBLedger

/// QLDB's session rules, event by event, on a clock the test moves.
@Suite struct LedgerSessionStateMachineTests {
    typealias Machine = LedgerSessionStateMachine<TestClock, String>

    let clock = TestClock()

    func machine(maxSessionsPerLedger: Int = 3000) -> Machine {
        Machine(
            configuration: .init(
                transactionTimeout: .seconds(30), sessionIdleTimeout: .seconds(60), sessionLifetime: .seconds(15 * 60),
                maxSessionsPerLedger: maxSessionsPerLedger))
    }

    @Test func aStartedSessionChecksOutAndBackIn() throws {
        var sessions = machine()
        #expect(sessions.start(token: "t", id: "s1", ledger: "l", payload: "state", now: clock.now) == (true, []))
        let out = try sessions.checkOut("t", now: clock.now).get()
        #expect(out.id == "s1" && out.payload == "state")
        #expect(sessions.checkIn("t", out, transaction: nil, ended: false, now: clock.now) == nil)
        #expect(sessions.count == 1)
    }

    @Test func oneCommandAtATime() throws {
        var sessions = machine()
        _ = sessions.start(token: "t", id: "s1", ledger: "l", payload: "state", now: clock.now)
        let out = try sessions.checkOut("t", now: clock.now).get()
        #expect(refusal(sessions.checkOut("t", now: clock.now)) == .busy)
        _ = sessions.checkIn("t", out, transaction: nil, ended: false, now: clock.now)
        #expect(throws: Never.self) { try sessions.checkOut("t", now: clock.now).get() }
    }

    @Test func anUnknownTokenIsNoSuchSession() {
        var sessions = machine()
        #expect(refusal(sessions.checkOut("nope", now: clock.now)) == .noSuchSession)
    }

    @Test func idleForSixtySecondsEndsTheSessionAndHandsBackItsState() throws {
        var sessions = machine()
        _ = sessions.start(token: "t", id: "s1", ledger: "l", payload: "state", now: clock.now)
        clock.advance(by: .seconds(59))
        let out = try sessions.checkOut("t", now: clock.now).get()
        _ = sessions.checkIn("t", out, transaction: nil, ended: false, now: clock.now)
        clock.advance(by: .seconds(60))
        let refused = checkOutError(&sessions, "t")
        #expect(refused?.refusal == .idleTimeout(sessionID: "s1"))
        #expect(refused?.removed == "state")
        #expect(sessions.count == 0)
    }

    @Test func aTransactionExpiresThirtySecondsAfterTheCommandThatOpenedIt() throws {
        var sessions = machine()
        _ = sessions.start(token: "t", id: "s1", ledger: "l", payload: "state", now: clock.now)
        clock.advance(by: .seconds(5))
        let begin = try sessions.checkOut("t", now: clock.now).get()
        clock.advance(by: .seconds(1))
        _ = sessions.checkIn("t", begin, transaction: "txn-1", ended: false, now: clock.now)
        clock.advance(by: .seconds(28))
        let execute = try sessions.checkOut("t", now: clock.now).get()
        _ = sessions.checkIn("t", execute, transaction: "txn-1", ended: false, now: clock.now)
        clock.advance(by: .seconds(1))
        let refused = checkOutError(&sessions, "t")
        #expect(refused?.refusal == .transactionExpired(transactionID: "txn-1"))
        #expect(refused?.removed == "state")
        #expect(refusal(sessions.checkOut("t", now: clock.now)) == .noSuchSession)
    }

    @Test func aSessionExpiresAfterItsLifetimeEvenWhenBusyWithUse() throws {
        var sessions = machine()
        _ = sessions.start(token: "t", id: "s1", ledger: "l", payload: "state", now: clock.now)
        for _ in 0..<29 {
            clock.advance(by: .seconds(30))
            let out = try sessions.checkOut("t", now: clock.now).get()
            _ = sessions.checkIn("t", out, transaction: nil, ended: false, now: clock.now)
        }
        clock.advance(by: .seconds(30))
        #expect(checkOutError(&sessions, "t")?.refusal == .sessionExpired(sessionID: "s1"))
    }

    @Test func endSessionRemovesItAndReturnsItsState() throws {
        var sessions = machine()
        _ = sessions.start(token: "t", id: "s1", ledger: "l", payload: "state", now: clock.now)
        let out = try sessions.checkOut("t", now: clock.now).get()
        #expect(sessions.checkIn("t", out, transaction: "txn", ended: true, now: clock.now) == "state")
        #expect(sessions.count == 0)
    }

    @Test func theSessionLimitIsPerLedgerAndStartSweepsExpiredSessionsFirst() {
        var sessions = machine(maxSessionsPerLedger: 2)
        _ = sessions.start(token: "a", id: "s1", ledger: "l", payload: "a", now: clock.now)
        _ = sessions.start(token: "b", id: "s2", ledger: "l", payload: "b", now: clock.now)
        #expect(sessions.start(token: "c", id: "s3", ledger: "l", payload: "c", now: clock.now) == (false, []))
        #expect(sessions.start(token: "d", id: "s4", ledger: "other", payload: "d", now: clock.now) == (true, []))
        clock.advance(by: .seconds(60))
        let (started, removed) = sessions.start(token: "e", id: "s5", ledger: "l", payload: "e", now: clock.now)
        #expect(started)
        #expect(Set(removed) == ["a", "b", "d"])
    }

    @Test func sweepLeavesBusySessionsAlone() throws {
        var sessions = machine()
        _ = sessions.start(token: "a", id: "s1", ledger: "l", payload: "a", now: clock.now)
        _ = sessions.start(token: "b", id: "s2", ledger: "l", payload: "b", now: clock.now)
        let out = try sessions.checkOut("a", now: clock.now).get()
        clock.advance(by: .seconds(61))
        #expect(sessions.sweep(now: clock.now) == ["b"])
        #expect(sessions.checkIn("a", out, transaction: nil, ended: false, now: clock.now) == nil)
        #expect(sessions.count == 1)
    }

    private func refusal(_ result: Result<Machine.CheckedOut, Machine.Refused>) -> Machine.Refusal? {
        if case .failure(let refused) = result { return refused.refusal }
        return nil
    }

    private func checkOutError(_ sessions: inout Machine, _ token: String) -> Machine.Refused? {
        if case .failure(let refused) = sessions.checkOut(token, now: clock.now) { return refused }
        return nil
    }
}
