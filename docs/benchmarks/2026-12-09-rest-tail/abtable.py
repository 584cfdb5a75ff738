"""The A/B rounds of ../2026-12-07-rest-tail/ab.sh directories side by side: python3 abtable.py DIR...

Per directory, transport and side: each round's hand-out p50 / p99 (ms) and the service's CPU per hand-out +
return (ms), with the load average at the run's start: the rounds alternate the sides, so a side is read
against main in the same round, not against a median over rounds at different loads.
"""
import glob
import os
import re
import sys

LINE = re.compile(r"^(tcp|unix socket), .*hand-out ms p50 ([\d.]+) p99 ([\d.]+) p99.9 [\d.]+.*service CPU ([\d.]+)", re.M)


def rounds(directory):
    out = {}
    for path in sorted(glob.glob(os.path.join(directory, "*.txt"))):
        parts = os.path.basename(path)[:-4].split("-", 2)
        if len(parts) < 3:
            continue
        rnd, _, side = parts
        text = open(path).read()
        load = re.search(r"start:.*?load average: ([\d.]+)", text).group(1)
        for m in LINE.finditer(text):
            transport = "socket" if m.group(1) == "unix socket" else "TCP"
            out.setdefault((transport, side), {})[rnd] = (float(m.group(2)), float(m.group(3)), float(m.group(4)), load)
    return out


def main(directories):
    print("| run | transport | side | " + " | ".join(f"round {r}: p50 / p99, CPU (load)" for r in ("1", "2")) + " |")
    print("| --- | --- | --- | --- | --- |")
    for d in directories:
        for (transport, side), by_round in sorted(rounds(d).items(), key=lambda kv: (kv[0][0], kv[0][1] != "main", kv[0][1])):
            cells = [f"{v[0]:.2f} / {v[1]:.1f}, {v[2]:.2f} ({v[3]})" if (v := by_round.get(r)) else "" for r in ("1", "2")]
            print(f"| {os.path.basename(d.rstrip('/'))} | {transport} | {side} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
