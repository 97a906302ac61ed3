#!/usr/bin/env bash
# Licence-create transactions per second: the Swift driver in-process and over loopback HTTP,
# in memory and durable, and pyqldb against the same HTTP servers. Builds Benchmarks' LedgerLoad
# in release (its own package); needs the pyqldb venv ($VENV, default .venv-pyqldb).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv-pyqldb}
SECONDS_EACH=${SECONDS_EACH:-5}
WORKERS=${WORKERS:-8}
(cd Benchmarks && swift build -c release --product LedgerLoad)
load=Benchmarks/.build/release/LedgerLoad
work=$(mktemp -d)
trap 'rm -rf "$work"; kill $(jobs -p) 2>/dev/null || true' EXIT

echo "== in-process, in memory";  "$load" embedded --workers "$WORKERS" --seconds "$SECONDS_EACH"
echo "== in-process, durable";    "$load" embedded --data-dir "$work/embedded" --workers "$WORKERS" --seconds "$SECONDS_EACH"
for storage in memory durable; do
    flags=()
    [ "$storage" = durable ] && flags=(--data-dir "$work/served")
    "$load" serve "${flags[@]}" > "$work/serve.log" 2>&1 &
    server=$!
    for _ in $(seq 1 100); do grep -q listening "$work/serve.log" && break; sleep 0.1; done
    url=$(sed -n 's|listening on \(http://[^ ]*\)|\1|p' "$work/serve.log")
    echo "== loopback HTTP, $storage: Swift driver"
    "$load" http "$url" --workers "$WORKERS" --seconds "$SECONDS_EACH"
    echo "== loopback HTTP, $storage: pyqldb"
    AWS_EC2_METADATA_DISABLED=true "$VENV/bin/python" scripts/bench_pyqldb.py "$url" "$WORKERS" "$SECONDS_EACH"
    kill "$server"; wait "$server" 2>/dev/null || true
    rm -rf "$work/served"
done
