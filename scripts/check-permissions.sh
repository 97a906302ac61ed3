#!/usr/bin/env bash
# The seed's least-privilege chain (Tests/QLDBLedgerTests/Fixtures/seed-iam.json): the policy
# decision table printed by `qldb policy simulate`, then the official Python driver under the
# seed's identities against `qldb serve --iam` in STANDARD mode. Uses the qldb binary in $QLDB_BIN
# (default .build/debug/qldb) and a venv in $VENV (default .venv-pyqldb).
set -euo pipefail
cd "$(dirname "$0")/.."
QLDB_BIN=${QLDB_BIN:-.build/debug/qldb}
VENV=${VENV:-.venv-pyqldb}
IAM=Tests/QLDBLedgerTests/Fixtures/seed-iam.json
LEDGER=qldb-private-dev
if ! "$VENV/bin/python" -c 'import pyqldb' 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q pyqldb==3.2.4 boto3==1.40.60 botocore==1.40.60
fi

echo "policy decision table (STANDARD, through the endpoint; Licence's table id LicenceTableId0000000A):"
printf '%-58s | %-7s | %-13s | %s\n' statement lambda table-creator administrator
for statement in "INSERT INTO Licence ?" "SELECT * FROM Licence AS l WHERE l.email = ?" \
    "UPDATE Licence AS l SET l.points = 3 WHERE l.email = ?" "DELETE FROM Licence AS l WHERE l.email = ?" \
    "DROP TABLE Licence" "CREATE TABLE Licence" "CREATE INDEX ON Licence (email)" "SELECT * FROM history(Licence)"; do
    row=()
    for role in qldb-vpc-dev-eu-west-1-lambdaRole qldb-vpc-dev-eu-west-1-tableCreatorRole administrator; do
        if "$QLDB_BIN" policy simulate --iam "$IAM" --principal "arn:aws:iam::123456789012:role/$role" \
            --ledger "$LEDGER" --region eu-west-1 --statement "$statement" --table Licence=LicenceTableId0000000A \
            > /dev/null; then row+=(allow); else row+=(deny); fi
    done
    printf '%-58s | %-7s | %-13s | %s\n' "$statement" "${row[0]}" "${row[1]}" "${row[2]}"
done

# The live server, without the endpoint policy (the table-creating role is outside the VPC).
iam_file=$(mktemp)
serve_log=$(mktemp)
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("endpointPolicy"); json.dump(d, open(sys.argv[2], "w"))' \
    "$IAM" "$iam_file"
"$QLDB_BIN" serve --port 0 --in-memory --iam "$iam_file" --account-id 123456789012 --region eu-west-1 \
    --ledger "$LEDGER" --permissions-mode STANDARD > "$serve_log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$iam_file" "$serve_log"' EXIT
port=""
for _ in $(seq 1 100); do
    port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$serve_log")
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { cat "$serve_log"; exit 1; }
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE AWS_EC2_METADATA_DISABLED=true \
    "$VENV/bin/python" scripts/permissions_pyqldb.py "http://127.0.0.1:$port" "$LEDGER"
denials=$(grep -c "request denied" "$serve_log" || true)
echo "ok the server logged $denials denials with principal, action, resource and statement"
