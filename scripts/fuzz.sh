#!/usr/bin/env bash
# Builds a libFuzzer target for the Ion binary or text reader and runs it.
#
#   scripts/fuzz.sh binary|text [SECONDS] [extra libFuzzer flags...]
#
# The Ion sources and BigInt are compiled into one instrumented module (with their
# `import BigInt` lines dropped) together with Fuzz/Ion<Kind>Fuzzer.swift. The seed corpus is the
# Ion conformance suite from ../shared when present. Crashes are written to fuzz-out/<kind>/;
# turn each into a regression test (Tests/IonTests/FuzzRegressionTests.swift).
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:?usage: scripts/fuzz.sh binary|text [seconds]}
seconds=${2:-60}
shift $(( $# >= 2 ? 2 : 1 ))
case "$kind" in
  binary) entry=Fuzz/IonBinaryFuzzer.swift; suffix=10n ;;
  text) entry=Fuzz/IonTextFuzzer.swift; suffix=ion ;;
  *) echo "fuzz.sh: unknown target '$kind' (binary or text)" >&2; exit 2 ;;
esac

swift package resolve >/dev/null
bigint=$(find .build/checkouts -maxdepth 1 -iname bigint | head -1)
[ -n "$bigint" ] || { echo "fuzz.sh: BigInt checkout not found under .build/checkouts" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src"
i=0
while IFS= read -r -d '' f; do
  i=$((i + 1))
  sed -e '/^import BigInt$/d' -e '/^import QLDBPrimitives$/d' "$f" > "$work/src/$i-$(basename "$f")"
done < <(find Sources/Ion Sources/QLDBPrimitives -name '*.swift' -print0)

out=fuzz-out/$kind
mkdir -p "$out/corpus" "$out/crashes"
seeds=../shared/conformance/ion-tests/iontestdata
if [ -d "$seeds" ]; then
  find "$seeds" -name "*.$suffix" -exec cp {} "$out/corpus/" \; 2>/dev/null || true
fi

echo "fuzz.sh: building $kind fuzzer"
swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name IonFuzz -package-name swift_qldb \
  "$work"/src/*.swift "$bigint"/Sources/*.swift Fuzz/FuzzInvariants.swift "$entry" \
  -o "$work/fuzzer"

echo "fuzz.sh: running for ${seconds}s"
"$work/fuzzer" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
  -artifact_prefix="$out/crashes/" "$@" "$out/corpus"
