#!/usr/bin/env bash
# The hand-out's floor on QEMU, five runs: each run is `dispool bench --host qemu` (floor, preloaded
# p50/p99, cold, with the machine's load at its start and end, see docs/qemu.md). Run from the
# repository's root after `mvn -B package -DskipTests`:
#
#   docs/benchmarks/2026-12-07-qemu-floor-2/run.sh [OUT_DIR]        (default floor-runs)
#
# Each run has at least 21 hand-outs that find a ready preload: preload-dispvm-max equals the
# requests per scenario (N, default 7), and the pool is full when each preload scenario begins
# (back to back, 2 in flight, and the sweep's back to back again), so every request finds one.
# MAX (default N) sets preload-dispvm-max, SWEEP (default N, may be empty) the sweep's maxes.
# RUNS=5 sets how many. BEFORE_HOME=<another build's target/quarkus-app> interleaves as many runs of
# that build (before, after, before, after...) so that both see the same load; its rows say "before";
# BEFORE_RUNS caps them (default RUNS).
# GUEST_DIR: the built guest (default: deploy/qemu/build-guest.sh's). Prints the table, writes
# OUT_DIR/table.md and keeps each run's directory (output.txt, floor.csv, results.*).
set -euo pipefail
out=${1:-floor-runs}
runs=${RUNS:-5}
n=${N:-7}
max=${MAX:-$n}
sweep=${SWEEP-$n}
guest=${GUEST_DIR:-$(deploy/qemu/build-guest.sh)}
mkdir -p "$out"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

one() { # label home dir
    local label=$1 home=$2 dir=$3
    echo "== $label run $(basename "$dir"): $(uptime)" >&2
    DISPOOL_HOME=$home deploy/dispool bench --host qemu --guest-dir "$guest" -t default-dvm:192 -n "$n" \
        --preload-max "$max" --in-flight 2 --sweep "$sweep" --no-progress -o "$dir" > "$dir.txt" 2>&1 \
        || { echo "run $dir failed, see $dir.txt" >&2; return 1; }
    mv "$dir.txt" "$dir/output.txt"
    sed -n '/^Hand-out floor/,/^$/p' "$dir/output.txt" >&2
    echo "$label,$(tail -n 1 "$dir/floor.csv")" >> "$out/rows.csv"
}

rm -f "$out/rows.csv"
start=$(date +%s)
for i in $(seq 1 "$runs"); do
    if [[ -n ${BEFORE_HOME:-} && $i -le ${BEFORE_RUNS:-$runs} ]]; then
        one before "$BEFORE_HOME" "$out/before-$i"
    fi
    one after "${DISPOOL_HOME:-target/quarkus-app}" "$out/run-$i"
done
{
    echo "Commit $commit, $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%MZ), wall time $(( $(date +%s) - start )) s"
    echo
    echo "| build | load (start / end) | floor p50 | floor min | ready n | preloaded p50 | p99 | p50 / floor | cold p50 | cold / preloaded |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    awk -F, '{ printf "| %s | %s / %s | %s ms | %s ms | %s | %s ms | %s ms | %.2f× | %.0f ms | %.0f× |\n",
        $1, $2, $3, $4, $5, $6, $7, $8, $9, $11, $12 }' "$out/rows.csv"
} | tee "$out/table.md"
