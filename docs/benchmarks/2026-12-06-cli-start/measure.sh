#!/bin/sh
# measure.sh RUNS COMMAND...: the client's start, whole process and by phase, RUNS times (after one
# warm-up run that also writes the class-data archive), medians printed as one line:
#   wall  cpu(user+sys)  jvm(to ClientMain)  picocli(CommandLine to ServiceClient)  rest(to exit)
#   classes(shared/loaded)
# The phases are the JVM's own clock when it loads those classes (-Xlog:class+load with uptime),
# so they add the logging's cost; wall and cpu come from /usr/bin/time on runs without the log.
# Run from a checkout after mvn -B package -DskipTests, with a service running (DISPOOL_SOCKET or
# DISPOOL_URL); e.g.  docs/benchmarks/2026-12-06-cli-start/measure.sh 15 deploy/dispool ls
set -eu
runs=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$@" >/dev/null 2>&1 || true
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
i=0
while [ "$i" -lt "$runs" ]; do
    /usr/bin/time -f '%e %U %S' -a -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || true
    DISPOOL_JAVA_OPTS="${DISPOOL_JAVA_OPTS:-} -Xlog:class+load=info:file=$tmp/log:uptime" "$@" >/dev/null 2>&1 || true
    # a command that is not the client (java -version) writes no log: no phases
    [ -f "$tmp/log" ] || { echo "- - - -/-" >>"$tmp/phases"; i=$((i + 1)); continue; }
    awk '
        { t = substr($1, 2) + 0 }
        $2 == "dispool.cli.ClientMain" && !m { m = t }
        $2 == "picocli.CommandLine" && !p { p = t }
        $2 == "dispool.cli.ServiceClient" && !s { s = t }
        { e = t; n++ } /shared objects file/ { sh++ }
        END { if (!s) s = e; printf "%.3f %.3f %.3f %d/%d\n", m, s - p, e - s, sh, n }' "$tmp/log" >>"$tmp/phases"
    rm -f "$tmp/log"
    i=$((i + 1))
done
wall=$(cut -d' ' -f1 "$tmp/time" | median)
cpu=$(awk '{ print $2 + $3 }' "$tmp/time" | median)
jvm=$(cut -d' ' -f1 "$tmp/phases" | median)
picocli=$(cut -d' ' -f2 "$tmp/phases" | median)
rest=$(cut -d' ' -f3 "$tmp/phases" | median)
classes=$(cut -d' ' -f4 "$tmp/phases" | sort | uniq -c | sort -rn | head -n 1 | awk '{ print $2 }')
printf 'wall %s  cpu %s  jvm %s  picocli %s  rest %s  classes %s  load %s  %s\n' "$wall" "$cpu" "$jvm" "$picocli" \
    "$rest" "$classes" "$(cut -d' ' -f1 /proc/loadavg)" "$*"
