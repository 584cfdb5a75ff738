"""The REST hand-out's tail, stage by stage: RestLoad --trace's send and receive times joined with the
service's dispool.HandOutStages JFR events (recorded with stages.jfc) by disposable and time.

    python3 stages.py RECORDING.jfr TRACE.txt TIME_SCALE [PER_HAND_OUT.tsv] > stages.md

Both sides stamp System.nanoTime(), on Linux the machine's monotonic clock, so the caller's and the
service's stamps are on one clock. Stages of one hand-out, ms:
  to door    the caller's send to dispool's filter on the event loop: the kernel, the event loop's wake-up
             and whatever it ran first, Netty's read and HTTP decoding
  route      the filter to the resource method: the filter, the router, RESTEasy's dispatch
  to worker  the resource to an engine worker taking the task: its queue's poll ending (the park's end, JFR
             jdk.ThreadPark), which holds the queue's wait and the worker's wake-up
  engine     the worker's start to the engine having the disposable running
  answer     the engine done to the answer's head about to be written (its headers-end handler): RESTEasy's
             resumption, Jackson
  to caller  that to the caller having read it: the write (on the event loop when written from another
             thread), the kernel, the caller's wake-up
Beside each: the stop-the-world time inside it (JFR jdk.ExecuteVMOperation at a safepoint: GC pauses and
the rest), the engine's other workers busy when it was dispatched, the requests in flight on the service.
"""
import bisect
import collections
import json
import re
import statistics
import subprocess
import sys

STAGES = ["to door", "route", "to worker", "engine", "answer", "to caller"]
DURATION = re.compile(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?")


def events(path, names):
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "1", "--events", names, path],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["recording"]["events"]


def instant_ns(text):
    """JFR's ISO instant in ns since the epoch (datetime keeps µs only)."""
    day, clock = text.rstrip("Z").split("T")
    hms, _, frac = clock.partition(".")
    y, mo, d = map(int, day.split("-"))
    h, mi, s = map(int, hms.split(":"))
    days = days_from_civil(y, mo, d)
    return ((days * 24 + h) * 60 + mi) * 60_000_000_000 + s * 1_000_000_000 + int((frac + "000000000")[:9])


def days_from_civil(y, m, d):
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468


def duration_ns(text):
    h, m, s = DURATION.fullmatch(text).groups()
    return int(round(((int(h or 0) * 60 + int(m or 0)) * 60 + float(s or 0)) * 1e9))


def window(e, offset):
    start = instant_ns(e["values"]["startTime"]) - offset
    return start, start + duration_ns(e["values"].get("duration", "PT0S"))


def worker_idle(parks, offset):
    """Per engine worker, its idle spans (parked in its queue's poll), sorted: (ends, starts)."""
    idle = collections.defaultdict(list)
    for p in parks:
        v = p["values"]
        cls = (v.get("parkedClass") or {}).get("name", "")
        if v["eventThread"]["javaName"].startswith("dispool-worker") and cls.endswith("ConditionObject"):
            idle[v["eventThread"]["javaName"]].append(window(p, offset))
    return {w: sorted(spans) for w, spans in idle.items()}


def worker_start(h, idle, started, scale):
    """When h's worker took its task: the end of its last idle park before the engine was done, or its thread's start."""
    spans = idle.get(h["worker"], [])
    ends = [end for _, end in spans if h["resourceNanos"] - 1_000_000 <= end <= h["engineDoneNanos"]]
    if ends:
        return max(ends), "park"
    t = started.get(h["worker"])
    if t is not None and h["resourceNanos"] - 1_000_000 <= t <= h["engineDoneNanos"]:
        return t, "new thread"
    # busy with other work when the task was queued: it took it without parking; the engine's own time is the answer's
    return h["engineDoneNanos"] - int(h["usableAfterMs"] / scale * 1e6), "busy worker (engine time from usableAfterMs)"


def busy_others(t, worker, idle):
    """Engine workers other than `worker` running a task at t (not parked in their queue)."""
    n = 0
    for w, spans in idle.items():
        if w == worker or not spans or t < spans[0][0]:
            continue
        i = bisect.bisect_right(spans, (t, float("inf"))) - 1
        n += i >= 0 and spans[i][1] < t
    return n


def overlap(a, b, spans):
    return sum(max(0, min(b, e) - max(a, s)) for s, e in spans if s < b and e > a)


