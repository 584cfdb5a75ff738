#!/bin/sh
# A/B on the same machine in the same minutes: two or more sides, each a packaged build of the service
# and its JVM options, run alternately (the order rotates each round, so a drift in the machine's load
# falls on every side), each with ../2026-12-06-rest-tail/run.sh over TCP and the Unix socket, closed
# loop and paced (one hand-out per client every 50 ms, 320/s), with the service's GC pauses and other
# safepoints logged (wall-clock ms, so table.py keeps those within RestLoad's measured part).
# Run from the repository's root, after packaging the builds. Two builds on the unit's JVM options:
#   git worktree add ../dispool-before d49d153 && (cd ../dispool-before && mvn -B -q package -DskipTests)
#   mvn -B -q package -DskipTests
#   BEFORE=../dispool-before OUT=ab-out sh docs/benchmarks/2026-12-07-rest-tail/ab.sh
#   python3 docs/benchmarks/2026-12-07-rest-tail/table.py ab-out
# BEFORE, AFTER: checkouts whose target/quarkus-app and target/classes to run (AFTER: this one), both on
# the JVM options of this checkout's deploy/dispool.service. Or SIDES: a file with one side a line,
#   NAME CHECKOUT JVM-OPTIONS...      e.g.   parallel2 . -XX:+UseParallelGC -XX:ParallelGCThreads=2 -Xmx128m
# (the JVM options replace the unit's; "#" starts a comment line). ROUNDS (3), WARMUP (60: after 8 s the JIT still takes a
# third of the service's CPU, ../2026-12-09-rest-tail/warmup) and
# SECONDS_MEASURED (20) per transport; MODES ("closed paced50"); OUT: where the raw files go; BENCH_CP: one
# RestLoad for every side (default: each side's own, in its checkout's target/classes); BENCH_EXTRA: more
# RestLoad options for every run (--time-scale 100000, --stagger).
set -eu
out=${OUT:?set OUT to a directory for the raw files}
mkdir -p "$out"
sides="$out/sides.txt"
if [ "${SIDES:-}" ]; then
    grep -v '^[[:space:]]*\(#\|$\)' "$SIDES" >"$sides"
else
    printf 'before %s\nafter %s\n' "${BEFORE:?set BEFORE to the checkout of the build before, or SIDES}" "${AFTER:-.}" >"$sides"
fi
count=$(wc -l <"$sides")
commit() { git -C "$1" rev-parse --short HEAD 2>/dev/null || echo "$1 (not a git checkout: name its commit by hand)"; }
{
    echo "$(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(java -version 2>&1 | head -1)"
    while read -r name home jvm; do echo "$name: $(commit "$home"), JVM ${jvm:-as deploy/dispool.service}"; done <"$sides"
} >"$out/builds.txt"
round=1
while [ "$round" -le "${ROUNDS:-3}" ]; do
    for mode in ${MODES:-closed paced50}; do
        pace=""
        [ "$mode" = paced50 ] && pace="--pace-ms 50"
        # this round's order: the sides rotated by round - 1 (with two sides, the order flips each round)
        shift=$(( (round - 1) % count ))
        { tail -n +$((shift + 1)) "$sides"; head -n "$shift" "$sides"; } | while read -r name home jvm; do
            run="$round-$mode-$name"
            echo "$(date -u +%H:%M:%S) $run"
            old=""
            grep -q reuse-disp-ids "$home/config/application.properties" || old=1
            OLD_BUILD=$old SERVICE_JVM="$jvm" DISPOOL_HOME="$home/target/quarkus-app" BENCH_CP="${BENCH_CP:-$home/target/classes}" \
                BENCH_ARGS="--warmup-seconds ${WARMUP:-60} --seconds ${SECONDS_MEASURED:-20} $pace ${BENCH_EXTRA:-}" \
                sh docs/benchmarks/2026-12-06-rest-tail/run.sh \
                    "-Xlog:gc,safepoint:file=$out/$run.gc.log:timemillis,uptime,level,tags" >"$out/$run.txt" 2>&1 </dev/null \
                    || true # run.sh ends with its trap's status (the service it killed); its output says how the run went
        done
    done
    round=$((round + 1))
done
