#!/bin/sh
# Before/after on the same machine in the same minutes: two packaged builds of the service, run
# alternately (the order flips each round, so a drift in the machine's load falls on both), each
# with ../2026-12-06-rest-tail/run.sh over TCP and the Unix socket, closed loop and paced (one
# hand-out per client every 50 ms, 320/s), with the service's GC pauses logged. Run from the
# repository's root, after packaging both builds, e.g.:
#   git worktree add ../dispool-before d49d153 && (cd ../dispool-before && mvn -B -q package -DskipTests)
#   mvn -B -q package -DskipTests
#   BEFORE=../dispool-before OUT=ab-out sh docs/benchmarks/2026-12-07-rest-tail/ab.sh
#   python3 docs/benchmarks/2026-12-07-rest-tail/table.py ab-out
# BEFORE, AFTER: checkouts whose target/quarkus-app and target/classes to run (AFTER: this one);
# ROUNDS (3), WARMUP (8) and SECONDS_MEASURED (20) per transport; OUT: where the raw files go.
set -eu
out=${OUT:?set OUT to a directory for the raw files}
mkdir -p "$out"
before=${BEFORE:?set BEFORE to the checkout of the build before}
after=${AFTER:-.}
commit() { git -C "$1" rev-parse --short HEAD 2>/dev/null || echo "$1 (not a git checkout: name its commit by hand)"; }
echo "before $(commit "$before"), after $(commit "$after"), $(nproc) CPUs" >"$out/builds.txt"
round=1
while [ "$round" -le "${ROUNDS:-3}" ]; do
    order="before after"
    [ $((round % 2)) -eq 0 ] && order="after before"
    for mode in closed paced50; do
        pace=""
        [ "$mode" = paced50 ] && pace="--pace-ms 50"
        for build in $order; do
            eval "home=\$$build"
            name="$round-$mode-$build"
            echo "$(date -u +%H:%M:%S) $name"
            old=""
            grep -q reuse-disp-ids "$home/config/application.properties" || old=1
            OLD_BUILD=$old DISPOOL_HOME="$home/target/quarkus-app" BENCH_CP="$home/target/classes" \
                BENCH_ARGS="--warmup-seconds ${WARMUP:-8} --seconds ${SECONDS_MEASURED:-20} $pace" \
                sh docs/benchmarks/2026-12-06-rest-tail/run.sh "-Xlog:gc:file=$out/$name.gc.log" >"$out/$name.txt" 2>&1 \
                    || true # run.sh ends with its trap's status (the service it killed); its output says how the run went
        done
    done
    round=$((round + 1))
done
