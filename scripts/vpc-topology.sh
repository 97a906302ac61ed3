#!/usr/bin/env bash
# The seed's private-subnet topology, run for real on this machine with network namespaces (root;
# iproute2 and nftables; traffic never leaves the machine):
#
#   qldb-subnet-a, qldb-subnet-b  two "private subnets": the licence service in Lambda mode (a fake
#                                 Runtime API per function, scripts/fake_lambda_runtime.py), no
#                                 default route, a private DNS name for the ledger
#                                 (ledger.qldb-private.internal, per-namespace hosts file, as a
#                                 Route 53 private hosted zone gives it)
#   qldb-endpoint                 the "interface endpoint": qldb serve --iam on 443 with TLS (a
#                                 certificate for that name from a private CA the functions trust
#                                 through AWS_CA_BUNDLE), STANDARD mode, the seed's endpoint policy
#   qldb-outside                  anything else on the network
#   qldb-vpc                      the bridge between them
#
# nftables in qldb-endpoint plays the endpoint's security group: tcp/443 only from the functions'
# addresses. Asserts: each function's licence flow works end to end over TLS with the role's
# temporary credentials; the subnets have no route out (checked with `ip route get`, nothing is
# sent); the outside namespace cannot connect to 443; a second principal inside a subnet, with
# every IAM right, is refused by the endpoint policy.
#
#   scripts/vpc-topology.sh   (QLDB_BIN, LICENCE_BIN, VENV as the other scripts)
set -euo pipefail
cd "$(dirname "$0")/.."
QLDB_BIN=$(realpath "${QLDB_BIN:-.build/debug/qldb}")
LICENCE_BIN=$(realpath "${LICENCE_BIN:-.build/debug/licence-service}")
VENV=$(realpath -m "${VENV:-.venv-pyqldb}")
[ "$(id -u)" = 0 ] || { echo "vpc-topology: needs root (network namespaces)" >&2; exit 1; }
if ! command -v nft > /dev/null; then
    # A fresh machine may have no package lists yet: fetch them when the package is not found.
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq nftables > /dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq nftables > /dev/null; }
fi
if ! "$VENV/bin/python" -c 'import pyqldb' 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q pyqldb==3.2.4 boto3==1.40.60 botocore==1.40.60
fi

NAMESPACES=(qldb-subnet-a qldb-subnet-b qldb-endpoint qldb-outside)
declare -A ADDRESS=([qldb-subnet-a]=10.77.1.10 [qldb-subnet-b]=10.77.2.10 [qldb-endpoint]=10.77.3.10
    [qldb-outside]=10.77.9.10)
NAME=ledger.qldb-private.internal
LEDGER=qldb-private-dev
ROLE=arn:aws:iam::123456789012:role/qldb-vpc-dev-eu-west-1-lambdaRole
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for ns in "${NAMESPACES[@]}" qldb-vpc; do ip netns del "$ns" 2>/dev/null || true; rm -rf "/etc/netns/$ns"; done
    rm -rf "$work"
}
trap cleanup EXIT
cleanup_first() { for ns in "${NAMESPACES[@]}" qldb-vpc; do ip netns del "$ns" 2>/dev/null || true; done; }
cleanup_first
step() { echo "vpc-topology: $*"; }

# --- The network: one bridge, a veth per namespace, no default route anywhere.
ip netns add qldb-vpc
ip -n qldb-vpc link add br0 type bridge
ip -n qldb-vpc link set br0 up
for ns in "${NAMESPACES[@]}"; do
    ip netns add "$ns"
    ip link add "v-${ns#qldb-}" netns qldb-vpc type veth peer name eth0 netns "$ns"
    ip -n qldb-vpc link set "v-${ns#qldb-}" master br0 up
    ip -n "$ns" addr add "${ADDRESS[$ns]}/16" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    mkdir -p "/etc/netns/$ns"
    printf '127.0.0.1 localhost\n' > "/etc/netns/$ns/hosts"
done
# The private hosted zone: the ledger's name inside the subnets only.
for ns in qldb-subnet-a qldb-subnet-b; do
    printf '%s %s\n' "${ADDRESS[qldb-endpoint]}" "$NAME" >> "/etc/netns/$ns/hosts"
