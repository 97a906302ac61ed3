#!/usr/bin/env bash
# The abuse suite of issue 14: hostile input and load against `qldb serve` and `licence-service`,
# loopback only, bounded in time (each probe has a timeout; the whole run is well under 3 minutes).
# Every probe prints `ok <probe>: <figure>` or `FAIL <probe>: <what happened vs expected>`
# (scripts/abuse_probes.py, Python 3 standard library only); at the end both long-running
# servers must still answer a normal request. Exits 1 if anything failed.
#
# Binaries: $QLDB_BIN (default .build/debug/qldb) and $LICENCE_BIN (default
# .build/debug/licence-service); build them first. Every server listens on 127.0.0.1, port 0.
set -euo pipefail
cd "$(dirname "$0")/.."
QLDB_BIN=${QLDB_BIN:-.build/debug/qldb}
LICENCE_BIN=${LICENCE_BIN:-.build/debug/licence-service}
PYTHON=${PYTHON:-python3}
for binary in "$QLDB_BIN" "$LICENCE_BIN"; do
    [ -x "$binary" ] || { echo "abuse: $binary not found; build it first (swift build)" >&2; exit 2; }
done
QLDB_BIN=$(cd "$(dirname "$QLDB_BIN")" && pwd)/$(basename "$QLDB_BIN")
LICENCE_BIN=$(cd "$(dirname "$LICENCE_BIN")" && pwd)/$(basename "$LICENCE_BIN")
PROBES=scripts/abuse_probes.py
# A crashing server exits at once (status 139 for SIGSEGV) instead of spending seconds in Swift's
# backtracer while still holding its port; set SWIFT_BACKTRACE to override.
export SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/abuse.XXXXXX")
PIDS=()
FAILURES=0
SUITE_START=$SECONDS

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        # A server that ignores SIGTERM gets 5 s, then SIGKILL.
        for _ in $(seq 1 50); do running "$pid" || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

# running PID: whether the process is alive (a dead child stays a zombie until waited for, and
# `kill -0` still succeeds on a zombie).
running() {
    local state
    state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
    [[ $state != Z* ]]
}
trap 'exit 130' INT TERM

# start NAME PATTERN COMMAND...: starts a server logging to $WORK/NAME.log, waits for the line
# matching PATTERN (sed, capturing the port) and sets PORT and PID.
start() {
    local name=$1 pattern=$2 log
    shift 2
    log="$WORK/$name.log"
    "$@" > "$log" 2>&1 &
    PID=$!
    PIDS+=("$PID")
    PORT=
    for _ in $(seq 1 100); do
        PORT=$(sed -n "$pattern" "$log")
        [ -n "$PORT" ] && break
        running "$PID" || break
        sleep 0.1
    done
    if [ -z "$PORT" ]; then
        echo "abuse: $name did not start:" >&2
        cat "$log" >&2
        exit 2
    fi
}
QLDB_LINE='s|.*qldb serve: listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p'
LICENCE_LINE='s|.*licence-service: listening on http://127.0.0.1:\([0-9]*\).*|\1|p'

start_qldb_main() {
    start qldb-main "$QLDB_LINE" "$QLDB_BIN" serve --port 0 --in-memory --ledger ledger
    QLDB_URL="http://127.0.0.1:$PORT/"
    QLDB_PID=$PID
}

# probe SECONDS NAME ARGS...: runs one probe under a hard timeout (never past the suite's
# deadline) and counts its failures.
SUITE_BUDGET=${ABUSE_BUDGET:-170}
probe() {
    local seconds=$1 name=$2 status=0 left
    shift 2
    echo "== $name"
    left=$((SUITE_BUDGET - (SECONDS - SUITE_START) - 5))
    if [ "$left" -lt "$seconds" ]; then seconds=$left; fi
    if [ "$seconds" -le 0 ]; then
        echo "FAIL $name: not run, the suite's ${SUITE_BUDGET} s budget is spent"
        FAILURES=$((FAILURES + 1))
        return 0
    fi
    timeout --kill-after=5 "$seconds" "$PYTHON" "$PROBES" "$name" --qldb-bin "$QLDB_BIN" "$@" || status=$?
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
        echo "FAIL $name: the probe did not finish within ${seconds} s"
    fi
    [ "$status" -eq 0 ] || FAILURES=$((FAILURES + 1))
    return 0
}

