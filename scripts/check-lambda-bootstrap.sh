#!/usr/bin/env bash
# Runs a licence-service executable as a Lambda would: in Runtime API mode against a fake
# Runtime API (scripts/fake_lambda_runtime.py), with credentials from the container endpoint (as
# under SnapStart: no key variables) and `qldb serve` verifying SigV4 in place of QLDB.
#
#   scripts/check-lambda-bootstrap.sh [BINARY]
#
# BINARY defaults to .build/debug/licence-service; give the `bootstrap` from
# deploy/licence-service.zip (scripts/package-lambda.sh) to check the deployable artifact.
# Uses the qldb binary in $QLDB_BIN (default .build/debug/qldb).
set -euo pipefail
cd "$(dirname "$0")/.."
BINARY=${1:-.build/debug/licence-service}
QLDB_BIN=${QLDB_BIN:-.build/debug/qldb}
for bin in "$BINARY" "$QLDB_BIN"; do
    [ -x "$bin" ] || { echo "lambda-check: $bin not found; build it first" >&2; exit 1; }
done
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

"$QLDB_BIN" serve --port 0 --in-memory --ledger licences --credentials AKIDLAMBDA:lambda-secret --region eu-west-2 > "$work/serve.log" 2>&1 &
pids+=($!)
token="Bearer lambda-check-$$"
python3 scripts/fake_lambda_runtime.py "$work/port" "$token" > "$work/runtime.log" 2>&1 &
fake=$!
pids+=($fake)
for _ in $(seq 1 100); do
    ledger_port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/serve.log")
    [ -n "$ledger_port" ] && [ -s "$work/port" ] && break
    sleep 0.1
done
[ -n "${ledger_port:-}" ] && [ -s "$work/port" ] || { cat "$work/serve.log" "$work/runtime.log"; echo "lambda-check: servers did not start"; exit 1; }
runtime_port=$(cat "$work/port")

env -i PATH="$PATH" HOME="$work" \
    AWS_LAMBDA_RUNTIME_API="127.0.0.1:$runtime_port" AWS_LAMBDA_FUNCTION_NAME=licences AWS_REGION=eu-west-2 \
    AWS_CONTAINER_CREDENTIALS_FULL_URI="http://127.0.0.1:$runtime_port/creds" AWS_CONTAINER_AUTHORIZATION_TOKEN="$token" \
    LEDGER_NAME=licences QLDB_ENDPOINT="http://127.0.0.1:$ledger_port/" LICENCE_PREPARE_TABLES=1 \
    "$BINARY" > "$work/function.log" 2>&1 &
pids+=($!)

status=0
wait "$fake" || status=$?
cat "$work/runtime.log"
if [ "$status" -ne 0 ]; then
    echo "--- function output"; cat "$work/function.log"
    echo "--- qldb serve output"; cat "$work/serve.log"
    echo "lambda-check: $BINARY failed in Lambda mode"
    exit 1
fi
echo "lambda-check: $BINARY answered API Gateway events through the Runtime API"