done
# The endpoint's security group: 443 from the functions' addresses only.
ip netns exec qldb-endpoint nft -f - <<EOF
table inet endpoint_sg {
    chain input {
        type filter hook input priority 0; policy accept;
        iif lo accept
        tcp dport 443 ip saddr { ${ADDRESS[qldb-subnet-a]}, ${ADDRESS[qldb-subnet-b]} } accept
        tcp dport 443 drop
    }
}
EOF
step "namespaces ${NAMESPACES[*]} on bridge br0; nftables: tcp/443 from ${ADDRESS[qldb-subnet-a]}, ${ADDRESS[qldb-subnet-b]} only"

# --- No route out of the subnets: asked of the routing table, nothing is sent.
for ns in qldb-subnet-a qldb-subnet-b; do
    if ip netns exec "$ns" ip route get 1.1.1.1 > /dev/null 2>&1; then
        echo "vpc-topology: $ns has a route to 1.1.1.1" >&2
        exit 1
    fi
    [ -z "$(ip -n "$ns" route show default)" ] || { echo "vpc-topology: $ns has a default route" >&2; exit 1; }
done
step "ok no default route in the subnets (ip route get 1.1.1.1: $(ip netns exec qldb-subnet-a ip route get 1.1.1.1 2>&1 | head -n 1))"

# --- A private CA and the ledger's certificate for its private name.
(
    cd "$work"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 1 -subj "/CN=qldb-private CA" 2> /dev/null
    openssl req -newkey rsa:2048 -nodes -keyout ledger.key -out ledger.csr -subj "/CN=$NAME" 2> /dev/null
    printf 'subjectAltName=DNS:%s\n' "$NAME" > san.ext
    openssl x509 -req -in ledger.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out ledger.pem -days 1 \
        -extfile san.ext 2> /dev/null
)

# --- The IAM file: the seed's roles, the Lambda role with a temporary key, and its endpoint policy.
python3 - "$work/iam.json" <<'EOF'
import json, sys
seed = json.load(open("Tests/QLDBLedgerTests/Fixtures/seed-iam.json"))
lambda_role = seed["principals"][0]
lambda_role["credentials"] = [{"accessKeyId": "ASIATOPOLOGYLAMBDA01", "secretAccessKey": "topology-lambda-secret",
                               "sessionToken": "topology-lambda-session-token"}]
json.dump(seed, open(sys.argv[1], "w"))
EOF

# --- The ledger's tables, made once before the policies apply (as the table-creating function does).
mkdir -p "$work/data"
ip netns exec qldb-endpoint "$QLDB_BIN" serve --host 127.0.0.1 --port 0 --data-dir "$work/data" --ledger "$LEDGER" \
    > "$work/setup-serve.log" 2>&1 &
setup_serve=$!
port=""
for _ in $(seq 1 100); do
    port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/setup-serve.log")
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { cat "$work/setup-serve.log"; exit 1; }
ip netns exec qldb-endpoint env AWS_ACCESS_KEY_ID=AKIDSETUP AWS_SECRET_ACCESS_KEY=setup AWS_EC2_METADATA_DISABLED=true \
    "$LICENCE_BIN" --endpoint "http://127.0.0.1:$port/" --ledger "$LEDGER" --region eu-west-1 --port 0 \
    > "$work/setup-licence.log" 2>&1 &
setup_licence=$!
for _ in $(seq 1 100); do
    grep -q "listening on" "$work/setup-licence.log" && break
    sleep 0.1
done
grep -q "listening on" "$work/setup-licence.log" || { cat "$work/setup-licence.log"; exit 1; }
kill "$setup_licence" "$setup_serve"
wait "$setup_licence" "$setup_serve" 2> /dev/null || true
step "ok tables Licence (indexes email, licenceId) created before the policies apply"

# --- The endpoint: qldb serve --iam on 443 with TLS, STANDARD mode.
ip netns exec qldb-endpoint "$QLDB_BIN" serve --host "${ADDRESS[qldb-endpoint]}" --port 443 --data-dir "$work/data" \
    --ledger "$LEDGER" --iam "$work/iam.json" --account-id 123456789012 --region eu-west-1 \
    --permissions-mode STANDARD --tls-certificate "$work/ledger.pem" --tls-key "$work/ledger.key" \
    > "$work/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
    grep -q "listening on" "$work/serve.log" && break
    sleep 0.1
