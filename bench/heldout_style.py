"""Held-out style check: twenty cantus firmi that are not Fux's (bench/cantus_firmi.toml), every species
above and below, with the default settings.

    .venv/bin/python bench/heldout_style.py                       # each species at the generator's default limit
    .venv/bin/python bench/heldout_style.py --time-limit 5        # 5 s in every species (the runs before 2026-12-08)
    .venv/bin/python bench/heldout_style.py --species 3 --show    # third species only, printing the top lines

Reports (1) how many of the 200 exercises were solved, (2) whether every top line stays on its side of
the cantus firmus (its mean pitch on the asked side, and its share of crossed verticals), and (3) the
idiom statistics of the top lines per species beside those of Fux's own two-voice solutions.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tomllib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent


def cantus_firmi() -> list[dict]:
    return tomllib.loads((HERE / "cantus_firmi.toml").read_text())["cantus"]


def measure(job: tuple[dict, int, bool, float]) -> dict:
    from counterpoint.analysis import idiom_stats
    from counterpoint.catalogue.context import Context
    from counterpoint.errors import NoSolutionError
    from counterpoint.ranking import generate

    cf, species, above, limit = job
    row = {"cf": cf["name"], "species": species, "above": above}
    t0 = time.monotonic()
    try:
        found = generate(cf["notes"], species=species, position="above" if above else "below", mode=cf["mode"],
                         n=10, seed=1, time_limit=limit)
    except NoSolutionError as exc:
        return row | {"solved": False, "why": str(exc), "seconds": time.monotonic() - t0}
    top = found[0]
    ctx = Context(top.exercise)
    crossed = sum(v.crossed for v in ctx.verticals) / max(1, len(ctx.verticals))
    mean_cp = statistics.mean(p.midi for p in top.exercise.cp_pitches)
    mean_cf = statistics.mean(p.midi for p in top.exercise.cf_pitches)
    side = mean_cp > mean_cf if above else mean_cp < mean_cf
    return row | {"solved": True, "seconds": time.monotonic() - t0, "crossed": crossed, "side": side,
                  "stats": idiom_stats(top.exercise), "notes": top.notes, "timed_out": found.stats.timed_out}


def fux_stats() -> dict[int, list[dict]]:
    from counterpoint.analysis import idiom_stats
    from tests.support import fux_figures, load_fux

    out: dict[int, list[dict]] = {}
    for r in fux_figures():
        ex = load_fux(r["file"])
        out.setdefault(ex.species, []).append(idiom_stats(ex))
    return out


def main() -> None:
    from counterpoint.analysis import idiom_table

    ap = argparse.ArgumentParser()
    ap.add_argument("--time-limit", type=float, default=None,
                    help="seconds per exercise (default: the generator's own, 15 in third species and 5 otherwise)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--species", default="1,2,3,4,5", help="the species to run, e.g. 3 (default: all)")
    ap.add_argument("--show", action="store_true", help="print every top line")
    args = ap.parse_args()
    species = sorted({int(s) for s in args.species.split(",")})
    jobs = [(cf, s, above, args.time_limit) for cf in cantus_firmi() for s in species for above in (True, False)]
    t0 = time.monotonic()
    with ProcessPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(measure, jobs))
    solved = [r for r in rows if r["solved"]]
    limit = "the default" if args.time_limit is None else f"{args.time_limit:g} s"
    print(f"{len(jobs)} exercises (20 cantus firmi × {len(species)} species × above/below), time limit {limit} "
          f"({time.monotonic() - t0:.0f} s)\n")
    print("| species | solved | top line on its side | crossed verticals, mean (max) | median seconds (max) |")
    print("|---|---:|---:|---|---|")
    for s in species:
        rs = [r for r in rows if r["species"] == s]
        ok = [r for r in rs if r["solved"]]
        print(f"| {s} | {len(ok)}/{len(rs)} | {sum(r['side'] for r in ok)}/{len(ok)} | "
              f"{statistics.mean(r['crossed'] for r in ok):.1%} ({max(r['crossed'] for r in ok):.0%}) | "
              f"{statistics.median(r['seconds'] for r in rs):.2f} ({max(r['seconds'] for r in rs):.2f}) |")
    print(f"| all | {len(solved)}/{len(rows)} | {sum(r['side'] for r in solved)}/{len(solved)} | | |")
    for r in rows:
        if not r["solved"]:
            print(f"\nnot solved: {r['cf']}, species {r['species']} {'above' if r['above'] else 'below'}: {r['why']}")
        elif not r["side"]:
            print(f"\noff its side: {r['cf']}, species {r['species']} {'above' if r['above'] else 'below'}: `{r['notes']}`")
    if args.show:
        print("\n| cantus firmus | species | cp | top line |\n|---|---:|---|---|")
        for r in solved:
            print(f"| {r['cf']} | {r['species']} | {'above' if r['above'] else 'below'} | `{r['notes']}` |")
    fux = fux_stats()
    print("\nIdiom statistics of the top lines (mean) against Fux's 46 two-voice solutions (mean, sd; ✓ within half "
          "an sd):\n")
    print("\n".join(idiom_table({s: [r["stats"] for r in solved if r["species"] == s] for s in species}, fux)))


if __name__ == "__main__":
    main()
