#!/usr/bin/env bash
# SIGKILLs `qldb serve` repeatedly under a pyqldb write load and checks what survives
# (scripts/crash_recovery.py). Uses $QLDB_BIN (default .build/debug/qldb) and the venv in $VENV.
set -euo pipefail
cd "$(dirname "$0")/.."
QLDB_BIN=${QLDB_BIN:-.build/debug/qldb}
VENV=${VENV:-.venv-pyqldb}
ROUNDS=${ROUNDS:-8}
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import pyqldb' 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q pyqldb==3.2.4 boto3==1.40.60 botocore==1.40.60
fi
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
AWS_EC2_METADATA_DISABLED=true "$VENV/bin/python" scripts/crash_recovery.py "$QLDB_BIN" "$data" "$ROUNDS"
# The same against PostgreSQL when a cluster started by scripts/postgres.sh is given: its data
# directory in $QLDB_POSTGRES_DIR, its URL in $QLDB_POSTGRES_URL.
if [ -n "${QLDB_POSTGRES_URL:-}" ] && [ -n "${QLDB_POSTGRES_DIR:-}" ]; then
    AWS_EC2_METADATA_DISABLED=true "$VENV/bin/python" scripts/crash_recovery.py "$QLDB_BIN" "$data" "$ROUNDS" \
        --postgres "$QLDB_POSTGRES_URL" "$QLDB_POSTGRES_DIR"
else
    echo "crash recovery on PostgreSQL skipped: set QLDB_POSTGRES_URL and QLDB_POSTGRES_DIR (scripts/postgres.sh)"
fi
