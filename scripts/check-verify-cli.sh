#!/usr/bin/env bash
# `qldb verify` and `qldb backup` as scripts rely on them (docs/cli.md):
# - a ledger's SQLite file: intact exit 0; a stored revision or block changed with SQLite itself,
#   exit 1 naming the block, the file unchanged by verifying; a backup restores and verifies;
# - a journal file of earlier versions (the test fixture): intact 0; a flipped byte 1 with the
#   block and byte offset; a torn tail 2, removed only by --repair-torn-tail; never changed
#   otherwise.
# Writes a small ledger with licence-service first.
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
store="$dir/verify.sqlite"

expect() { # $1: expected exit code, $2: pattern the output must contain, rest: command
  local want=$1 pattern=$2 out code=0
  shift 2
  out=$("$@" 2>&1) || code=$?
  [ "$code" = "$want" ] || { echo "verify-cli: '$*' exited $code, expected $want: $out"; exit 1; }
  grep -q -- "$pattern" <<<"$out" || { echo "verify-cli: '$*' printed: $out (expected '$pattern')"; exit 1; }
}

expect 0 "6 blocks verified" "$qldb" verify --data-dir "$dir" --ledger verify
digest=$("$qldb" verify --data-dir "$dir" --ledger verify | sed -n 's/^digest: //p')

# A consistent copy, restored into another directory, verifies to the same digest.
mkdir "$dir/restored"
expect 0 "6 blocks copied" "$qldb" backup --data-dir "$dir" --ledger verify --to "$dir/restored/verify.sqlite"
expect 0 "digest: $digest" "$qldb" verify --data-dir "$dir/restored" --ledger verify
expect 1 "the file exists" "$qldb" backup --data-dir "$dir" --ledger verify --to "$dir/restored/verify.sqlite"

# A stored revision changed behind the ledger's back (its data, as someone with the file could).
python3 - "$store" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
sequence, = db.execute("SELECT MAX(sequence) FROM revisions WHERE data IS NOT NULL").fetchone()
data, = db.execute("SELECT data FROM revisions WHERE sequence = ?", (sequence,)).fetchone()
db.execute("UPDATE revisions SET data = ? WHERE sequence = ?", (data.replace(b"CF10", b"CF11"), sequence))
db.commit()
PY
before=$(sha256sum "$store")
expect 1 "CORRUPTED: block [0-9]*: the stored revision" "$qldb" verify --data-dir "$dir" --ledger verify
[ "$(sha256sum "$store")" = "$before" ] || { echo "verify-cli: verify changed the ledger's file"; exit 1; }

# A journal file of earlier versions is verified as it is, read-only.
legacy="$dir/legacy"
mkdir "$legacy"
cp "$(dirname "$0")/../Tests/QLDBLedgerTests/Fixtures/licences.journal" "$legacy/licences.journal"
journal="$legacy/licences.journal"
expect 0 "10 blocks verified" "$qldb" verify --data-dir "$legacy" --ledger licences
size=$(stat -c %s "$journal")
cp "$journal" "$dir/intact"
python3 - "$journal" "$((size / 2))" <<'PY'
import sys
path, at = sys.argv[1], int(sys.argv[2])
data = bytearray(open(path, "rb").read())
data[at] ^= 0x10
open(path, "wb").write(bytes(data))
PY
before=$(sha256sum "$journal")
expect 1 "CORRUPTED: journal of ledger licences is corrupted at block [0-9]* (byte offset [0-9]*" \
  "$qldb" verify --data-dir "$legacy" --ledger licences
expect 1 "CORRUPTED" "$qldb" verify --data-dir "$legacy" --ledger licences --repair-torn-tail
[ "$(sha256sum "$journal")" = "$before" ] || { echo "verify-cli: verify changed a corrupted journal"; exit 1; }

# The last record cut short: a torn tail (exit 2), repaired only on request.
cp "$dir/intact" "$journal"
truncate -s $((size - 5)) "$journal"
before=$(sha256sum "$journal")
expect 2 "TORN TAIL" "$qldb" verify --data-dir "$legacy" --ledger licences
[ "$(sha256sum "$journal")" = "$before" ] || { echo "verify-cli: verify changed a torn journal"; exit 1; }
expect 0 "9 blocks verified" "$qldb" verify --data-dir "$legacy" --ledger licences --repair-torn-tail
[ "$(stat -c %s "$journal")" -lt $((size - 5)) ] || { echo "verify-cli: the torn tail was not removed"; exit 1; }
echo "verify-cli: SQLite ledger intact 0, a changed revision 1 (block named, file unchanged), backup restored to the same digest; journal file intact 0, corrupted 1 (block and offset named, file unchanged), torn tail 2, repaired on request"
