#!/usr/bin/env bash
# The first round's five runs (docs/qemu.md, "The hand-out's floor"): -n 6 --preload-max 2 and no
# sweep, 4-6 hand-outs a run finding a ready preload. Same options and output as
# ../2026-12-07-qemu-floor-2/run.sh, which it runs; from the repository's root:
#
#   docs/benchmarks/2026-12-07-qemu-floor/run.sh [OUT_DIR]        (default floor-runs)
set -euo pipefail
N=6 MAX=2 SWEEP="" exec "$(dirname "$0")/../2026-12-07-qemu-floor-2/run.sh" "$@"
