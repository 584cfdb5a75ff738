#!/usr/bin/env python3
"""Per burst of bench traffic's `bursts` scenario (10 bursts, 2 min apart), for each seed and policy:
the requests that found no ready preload / the slowest request -> usable, seconds.

usage: per_burst.py traffic.json[.gz] [POLICY ...]   (default: every policy)
"""
import gzip
import json
import sys

APART_MS = 120_000
BURSTS = 10


def main():
    path, policies = sys.argv[1], set(sys.argv[2:])
    runs = json.load(gzip.open(path) if path.endswith('.gz') else open(path))
    print('seed policy    ' + ' '.join(f'{b + 1:>6}' for b in range(BURSTS)) + '   (not ready / slowest s)')
    for run in runs:
        r = run['result']
        if r['traffic']['name'] != 'bursts' or policies and r['policy'] not in policies:
            continue
        cells = []
        for b in range(BURSTS):
            # a burst's requests reach the engine from its due time on, until the next one is due
            ms = [m for m in r['samples'] if b * APART_MS <= m['startMs'] + 5_000 < (b + 1) * APART_MS]
            missed = sum(1 for m in ms if m['path'] != 'ready')
            slowest = max((m['usableAfterMs'] for m in ms), default=0) / 1000
            cells.append(f'{missed:>2}/{slowest:<3.0f}')
        print(f"{run['seed']:<4} {r['policy']:<9} " + ' '.join(cells))


if __name__ == '__main__':
    main()
