#!/usr/bin/env bash
# Bounded shutdown: licence-service on a remote ledger (qldb serve) holds pooled sessions; the
# ledger is killed first, then licence-service gets SIGTERM and must exit within 5 s (its
# pooled sessions' EndSession is best effort, 2 s at most). qldb serve itself must exit within
# 5 s of SIGTERM too.
# Usage: scripts/check-shutdown.sh QLDB_BIN LICENCE_BIN
set -euo pipefail
qldb=$1
licence=$2
qlog=$(mktemp)
llog=$(mktemp)
trap 'kill -9 "${qpid:-0}" "${lpid:-0}" 2>/dev/null || true; rm -f "$qlog" "$llog"' EXIT

wait_port() { # $1: log file
  local port=""
  for _ in $(seq 1 100); do
    port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$1")
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$1"; echo "shutdown: a server did not start" >&2; exit 1; }
  echo "$port"
}

exit_seconds() { # $1: pid; prints the seconds until it exited after SIGTERM (gives up at 30)
  local start end
  start=$(date +%s.%N)
  kill -TERM "$1"
  for _ in $(seq 1 300); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.1
  done
  end=$(date +%s.%N)
  if kill -0 "$1" 2>/dev/null; then echo 999; return; fi
  python3 -c "print(round($end - $start, 2))"
}

"$qldb" serve --port 0 --in-memory --ledger licences > "$qlog" 2>&1 &
qpid=$!
qport=$(wait_port "$qlog")
AWS_ACCESS_KEY_ID=AKIDSHUTDOWN AWS_SECRET_ACCESS_KEY=x AWS_EC2_METADATA_DISABLED=true \
  "$licence" --port 0 --endpoint "http://127.0.0.1:$qport/" --ledger licences > "$llog" 2>&1 &
lpid=$!
lport=$(wait_port "$llog")
for n in 1 2 3; do
  curl -sf -o /dev/null -X POST "http://127.0.0.1:$lport/licences" -H 'Content-Type: application/json' \
    -d "{\"firstName\":\"S\",\"lastName\":\"D$n\",\"email\":\"s$n@example.com\",\"telephone\":\"01234 567890\",\"postcode\":\"CF10 1AA\"}"
done
kill -9 "$qpid"
wait "$qpid" 2>/dev/null || true
took=$(exit_seconds "$lpid")
wait "$lpid" 2>/dev/null || true
awk -v t="$took" 'BEGIN { exit !(t <= 5) }' || { cat "$llog"; echo "shutdown: licence-service took ${took}s after SIGTERM with its ledger gone"; exit 1; }
echo "shutdown: licence-service exited ${took}s after SIGTERM, its ledger already killed"

"$qldb" serve --port 0 --in-memory --ledger licences > "$qlog" 2>&1 &
qpid=$!
wait_port "$qlog" > /dev/null
took=$(exit_seconds "$qpid")
wait "$qpid" 2>/dev/null || true
awk -v t="$took" 'BEGIN { exit !(t <= 5) }' || { echo "shutdown: qldb serve took ${took}s after SIGTERM"; exit 1; }
echo "shutdown: qldb serve exited ${took}s after SIGTERM"
