#!/usr/bin/env bash
# QLDB's control plane with boto3 (scripts/control_plane_boto3.py) against `qldb serve`, with a
# moto server for S3, IAM and STS: ledgers, tags, digests and proofs, a journal export checked
# block by block. Signatures are verified. Runs on an in-memory server, then, when
# $QLDB_POSTGRES_URL is set, on a server keeping its ledgers in that PostgreSQL database. Uses
# the qldb binary in $QLDB_BIN (default .build/debug/qldb) and a venv in $VENV (default
# .venv-pyqldb).
set -euo pipefail
cd "$(dirname "$0")/.."
QLDB_BIN=${QLDB_BIN:-.build/debug/qldb}
VENV=${VENV:-.venv-pyqldb}
REGION=eu-west-1
[ -x "$QLDB_BIN" ] || { echo "control plane: $QLDB_BIN not found; run 'swift build --product qldb' first" >&2; exit 1; }
if ! "$VENV/bin/python" -c 'import pyqldb, moto' 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q pyqldb==3.2.4 boto3==1.40.60 botocore==1.40.60 'moto[server]'
fi
free_port() { "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
moto_port=$(free_port)
moto_log=$(mktemp)
serve_log=$(mktemp)
flow_log=$(mktemp)
"$VENV/bin/moto_server" -H 127.0.0.1 -p "$moto_port" > "$moto_log" 2>&1 &
moto_pid=$!
cleanup() { kill "$moto_pid" "${serve_pid:-}" 2>/dev/null || true; rm -f "$moto_log" "$serve_log" "$flow_log"; }
trap cleanup EXIT
for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$moto_port/" && break
    sleep 0.1
done
run_flow() { # $1: storage flags, $2: ledger name suffix
    local port="" status=0
    # The server writes exports with its own credentials (moto takes any).
    # shellcheck disable=SC2086
    AWS_ACCESS_KEY_ID=moto AWS_SECRET_ACCESS_KEY=moto AWS_EC2_METADATA_DISABLED=true \
        "$QLDB_BIN" serve --port 0 $1 --region "$REGION" --credentials AKIDCONTROL:control-secret \
        --s3-endpoint "http://127.0.0.1:$moto_port" > "$serve_log" 2>&1 &
    serve_pid=$!
    for _ in $(seq 1 100); do
        port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$serve_log")
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$serve_log"; return 1; }
    head -n 2 "$serve_log"
    env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE AWS_EC2_METADATA_DISABLED=true \
        "$VENV/bin/python" scripts/control_plane_boto3.py "http://127.0.0.1:$port" "http://127.0.0.1:$moto_port" \
        "$REGION" AKIDCONTROL control-secret "$2" | tee "$flow_log" || status=$?
    [ "$status" = 0 ] || { echo "--- qldb serve log"; tail -n 30 "$serve_log"; }
    kill "$serve_pid"
    wait "$serve_pid" 2>/dev/null || true
    [ "$status" = 0 ] || return $status
    # The export just made, imported from S3 into a new SQLite ledger, which must verify.
    local location blocks import_dir
    location=$(sed -n 's/^export-location \(s3:[^ ]*\) \([0-9]*\) blocks$/\1/p' "$flow_log")
    blocks=$(sed -n 's/^export-location \(s3:[^ ]*\) \([0-9]*\) blocks$/\2/p' "$flow_log")
    import_dir=$(mktemp -d)
    AWS_ACCESS_KEY_ID=moto AWS_SECRET_ACCESS_KEY=moto AWS_EC2_METADATA_DISABLED=true \
        "$QLDB_BIN" import-export --ledger imported --data-dir "$import_dir" --from-s3 "$location" \
        --s3-endpoint "http://127.0.0.1:$moto_port" --region "$REGION" | tee "$flow_log"
    grep -q "imported: $blocks blocks imported" "$flow_log" || { echo "import: expected $blocks blocks"; return 1; }
    "$QLDB_BIN" verify --data-dir "$import_dir" --ledger imported
    rm -rf "$import_dir"
    echo "ok import-export of that export from S3: $blocks blocks, verified"
}

# licence-service signing with a key pair it reads from Secrets Manager (moto), as the deployment's
# Lambda does (QLDB_CREDENTIALS_SECRET_ARN), against a server that knows only that key.
check_secret_key() {
    local arn log port="" licence_log status=0
    arn=$(AWS_ACCESS_KEY_ID=moto AWS_SECRET_ACCESS_KEY=moto AWS_DEFAULT_REGION=$REGION \
        AWS_ENDPOINT_URL_SECRETS_MANAGER="http://127.0.0.1:$moto_port" "$VENV/bin/python" -c '
import boto3, json
print(boto3.client("secretsmanager").create_secret(Name="licence-function-key",
    SecretString=json.dumps({"accessKeyId": "AKIDFROMSECRET", "secretAccessKey": "secret-from-manager"}))["ARN"])')
    "$QLDB_BIN" serve --port 0 --in-memory --ledger licences --region "$REGION" \
        --credentials AKIDFROMSECRET:secret-from-manager > "$serve_log" 2>&1 &
    serve_pid=$!
    for _ in $(seq 1 100); do
        port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$serve_log")
        [ -n "$port" ] && break
        sleep 0.1
    done
    licence_log=$(mktemp)
    env -u AWS_SESSION_TOKEN AWS_ACCESS_KEY_ID=moto AWS_SECRET_ACCESS_KEY=moto AWS_EC2_METADATA_DISABLED=true \
        QLDB_CREDENTIALS_SECRET_ARN="$arn" AWS_ENDPOINT_URL_SECRETS_MANAGER="http://127.0.0.1:$moto_port" \
        "${LICENCE_BIN:-.build/debug/licence-service}" --endpoint "http://127.0.0.1:$port/" --region "$REGION" \
        --port 0 --in-memory > "$licence_log" 2>&1 &
    local licence_pid=$!
    for _ in $(seq 1 100); do
        grep -q "listening on" "$licence_log" && break
        sleep 0.1
    done
    grep -q "listening on" "$licence_log" || { cat "$licence_log"; status=1; }
    kill "$licence_pid" "$serve_pid" 2>/dev/null || true
    wait "$licence_pid" "$serve_pid" 2>/dev/null || true
    rm -f "$licence_log"
    [ "$status" = 0 ] && echo "ok licence-service signed with the key pair read from Secrets Manager; its tables prepared"
    return $status
}

run_flow "--in-memory" ""
check_secret_key
if [ -n "${QLDB_POSTGRES_URL:-}" ]; then
    run_flow "--postgres $QLDB_POSTGRES_URL" "-$(date +%s)"
fi
