"""Does the search reach its own objective, and do its lines look like Fux's? Over the 46 two-voice figures.

    .venv/bin/python bench/fux_objective.py              # default settings (n = 10, default time limit, critic on)
    .venv/bin/python bench/fux_objective.py --no-critic  # rules alone
    .venv/bin/python bench/fux_objective.py --species 3 --seeds 1,2,3   # one species, each figure at three seeds

For each figure the generator writes to Fux's cantus firmus, species and position with the default
settings; its top line and Fux's own line are costed with the same ranking (rule penalty plus the
critic term). Prints (1) per species, in how many figures the top line costs no more than Fux's, and
(2) the idiom statistics of the top lines against Fux's solutions: the generated mean should lie within
half a standard deviation of Fux's.
"""

from __future__ import annotations

import argparse
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

SEED = 1


def measure(job: tuple[str, bool, float, int]) -> dict:
    from counterpoint.analysis import idiom_stats
    from counterpoint.catalogue.engine import check_exercise
    from counterpoint.catalogue.rulebook import load_rulebook
    from counterpoint.generator import Solution, cantus_exercise
    from counterpoint.ranking import default_rank, generate
    from tests.support import load_fux

    file, critic, limit, seed = job
    ex = load_fux(file)
    book = load_rulebook("fux")
    t0 = time.monotonic()
    found = generate(cantus_exercise(ex), species=ex.species, position=ex.position, n=10, seed=seed,
                     time_limit=limit, critic=critic)
    seconds = time.monotonic() - t0
    rank, _ = default_rank(critic)
    fux = Solution(ex, check_exercise(ex, book))
    fux_cost = float(rank([fux])[0])
    top = found[0]
    return {"file": file, "species": ex.species, "position": ex.position, "top": top.score, "fux": fux_cost,
            "top_penalty": top.penalty, "fux_penalty": fux.penalty, "seconds": seconds,
            "timed_out": found.stats.timed_out, "steps": found.stats.steps,
            "top_stats": idiom_stats(top.exercise), "fux_stats": idiom_stats(ex), "notes": top.notes, "seed": seed}


def main() -> None:
    from counterpoint.analysis import idiom_table
    from tests.support import fux_figures

    ap = argparse.ArgumentParser()
    ap.add_argument("--no-critic", action="store_true")
    ap.add_argument("--time-limit", type=float, default=None,
                    help="seconds per figure (default: the generator's own, 15 in third species and 5 otherwise)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--species", default="1,2,3,4,5", help="the species to run, e.g. 3 (default: all)")
    ap.add_argument("--seeds", default=str(SEED), help=f"generator seeds, each figure once per seed (default {SEED})")
    args = ap.parse_args()
    species = {int(s) for s in args.species.split(",")}
    seeds = [int(s) for s in args.seeds.split(",")]
    jobs = [(r["file"], not args.no_critic, args.time_limit, seed)
            for r in fux_figures() if int(r["species"]) in species for seed in seeds]
    t0 = time.monotonic()
    with ProcessPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(measure, jobs))
    print(f"{len(rows)} runs (seed{'s' if len(seeds) > 1 else ''} {args.seeds}), ranking "
          f"{'rules alone' if args.no_critic else 'rules + critic'}, "
          f"time limit {'the default' if args.time_limit is None else f'{args.time_limit:g} s'} "
          f"({time.monotonic() - t0:.0f} s)\n")
    print(f"| species | {'runs' if len(seeds) > 1 else 'figures'} | top line costs ≤ Fux's | median cost, top · Fux | "
          "median penalty, top · Fux | "
          "median seconds (max) | cut by the time limit |")
    print("|---|---:|---:|---|---|---|---:|")
    for s in sorted(species):
        rs = [r for r in rows if r["species"] == s]
        ok = sum(r["top"] <= r["fux"] + 1e-9 for r in rs)
        print(f"| {s} | {len(rs)} | {ok}/{len(rs)} | {statistics.median(r['top'] for r in rs):.2f} · "
              f"{statistics.median(r['fux'] for r in rs):.2f} | {statistics.median(r['top_penalty'] for r in rs):g} · "
              f"{statistics.median(r['fux_penalty'] for r in rs):g} | {statistics.median(r['seconds'] for r in rs):.2f} "
              f"({max(r['seconds'] for r in rs):.2f}) | {sum(r['timed_out'] for r in rs)} |")
    ok = sum(r["top"] <= r["fux"] + 1e-9 for r in rows)
    print(f"| all | {len(rows)} | {ok}/{len(rows)} ({100 * ok / len(rows):.0f} %) | | | | |")
    print("\nIdiom statistics of the top lines against Fux's own (mean; Fux's standard deviation; "
          "✓ where the generated mean lies within half of it):\n")
    by = {s: [r for r in rows if r["species"] == s] for s in sorted(species)}
    print("\n".join(idiom_table({s: [r["top_stats"] for r in rs] for s, rs in by.items()},
                                {s: [r["fux_stats"] for r in rs] for s, rs in by.items()})))
    print("\n| figure | species | cp | top cost | Fux cost | top line |")
    print("|---|---:|---|---:|---:|---|")
    for r in rows:
        label = r["file"].removesuffix(".musicxml") + (f" (seed {r['seed']})" if len(seeds) > 1 else "")
        print(f"| {label} | {r['species']} | {r['position']} | {r['top']:.2f} | "
              f"{r['fux']:.2f} | `{r['notes']}` |")


if __name__ == "__main__":
    main()
