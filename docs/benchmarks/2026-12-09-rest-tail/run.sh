#!/bin/sh
# The paced REST hand-out's tail, stage by stage: 320/s (16 callers, one hand-out each every 50 ms), in step
# and staggered, over the Unix socket and over TCP, each run by ../2026-12-06-rest-tail/run.sh on the units'
# JVM options (or SERVICE_JVM) with a JFR recording of stages.jfc (the dispool.HandOutStages events, parks,
# thread starts, safepoints) and RestLoad --trace (each hand-out's send and receive time); stages.py joins
# them: OUT/MODE-T.txt (RestLoad's output), OUT/MODE-T.md (the stages' table), OUT/MODE-T.tsv.gz (per hand-out).
# About 6 minutes. From the repository's root, after mvn -B -q package -DskipTests:
#   OUT=rest-tail sh docs/benchmarks/2026-12-09-rest-tail/run.sh
# MODES ("paced staggered"), TRANSPORTS ("socket tcp"), WARMUP (60: after 8 s the JIT still compiles, warmup/), SECONDS_MEASURED (20); SERVICE_JVM: the service's JVM
# options instead of the units' (e.g. with -Ddispool.engine.workers=4); the recordings stay in OUT/jfr.
set -eu
out=${OUT:?set OUT to a directory for the output}
here=docs/benchmarks/2026-12-09-rest-tail
scale=100000 # the simulator's time scale in ../2026-12-06-rest-tail/run.sh
mkdir -p "$out/jfr"
only() { [ "$1" = socket ] && echo SKIP_TCP=1 || echo SKIP_SOCKET=1; }
for mode in ${MODES:-paced staggered}; do
    for t in ${TRANSPORTS:-socket tcp}; do
        echo "$(date -u +%H:%M:%S) $mode-$t"
        stagger=""
        [ "$mode" = staggered ] && stagger=--stagger
        env "$(only "$t")" BENCH_ARGS="--warmup-seconds ${WARMUP:-60} --seconds ${SECONDS_MEASURED:-20} --pace-ms 50 $stagger \
            --time-scale $scale --trace $out/$mode-$t.trace" sh docs/benchmarks/2026-12-06-rest-tail/run.sh \
            "-XX:StartFlightRecording=filename=$out/jfr/$mode-$t.jfr,settings=$PWD/$here/stages.jfc" \
            >"$out/$mode-$t.txt" 2>&1 </dev/null || true # run.sh ends with its trap's status; its output says how it went
        python3 "$here/stages.py" "$out/jfr/$mode-$t.jfr" "$out/$mode-$t.trace" "$scale" "$out/$mode-$t.tsv" >"$out/$mode-$t.md"
        rm "$out/$mode-$t.trace"
        gzip -f "$out/$mode-$t.tsv"
    done
done
echo "$(date -u +%H:%M:%S) done: $out"
