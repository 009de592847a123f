"""Critic scoring throughput: candidates per second, as generate() scores its pool.

    .venv/bin/python bench/critic_speed.py

For each species, a pool of generated candidates over Fux's D-dorian cantus firmus is scored with the
installed model (counterpoint.critic.score_many): features (from the check reports the generator has
already made) plus the model. A second column includes running the checker too, for candidates that
arrive without a report. Median of 5 runs.
"""

from __future__ import annotations

import statistics
import time

from counterpoint.critic import load_model, score_many
from counterpoint.generator import generate

CF = "D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4"


def main() -> None:
    model = load_model()
    print(f"model: {model.metadata.get('model')}; cantus firmus {CF}")
    print()
    print("| species | candidates | scored per second (with reports) | per second (check + score) |")
    print("|---|---:|---:|---:|")
    for species in (1, 2, 3, 4, 5):
        pool = generate(CF, species=species, n=400, min_diff=1, pool_size=400, seed=1, time_limit=20, critic=False)
        runs, full = [], []
        for _ in range(5):
            t = time.perf_counter()
            score_many(pool, model)
            runs.append(time.perf_counter() - t)
            exercises = [s.exercise for s in pool]  # no reports: score_many runs the checker itself
            t = time.perf_counter()
            score_many(exercises, model)
            full.append(time.perf_counter() - t)
        print(f"| {species} | {len(pool)} | {len(pool) / statistics.median(runs):,.0f} | "
              f"{len(pool) / statistics.median(full):,.0f} |")


if __name__ == "__main__":
    main()
