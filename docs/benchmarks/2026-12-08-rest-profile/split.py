"""Where one REST hand-out + return goes, from a JFR recording (settings=profile) of one RestLoad run:

    python3 split.py rest.jfr restload-output.txt [gc.log]

Only the events inside RestLoad's measured part count ("measured from A to B ms since the epoch" in
its output; one transport per recording). CPU: each jdk.ExecutionSample goes to one part of the
path, by the frames on its stack (the first rule in PARTS that matches, innermost frame first), and
to its thread; the service's CPU per pair (RestLoad's --pid line) is split in those shares.
Allocation: jdk.ObjectAllocationSample's weight, per pair and split the same way. With the service's
-Xlog:gc,safepoint log (timemillis decoration), the share of the measured part spent in GC pauses.
Needs the JDK's `jfr` on PATH.
"""
import collections
import datetime
import json
import re
import subprocess
import sys

# (part, a regex on one frame): the innermost frame that matches a rule names the part, except that a
# stack through the audit is its own whatever it calls (Jackson, the file channel); not so the filter, which
# calls the rest of the route (ctx.next()) from its own frame
OWNS_CALLEES = 1
PARTS = [
    ("dispool audit line and file", r"^dispool\.api\.Audit"),
    ("dispool filter (token, path, connection guard)", r"^dispool\.api\.(ApiAccess|PathRule|ConnectionGuard|RequestHead|Caller)"),
    ("simulated host", r"^dispool\.host\."),
    ("engine (hand-out, removal, refill)", r"^dispool\.pool\."),
    ("dispool API resources, metrics", r"^dispool\.(api|app)\."),
    ("Jackson (answer bodies)", r"^com\.fasterxml\.jackson\."),
    ("Micrometer (Quarkus' HTTP metrics)", r"^io\.(micrometer|quarkus\.micrometer)\."),
    ("RESTEasy Reactive", r"^org\.jboss\.resteasy\."),
    ("Quarkus, ArC, Mutiny, SmallRye", r"^io\.(quarkus|smallrye)\."),
    ("logging", r"^org\.jboss\.logmanager\."),
    ("Vert.x and Netty (HTTP, sockets, event loop)", r"^io\.(vertx|netty)\."),
]
RULES = [(part, re.compile(rx)) for part, rx in PARTS]


def events(path, name):
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "96", "--events", name, path],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["recording"]["events"]


def epoch_ms(event):
    return datetime.datetime.fromisoformat(event["values"]["startTime"]).timestamp() * 1000


def part(event):
    stack = event["values"]["stackTrace"]
    frames = [] if stack is None else [f["method"]["type"]["name"].replace("/", ".") for f in stack["frames"]]
    for name, rx in RULES[:OWNS_CALLEES]:
        if any(rx.match(frame) for frame in frames):
            return name
    for frame in frames:
        for name, rx in RULES[OWNS_CALLEES:]:
            if rx.match(frame):
                return name
    return "JDK only (no library frame)"


def thread(event, field):
    t = event["values"][field]
    name = t["javaName"] or t["osName"] or "?"
    return re.sub(r"[-\d]+$", "", name)


def table(title, counter, total, scale, unit):
    print(f"| {title} | share | {unit} |\n| --- | ---: | ---: |")
    for key, n in counter.most_common():
        print(f"| {key} | {100 * n / total:.1f} % | {scale * n / total:.3f} |")
    print()


def main():
    jfr_path, out_path = sys.argv[1], sys.argv[2]
    text = open(out_path).read()
    start, end = map(int, re.search(r"measured from (\d+) to (\d+) ms", text).groups())
    line = re.search(r"^(tcp|unix socket), .*$", text, re.M).group(0)
    pairs = int(re.search(r"(\d+) hand-outs \(", line).group(1))
    cpu_ms = float(re.search(r"service CPU ([\d.]+) ms per hand-out and return", line).group(1))
    print(f"{line}\n")
    inside = lambda e: start <= epoch_ms(e) <= end
    samples = [e for e in events(jfr_path, "jdk.ExecutionSample") if inside(e)]
    by_part = collections.Counter(part(e) for e in samples)
    by_thread = collections.Counter(thread(e, "sampledThread") for e in samples)
    print(f"## CPU: {len(samples)} execution samples in the measured part; service CPU {cpu_ms:.3f} ms per pair\n")
    table("part of the path", by_part, len(samples), cpu_ms, "ms per pair")
    table("thread", by_thread, len(samples), cpu_ms, "ms per pair")
    alloc, alloc_thread = collections.Counter(), collections.Counter()
    for e in events(jfr_path, "jdk.ObjectAllocationSample"):
        if inside(e):
            alloc[part(e)] += e["values"]["weight"]
            alloc_thread[thread(e, "eventThread")] += e["values"]["weight"]
    total = sum(alloc.values())
    kb = total / 1e3 / pairs
    print(f"## Allocation: {total / 1e6:.0f} MB sampled in the measured part, {kb:.1f} KB per pair over {pairs} pairs\n")
    table("part of the path", alloc, total, kb, "KB per pair")
    table("thread", alloc_thread, total, kb, "KB per pair")
    if len(sys.argv) > 3:
        gc(sys.argv[3], start, end)


def gc(path, start, end):
    """Pauses (-Xlog:gc with timemillis) that began in the measured part: count, mean, longest, share of the wall time."""
    pauses = []
    for row in open(path):
        m = re.search(r"\[(\d+)ms\].*\bPause\b.*?([\d.]+)ms$", row.strip())
        if m and start <= int(m.group(1)) <= end:
            pauses.append(float(m.group(2)))
    seconds = (end - start) / 1000
    if pauses:
        print(f"## GC: {len(pauses)} pauses in {seconds:.1f} s ({len(pauses) / seconds:.2f}/s), mean "
              f"{sum(pauses) / len(pauses):.1f} ms, longest {max(pauses):.1f} ms, {100 * sum(pauses) / 1000 / seconds:.2f} % "
              f"of the wall time")
    else:
        print(f"## GC: no pause in {seconds:.1f} s")


main()
