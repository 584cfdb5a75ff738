"""The tail's tables from a run.sh output directory: python3 table.py DIR

1. Per run (in step / staggered, socket / TCP): the load at its start, the hand-out's p50, p99, p99.9, and for
   the hand-outs above the p99 their mean time over the median's (p45-p55) and how it splits over the stages
   (stages.py), and how many met a safepoint.
2. The median's stages (p45-p55 mean, ms).
3. The service's threads by kind, per hand-out + return: CPU and wait for a core (RestLoad, schedstat).
"""
import re
import sys

RUNS = ["paced-socket", "paced-tcp", "staggered-socket", "staggered-tcp"]
STAGES = ["to door", "route", "to worker", "engine", "answer", "to caller"]


def name(run):
    mode, transport = run.split("-")
    return ("in step" if mode == "paced" else "staggered") + ", " + ("socket" if transport == "socket" else "TCP")


def main(directory):
    found = []
    for run in RUNS:
        try:
            found.append((run, open(f"{directory}/{run}.md").read(), open(f"{directory}/{run}.txt").read()))
        except FileNotFoundError:
            continue
    print("| paced 320/s, 16 callers | load at start | p50 | p99 | p99.9 | above p99: mean ms over the median's | "
          + " | ".join(STAGES) + " | met a safepoint |")
    print("| --- |" + " ---: |" * (len(STAGES) + 7))
    for run, md, txt in found:
        load = re.search(r"start:.*?load average: ([\d.]+)", txt).group(1)
        p50, p99, p999 = (float(v) for v in re.search(r"p50 ([\d.]+) p99 ([\d.]+) p99.9 ([\d.]+)", md).groups())
        extra = re.search(r"by stage \(of ([\d.]+) ms a hand-out\): (.*)", md)
        parts = dict((s, (float(v), p)) for s, v, p in
                     re.findall(r"(to door|route|to worker|engine|answer|to caller) (-?[\d.]+) \((-?\d+)%\)", extra.group(2)))
        met = re.search(r"met a safepoint: (\d+ of \d+)", md).group(1)
        print(f"| {name(run)} | {load} | {p50:.2f} | {p99:.1f} | {p999:.1f} | {float(extra.group(1)):.1f} | "
              + " | ".join(f"{parts[s][0]:.2f} ({parts[s][1]} %)" for s in STAGES) + f" | {met} |")
    print("\n| the median's hand-outs (p45-p55), mean ms | total | " + " | ".join(STAGES) + " |")
    print("| --- |" + " ---: |" * (len(STAGES) + 1))
    for run, md, _ in found:
        row = re.search(r"^\| p45-p55 \(the median's\) \| \d+ \| (.*) \|$", md, re.M).group(1).split(" | ")
        print(f"| {name(run)} | " + " | ".join(row[:len(STAGES) + 1]) + " |")
    kinds = ["event loops", "engine workers", "JIT", "simulator", "GC and VM", "other"]
    print("\n| service threads, ms per hand-out + return: CPU / waited for a core | " + " | ".join(kinds) + " | all |")
    print("| --- |" + " ---: |" * (len(kinds) + 1))
    for run, _, txt in found:
        line = re.search(r"service threads, ms per pair: (.*)", txt).group(1)
        t = {k: (float(c), float(w)) for k, c, w in re.findall(r"([A-Za-z. ]+?) CPU ([\d.]+) waited ([\d.]+)", line.replace(", ", ","))}
        t = {k.strip(","): v for k, v in t.items()}
        cells = [t.get(k, (0.0, 0.0)) for k in kinds]
        other = [v for k, v in t.items() if k not in kinds]
        cells[-1] = (cells[-1][0] + sum(c for c, _ in other), cells[-1][1] + sum(w for _, w in other))
        print(f"| {name(run)} | " + " | ".join(f"{c:.2f} / {w:.2f}" for c, w in cells)
              + f" | {sum(c for c, _ in t.values()):.2f} / {sum(w for _, w in t.values()):.2f} |")


if __name__ == "__main__":
    main(sys.argv[1])
