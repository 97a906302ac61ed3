#!/usr/bin/env bash
# Side-by-side Ion benchmark against ion-c (amazon-ion/ion-c), on the same files, interleaved.
#
#   scripts/bench-ion-c.sh ION_C_SOURCE_DIR [FILE...]
#
# Builds ion-c from ION_C_SOURCE_DIR (CMake, Release, tests off; only the static libraries) into a
# cache directory, compiles scripts/bench-ion-c/harness.c against it, then for each FILE runs each
# operation on the ion-c harness and on the Swift side, alternating, RUNS times each, and prints a
# table per file: the best nanoseconds per round of each side and the ratio ion-c ÷ Swift (> 1
# means Swift is faster). Each process times ROUNDS rounds after one untimed warm-up and reports
# its best round; the table keeps the best of the RUNS processes.
#
# Operations (both sides implement them; see harness.c): scan, read-scalars, lazy-tree (Swift's
# lazy tree read whole; ion-c, which has none, reads every scalar), tree, write-binary,
# write-text. For a binary FILE the script also writes its compact text form (with the ion-c
# harness) and runs the reading operations (scan, read-scalars, tree) on that as well.
#
# Default FILE: 100,000 licence documents (Benchmarks/Sources/LicenceDataset), written once into the
# cache by the Swift side (`IonCompare make-licences N PATH`) when it is built, else by
# scripts/bench-ion-c/make-licences.py (the same generator in Python; needs the amazon-ion package:
# $ION_PYTHON, else python3; e.g. `python3 -m venv /tmp/ionvenv && /tmp/ionvenv/bin/pip install
# amazon-ion`, then ION_PYTHON=/tmp/ionvenv/bin/python).
#
# Needs: cmake (Debian: apt-get install cmake), a C compiler ($CC, default cc), and an ion-c source
# tree (neither Debian nor PyPI ships ion-c: clone https://github.com/amazon-ion/ion-c; its
# submodules are not needed). Without the ion-c tree, cmake or a compiler, it says so and exits 0,
# so that CI does not depend on it. Never commit ion-c's code into this repository.
#
# Environment:
#   SWIFT_SIDE   the Swift binary, `IonCompare OPERATION FILE ROUNDS` printing
#                `OPERATION BEST_NANOSECONDS_PER_ROUND` (default Benchmarks/.build/release/IonCompare;
#                build it first; when absent, only the ion-c figures are printed)
#   RUNS         processes per side per operation, alternating (default 5)
#   ROUNDS       timed rounds per process (default 5)
#   OPERATIONS   space-separated subset of the operations (default all five)
#   DOCUMENTS    licence documents in the default file (default 100000)
#   BENCH_ION_C_CACHE  cache directory (default ${XDG_CACHE_HOME:-~/.cache}/swift-qldb/bench-ion-c)
#   ION_C_COMMIT the ion-c commit to report when ION_C_SOURCE_DIR is not a git checkout
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
usage="usage: scripts/bench-ion-c.sh ION_C_SOURCE_DIR [FILE...]"
skip() { echo "bench-ion-c: skipped: $*" >&2; exit 0; }

