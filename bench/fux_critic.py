"""Does the critic move Fux's own solutions up? Rank percentile of Fux's line among the generator's
candidates, ranked by rule penalty alone and by the default blend (penalty + 10 × (1 − critic)).

    .venv/bin/python bench/fux_critic.py            # all 46 figures, 1,000 candidates each
    .venv/bin/python bench/fux_critic.py --pool 200 # quicker

Candidates are the generator's first distinct valid lines (Fux's own excluded), as in
bench/fux_likeness.py. The percentile counts candidates ranked strictly better than Fux's line, ties
half; lower is better. Uses the installed critic model.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

SEED = 1
WEIGHTS = (2, 5, 10, 20, 50)  # other blend weights, for comparison with the default


def percentile(fux: float, costs: list[float]) -> float:
    lower = sum(1 for c in costs if c < fux)
    ties = sum(1 for c in costs if c == fux)
    return 100.0 * (lower + 0.5 * ties) / len(costs)


def measure(job: tuple[str, int]) -> dict:
    from counterpoint.catalogue.engine import check_exercise
    from counterpoint.catalogue.rulebook import load_rulebook
    from counterpoint.critic import BLEND, load_model, score_many
    from counterpoint.generator import cantus_exercise
    from counterpoint.generator.domain import default_range
    from counterpoint.generator.search import Search
    from tests.support import load_fux

    file, size = job
    model = load_model()
    book = load_rulebook("fux")
    ex = load_fux(file)
    base = cantus_exercise(ex)
    low, high = default_range(base.cf_pitches, ex.cp_above)
    search = Search(base, ex.species, ex.cp_above, book, low, high, random.Random(SEED))
    fux_key = tuple((n.pitch, n.start, n.tie) for n in ex.cp)
    seen, pool = {fux_key}, []
    for cand in search.stream(time.monotonic() + 60, max(6, size // 12)):
        key = tuple((n.pitch, n.start, n.tie) for n in cand.cp)
        if key not in seen:
            seen.add(key)
            pool.append(cand)
            if len(pool) >= size:
                break
    reports = [check_exercise(c, book) for c in pool]
    fux_report = check_exercise(ex, book)

    class _Item:  # an exercise with its report, as score_many takes solutions
        def __init__(self, e, r):
            self.exercise, self.report = e, r

    critic = score_many([_Item(ex, fux_report)] + [_Item(c, r) for c, r in zip(pool, reports)], model)
    penalties = [r.penalty for r in reports]
    blend = [p + BLEND * (1 - c) for p, c in zip(penalties, critic[1:])]
    fux_blend = fux_report.penalty + BLEND * (1 - critic[0])
    by_weight = {w: percentile(fux_report.penalty + w * (1 - critic[0]),
                               [p + w * (1 - c) for p, c in zip(penalties, critic[1:])]) for w in WEIGHTS}
    return {"file": file, "species": ex.species, "position": ex.position, "n": len(pool),
            "fux_critic": float(critic[0]), "pool_critic_median": float(statistics.median(critic[1:])),
            "pct_penalty": percentile(fux_report.penalty, penalties), "pct_blend": percentile(fux_blend, blend),
            "by_weight": by_weight}


def main() -> None:
    from tests.support import fux_figures

    ap = argparse.ArgumentParser()
    ap.add_argument("--pool", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    jobs = [(r["file"], args.pool) for r in fux_figures()]
    t0 = time.monotonic()
    with ProcessPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(measure, jobs))
    print(f"{len(rows)} figures, up to {args.pool} candidates each ({time.monotonic() - t0:.0f} s)\n")
    print("| species | figures | median percentile, penalty alone | median percentile, penalty + critic | "
          "figures where the critic moved Fux up | Fux's critic score (median) | candidates' critic score (median) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for s in range(1, 6):
        rs = [r for r in rows if r["species"] == s]
        up = sum(r["pct_blend"] < r["pct_penalty"] for r in rs)
        print(f"| {s} | {len(rs)} | {statistics.median(r['pct_penalty'] for r in rs):.1f} % | "
              f"{statistics.median(r['pct_blend'] for r in rs):.1f} % | {up}/{len(rs)} | "
              f"{statistics.median(r['fux_critic'] for r in rs):.2f} | {statistics.median(r['pool_critic_median'] for r in rs):.2f} |")
    print("\nMedian percentile by blend weight w in penalty + w × (1 − critic) (the default is 10):\n")
    print("| species | " + " | ".join(f"w = {w}" for w in WEIGHTS) + " |")
    print("|---|" + "---:|" * len(WEIGHTS))
    for s in range(1, 6):
        rs = [r for r in rows if r["species"] == s]
        print(f"| {s} | " + " | ".join(f"{statistics.median(r['by_weight'][w] for r in rs):.1f} %" for w in WEIGHTS) + " |")
    print("\n| figure | species | cp | penalty alone | penalty + critic | Fux critic | pool critic |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['file'].removesuffix('.musicxml')} | {r['species']} | {r['position']} | {r['pct_penalty']:.1f} % | "
              f"{r['pct_blend']:.1f} % | {r['fux_critic']:.2f} | {r['pool_critic_median']:.2f} |")


if __name__ == "__main__":
    main()
