"""What a serial collector's log says about its pauses: python3 gclog.py SERVICE.gc.log [FROM_SECONDS]

The log of a service run with -Xlog:gc*,gc+age=trace,safepoint (decorations uptime,level,tags).
Prints the heap's sizes as the collector set them, then over the pauses from FROM_SECONDS of the
JVM's uptime on (default 15: after start-up and class loading), young and full apart: how many,
mean and longest, what each young pause left in the survivor space and promoted to the old
generation, the age table's bytes per age (what survives, and how often it is copied before it is
promoted), the old generation's growth, and time-to-safepoint against time at the safepoint.
"""
import re
import statistics
import sys

UPTIME = re.compile(r"^\[([\d.]+)s\]")
PAUSE = re.compile(r"GC\((\d+)\) Pause (Young|Full) \(([^)]+)\) (\d+)M->(\d+)M\((\d+)M\) ([\d.]+)ms$")
DEFNEW = re.compile(r"GC\((\d+)\) DefNew: (\d+)K\((\d+)K\)->(\d+)K.* Eden: \d+K\((\d+)K\).* From: \d+K\((\d+)K\)")
TENURED = re.compile(r"GC\((\d+)\) Tenured: (\d+)K\((\d+)K\)->(\d+)K")
AGE = re.compile(r"GC\((\d+)\) - age +(\d+): +(\d+) bytes")
THRESHOLD = re.compile(r"GC\((\d+)\) Desired survivor size (\d+) bytes, new threshold (\d+)")
SAFEPOINT = re.compile(r"Safepoint \"(\w+)\".* Reaching safepoint: (\d+) ns.* At safepoint: (\d+) ns")


def ms(values):
    return f"mean {statistics.mean(values):.2f}, median {statistics.median(values):.2f}, max {max(values):.2f} ms" if values else "none"


def main():
    path = sys.argv[1]
    since = float(sys.argv[2]) if len(sys.argv) > 2 else 15.0
    pauses, young, tenured, ages, thresholds, safepoints = [], {}, {}, {}, [], {}
    for line in open(path):
        t = UPTIME.match(line)
        if "gc,init" in line and "Capacity" in line:
            print(line.split("] ", 1)[-1].strip().lstrip("] "))
        if not t or float(t.group(1)) < since:
            continue
        if m := PAUSE.search(line):
            pauses.append((m.group(2), m.group(3), float(m.group(7))))
        elif m := DEFNEW.search(line):
            young[m.group(1)] = (int(m.group(4)), int(m.group(3)), int(m.group(5)), int(m.group(6)))
        elif m := TENURED.search(line):
            tenured[m.group(1)] = (int(m.group(2)), int(m.group(4)), int(m.group(3)))
        elif m := AGE.search(line):
            ages.setdefault(int(m.group(2)), []).append(int(m.group(3)))
        elif m := THRESHOLD.search(line):
            thresholds.append(int(m.group(3)))
        elif m := SAFEPOINT.search(line):
            safepoints.setdefault(m.group(1), []).append((int(m.group(2)) / 1e6, int(m.group(3)) / 1e6))
    span = f"from {since:.0f} s of uptime on"
    for kind in ("Young", "Full"):
        these = [p for p in pauses if p[0] == kind]
        causes = sorted({p[1] for p in these})
        print(f"{kind} pauses {span}: {len(these)} ({', '.join(causes) or '-'}); {ms([p[2] for p in these])}")
    if young:
        v = list(young.values())
        print(f"young generation {v[0][1]} KiB (eden {v[0][2]} KiB, each survivor space {v[0][3]} KiB); "
              f"left in the survivor space per young pause: mean {statistics.mean(x[0] for x in v):.0f} KiB")
    if tenured:
        v = list(tenured.values())
        promoted = [after - before for before, after, _ in v]
        print(f"old generation {v[0][2]} KiB; promoted per young pause: mean {statistics.mean(promoted):.0f} KiB; "
              f"used {v[0][0]} -> {v[-1][1]} KiB over {len(v)} pauses")
    if thresholds:
        print(f"tenuring threshold (the age at which a survivor is promoted): {min(thresholds)}-{max(thresholds)}")
    for age in sorted(ages):
        print(f"  age {age:2}: mean {statistics.mean(ages[age]) / 1024:.0f} KiB over {len(ages[age])} pauses")
    for op, v in sorted(safepoints.items()):
        print(f"safepoint {op}: {len(v)}; reaching it {ms([x[0] for x in v])}; at it {ms([x[1] for x in v])}")


main()
