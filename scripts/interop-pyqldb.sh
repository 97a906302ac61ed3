#!/usr/bin/env bash
# The official Python driver (pyqldb 3.2.4) against `qldb serve`, once in development mode and
# once verifying SigV4 with a configured key; then the steps of AWS's DMV sample application
# (scripts/dmv_tutorial.py) against a fresh server in development mode. Uses the qldb binary in
# $QLDB_BIN (default .build/debug/qldb; build it first) and a venv in $VENV (default .venv-pyqldb).
set -euo pipefail
cd "$(dirname "$0")/.."
QLDB_BIN=${QLDB_BIN:-.build/debug/qldb}
VENV=${VENV:-.venv-pyqldb}
[ -x "$QLDB_BIN" ] || { echo "interop: $QLDB_BIN not found; run 'swift build --product qldb' first" >&2; exit 1; }
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import pyqldb' 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q pyqldb==3.2.4 boto3==1.40.60 botocore==1.40.60
fi

run_scenario() { # $1: python script, $2: ledger, $3: extra serve flags, $4: access key, $5: secret
    local log port pid
    log=$(mktemp)
    # shellcheck disable=SC2086
    "$QLDB_BIN" serve --port 0 --in-memory --ledger "$2" $3 > "$log" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do
        port=$(sed -n 's|.*listening on https\{0,1\}://127.0.0.1:\([0-9]*\)/.*|\1|p' "$log")
        [ -n "$port" ] && break
        sleep 0.1
    done
    if [ -z "${port:-}" ]; then cat "$log"; kill "$pid"; exit 1; fi
    head -n 2 "$log"
    local status=0
    local scheme=http
    grep -q 'listening on https://' "$log" && scheme=https
    AWS_EC2_METADATA_DISABLED=true "$VENV/bin/python" "$1" "$scheme://127.0.0.1:$port" "$2" "$4" "$5" || status=$?
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    rm -f "$log"
    return $status
}

echo "== pyqldb against qldb serve (development mode)"
run_scenario scripts/interop_pyqldb.py interop "" ANY anything
echo "== pyqldb against qldb serve (SigV4 verified)"
run_scenario scripts/interop_pyqldb.py interop "--credentials AKIDINTEROP:interop-secret" AKIDINTEROP interop-secret
echo "== AWS's DMV sample application, step by step (development mode)"
run_scenario scripts/dmv_tutorial.py vehicle-registration "" ANY anything
echo "== pyqldb against qldb serve over TLS (a CA made here, trusted through AWS_CA_BUNDLE)"
tls=$(mktemp -d)
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > "$tls/san.ext"
(
    cd "$tls"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 1 -subj "/CN=interop CA" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1" 2>/dev/null
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 1 \
        -extfile san.ext 2>/dev/null
)
AWS_CA_BUNDLE="$tls/ca.pem" run_scenario scripts/interop_pyqldb.py interop \
    "--tls-certificate $tls/server.pem --tls-key $tls/server.key" ANY anything
rm -rf "$tls"
