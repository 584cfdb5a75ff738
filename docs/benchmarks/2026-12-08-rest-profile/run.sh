#!/bin/sh
# The REST hand-out paced at 320/s (16 clients, one hand-out each every 50 ms) on the units' JVM options,
# over the Unix socket and over TCP, each run by ../2026-12-06-rest-tail/run.sh (8 s warm-up, 20 s measured):
#   1. without a profiler: the latencies, the service's and the callers' CPU per pair, and the hand-out's
#      mean split into caller, service (Quarkus' timer) and engine (RestLoad --time-scale), with the 16
#      callers in step (a burst of 16 every 50 ms: OUT/paced-T.txt) and staggered (one every 3.1 ms:
#      OUT/staggered-T.txt);
#   2. with JFR (settings=profile, an execution sample every 1 ms) and -Xlog:gc: OUT/profile-T.txt, then
#      split.py's CPU, allocation and GC per pair: OUT/profile-T.md (the recordings stay in OUT/jfr).
# Latencies need a quiet machine; per-pair CPU shares and allocation do not. About 6 minutes. From the
# repository's root, after mvn -B -q package -DskipTests:
#   OUT=rest-profile sh docs/benchmarks/2026-12-08-rest-profile/run.sh
set -eu
out=${OUT:?set OUT to a directory for the output}
here=docs/benchmarks/2026-12-08-rest-profile
mkdir -p "$out/jfr"
paced="--warmup-seconds 8 --seconds 20 --pace-ms 50"
scale=100000 # the simulator's time scale in ../2026-12-06-rest-tail/run.sh
only() { [ "$1" = socket ] && echo SKIP_TCP=1 || echo SKIP_SOCKET=1; }
for t in socket tcp; do
    for mode in paced staggered; do
        echo "$(date -u +%H:%M:%S) $mode-$t"
        stagger=""
        [ "$mode" = staggered ] && stagger=--stagger
        env "$(only "$t")" BENCH_ARGS="$paced $stagger --time-scale $scale" sh docs/benchmarks/2026-12-06-rest-tail/run.sh \
            >"$out/$mode-$t.txt" 2>&1 </dev/null || true # run.sh ends with its trap's status; its output says how it went
    done
done
for t in socket tcp; do
    echo "$(date -u +%H:%M:%S) profile-$t"
    env "$(only "$t")" BENCH_ARGS="$paced" sh docs/benchmarks/2026-12-06-rest-tail/run.sh \
        "-XX:StartFlightRecording=filename=$out/jfr/$t.jfr,settings=profile,jdk.ExecutionSample#period=1ms" \
        "-Xlog:gc,safepoint:file=$out/profile-$t.gc.log:timemillis,uptime,level,tags" \
        >"$out/profile-$t.txt" 2>&1 </dev/null || true
done
for t in socket tcp; do
    python3 "$here/split.py" "$out/jfr/$t.jfr" "$out/profile-$t.txt" "$out/profile-$t.gc.log" >"$out/profile-$t.md"
done
echo "$(date -u +%H:%M:%S) done: $out"
