import QLDBTesting
import Testing

@testable import QLDBDriver

/// The pool's decisions, event by event, on a clock the test moves.
@Suite struct SessionPoolStateMachineTests {
    typealias Machine = SessionPoolStateMachine<TestClock>

    let clock = TestClock()

    func machine(maxSessions: Int = 2) -> Machine {
        Machine(
            configuration: .init(
                maxSessions: maxSessions, acquireTimeout: .seconds(10), maxSessionAge: .seconds(13 * 60),
                maxSessionIdle: .seconds(55)))
    }

    @Test func aFreePermitWithNoIdleSessionStartsOne() {
        var pool = machine()
        let action = pool.acquire(1, now: clock.now)
        #expect(action == Machine.Action(granted: .init(request: 1, grant: .startSession)))
        #expect(pool.permits == 1)
    }

    @Test func aReleasedHealthySessionIsReusedMostRecentFirst() {
        var pool = machine()
        _ = pool.acquire(1, now: clock.now)
        _ = pool.acquire(2, now: clock.now)
        let a = pool.sessionStarted(token: "a", now: clock.now)
        let b = pool.sessionStarted(token: "b", now: clock.now)
        clock.advance(by: .seconds(1))
        #expect(pool.release(a, healthy: true, now: clock.now) == .none)
        clock.advance(by: .seconds(1))
        #expect(pool.release(b, healthy: true, now: clock.now) == .none)
        var reused = b
        reused.lastUsedAt = clock.now
        #expect(pool.acquire(3, now: clock.now) == Machine.Action(granted: .init(request: 3, grant: .session(reused))))
        #expect(pool.sessionsStarted == 2)
    }

    @Test func anUnhealthySessionIsDroppedWithoutEndSession() {
        var pool = machine()
        _ = pool.acquire(1, now: clock.now)
        let a = pool.sessionStarted(token: "a", now: clock.now)
        #expect(pool.release(a, healthy: false, now: clock.now) == .none)
        #expect(pool.idle.isEmpty)
        #expect(pool.permits == 2)
    }

    @Test func idleAndOldSessionsAreEndedAndReplaced() {
        var pool = machine()
        _ = pool.acquire(1, now: clock.now)
        _ = pool.acquire(2, now: clock.now)
        let old = pool.sessionStarted(token: "old", now: clock.now)
        clock.advance(by: .seconds(13 * 60 - 30))
        let idle = pool.sessionStarted(token: "idle", now: clock.now)
        _ = pool.release(idle, healthy: true, now: clock.now)
        clock.advance(by: .seconds(20))
        _ = pool.release(old, healthy: true, now: clock.now)
        // "old" is 13 min 10 s old (used 0 s ago); "idle" has been idle 20 s: both fit.
        clock.advance(by: .seconds(50))
        // Now "old" is past 13 minutes, and "idle" has been idle 70 s: both are ended.
        var expectedOld = old
        expectedOld.lastUsedAt = TestClock.Instant(offset: .seconds(13 * 60 - 10))
        var expectedIdle = idle
        expectedIdle.lastUsedAt = TestClock.Instant(offset: .seconds(13 * 60 - 30))
        let action = pool.acquire(3, now: clock.now)
        #expect(
            action
                == Machine.Action(
                    granted: .init(request: 3, grant: .startSession), sessionsToEnd: [expectedOld, expectedIdle]))
        #expect(pool.sessionsReplaced == 2)
    }

    @Test func withoutPermitsARequestWaitsThenTimesOutAtItsDeadline() {
        var pool = machine(maxSessions: 1)
        _ = pool.acquire(1, now: clock.now)
        let action = pool.acquire(2, now: clock.now)
        #expect(action == Machine.Action(timer: .init(request: 2, deadline: TestClock.Instant(offset: .seconds(10)))))
        clock.advance(by: .seconds(9))
        #expect(pool.timerFired(2, now: clock.now) == .none)
        clock.advance(by: .seconds(1))
        #expect(pool.timerFired(2, now: clock.now) == Machine.Action(failures: [2: .timedOut]))
        #expect(pool.waitingCount == 0)
    }

    @Test func aReleasedPermitGoesToTheLongestWaitingRequestWithTheSession() {
        var pool = machine(maxSessions: 1)
        _ = pool.acquire(1, now: clock.now)
        let a = pool.sessionStarted(token: "a", now: clock.now)
        _ = pool.acquire(2, now: clock.now)
        _ = pool.acquire(3, now: clock.now)
        clock.advance(by: .seconds(1))
        var reused = a
        reused.lastUsedAt = clock.now
        #expect(
            pool.release(a, healthy: true, now: clock.now)
                == Machine.Action(granted: .init(request: 2, grant: .session(reused))))
        // A lost session hands the permit on with no session: the waiter starts one.
        #expect(
            pool.release(nil, healthy: false, now: clock.now)
                == Machine.Action(granted: .init(request: 3, grant: .startSession)))
        #expect(pool.permits == 0)
        // A timer that fires after its request was granted changes nothing.
        clock.advance(by: .seconds(10))
        #expect(pool.timerFired(3, now: clock.now) == .none)
    }

    @Test func aCancelledWaiterFailsAndAGrantedOneIsUnaffected() {
        var pool = machine(maxSessions: 1)
        _ = pool.acquire(1, now: clock.now)
        _ = pool.acquire(2, now: clock.now)
        #expect(pool.cancelled(2) == Machine.Action(failures: [2: .cancelled]))
        #expect(pool.cancelled(1) == .none)
        #expect(pool.release(nil, healthy: false, now: clock.now) == .none)
        #expect(pool.permits == 1)
    }

    @Test func closeFailsWaitersEndsIdleSessionsAndRefusesNewRequests() {
        var pool = machine(maxSessions: 2)
        _ = pool.acquire(1, now: clock.now)
        _ = pool.acquire(2, now: clock.now)
        let a = pool.sessionStarted(token: "a", now: clock.now)
        let b = pool.sessionStarted(token: "b", now: clock.now)
        _ = pool.release(a, healthy: true, now: clock.now)
        _ = pool.acquire(3, now: clock.now)  // takes "a"
        _ = pool.acquire(4, now: clock.now)  // waits
        #expect(pool.close() == Machine.Action(failures: [4: .closed]))
        #expect(pool.acquire(5, now: clock.now) == Machine.Action(failures: [5: .closed]))
        // A healthy session returned after close is ended, not kept.
        #expect(pool.release(b, healthy: true, now: clock.now) == Machine.Action(sessionsToEnd: [b]))
    }

    @Test func closeEndsIdleSessions() {
        var pool = machine()
        _ = pool.acquire(1, now: clock.now)
        let a = pool.sessionStarted(token: "a", now: clock.now)
        _ = pool.release(a, healthy: true, now: clock.now)
        #expect(pool.close() == Machine.Action(sessionsToEnd: [a]))
        #expect(pool.idle.isEmpty)
    }
}
