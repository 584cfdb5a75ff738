#!/bin/sh
# The REST hand-out path's tail: the packaged service (mvn package -DskipTests) on the dom0 unit's JVM
# options, its simulator at a time scale that makes the host cost nothing (the engine's resync and memory
# retry stretched to a minute and more of wall time, or at that scale they would run every millisecond),
# one DVM template whose pool
# holds 32 preloads with no refill delay; then dispool.bench.RestLoad, 16 clients, over TCP and over the
# Unix socket (RestLoad's 60 s warm-up, 30 s measured each). Run from the repository's root:
#   sh docs/benchmarks/2026-12-06-rest-tail/run.sh [extra JVM options for the service, e.g. a JFR recording]
# DISPOOL_HOME: another build of the service (default target/quarkus-app); BENCH_CP: where RestLoad is;
# BENCH_ARGS: more RestLoad options (--seconds 20, --pace-ms 50); SKIP_TCP=1: the socket only; SKIP_SOCKET=1:
# TCP only.
# SERVICE_JVM: the service's JVM options instead of the dom0 unit's (deploy/dispool.service's first
# ExecStart line, read from the checkout this is run in), e.g. another collector for an A/B.
# The simulator draws freed disposable ids again (dispool.sim.reuse-disp-ids): at this time scale
# qubesd's week passes in 6 s and a closed loop would run out of ids; OLD_BUILD=1 leaves the option
# out for a build older than it (whose service would refuse it), which then may answer 503s.
set -eu
reuse=-Ddispool.sim.reuse-disp-ids=true
[ "${OLD_BUILD:-}" ] && reuse=
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
unit=$(sed -n 's|^ExecStart=/usr/bin/java \(-.*\) \\$|\1|p' deploy/dispool.service)
[ "$unit" ] || { echo "no JVM options on deploy/dispool.service's first ExecStart line: run from the repository's root"; exit 1; }
jvm=${SERVICE_JVM:-$unit}
echo "commit $(git rev-parse --short HEAD), $(nproc) CPUs, service JVM options: $jvm; start: $(uptime)"
# $jvm holds several options: split into words on purpose
# shellcheck disable=SC2086
java $jvm "$@" \
    -Dquarkus.http.port=18080 -Ddispool.api.socket="$dir/api.sock" -Ddispool.api.token-file="$dir/token" \
    -Ddispool.audit.file="$dir/audit.log" -Ddispool.audit.refused-file="$dir/refused.log" \
    -Ddispool.history.persist=false -Ddispool.qubes.creations-file="$dir/creations" \
    -Ddispool.sim.time-scale=100000 -Ddispool.sim.seed=1 $reuse -Ddispool.sim.total-memory-mib=64000 \
    -Ddispool.sim.dom0-features.preload-dispvm-delay=0 -Ddispool.engine.max-cold-starts=16 \
    -Ddispool.engine.resync-interval=6000000s -Ddispool.engine.memory-retry=100000s \
    -Ddispool.sim.templates.bench-dvm.memory-mib=400 \
    -Ddispool.sim.templates.bench-dvm.features.preload-dispvm-max=32 \
    -jar "${DISPOOL_HOME:-target/quarkus-app}/quarkus-run.jar" >"$dir/service.log" 2>&1 &
pid=$!
while [ ! -S "$dir/api.sock" ]; do
    kill -0 "$pid" 2>/dev/null || { echo "the service did not start:"; cat "$dir/service.log"; exit 1; }
    sleep 0.2
done
sleep 3
# BENCH_ARGS holds several RestLoad options: split into words on purpose
# shellcheck disable=SC2086
[ "${SKIP_TCP:-}" ] || java -cp "${BENCH_CP:-target/classes}" dispool.bench.RestLoad --tcp 18080 --token-file "$dir/token" --clients 16 --pid "$pid" ${BENCH_ARGS:-}
# shellcheck disable=SC2086
[ "${SKIP_SOCKET:-}" ] || java -cp "${BENCH_CP:-target/classes}" dispool.bench.RestLoad --socket "$dir/api.sock" --clients 16 --pid "$pid" ${BENCH_ARGS:-}
echo "end: $(uptime)"