done
grep -q "listening on" "$work/serve.log" || { cat "$work/serve.log"; exit 1; }
step "$(grep 'listening on' "$work/serve.log")"

# --- Each subnet's function: Lambda mode, the role's temporary key from the container endpoint.
run_function() { # $1: namespace, $2: email
    local ns=$1 dir="$work/$1" status=0
    mkdir -p "$dir"
    ip netns exec "$ns" env FAKE_ACCESS_KEY_ID=ASIATOPOLOGYLAMBDA01 FAKE_SECRET_ACCESS_KEY=topology-lambda-secret \
        FAKE_SESSION_TOKEN=topology-lambda-session-token FAKE_EMAIL="$2" \
        python3 scripts/fake_lambda_runtime.py "$dir/port" "Bearer topology-$$" > "$dir/runtime.log" 2>&1 &
    local fake=$!
    pids+=($fake)
    for _ in $(seq 1 100); do [ -s "$dir/port" ] && break; sleep 0.1; done
    ip netns exec "$ns" env -i PATH="$PATH" HOME="$dir" \
        AWS_LAMBDA_RUNTIME_API="127.0.0.1:$(cat "$dir/port")" AWS_LAMBDA_FUNCTION_NAME=licences AWS_REGION=eu-west-1 \
        AWS_CONTAINER_CREDENTIALS_FULL_URI="http://127.0.0.1:$(cat "$dir/port")/creds" \
        AWS_CONTAINER_AUTHORIZATION_TOKEN="Bearer topology-$$" AWS_CA_BUNDLE="$work/ca.pem" \
        LEDGER_NAME="$LEDGER" QLDB_ENDPOINT="https://$NAME/" \
        "$LICENCE_BIN" > "$dir/function.log" 2>&1 &
    pids+=($!)
    wait "$fake" || status=$?
    cat "$dir/runtime.log"
    if [ "$status" -ne 0 ]; then
        echo "--- function"; cat "$dir/function.log"; echo "--- qldb serve"; tail -n 20 "$work/serve.log"
        echo "vpc-topology: the licence flow failed in $ns" >&2
        return 1
    fi
    step "ok $ns: the licence flow over TLS to https://$NAME/ with $ROLE's temporary key"
}
run_function qldb-subnet-a ann@example.com
run_function qldb-subnet-b bob@example.com

# --- The outside cannot reach 443 (the security group drops it).
if ip netns exec qldb-outside python3 -c "import socket; socket.create_connection(('${ADDRESS[qldb-endpoint]}', 443), timeout=2)" \
    2> /dev/null; then
    echo "vpc-topology: qldb-outside connected to the endpoint's 443" >&2
    exit 1
fi
step "ok qldb-outside cannot connect to ${ADDRESS[qldb-endpoint]}:443"

# --- Another principal inside a subnet, with every IAM right, is refused by the endpoint policy.
ip netns exec qldb-subnet-b env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AWS_CA_BUNDLE="$work/ca.pem" \
    AWS_EC2_METADATA_DISABLED=true "$VENV/bin/python" - "$NAME" "$LEDGER" <<'EOF'
import sys
from botocore.exceptions import ClientError
from pyqldb.driver.qldb_driver import QldbDriver
name, ledger = sys.argv[1:3]
admin = QldbDriver(ledger, region_name="eu-west-1", endpoint_url=f"https://{name}/",
                   aws_access_key_id="AKIASEEDADMINISTRATR", aws_secret_access_key="seed-admin-secret")
try:
    admin.execute_lambda(lambda t: list(t.execute_statement("SELECT * FROM Licence")))
except ClientError as error:
    message = error.response["Error"]["Message"]
    assert error.response["Error"]["Code"] == "AccessDeniedException", error.response
    assert "qldb:SendCommand" in message, message
    print("vpc-topology: ok qldb-subnet-b: arn:aws:iam::123456789012:role/administrator refused:", message)
    sys.exit(0)
sys.exit("vpc-topology: the administrator was let through the endpoint")
EOF
step "all assertions held"
