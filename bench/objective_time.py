"""What more time buys: the best cost found against time, per species, on Fux's cantus firmi.

    .venv/bin/python bench/objective_time.py                 # 20 s per run, unlimited effort
    .venv/bin/python bench/objective_time.py --limit 10 --figures 3

Each run records every improvement of the best line (stats.history: seconds, cost); the table gives,
at each checkpoint, the median over the figures of the best cost found by then, with the default
ranking (rules + critic). Run it on a quiet machine: it measures wall-clock time.
"""

from __future__ import annotations

import argparse
import statistics

CHECKPOINTS = (0.25, 0.5, 1, 2, 5, 10, 20)


def main() -> None:
    from counterpoint.generator import cantus_exercise
    from counterpoint.ranking import generate
    from tests.support import fux_figures, load_fux

    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=float, default=20.0)
    ap.add_argument("--figures", type=int, default=4, help="figures per species")
    args = ap.parse_args()
    points = [c for c in CHECKPOINTS if c <= args.limit]
    print(f"best cost found by each time (median over {args.figures} figures per species; lower is better)\n")
    print("| species | " + " | ".join(f"{c:g} s" for c in points) + " | steps | converged at |")
    print("|---|" + "---:|" * (len(points) + 2))
    for species in range(1, 6):
        rows = [r for r in fux_figures() if int(r["species"]) == species][: args.figures]
        curves, steps, ends = [], [], []
        for r in rows:
            ex = load_fux(r["file"])
            found = generate(cantus_exercise(ex), species=species, position=ex.position, n=10, seed=1,
                             time_limit=args.limit, effort=100_000)
            hist = found.stats.history
            curves.append([min((c for t, c in hist if t <= p), default=float("nan")) for p in points])
            steps.append(found.stats.steps)
            ends.append(found.stats.seconds)
        cells = [statistics.median(col) for col in zip(*curves)]
        print(f"| {species} | " + " | ".join(f"{c:.2f}" for c in cells) +
              f" | {statistics.median(steps):.0f} | {statistics.median(ends):.1f} s |")


if __name__ == "__main__":
    main()
