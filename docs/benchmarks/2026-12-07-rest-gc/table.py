"""The table of an ab.sh run with SIDES (the service under several JVM options): python3 table.py DIR

Per mode (closed loop, paced 320/s), transport and side: the median over the rounds of the hand-out's
p50, p99 and p99.9, the return's p99, the service's CPU per hand-out + return, its RSS at the end of
the measured part (peak, PSS), and its stops within RestLoad's measured part (from -Xlog:safepoint,
wall-clock ms): GC pauses a second, their mean and longest, the CPU time of the collector's threads
a second and per pause (the pause's work, what it lasts on an idle core; RestLoad reads it from
/proc), and the share of the time the service stood still at any safepoint (GC or not). Then each round's p99 with the load average at its start.
"""
import glob
import os
import re
import statistics
import sys

LINE = re.compile(r"^(tcp|unix socket), 16 clients, \d+ s: (\d+) hand-outs \((\d+)/s\), errors by status (\{[^}]*\}); "
                  r"hand-out ms p50 ([\d.]+) p99 ([\d.]+) p99.9 ([\d.]+); return ms p50 ([\d.]+) p99 ([\d.]+) p99.9 ([\d.]+)"
                  r"; service CPU ([\d.]+) ms.*; service RSS (\d+) MiB \(peak (\d+) MiB, PSS (\d+) MiB\)")
GC_CPU = re.compile(r"; service GC threads CPU ([\d.]+) ms a second")
WINDOW = re.compile(r"^  measured from (\d+) to (\d+) ms since the epoch")
LOAD = re.compile(r"load average: ([\d.]+)")
SAFEPOINT = re.compile(r"^\[[\d.]+s\]\[(\d+)ms\].*Safepoint \"(\w+)\".* Total: (\d+) ns")
# the VM operations that are a collector's pauses (serial, parallel, G1, Shenandoah, ZGC); the rest
# (Cleanup, ICBufferFull, deoptimization, handshakes) are other stops
GC_OPERATION = re.compile(r"Collect|GC|Shenandoah|^Z(Mark|Relocate)|^G1")


def stops(gc_log):
    """(wall-clock ms, operation, pause ms) of every safepoint in a service's log."""
    if not os.path.exists(gc_log):
        return []
    return [(int(m.group(1)), m.group(2), int(m.group(3)) / 1e6) for line in open(gc_log) if (m := SAFEPOINT.match(line))]


def runs(directory):
    for path in sorted(glob.glob(os.path.join(directory, "*-*-*.txt"))):
        rnd, mode, side = os.path.basename(path)[:-4].split("-", 2)
        lines = open(path).read().splitlines()
        load = (LOAD.findall(lines[0]) if lines else None) or ["?"]
        all_stops = stops(path[:-4] + ".gc.log")
        for i, line in enumerate(lines):
            m = LINE.match(line)
            window = next((w for l in lines[i + 1:i + 7] if (w := WINDOW.match(l))), None)
            if not m or not window:
                continue
            start, end = int(window.group(1)), int(window.group(2))
            seconds = (end - start) / 1000
            inside = [(op, ms) for t, op, ms in all_stops if start <= t <= end]
            gc = [ms for op, ms in inside if GC_OPERATION.search(op)]
            gc_cpu = float(c.group(1)) if (c := GC_CPU.search(line)) else float("nan")
            yield dict(round=int(rnd), mode=mode, side=side, transport=m.group(1), errors=m.group(4),
                       p50=float(m.group(5)), p99=float(m.group(6)), p999=float(m.group(7)), rp99=float(m.group(9)),
                       cpu=float(m.group(11)), rss=int(m.group(12)), peak=int(m.group(13)), pss=int(m.group(14)),
                       load=load[0], gc_per_s=len(gc) / seconds, gc_mean=statistics.mean(gc) if gc else 0.0,
                       gc_max=max(gc, default=0.0), gc_cpu=gc_cpu, gc_work=gc_cpu * seconds / len(gc) if gc else float("nan"),
                       stopped=sum(ms for _, ms in inside) / 10 / seconds)


def main():
    directory = sys.argv[1]
    rows = list(runs(directory))
    sides = [line.split()[0] for line in open(os.path.join(directory, "sides.txt")) if line.strip()]
    print("| mode | transport | side | hand-out p50 ms | p99 | p99.9 | return p99 | CPU ms/pair | RSS MiB (peak, PSS) "
          "| GC pauses/s | mean ms | max ms | GC CPU ms/s | per pause | stopped | per round p99 (load at start) |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for mode in ("closed", "paced50"):
        for transport in ("tcp", "unix socket"):
            for side in sides:
                rs = sorted((r for r in rows if (r["mode"], r["transport"], r["side"]) == (mode, transport, side)),
                            key=lambda r: r["round"])
                if not rs:
                    continue
                med = {k: statistics.median(r[k] for r in rs) for k in
                       ("p50", "p99", "p999", "rp99", "cpu", "rss", "peak", "pss", "gc_per_s", "gc_mean", "gc_max", "gc_cpu", "gc_work", "stopped")}
                each = "; ".join(f"{r['p99']:.1f} ({r['load']})" for r in rs)
                errors = "".join(f" errors {r['errors']}" for r in rs if r["errors"] != "{}")
                print(f"| {'closed loop' if mode == 'closed' else '320/s paced'} | {transport} | {side} | {med['p50']:.2f} "
                      f"| {med['p99']:.1f} | {med['p999']:.0f} | {med['rp99']:.1f} | {med['cpu']:.3f} "
                      f"| {med['rss']:.0f} ({med['peak']:.0f}, {med['pss']:.0f}) | {med['gc_per_s']:.2f} | {med['gc_mean']:.1f} "
                      f"| {med['gc_max']:.0f} | {med['gc_cpu']:.1f} | {med['gc_work']:.1f} | {med['stopped']:.2f} % | {each}{errors} |")


main()
