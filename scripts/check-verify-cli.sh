#!/usr/bin/env bash
# `qldb verify` on an intact, a corrupted and a torn journal: exit 0, 1 and 2; the block and byte
# offset named; the file byte-identical afterwards; --repair-torn-tail the only thing that
# shortens it. Writes a small journal with licence-service first.
# Usage: scripts/check-verify-cli.sh QLDB_BIN LICENCE_BIN
set -euo pipefail
qldb=$1
licence=$2
dir=$(mktemp -d)
log=$(mktemp)
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$dir" "$log"' EXIT

"$licence" --port 0 --data-dir "$dir" --ledger verify > "$log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$log")
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "${port:-}" ] || { cat "$log"; echo "verify-cli: licence-service did not start"; exit 1; }
for n in 1 2 3; do
  curl -sf -o /dev/null -X POST "http://127.0.0.1:$port/licences" -H 'content-type: application/json' \
    -d "{\"firstName\":\"V\",\"lastName\":\"N$n\",\"email\":\"v$n@example.com\",\"telephone\":\"01234 567890\",\"postcode\":\"CF10 1AA\"}"
done
kill "$pid"; wait "$pid" 2>/dev/null || true
journal="$dir/verify.journal"

expect() { # $1: expected exit code, $2: pattern the output must contain, rest: command
  local want=$1 pattern=$2 out code=0
  shift 2
  out=$("$@" 2>&1) || code=$?
  [ "$code" = "$want" ] || { echo "verify-cli: '$*' exited $code, expected $want: $out"; exit 1; }
  grep -q -- "$pattern" <<<"$out" || { echo "verify-cli: '$*' printed: $out (expected '$pattern')"; exit 1; }
}

expect 0 "blocks verified" "$qldb" verify --data-dir "$dir" --ledger verify
size=$(stat -c %s "$journal")

# One byte flipped in the middle of the file: corruption, named, nothing changed.
cp "$journal" "$dir/intact"
middle=$((size / 2))
python3 - "$journal" "$middle" <<'PY'
import sys
path, at = sys.argv[1], int(sys.argv[2])
data = bytearray(open(path, "rb").read())
data[at] ^= 0x10
open(path, "wb").write(bytes(data))
PY
before=$(sha256sum "$journal")
expect 1 "CORRUPTED: journal of ledger verify is corrupted at block [0-9]* (byte offset [0-9]*" \
  "$qldb" verify --data-dir "$dir" --ledger verify
expect 1 "CORRUPTED" "$qldb" verify --data-dir "$dir" --ledger verify --repair-torn-tail
[ "$(sha256sum "$journal")" = "$before" ] || { echo "verify-cli: verify changed a corrupted journal"; exit 1; }

# The last record cut short: a torn tail (exit 2), repaired only on request.
cp "$dir/intact" "$journal"
truncate -s $((size - 5)) "$journal"
before=$(sha256sum "$journal")
expect 2 "TORN TAIL" "$qldb" verify --data-dir "$dir" --ledger verify
[ "$(sha256sum "$journal")" = "$before" ] || { echo "verify-cli: verify changed a torn journal"; exit 1; }
expect 0 "blocks verified" "$qldb" verify --data-dir "$dir" --ledger verify --repair-torn-tail
[ "$(stat -c %s "$journal")" -lt $((size - 5)) ] || { echo "verify-cli: the torn tail was not removed"; exit 1; }
echo "verify-cli: intact 0, corrupted 1 (block and offset named, file unchanged), torn tail 2, repaired on request"
