#!/usr/bin/env python3
"""Per-seed ratios of one policy against another in a `bench traffic --seeds` run.

usage: ratios.py traffic.json[.gz] BASE OTHER

For each scenario: OTHER/BASE of the mean, the p95 and the MiB·s at every seed, and their
spread (lowest and highest). Run on `--policy qubes,qubes@4` (the fixed pool against itself),
the spread is the noise: a ratio of adaptive against qubes inside it shows nothing either way.
"""
import gzip
import json
import sys


def load(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        return json.load(f)


def main(path, base, other):
    runs = {}
    for run in load(path):
        r = run["result"]
        runs[(r["traffic"]["name"], r["policy"], run["seed"])] = r
    scenarios = list(dict.fromkeys(k[0] for k in runs))
    seeds = sorted({k[2] for k in runs})
    print(f"{other} / {base} per seed (mean, p95, MiB·s); above 1 is worse")
    print(f"{'scenario':14} {'seed':>4} {'mean':>6} {'p95':>6} {'MiB·s':>6}")
    for s in scenarios:
        rows = []
        for seed in seeds:
            a, b = runs.get((s, base, seed)), runs.get((s, other, seed))
            if a is None or b is None:
                continue
            row = (b["stats"]["mean"] / a["stats"]["mean"], b["stats"]["p95"] / a["stats"]["p95"],
                   b["mibSeconds"] / a["mibSeconds"])
            rows.append(row)
            print(f"{s:14} {seed:>4} {row[0]:6.2f} {row[1]:6.2f} {row[2]:6.2f}")
        if rows:
            lo = [min(r[i] for r in rows) for i in range(3)]
            hi = [max(r[i] for r in rows) for i in range(3)]
            print(f"{s:14} {'span':>4} " + " ".join(f"{lo[i]:.2f}-{hi[i]:.2f}" for i in range(3)))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: ratios.py traffic.json[.gz] BASE OTHER (policies as --policy names them, e.g. qubes qubes@4)")
    main(*sys.argv[1:])
