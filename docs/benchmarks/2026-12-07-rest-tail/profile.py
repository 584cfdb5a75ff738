"""Where a REST bench run's CPU and allocation go, from its JFR recording (settings=profile):

    python3 profile.py rest.jfr PAIRS

PAIRS: the hand-out + return pairs the recording served (warm-ups and measured parts), for KB per
pair. CPU: each jdk.ExecutionSample is put under its thread (event loop, engine worker, the
simulated host's event thread) and the innermost frame outside the JDK: the library or dispool
class doing the work, with what the stack is doing in brackets (building the audit line, the hand-out,
the removal, a preload's start-up). Allocation: jdk.ObjectAllocationSample weights the same way.
Then the GC pauses the recording saw. Needs the JDK's `jfr` on PATH.
"""
import collections
import json
import subprocess
import sys

DOING = [("AuditLog", "audit"), ("PoolMetrics", "pool metrics"), ("handOutNow", "hand-out"),
         ("HandedOutDisposables.remove", "removal"), ("PreloadStartup", "preload start-up")]
JDK = ("java.", "jdk.", "sun.")


def events(path, name):
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", name, path],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["recording"]["events"]


def frames(event):
    stack = event["values"]["stackTrace"]
    return [] if stack is None else [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"]
                                     for f in stack["frames"]]


def where(event, thread_field):
    stack = frames(event)
    thread = event["values"][thread_field]
    name = "".join(c for c in (thread["javaName"] or thread["osName"] or "?") if not c.isdigit()).rstrip("-")
    inner = next((f for f in stack if not f.startswith(JDK)), "JDK")
    owner = ".".join(inner.split(".")[:3]) if not inner.startswith("dispool.") else inner.split("$")[0].rsplit(".", 1)[0]
    joined = " ".join(stack)
    doing = [label for marker, label in DOING if marker in joined]
    return f"{name} / {owner}" + (f" [{', '.join(doing)}]" if doing else "")


def table(counter, total, unit, rows=30):
    for key, n in counter.most_common(rows):
        print(f"| {key} | {100 * n / total:.1f} % |")
    print(f"| (the rest) | {100 * (total - sum(n for _, n in counter.most_common(rows))) / total:.1f} % |")
    print(f"({unit})\n")


def main():
    path, pairs = sys.argv[1], int(sys.argv[2])
    cpu = collections.Counter(where(e, "sampledThread") for e in events(path, "jdk.ExecutionSample"))
    print(f"## CPU: {sum(cpu.values())} execution samples\n\n| thread / code [doing] | share |\n| --- | ---: |")
    table(cpu, sum(cpu.values()), "share of execution samples")
    alloc = collections.Counter()
    for e in events(path, "jdk.ObjectAllocationSample"):
        alloc[where(e, "eventThread")] += e["values"]["weight"]
    total = sum(alloc.values())
    print(f"## Allocation: {total / 1e6:.0f} MB sampled, {total / 1e3 / pairs:.1f} KB per pair over {pairs} pairs\n")
    print("| thread / code [doing] | share |\n| --- | ---: |")
    table(alloc, total, "share of sampled allocation weight")
    # durations come as ISO-8601 ("PT0.0123S"): a pause never reaches a minute
    ms = [float(e["values"]["sumOfPauses"][2:-1]) * 1000 for e in events(path, "jdk.GarbageCollection")]
    print(f"## GC: {len(ms)} collections, {sum(ms):.0f} ms paused in all, longest {max(ms):.1f} ms" if ms else "## GC: none")

main()
