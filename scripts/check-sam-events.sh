#!/usr/bin/env bash
# Runs licence-service in Lambda mode on API Gateway REST (v1) proxy events that aws-sam-cli
# generates (`sam local generate-event apigateway aws-proxy`, AWS's own event template), not
# events this project wrote: create, get by id, find by email, add points, history, a 405, an
# OPTIONS preflight, a base-path-mapped path (/Prod/licences/<id>) and sam's default event (404).
#
#   scripts/check-sam-events.sh [LICENCE_BIN [QLDB_BIN]]
#
# Defaults: .build/debug/licence-service and .build/debug/qldb. aws-sam-cli is installed into the
# venv $VENV (default .venv-sam) if it is missing there; the ledger is `qldb serve --in-memory`
# verifying SigV4 (Lambda mode always uses a remote ledger). scripts/sam_events.py generates the
# events, adjusts only the route-derived fields sam's template gets wrong for a route (it prints
# each adjustment), serves them through a Runtime API of its own and checks every answer. Set
# SAM_EVENTS_DIR to keep the events fed to the function. The run after the install is bounded
# to SAM_EVENTS_TIMEOUT seconds (default 150).
set -euo pipefail
cd "$(dirname "$0")/.."
LICENCE_BIN=${1:-.build/debug/licence-service}
QLDB_BIN=${2:-.build/debug/qldb}
VENV=${VENV:-.venv-sam}
SAM_CLI_VERSION=1.170.0
for bin in "$LICENCE_BIN" "$QLDB_BIN"; do
    [ -x "$bin" ] || { echo "sam-events: $bin not found; build it first" >&2; exit 1; }
done

installed=$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("aws-sam-cli"))' 2>/dev/null || true)
if [ "$installed" != "$SAM_CLI_VERSION" ]; then
    echo "sam-events: installing aws-sam-cli==$SAM_CLI_VERSION into $VENV"
    started=$(date +%s)
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "aws-sam-cli==$SAM_CLI_VERSION"
    echo "sam-events: installed in $(( $(date +%s) - started )) s"
fi
export SAM_CLI_TELEMETRY=0
sam="$VENV/bin/sam"
echo "sam-events: $("$sam" --version)"

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
# sam's global config (telemetry choice, installation id) goes here rather than into ~/.aws-sam.
export __SAM_CLI_APP_DIR="$work/sam-app"
events_dir=${SAM_EVENTS_DIR:-}
[ -z "$events_dir" ] || mkdir -p "$events_dir"

"$QLDB_BIN" serve --port 0 --in-memory --ledger licences --credentials AKIDSAMEVENTS:sam-events-secret \
    --region eu-west-2 > "$work/serve.log" 2>&1 &
pids+=($!)
ledger_port=
for _ in $(seq 1 100); do
    ledger_port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/serve.log")
    [ -n "$ledger_port" ] && break
    sleep 0.1
done
[ -n "$ledger_port" ] || { cat "$work/serve.log"; echo "sam-events: qldb serve did not start"; exit 1; }

status=0
timeout -k 5 "${SAM_EVENTS_TIMEOUT:-150}" python3 scripts/sam_events.py --sam "$sam" --licence-bin "$LICENCE_BIN" \
    --ledger-endpoint "http://127.0.0.1:$ledger_port/" --work "$work" ${events_dir:+--save-events "$events_dir"} \
    || status=$?
if [ "$status" -ne 0 ]; then
    [ "$status" -ne 124 ] || echo "sam-events: the run did not finish within ${SAM_EVENTS_TIMEOUT:-150} s"
    for log in "$work"/function-*.log; do
        if [ -s "$log" ]; then echo "--- $(basename "$log") (last lines)"; tail -n 20 "$log"; fi
    done
    echo "sam-events: $LICENCE_BIN failed on sam-generated API Gateway events"
    exit 1
fi
echo "sam-events: $LICENCE_BIN answered sam-generated API Gateway events as expected"
