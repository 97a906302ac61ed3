#!/usr/bin/env bash
# Measures the cold start of a licence-service Lambda bootstrap: for each run, a fresh fake
# Runtime API (scripts/measure_lambda.py) with one API Gateway event queued, then BOOTSTRAP
# started against it; the time is from just before the process is spawned to the arrival of the
# first invocation's response. Prints each run, the median, min and max in ms, and the sizes of
# the executable and of a deflate zip of it named `bootstrap` (as scripts/package-lambda.sh
# makes), in MB (10^6 bytes).
#
#   scripts/measure-lambda.sh BOOTSTRAP [RUNS]
#
# RUNS defaults to 20; each run is given at most 15 s. One `qldb serve --in-memory` (binary in
# $QLDB_BIN, default .build/debug/qldb) serves every run, checking SigV4 with the keys the function
# gets in its environment. An unmeasured warm-up run with LICENCE_PREPARE_TABLES=1 creates the
# Licence table first; the measured runs do not prepare tables, and their event,
# GET /licences/<22-char id> of a licence that does not exist, queries that table and answers 404.
set -euo pipefail
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 BOOTSTRAP [RUNS]" >&2; exit 2; }
BINARY=$(realpath -s -- "$1")
RUNS=${2:-20}
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "measure-lambda: RUNS must be a positive number, got $RUNS" >&2; exit 2; }
cd "$(dirname "$0")/.."
QLDB_BIN=${QLDB_BIN:-.build/debug/qldb}
for bin in "$BINARY" "$QLDB_BIN"; do
    [ -x "$bin" ] || { echo "measure-lambda: $bin not found; build it first" >&2; exit 1; }
done
work=$(mktemp -d)
serve_pid=
cleanup() {
    [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$QLDB_BIN" serve --in-memory --port 0 --ledger licences --credentials AKID:SECRET --region eu-west-2 \
    > "$work/serve.log" 2>&1 &
serve_pid=$!
ledger_port=
for _ in $(seq 1 100); do
    ledger_port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/serve.log")
    [ -n "$ledger_port" ] && break
    kill -0 "$serve_pid" 2>/dev/null || break
    sleep 0.1
done
[ -n "$ledger_port" ] || { cat "$work/serve.log"; echo "measure-lambda: qldb serve did not start" >&2; exit 1; }

status=0
python3 scripts/measure_lambda.py --binary "$BINARY" --ledger-endpoint "http://127.0.0.1:$ledger_port/" \
    --work "$work" --runs "$RUNS" --run-timeout 15 || status=$?
if [ "$status" -ne 0 ]; then
    echo "--- qldb serve output (last 20 lines)"; tail -n 20 "$work/serve.log"
fi
exit "$status"