[ $# -ge 1 ] || skip "no ion-c source directory given.
$usage
Bring amazon-ion/ion-c onto this machine (git clone https://github.com/amazon-ion/ion-c) and pass its path."
src=$1; shift
[ -d "$src" ] || skip "ion-c source directory $src does not exist. $usage"
src=$(cd "$src" && pwd)
if [ ! -f "$src/ionc/include/ionc/ion.h" ] || [ ! -f "$src/decNumber/CMakeLists.txt" ] \
    || ! grep -q 'project(IonC' "$src/CMakeLists.txt" 2>/dev/null; then
    skip "$src is not an ion-c source tree (expected CMakeLists.txt with project(IonC), ionc/include/ionc/ion.h, decNumber/)."
fi
command -v cmake >/dev/null || skip "cmake is not installed (Debian: apt-get install cmake)."
cc=${CC:-cc}
command -v "$cc" >/dev/null || skip "no C compiler ($cc); set CC."

RUNS=${RUNS:-5}
ROUNDS=${ROUNDS:-5}
OPERATIONS=${OPERATIONS:-scan read-scalars lazy-tree tree write-binary write-text}
DOCUMENTS=${DOCUMENTS:-100000}
SWIFT_SIDE=${SWIFT_SIDE:-$repo/Benchmarks/.build/release/IonCompare}
cache=${BENCH_ION_C_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/swift-qldb/bench-ion-c}
key=$(printf '%s' "$src" | sha1sum | cut -c1-12)
build=$cache/ion-c-build-$key
mkdir -p "$cache"

commit=${ION_C_COMMIT:-}
if [ -z "$commit" ] && [ "$(git -C "$src" rev-parse --show-toplevel 2>/dev/null)" = "$src" ]; then
    commit=$(git -C "$src" rev-parse HEAD)
fi
commit=${commit:-"unknown (not a git checkout; set ION_C_COMMIT)"}

# ---- build ion-c (static libraries only) and the harness
echo "bench-ion-c: building ion-c $commit from $src into $build" >&2
start=$(date +%s.%N)
if ! { cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DIONC_BUILD_TESTS=OFF \
        && cmake --build "$build" --target ionc_static decNumber_static -j "$(nproc 2>/dev/null || echo 2)"; } \
        > "$build.log" 2>&1; then
    echo "bench-ion-c: the ion-c build failed; see $build.log" >&2
    tail -20 "$build.log" >&2
    exit 1
fi
harness=$build/ion-c-harness
"$cc" -O3 -DNDEBUG -std=c11 -DDECNUMDIGITS=34 -I"$src/ionc/include" -I"$src/decNumber/include" \
    "$repo/scripts/bench-ion-c/harness.c" "$build/ionc/libionc_static.a" "$build/decNumber/libdecNumber_static.a" \
    -lm -o "$harness"
end=$(date +%s.%N)
echo "bench-ion-c: ion-c and harness ready in $(awk "BEGIN { printf \"%.1f\", $end - $start }") s" >&2

swift_present=1
if [ ! -x "$SWIFT_SIDE" ]; then
    swift_present=0
    echo "bench-ion-c: the Swift side $SWIFT_SIDE is missing (build it: cd Benchmarks && swift build -c release" \
        "--product IonCompare, or set SWIFT_SIDE); printing the ion-c figures only." >&2
fi

# ---- files
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
    default=$cache/licences-$DOCUMENTS.10n
    if [ ! -s "$default" ]; then
        python=${ION_PYTHON:-python3}
        if [ $swift_present = 1 ]; then
            echo "bench-ion-c: writing $DOCUMENTS licence documents with $SWIFT_SIDE make-licences" >&2
            "$SWIFT_SIDE" make-licences "$DOCUMENTS" "$default.tmp"
        elif "$python" -c 'import amazon.ion.simpleion' 2>/dev/null; then
            "$python" "$repo/scripts/bench-ion-c/make-licences.py" "$DOCUMENTS" "$default.tmp"
        else
            echo "bench-ion-c: no FILE given, and neither the Swift side nor Python with the amazon-ion package" \
                "($python) is there to write the default $DOCUMENTS licence documents. Build IonCompare, or" \
                "install amazon-ion (python3 -m venv /tmp/ionvenv && /tmp/ionvenv/bin/pip install amazon-ion)" \
                "and set ION_PYTHON=/tmp/ionvenv/bin/python, or pass FILE." >&2
            exit 2
        fi
        mv "$default.tmp" "$default"
    fi
    files=("$default")
fi

# One measurement: sets `ns` to the nanoseconds of `BINARY OPERATION FILE ROUNDS`, or returns 1
# (after saying why on stderr) when it fails or prints something else.
measure() {
    local out
    ns=""
    out=$("$1" "$2" "$3" "$ROUNDS") || { echo "bench-ion-c: $(basename "$1") $2 $3 failed" >&2; return 1; }
    set -- "$2" $out
    [ "$#" -eq 3 ] && [ "$2" = "$1" ] && [[ "$3" =~ ^[0-9]+$ ]] \
        || { echo "bench-ion-c: unexpected output: $out" >&2; return 1; }
    ns=$3
}

min() { if [ -z "$1" ] || [ "$2" -lt "$1" ]; then echo "$2"; else echo "$1"; fi; }

# A text copy of each binary file, for the reading operations on text.
is_binary() { [ "$(head -c 4 "$1" | od -An -tx1 | tr -d ' \n')" = "e00100ea" ]; }

echo
echo "ion-c $commit (Release, $("$cc" --version | head -1)); Swift side: $([ $swift_present = 1 ] && echo "$SWIFT_SIDE" || echo missing)"
echo "best of $RUNS processes per side (alternating), each the best of $ROUNDS rounds after a warm-up; ratio = ion-c time ÷ Swift time (> 1: Swift faster)"
for file in "${files[@]}"; do
    [ -s "$file" ] || { echo "bench-ion-c: $file is missing or empty" >&2; exit 2; }
    targets=("$file|$OPERATIONS")
    if is_binary "$file"; then
        text=$cache/$(basename "${file%.*}")-$(realpath "$file" | sha1sum | cut -c1-12).ion
        if [ ! -s "$text" ] || [ "$text" -ot "$file" ]; then
            "$harness" emit-text "$file" 1 > "$text.tmp" && mv "$text.tmp" "$text"
        fi
        reads=$(for op in $OPERATIONS; do case $op in scan|read-scalars|tree) printf '%s ' "$op";; esac; done)
        [ -n "$reads" ] && targets+=("$text|$reads")
    fi
    for target in "${targets[@]}"; do
        f=${target%%|*}; ops=${target#*|}
        echo
        echo "### $f ($(stat -c %s "$f") bytes, $(is_binary "$f" && echo binary || echo text))"
        echo
        echo "| operation | ion-c ns | swift ns | ratio |"
        echo "|---|---:|---:|---:|"
        for op in $ops; do
            c_best=""; s_best=""; c_failed=0; s_failed=$((1 - swift_present))
            for _ in $(seq 1 "$RUNS"); do
                # A side that fails an operation once is not asked again for it.
                if [ $c_failed = 0 ]; then
                    if measure "$harness" "$op" "$f"; then c_best=$(min "$c_best" "$ns"); else c_failed=1; fi
                fi
                if [ $s_failed = 0 ]; then
                    if measure "$SWIFT_SIDE" "$op" "$f"; then s_best=$(min "$s_best" "$ns"); else s_failed=1; fi
                fi
            done
            c_cell=${c_best:-failed}; [ $c_failed = 1 ] && c_cell=failed
            if [ $swift_present = 0 ]; then s_cell=missing; else s_cell=${s_best:-failed}; fi
            [ $swift_present = 1 ] && [ $s_failed = 1 ] && s_cell=failed
            ratio=–
            if [[ "$c_cell" =~ ^[0-9]+$ && "$s_cell" =~ ^[0-9]+$ ]]; then
                ratio=$(awk "BEGIN { printf \"%.2f×\", $c_cell / $s_cell }")
            fi
            printf '| %s | %s | %s | %s |\n' "$op" "$c_cell" "$s_cell" "$ratio"
        done
    done
done
