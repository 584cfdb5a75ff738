#!/usr/bin/env bash
# The hand-out's floor on QEMU: RUNS (default 5) rounds of `dispool bench --host qemu`, each round
# once per refill delay in DELAYS (default "3 0": R4.3's default preload-dispvm-delay, then 0, the
# stress case where every hand-out starts a refill at once), interleaved so both see the same load.
# Each run prints and writes both floors (paused 0 s, paused 2 s), the ready hand-outs' p50/p99,
# cold/preloaded, the load at its start and end (floor.csv) and every ready hand-out's steps
# (timeline.csv); see docs/qemu.md. Run from the repository's root after `mvn -B package -DskipTests`:
#
#   docs/benchmarks/2026-12-09-qemu-floor/run.sh [OUT_DIR]        (default floor-runs)
#
# Each run has at least 21 hand-outs that find a ready preload: preload-dispvm-max equals the
# requests per scenario (N, default 7), and the pool is full as each preload scenario begins.
# GUEST_DIR: the built guest (default: deploy/qemu/build-guest.sh's). Prints the tables, writes
# OUT_DIR/table.md and keeps each run's directory (output.txt, floor.csv, timeline.csv, results.*).
set -euo pipefail
out=${1:-floor-runs}
runs=${RUNS:-5}
n=${N:-7}
delays=${DELAYS:-3 0}
guest=${GUEST_DIR:-$(deploy/qemu/build-guest.sh)}
mkdir -p "$out"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

one() { # delay dir
    local delay=$1 dir=$2
    echo "== delay $delay, $(basename "$dir"): $(uptime)" >&2
    deploy/dispool bench --host qemu --guest-dir "$guest" -t default-dvm:192 -n "$n" --preload-max "$n" \
        --in-flight 2 --sweep "$n" --refill-delay "$delay" --no-progress -o "$dir" > "$dir.txt" 2>&1 \
        || { echo "run $dir failed, see $dir.txt" >&2; return 1; }
    mv "$dir.txt" "$dir/output.txt"
    sed -n '/^Hand-out floor/,/^Advice/p' "$dir/output.txt" | grep -v '^Advice' >&2
    echo "$delay,$(tail -n 1 "$dir/floor.csv")" >> "$out/rows.csv"
}

# median of column $2 of the timeline.csv files of delay $1 whose "starting" test ($3: 0 none, 1 some) holds
median() {
    local delay=$1 col=$2 beside=$3
    for f in "$out"/delay-"$delay"-run-*/timeline.csv; do tail -n +2 "$f"; done \
        | awk -F, -v c="$col" -v b="$beside" '(b == "all") || (b == 0 && $3 + $4 == 0) || (b == 1 && $3 + $4 > 0) { print $c }' \
        | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "–"; else printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

count() {
    local delay=$1 beside=$2
    for f in "$out"/delay-"$delay"-run-*/timeline.csv; do tail -n +2 "$f"; done \
        | awk -F, -v b="$beside" '(b == "all") || (b == 0 && $3 + $4 == 0) || (b == 1 && $3 + $4 > 0)' | wc -l
}

rm -f "$out/rows.csv"
start=$(date +%s)
for i in $(seq 1 "$runs"); do
    for d in $delays; do
        one "$d" "$out/delay-$d-run-$i"
    done
done
{
    echo "Commit $commit, $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%MZ), wall time $(( $(date +%s) - start )) s, guest: $(tr '\n' ' ' < "$guest/guest.properties")"
    echo
    echo "| refill delay | load (start / end) | floor p50, paused 0 s | floor p50, paused 2 s | preloads paused (median) | ready n | preloaded p50 | p99 | p50 / floor 0 s | p50 / floor 2 s | cold p50 | cold / preloaded |"
    echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    awk -F, '{ printf "| %s s | %s / %s | %s ms | %s ms | %s s | %s | %s ms | %s ms | %.2f× | %.2f× | %.0f ms | %.0f× |\n",
        $1, $2, $3, $4, $6, $9, $10, $11, $12, $13, $14, $16, $17 }' "$out/rows.csv"
    echo
    echo "Ready hand-outs of all runs, medians, ms from the bench's request (timeline.csv; 'starting': a QEMU launching or booting as the unpause began):"
    echo
    echo "| refill delay | beside | n | claim | ping written, cont sent | cont reply | answer read | unpause returned | caller awake |"
    echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    for d in $delays; do
        for b in 0 1 all; do
            label=$([[ $b == 0 ]] && echo "nothing starting" || { [[ $b == 1 ]] && echo "QEMU starting" || echo all; })
            echo "| $d s | $label | $(count "$d" "$b") | $(median "$d" 5 "$b") | $(median "$d" 6 "$b") | $(median "$d" 7 "$b") | $(median "$d" 8 "$b") | $(median "$d" 9 "$b") | $(median "$d" 10 "$b") |"
        done
    done
} | tee "$out/table.md"