def main():
    jfr, trace_file, scale = sys.argv[1], sys.argv[2], float(sys.argv[3])
    requests = [e for e in events(jfr, "dispool.HandOutStages")]
    offset = statistics.median(instant_ns(e["values"]["startTime"]) - e["values"]["doorNanos"] for e in requests)
    by_qube = collections.defaultdict(list)
    for e in requests:
        if e["values"]["method"] == "POST" and e["values"]["resourceNanos"]:
            by_qube[e["values"]["qube"]].append(e["values"])
    spans = [(e["values"]["doorNanos"], e["values"]["answeredNanos"]) for e in requests]
    doors = sorted(s for s, _ in spans)
    answers = sorted(e for _, e in spans)
    parks = events(jfr, "jdk.ThreadPark")
    idle = worker_idle(parks, offset)
    started = {e["values"]["thread"]["javaName"]: window(e, offset)[0] for e in events(jfr, "jdk.ThreadStart")
               if e["values"].get("thread")}
    vmops = [window(e, offset) for e in events(jfr, "jdk.ExecuteVMOperation") if e["values"].get("safepoint")]
    rows = []
    unmatched = 0
    for line in open(trace_file):
        sent, received, qube = line.split()
        sent, received = int(sent), int(received)
        h = next((v for v in by_qube.get(qube, []) if sent <= v["doorNanos"] <= received), None)
        if h is None:
            unmatched += 1
            continue
        start, how = worker_start(h, idle, started, scale)
        stamps = [sent, h["doorNanos"], h["resourceNanos"], start, h["engineDoneNanos"], h["writingNanos"], received]
        row = {s: (stamps[i + 1] - stamps[i]) / 1e6 for i, s in enumerate(STAGES)}
        row.update(total=(received - sent) / 1e6, stw=overlap(sent, received, vmops) / 1e6, start=how,
                   busy=busy_others(h["resourceNanos"], h["worker"], idle),
                   inflight=bisect.bisect_right(doors, h["doorNanos"]) - bisect.bisect_right(answers, h["doorNanos"]) - 1,
                   qube=qube, worker=h["worker"], loop=h["eventLoop"], answered_on=h["writtenBy"], sent=sent)
        rows.append(row)
    report(rows, unmatched, len(vmops), vmops)
    if len(sys.argv) > 4:
        write_tsv(sys.argv[4], rows)


def pct(sorted_values, p):
    return sorted_values[min(len(sorted_values) - 1, max(0, int(-(-p * len(sorted_values) // 100)) - 1))]


def report(rows, unmatched, n_vmops, vmops):
    rows.sort(key=lambda r: r["total"])
    totals = [r["total"] for r in rows]
    p50, p99, p999 = pct(totals, 50), pct(totals, 99), pct(totals, 99.9)
    print(f"{len(rows)} hand-outs joined ({unmatched} of the trace not found in the recording); "
          f"hand-out ms p50 {p50:.3f} p99 {p99:.3f} p99.9 {p999:.3f}; {n_vmops} safepoint operations "
          f"({sum(e - s for s, e in vmops) / 1e6:.1f} ms in all)\n")
    groups = [("all", rows), ("p45-p55 (the median's)", rows[int(len(rows) * .45):int(len(rows) * .55)]),
              ("above p99", [r for r in rows if r["total"] > p99]),
              ("above p99.9", [r for r in rows if r["total"] > p999])]
    cols = ["total"] + STAGES + ["stw"]
    print("| hand-outs, mean ms | n | " + " | ".join(cols[:-1]) + " | stopped (safepoints) | other workers busy | requests in flight |")
    print("| --- | ---: |" + " ---: |" * (len(cols) + 2))
    for name, g in groups:
        if g:
            print(f"| {name} | {len(g)} | " + " | ".join(f"{statistics.mean(r[c] for r in g):.3f}" for c in cols)
                  + f" | {statistics.mean(r['busy'] for r in g):.1f} | {statistics.mean(r['inflight'] for r in g):.1f} |")
    median = groups[1][1]
    tail = groups[2][1]
    if not tail:
        return
    base = {s: statistics.mean(r[s] for r in median) for s in STAGES}
    extra = {s: statistics.mean(r[s] for r in tail) - base[s] for s in STAGES}
    total_extra = sum(extra.values())
    print(f"\nAbove p99, the time over the median's, by stage (of {total_extra:.3f} ms a hand-out): "
          + ", ".join(f"{s} {extra[s]:.3f} ({extra[s] / total_extra:.0%})" for s in STAGES))
    dominant = collections.Counter(max(STAGES, key=lambda s, r=r: r[s] - base[s]) for r in tail)
    print("Above p99, the stage holding most of each one's extra time: "
          + ", ".join(f"{s} {n}" for s, n in dominant.most_common()))
    with_stw = sum(1 for r in tail if r["stw"] > 0)
    print(f"Above p99, met a safepoint: {with_stw} of {len(tail)} (all hand-outs: "
          f"{sum(1 for r in rows if r['stw'] > 0)} of {len(rows)}); how the worker's start is known: "
          + ", ".join(f"{k} {n}" for k, n in collections.Counter(r["start"] for r in tail).items())
          + " (all: " + ", ".join(f"{k} {n}" for k, n in collections.Counter(r["start"] for r in rows).items()) + ")")
    print("Answers written by: " + ", ".join(f"{k} {n}" for k, n in collections.Counter(
        r["answered_on"].rsplit("-", 1)[0] for r in rows).items()))


def write_tsv(path, rows):
    keys = ["sent", "qube", "total"] + STAGES + ["stw", "busy", "inflight", "worker", "start", "loop", "answered_on"]
    with open(path, "w") as out:
        out.write("\t".join(k.replace(" ", "_") for k in keys) + "\n")
        for r in sorted(rows, key=lambda r: r["sent"]):
            out.write("\t".join(f"{r[k]:.3f}" if isinstance(r[k], float) else str(r[k]) for k in keys) + "\n")


if __name__ == "__main__":
    main()
