"""Medians and p95 of site.yml cold runs and changed=0 re-runs (lines "cold_ms rerun_ms rerun2_ms")."""

from __future__ import annotations

import statistics
import sys


def p95(values: list) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main(path: str) -> int:
    rows = [[int(v) for v in line.split()] for line in open(path, encoding="utf-8") if line.strip()]
    if not rows:
        print("no rounds recorded", file=sys.stderr)
        return 1
    cold = [r[0] / 1000 for r in rows]
    reruns = [v / 1000 for r in rows for v in r[1:]]
    ratio = [v / r[0] for r in rows for v in r[1:]]
    print("site.yml over %d rounds (cold each on a fresh lab; %d changed=0 re-runs):" % (len(rows), len(reruns)))
    print("| | median | p95 |")
    print("|---|---|---|")
    print("| cold | %.1f s | %.1f s |" % (statistics.median(cold), p95(cold)))
    print("| re-run (changed=0) | %.1f s | %.1f s |" % (statistics.median(reruns), p95(reruns)))
    print("| re-run / cold of its round | %.0f %% | %.0f %% |" % (100 * statistics.median(ratio), 100 * p95(ratio)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
