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

run_shared_scenario() { # $1: python script, $2: ledger, $3: access key, $4: secret
    # Two `qldb serve --postgres` processes on the database in $QLDB_POSTGRES_URL, behind
    # scripts/alternating_proxy.py, which sends every request to the other process than the one before.
    if [ -z "${QLDB_POSTGRES_URL:-}" ]; then
        echo "skipped: QLDB_POSTGRES_URL is not set (eval \"\$(scripts/postgres.sh start DIR)\" sets it)"
        return 0
    fi
    local logs port i proxy proxy_pid counts ledger
    local pids=() ports=()
    # The database outlives the run: a ledger of its own for each run.
    ledger="$2-$(tr -dc a-z < /dev/urandom | head -c 8 || true)"
    logs=$(mktemp -d)
    touch "$logs/serve1.log" "$logs/serve2.log" "$logs/proxy.out" # before the background jobs open them
    # One after the other, so that the first has set up the database before the second opens it.
    for i in 1 2; do
        "$QLDB_BIN" serve --port 0 --postgres "$QLDB_POSTGRES_URL" --ledger "$ledger" > "$logs/serve$i.log" 2>&1 &
        pids+=($!)
        port=
        for _ in $(seq 1 100); do
            port=$(sed -n 's|.*listening on https\{0,1\}://127.0.0.1:\([0-9]*\)/.*|\1|p' "$logs/serve$i.log")
            [ -n "$port" ] && break
            sleep 0.1
        done
        if [ -z "$port" ]; then
            cat "$logs/serve$i.log"; kill "${pids[@]}" 2>/dev/null || true; rm -rf "$logs"; exit 1
        fi
        head -n 2 "$logs/serve$i.log"
        ports+=("$port")
    done
    # The venv's interpreter, not a `python3` that may be a wrapper (pyenv's shim) the SIGTERM below would stop.
    "$VENV/bin/python" scripts/alternating_proxy.py 0 "http://127.0.0.1:${ports[0]}" "http://127.0.0.1:${ports[1]}" \
        > "$logs/proxy.out" 2> "$logs/proxy.err" &
    proxy_pid=$!
    proxy=
    for _ in $(seq 1 100); do
        proxy=$(sed -n 's|^proxy listening on \(http://127.0.0.1:[0-9]*\)$|\1|p' "$logs/proxy.out")
        [ -n "$proxy" ] && break
        sleep 0.1
    done
    if [ -z "$proxy" ]; then
        cat "$logs/proxy.out" "$logs/proxy.err"
        kill "$proxy_pid" "${pids[@]}" 2>/dev/null || true; rm -rf "$logs"; exit 1
    fi
    head -n 1 "$logs/proxy.out"
    local status=0
    AWS_EC2_METADATA_DISABLED=true "$VENV/bin/python" "$1" "$proxy" "$ledger" "$3" "$4" || status=$?
    kill -TERM "$proxy_pid" 2>/dev/null || true
    wait "$proxy_pid" || status=1
    cat "$logs/proxy.err"
    counts=$(sed -n 's|^proxy: \([0-9]*\) requests to .*, \([0-9]*\) requests to .*|\1 \2|p' "$logs/proxy.err")
    case " $counts " in
    "  " | *" 0 "*)
        echo "FAIL: each qldb serve process should have answered requests through the proxy"
        status=1 ;;
    esac
    kill "${pids[@]}" 2>/dev/null || true # a process that died is reported through its log below
    for i in 0 1; do wait "${pids[$i]}" 2>/dev/null || true; done
    if [ "$status" -ne 0 ]; then
        for i in 1 2; do echo "-- qldb serve $i, last lines"; tail -n 20 "$logs/serve$i.log"; done
    fi
    rm -rf "$logs"
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
echo "== pyqldb through a proxy alternating every request between two qldb serve processes on one PostgreSQL database"
run_shared_scenario scripts/interop_pyqldb.py shared-interop ANY anything
echo "== serializability: 320 transfers by 10 threads through the alternating proxy, OCC across both processes"
run_shared_scenario scripts/transfers_pyqldb.py shared-transfers ANY anything
