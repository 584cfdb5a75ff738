#!/usr/bin/env python3
"""The markdown tables of docs/benchmarks.md's traffic section from a `bench traffic --seeds` run.

usage: table.py traffic.json[.gz] [BASE [NOISE]]   (defaults: qubes qubes@4)

Prints two tables: per scenario and policy, max, mean / p95 over every seed's requests (host ms,
linear interpolation as dispool.bench.Stats), MiB·s (mean per run) and the worst seed (highest
mean); then, per scenario, every other policy against BASE over all seeds (mean, p95, MiB·s)
and the span of its per-seed ratios, beside NOISE against BASE (the same pool on the same seeds:
the machine's noise). Above 1 is worse.
"""
import gzip
import json
import sys


def load(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        return json.load(f)


def percentile(sorted_ms, q):
    rank = q * (len(sorted_ms) - 1)
    below = int(rank)
    above = min(below + 1, len(sorted_ms) - 1)
    return sorted_ms[below] + (rank - below) * (sorted_ms[above] - sorted_ms[below])


def pooled(results):
    ms = sorted(s["usableAfterMs"] for r in results for s in r["samples"])
    return sum(ms) / len(ms), percentile(ms, 0.95), sum(r["mibSeconds"] for r in results) / len(results)


def ratio(base, other):
    if round(other / base, 2) == 1 and round(base / other, 2) == 1:
        return "1.00×"
    return f"{other / base:.2f}× worse" if other > base else f"{base / other:.2f}× better"


def spans(runs, scenario, base, other, seeds):
    rows = []
    for seed in seeds:
        a, b = runs.get((scenario, base, seed)), runs.get((scenario, other, seed))
        if a and b:
            rows.append((b["stats"]["mean"] / a["stats"]["mean"], b["stats"]["p95"] / a["stats"]["p95"],
                         b["mibSeconds"] / a["mibSeconds"]))
    return " / ".join(f"{min(r[i] for r in rows):.2f}–{max(r[i] for r in rows):.2f}" for i in range(3))


def main(path, base="qubes", noise="qubes@4"):
    runs = {}
    for run in load(path):
        r = run["result"]
        runs[(r["traffic"]["name"], r["policy"], run["seed"])] = r
    scenarios = list(dict.fromkeys(k[0] for k in runs))
    policies = list(dict.fromkeys(k[1] for k in runs))
    seeds = sorted({k[2] for k in runs})
    print(f"Seeds {seeds[0]}–{seeds[-1]}; request → usable over all seeds' requests, host ms; MiB·s the mean per run.\n")
    print("| scenario | policy | max | mean ms | p95 ms | MiB·s | worst seed: mean / p95 ms, MiB·s |")
    print("| --- | --- | ---: | ---: | ---: | ---: | --- |")
    for s in scenarios:
        for p in policies:
            rs = {seed: runs[(s, p, seed)] for seed in seeds if (s, p, seed) in runs}
            if not rs:
                continue
            mean, p95, mib = pooled(rs.values())
            seed, w = max(rs.items(), key=lambda kv: kv[1]["stats"]["mean"])
            first = next(iter(rs.values()))
            maxes = first["traffic"]["policyMaxes"].get(p, first["traffic"]["maxes"])
            mx = max(maxes.values()) if "@" not in p else int(p.split("@")[1])
            print(f"| {s} | {p} | {mx} | {mean:,.0f} | {p95:,.0f} | {mib:,.0f} | {seed}: {w['stats']['mean']:,.0f} / "
                  f"{w['stats']['p95']:,.0f} ms, {w['mibSeconds']:,.0f} |")
    others = [p for p in policies if p not in (base, noise)]
    compared = others + ([noise] if noise in policies else [])
    print(f"\nAgainst `{base}` (mean, p95, MiB·s), over all seeds, and the span of the per-seed ratios; above 1 is worse:\n")
    head = "| scenario |" + "".join(f" {p}, all seeds | {p} per seed: mean / p95 / MiB·s |" for p in compared)
    print(head)
    print("| --- |" + " --- | --- |" * len(compared))
    for s in scenarios:
        cells = []
        for p in compared:
            b = [runs[(s, base, seed)] for seed in seeds if (s, base, seed) in runs]
            o = [runs[(s, p, seed)] for seed in seeds if (s, p, seed) in runs]
            if not b or not o:
                cells += ["–", "–"]
                continue
            (bm, bp, bmib), (om, op, omib) = pooled(b), pooled(o)
            cells += [f"{ratio(bm, om)}, {ratio(bp, op)}, {omib / bmib:.2f}×", spans(runs, s, base, p, seeds)]
        print(f"| {s} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    if not 2 <= len(sys.argv) <= 4:
        sys.exit("usage: table.py traffic.json[.gz] [BASE [NOISE]] (policies as --policy names them; default qubes qubes@4)")
    main(*sys.argv[1:])
