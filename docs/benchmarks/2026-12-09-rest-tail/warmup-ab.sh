#!/bin/sh
# The JIT's warm-up in the measured part, A/B: the paced, staggered hand-out (320/s, 16 callers) over the Unix
# socket and TCP on the units' JVM options, after a warm-up of 8 s (as ../2026-12-08-rest-profile/run.sh and
# ../2026-12-07-rest-tail/ab.sh) and of 60 s, alternating in ROUNDS rounds (2; the order flips each round), 15 s
# measured each: OUT/R-warmW-T.txt, RestLoad's output with the service's threads' CPU and wait for a core per pair
# by kind (JIT: the compiler threads). About 8 minutes. From the repository's root, after mvn -B -q package -DskipTests:
#   OUT=rest-warmup sh docs/benchmarks/2026-12-09-rest-tail/warmup-ab.sh && grep -H 'hand-out ms\|JIT' rest-warmup/*.txt
set -eu
out=${OUT:?set OUT to a directory for the output}
mkdir -p "$out"
round=1
while [ "$round" -le "${ROUNDS:-2}" ]; do
    order="8 60"
    [ $((round % 2)) = 0 ] && order="60 8"
    for w in $order; do
        for t in socket tcp; do
            echo "$(date -u +%H:%M:%S) $round-warm$w-$t"
            skip=SKIP_TCP=1
            [ "$t" = tcp ] && skip=SKIP_SOCKET=1
            env "$skip" BENCH_ARGS="--warmup-seconds $w --seconds 15 --pace-ms 50 --stagger" \
                sh docs/benchmarks/2026-12-06-rest-tail/run.sh >"$out/$round-warm$w-$t.txt" 2>&1 </dev/null || true
        done
    done
    round=$((round + 1))
done
