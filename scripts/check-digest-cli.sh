#!/usr/bin/env bash
# Runs `qldb digest` on every vector of ../shared/qldb/commit-digest-vectors.json and compares
# the printed CommitDigest with pyqldb's. Usage: scripts/check-digest-cli.sh [path/to/qldb]
set -euo pipefail
cd "$(dirname "$0")/.."
qldb=${1:-.build/debug/qldb}
vectors=../shared/qldb/commit-digest-vectors.json
if [ ! -f "$vectors" ]; then
  echo "check-digest-cli: $vectors is absent, skipped"
  exit 0
fi
python3 - "$qldb" "$vectors" <<'PY'
import json, subprocess, sys
qldb, path = sys.argv[1], sys.argv[2]
vectors = json.load(open(path))["commit_digest_vectors"]
passed = failed = 0
for v in vectors:
    args = [qldb, "digest", "--transaction-id", v["transaction_id"]]
    for s in v["statements"]:
        args += ["--statement", s["statement"]]
        for p in s["parameters"]:
            args += ["--parameter", p["ion_text"]]
    out = subprocess.run(args, capture_output=True, text=True)
    got = out.stdout.strip()
    if out.returncode == 0 and got == v["expected_commit_digest_base64"]:
        passed += 1
    else:
        failed += 1
        print(f"  FAILED {v['name']}: got {got!r} (exit {out.returncode}, {out.stderr.strip()}), expected {v['expected_commit_digest_base64']}")
print(f"qldb digest CLI vectors: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
