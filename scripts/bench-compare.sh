#!/usr/bin/env bash
# Compares two checkouts of this repository on the ordo-one benchmarks, interleaved in one run:
#   scripts/bench-compare.sh BEFORE_REPO AFTER_REPO 'FILTER' [ROUNDS]
# Each round runs the matching benchmarks in BEFORE_REPO/Benchmarks, then in AFTER_REPO/Benchmarks
# (release builds; build both first), and the table gives, per benchmark, the median over the
# rounds of each side's p50 wall-clock time and p50 malloc count, and the after/before ratio.
# Timings on shared VMs swing by tens of percent: read the ratios, and gate on mallocs.
# TARGETS (space-separated benchmark targets, e.g. "QLDBBenchmarks DriverBenchmarks") limits the
# run to those targets: the benchmark plugin stops at the first target in which FILTER matches
# nothing, so a filter for later targets needs them named.
set -euo pipefail
before=${1:?before repository}; after=${2:?after repository}; filter=${3:?benchmark filter}; rounds=${4:-3}
targets=()
for target in ${TARGETS:-}; do targets+=(--target "$target"); done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for round in $(seq 1 "$rounds"); do
  for side in before after; do
    dir=$([ "$side" = before ] && echo "$before" || echo "$after")
    (cd "$dir/Benchmarks" && swift package benchmark ${targets[@]+"${targets[@]}"} --filter "$filter" --no-progress --format markdown \
      --path stdout 2>/dev/null) > "$out/$side-$round.md"
    echo "bench-compare: round $round $side done" >&2
  done
done
python3 - "$out" "$rounds" <<'PY'
import re, sys, statistics
out, rounds = sys.argv[1], int(sys.argv[2])
def parse(path):
    results, name = {}, None
    for line in open(path):
        if line.startswith('### '):
            name = line[4:].strip()
        elif name and line.startswith('|') and ('Time (wall clock)' in line or 'Malloc (total)' in line):
            cells = [c.strip() for c in line.strip().strip('|').split('|')]
            unit = re.search(r'\((ns|us|μs|ms|s)\)', cells[0])
            scale = {'ns': 1e-3, 'us': 1, 'μs': 1, 'ms': 1e3, 's': 1e6}[unit.group(1)] if unit else 1
            if 'Malloc' in cells[0]:
                mult = {'(K)': 1e3, '(M)': 1e6}.get(next((m for m in ('(K)', '(M)') if m in cells[0]), ''), 1)
                results.setdefault(name, {})['mallocs'] = float(cells[3]) * mult
            else:
                results.setdefault(name, {})['p50_us'] = float(cells[3]) * scale
    return results
sides = {s: [parse(f'{out}/{s}-{r}.md') for r in range(1, rounds + 1)] for s in ('before', 'after')}
names = sorted(set().union(*[set(r) for r in sides['before'] + sides['after']]))
if not names:
    sys.exit('bench-compare: no benchmark ran: check FILTER, and name the targets in TARGETS '
             '(the plugin stops at the first target in which FILTER matches nothing)')
print(f'| benchmark | before p50 (µs) | after p50 (µs) | after/before | before mallocs | after mallocs |')
print('|---|---:|---:|---:|---:|---:|')
for n in names:
    def med(side, key):
        vals = [r[n][key] for r in sides[side] if n in r and key in r[n]]
        return statistics.median(vals) if vals else float('nan')
    b, a = med('before', 'p50_us'), med('after', 'p50_us')
    print(f'| {n} | {b:,.2f} | {a:,.2f} | {a / b:.2f}× | {med("before", "mallocs"):,.0f} | {med("after", "mallocs"):,.0f} |')
PY
