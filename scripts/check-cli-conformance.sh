#!/usr/bin/env bash
# Converts every good file of the Ion conformance suite with the qldb CLI, text to binary and
# binary to text, and checks that each conversion keeps the values: the Ion hashes of the
# original and of the converted document must be the same, line for line.
# Usage: scripts/check-cli-conformance.sh [path/to/qldb]
set -euo pipefail
cd "$(dirname "$0")/.."
qldb=${1:-.build/debug/qldb}
suite=../shared/conformance/ion-tests/iontestdata/good
if [ ! -d "$suite" ]; then
  echo "check-cli-conformance: $suite is absent, skipped"
  exit 0
fi
passed=0 failed=0 skipped=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
while IFS= read -r -d '' file; do
  case "$file" in
    */utf16.ion|*/utf32.ion) skipped=$((skipped + 1)); continue ;;
  esac
  "$qldb" ion hash "$file" > "$tmp/expected"
  "$qldb" ion cat --format binary "$file" > "$tmp/converted.10n"
  "$qldb" ion cat --format text "$tmp/converted.10n" > "$tmp/converted.ion"
  if "$qldb" ion hash "$tmp/converted.10n" | cmp -s - "$tmp/expected" &&
     "$qldb" ion hash "$tmp/converted.ion" | cmp -s - "$tmp/expected"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "  FAILED $file"
  fi
done < <(find "$suite" \( -name '*.ion' -o -name '*.10n' \) -print0)
echo "qldb ion cat conformance conversions: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