# After a probe: if qldb-main died or stopped answering, say so (the final check then fails too)
# and start a new one so that the remaining probes still measure something.
QLDB_RESTARTS=()
check_qldb_main() {
    local status=0 what=died
    if running "$QLDB_PID"; then
        timeout 10 "$PYTHON" "$PROBES" alive --qldb "$QLDB_URL" > /dev/null 2>&1 && return 0
        what="stopped answering (SIGKILLed)"
        kill -9 "$QLDB_PID" 2>/dev/null || true
    fi
    wait "$QLDB_PID" 2>/dev/null || status=$?
    echo "FAIL $1: qldb serve $what, exit status $status (last log lines below); restarting it for the next probes"
    tail -n 3 "$WORK/qldb-main.log" | sed 's/^/    /'
    QLDB_RESTARTS+=("$1 (exit $status)")
    FAILURES=$((FAILURES + 1))
    cp "$WORK/qldb-main.log" "$WORK/qldb-main.$1.log"
    start_qldb_main
}

echo "abuse: qldb $QLDB_BIN, licence-service $LICENCE_BIN"
start_qldb_main
start licence-main "$LICENCE_LINE" "$LICENCE_BIN" --port 0 --in-memory
LICENCE_URL="http://127.0.0.1:$PORT"
LICENCE_PID=$PID
echo "abuse: qldb serve on $QLDB_URL (pid $QLDB_PID), licence-service on $LICENCE_URL (pid $LICENCE_PID)"

probe 10 self-test

probe 20 deep-nesting --qldb "$QLDB_URL"
kill -STOP "$QLDB_PID"; check_qldb_main deep-nesting

# A server of its own: the join may take gigabytes (the probe SIGKILLs it above 4 GB).
start qldb-runaway "$QLDB_LINE" "$QLDB_BIN" serve --port 0 --in-memory --ledger ledger
probe 35 runaway-query --qldb "http://127.0.0.1:$PORT/" --pid "$PID"
kill "$PID" 2>/dev/null || true

probe 15 oversized-body --qldb "$QLDB_URL" --licence "$LICENCE_URL"
check_qldb_main oversized-body

probe 28 slowloris --qldb "$QLDB_URL" --licence "$LICENCE_URL" --connections 300 --wait 20 --header-timeout 15
check_qldb_main slowloris

mkdir -p "$WORK/ledger-name"
probe 12 ledger-name --scratch "$WORK/ledger-name"

start qldb-keys "$QLDB_LINE" "$QLDB_BIN" serve --port 0 --in-memory --ledger ledger \
    --credentials AKIDONE:secret1 --credentials AKIDTWO:secret2
probe 10 session-binding --qldb "http://127.0.0.1:$PORT/"
kill "$PID" 2>/dev/null || true

probe 10 licence-email --licence "$LICENCE_URL"

probe 8 health --qldb "$QLDB_URL"
check_qldb_main health

echo "== both servers still answer"
if [ "${#QLDB_RESTARTS[@]}" -gt 0 ]; then
    echo "FAIL alive/qldb-serve-survived: qldb serve had to be restarted after: ${QLDB_RESTARTS[*]}"
    FAILURES=$((FAILURES + 1))
fi
if ! running "$LICENCE_PID"; then
    echo "FAIL alive/licence-service-survived: licence-service is no longer running"
    FAILURES=$((FAILURES + 1))
fi
probe 10 alive --qldb "$QLDB_URL" --licence "$LICENCE_URL"

echo "abuse: finished in $((SECONDS - SUITE_START)) s; $FAILURES probe(s) with failures"
[ "$FAILURES" -eq 0 ]
