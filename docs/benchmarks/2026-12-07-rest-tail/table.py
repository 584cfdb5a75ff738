"""The before/after table of ab.sh's raw files: python3 table.py DIR

Per mode (closed loop, paced 320/s), transport and build: the median over the rounds of the
hand-out's p50, p99 and p99.9, the return's p99, the service's CPU per hand-out + return and the
hand-outs per second, each round's figures beside it; then the service's GC pauses per run (the
whole run: start-up, warm-ups and both transports) and the load average at each run's start.
"""
import glob
import os
import re
import statistics
import sys

LINE = re.compile(r"^(tcp|unix socket), 16 clients, \d+ s: (\d+) hand-outs \((\d+)/s\), errors by status (\{[^}]*\}); "
                  r"hand-out ms p50 ([\d.]+) p99 ([\d.]+) p99.9 ([\d.]+); return ms p50 ([\d.]+) p99 ([\d.]+) p99.9 ([\d.]+)"
                  r"; service CPU ([\d.]+) ms")
PAUSE = re.compile(r"^\[([\d.]+)s\].* Pause Young .* ([\d.]+)ms$")
LOAD = re.compile(r"load average: ([\d.]+)")


def runs(directory):
    for path in sorted(glob.glob(os.path.join(directory, "*-*-*.txt"))):
        rnd, mode, build = os.path.basename(path)[:-4].split("-", 2)
        text = open(path).read()
        loads = LOAD.findall(text)
        # young collections only: the full ones are the start-up's class loading (Metadata GC Threshold)
        gc = [(float(m.group(1)), float(m.group(2))) for line in open(path[:-4] + ".gc.log")
              if (m := PAUSE.match(line.strip()))]
        for m in (LINE.match(line) for line in text.splitlines()):
            if m:
                yield dict(round=int(rnd), mode=mode, build=build, transport=m.group(1), rate=int(m.group(3)),
                           errors=m.group(4), p50=float(m.group(5)), p99=float(m.group(6)), p999=float(m.group(7)),
                           rp99=float(m.group(9)), cpu=float(m.group(11)), load=loads[0] if loads else "?", gc=gc)


def main():
    rows = list(runs(sys.argv[1]))
    print("| mode | transport | build | hand-out p50 ms | p99 | p99.9 | return p99 | CPU ms/pair | hand-outs/s "
          "| per round p50 / p99 / p99.9 (load at start) |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for mode in ("closed", "paced50"):
        for transport in ("tcp", "unix socket"):
            for build in ("before", "after"):
                rs = sorted((r for r in rows if (r["mode"], r["transport"], r["build"]) == (mode, transport, build)),
                            key=lambda r: r["round"])
                if not rs:
                    continue
                med = {k: statistics.median(r[k] for r in rs) for k in ("p50", "p99", "p999", "rp99", "cpu", "rate")}
                each = "; ".join(f"{r['p50']:.2f} / {r['p99']:.1f} / {r['p999']:.0f} ({r['load']})" for r in rs)
                errors = "".join(f" errors {r['errors']}" for r in rs if r["errors"] != "{}")
                print(f"| {'closed loop' if mode == 'closed' else '320/s paced'} | {transport} | {build} | {med['p50']:.2f} "
                      f"| {med['p99']:.1f} | {med['p999']:.0f} | {med['rp99']:.1f} | {med['cpu']:.3f} | {med['rate']:.0f} "
                      f"| {each}{errors} |")
    print("\nYoung GC pauses per run (from its first to its last: warm-ups and both transports), serial collector, "
          "-Xmx128m; share: of the wall time between them the service stood still:")
    print("| run | pauses | per second | mean ms | max ms | share |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    seen = set()
    for r in sorted(rows, key=lambda r: (r["mode"], r["build"], r["round"])):
        key = (r["round"], r["mode"], r["build"])
        if key in seen or len(r["gc"]) < 2:
            continue
        seen.add(key)
        span = r["gc"][-1][0] - r["gc"][0][0]
        ms = [p for _, p in r["gc"]]
        print(f"| {r['round']}-{r['mode']}-{r['build']} | {len(ms)} | {len(ms) / span:.2f} | {sum(ms) / len(ms):.1f} "
              f"| {max(ms):.0f} | {sum(ms) / 10 / span:.1f} % |")

main()
