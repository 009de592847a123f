"""How Fux's own solutions rank under the generator's ranking (the fux rulebook's total penalty).

    .venv/bin/python bench/fux_likeness.py            # about 5 minutes with 2 processes
    .venv/bin/python bench/fux_likeness.py --quick    # smaller samples and caps, for a smoke run (about 3 minutes)

For each of the 46 two-voice Fux figures, the generator is given Fux's cantus firmus, species and position,
and Fux's counterpoint is placed among the generator's candidates by penalty (``check(..., "fux").penalty``;
lower is better). The percentile is the share of candidates with a strictly lower penalty than Fux's,
ties counting half: 0 % means nothing the generator can write beats Fux, 50 % means Fux is average.
Fux's own line is left out of the candidates.

- "generator's pool": the first 1,000 distinct valid lines of the generator's own search
  (``Search.stream`` with the per-restart quota ``generate(pool_size=1000)`` uses, seed 1), every species;
  the generator's top 10 come from such a pool (of 120 by default).
- species 1 also "all lines": every valid line in the default range (``default_range``, ``candidates``) is
  enumerated with the generator's constraint model. Penalties are computed for a uniform random sample
  (reservoir) of them, since a check costs about 1 ms. A cantus firmus whose enumeration does not finish
  within the cap is instead sampled by random restarts (domains shuffled, first valid line of each), which is
  not uniform; the table says which.

Also reported per figure: whether Fux's solution passes every hard rule (``check(...).ok``), whether his
rhythm is made of the generator's bar patterns (``rhythm.PATTERNS``, by place in the line), and whether his
pitches lie in the generator's default range. Prints markdown tables.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from counterpoint.catalogue.engine import check_exercise  # noqa: E402
from counterpoint.catalogue.rulebook import load_rulebook  # noqa: E402
from counterpoint.generator import cantus_exercise  # noqa: E402
from counterpoint.generator.domain import candidates, default_range  # noqa: E402
from counterpoint.generator.model import SearchTimeout  # noqa: E402
from counterpoint.generator.rhythm import PATTERNS, WHOLE_BAR, rhythm_of  # noqa: E402
from counterpoint.generator.search import Search  # noqa: E402

SETTINGS = {"full": {"pool": 1000, "pool_seconds": 40.0, "enum_seconds": 60.0, "scored": 2000, "restarts": 1000},
            "quick": {"pool": 200, "pool_seconds": 8.0, "enum_seconds": 5.0, "scored": 300, "restarts": 150}}
SEED = 1


def line_key(ex) -> tuple:
    return tuple(ex.cp_pitches), rhythm_of(ex.cp, ex.bar_ticks)


def rhythm_fit(ex) -> str:
    """'yes', or the first bar whose pattern the generator cannot write."""
    table = PATTERNS[ex.species]
    bars = rhythm_of(ex.cp, ex.bar_ticks)
    for b, pattern in enumerate(bars):
        place = "last" if b == len(bars) - 1 else "first" if b == 0 else "penultimate" if b == len(bars) - 2 else "inner"
        allowed = [WHOLE_BAR] if place == "last" else [p for p, _ in table[place]]
        if pattern not in allowed:
            return f"no: bar {b + 1} `{pattern.label}` ({place})"
    return "yes"


def percentile(fux: float, penalties: list[float]) -> float:
    lower = sum(1 for p in penalties if p < fux)
    ties = sum(1 for p in penalties if p == fux)
    return 100.0 * (lower + 0.5 * ties) / len(penalties)


def generator_pool(base, ex, book, low, high, size: int, seconds: float) -> tuple[list[float], bool, float]:
    """Penalties of the generator's first ``size`` distinct valid lines (Fux's excluded); whether Fux's line came up."""
    search = Search(base, ex.species, ex.cp_above, book, low, high, random.Random(SEED))
    fux_key, seen, penalties, met = line_key(ex), set(), [], False
    t0 = time.monotonic()
    for cand in search.stream(t0 + seconds, max(6, size // 12)):  # Search.run's per-restart quota
        key = line_key(cand)
        if key in seen:
            continue
        seen.add(key)
        if key == fux_key:
            met = True
            continue
        penalties.append(check_exercise(cand, book).penalty)
        if len(penalties) >= size:
            break
    return penalties, met, time.monotonic() - t0


def all_first_species(base, ex, book, low, high, cfg) -> dict:
    """Species 1: enumerate every valid line (reservoir-sampled for scoring), or fall back to random restarts."""
    search = Search(base, 1, ex.cp_above, book, low, high, random.Random(SEED))
    model = search.model(search.rhythm())
    pitches = candidates(base.mode, low, high)
    fux_pitches = ex.cp_pitches
    rng = random.Random(SEED)
    reservoir, count, met = [], 0, False
    t0 = time.monotonic()
    finished = True
    try:
        for sol in model.problem([pitches] * model.n, t0 + cfg["enum_seconds"]).getSolutionIter():
            values = [sol[k] for k in range(model.n)]
            if not model.whole_ok(values):
                continue
            if values == fux_pitches:
                met = True
                continue
            count += 1
            if len(reservoir) < cfg["scored"]:
                reservoir.append(values)
            else:
                j = rng.randrange(count)
                if j < cfg["scored"]:
                    reservoir[j] = values
    except SearchTimeout:
        finished = False
    enum_seconds = time.monotonic() - t0
    if finished:
        method = f"all {count:,}" + (f", {len(reservoir):,} scored" if len(reservoir) < count else "")
    else:
        reservoir = _restart_sample(model, pitches, fux_pitches, rng, cfg["restarts"])
        method = f"> {count:,} (cap {cfg['enum_seconds']:g} s); {len(reservoir):,} random restarts"
    penalties = [check_exercise(model.complete(v), book).penalty for v in reservoir]
    return {"penalties": penalties, "method": method, "met": met if finished else None, "seconds": enum_seconds,
            "finished": finished}


def _restart_sample(model, pitches, fux_pitches, rng, n: int) -> list[list]:
    out = []
    for _ in range(n * 3):
        doms = [rng.sample(pitches, len(pitches)) for _ in range(model.n)]
        try:
            for tried, sol in enumerate(model.problem(doms, time.monotonic() + 0.5).getSolutionIter()):
                values = [sol[k] for k in range(model.n)]
                if model.whole_ok(values) and values != fux_pitches:
                    out.append(values)
                    break
                if tried >= 50:  # a whole-line rule (range, crossing) keeps failing along these domains
                    break
        except SearchTimeout:
            continue
        if len(out) >= n:
            break
    return out


def measure(job: tuple[str, str, str]) -> dict:
    file, figure, mode_name = job
    from tests.support import load_fux

    cfg = SETTINGS[mode_name]
    book = load_rulebook("fux")
    ex = load_fux(file)
    report = check_exercise(ex, book)
    base = cantus_exercise(ex)
    low, high = default_range(base.cf_pitches, ex.cp_above)
    allowed = set(candidates(base.mode, low, high))
    out_of_range = [p.name for p in ex.cp_pitches if p not in allowed]
    row = {"file": file, "figure": figure, "species": ex.species, "position": ex.position, "ok": report.ok,
           "errors": [v.code for v in report.errors], "fux_penalty": report.penalty, "rhythm": rhythm_fit(ex),
           "range": "yes" if not out_of_range else "no: " + " ".join(out_of_range)}
    pool, met, secs = generator_pool(base, ex, book, low, high, cfg["pool"], cfg["pool_seconds"])
    row.update(pool_n=len(pool), pool_pct=percentile(report.penalty, pool) if pool else None, pool_met=met,
               pool_seconds=secs, pool_median=statistics.median(pool) if pool else None,
               pool_min=min(pool, default=None))
    if ex.species == 1:
        full = all_first_species(base, ex, book, low, high, cfg)
        row.update(all_method=full["method"], all_pct=percentile(report.penalty, full["penalties"]),
                   all_met=full["met"], all_seconds=full["seconds"], all_min=min(full["penalties"], default=None),
                   all_median=statistics.median(full["penalties"]) if full["penalties"] else None)
    return row


def fmt(x, spec=".1f") -> str:
    return "-" if x is None else format(x, spec)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small samples and caps (a smoke run, not for the record)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--species", type=int, nargs="*", help="only these species")
    args = ap.parse_args()
    from tests.support import fux_figures

    mode_name = "quick" if args.quick else "full"
    figures = [r for r in fux_figures() if not args.species or int(r["species"]) in args.species]
    # Longest first, so the two workers finish together: species 1 (enumeration), then 3, 5, 2, 4.
    order = {1: 0, 3: 1, 5: 2, 2: 3, 4: 4}
    species_of = {r["file"]: int(r["species"]) for r in figures}
    jobs = sorted(((r["file"], r["figure"], mode_name) for r in figures), key=lambda j: order[species_of[j[0]]])
    t0 = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
        rows = pool.map(measure, jobs, chunksize=1)
    rows.sort(key=lambda r: (r["species"], r["file"]))
    cfg = SETTINGS[mode_name]
    print(f"Settings: {mode_name} {cfg}; seed {SEED}; Python {sys.version.split()[0]}")
    print()
    print("### Per exercise", "", sep="\n")
    print("| fig. | sp. | cp | hard rules ok | rhythm in patterns | pitches in default range | Fux penalty "
          "| pool: n | pool: min / median | pool: percentile | Fux met in pool | all lines (sp. 1) | all: min / median "
          "| all: percentile |")
    print("|---|---:|---|---|---|---|---:|---:|---:|---:|---|---|---:|---:|")
    for r in rows:
        ok = "yes" if r["ok"] else "no: " + " ".join(r["errors"])
        sp1 = ["-", "-", "-"]
        if r["species"] == 1:
            met = "" if r["all_met"] is None else ("; Fux found" if r["all_met"] else "; Fux NOT found")
            sp1 = [r["all_method"] + met, f"{fmt(r['all_min'], 'g')} / {fmt(r['all_median'], 'g')}", fmt(r["all_pct"]) + " %"]
        print(f"| {r['figure']} | {r['species']} | {r['position']} | {ok} | {r['rhythm']} | {r['range']} "
              f"| {r['fux_penalty']:g} | {r['pool_n']} | {fmt(r['pool_min'], 'g')} / {fmt(r['pool_median'], 'g')} "
              f"| {fmt(r['pool_pct'])} % | {'yes' if r['pool_met'] else 'no'} | {' | '.join(sp1)} |")
    print()
    print("### Median per species", "", sep="\n")
    print("| species | figures | Fux passes hard rules | Fux rhythm in patterns | in range | median percentile, generator's pool "
          "| median percentile, all lines | Fux below the pool's best | worst figure (pool percentile) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for sp in sorted({r["species"] for r in rows}):
        rs = [r for r in rows if r["species"] == sp]
        pool_pcts = [r["pool_pct"] for r in rs if r["pool_pct"] is not None]
        all_pcts = [r["all_pct"] for r in rs if r.get("all_pct") is not None]
        worst = max(rs, key=lambda r: r["pool_pct"] or 0)
        print(f"| {sp} | {len(rs)} | {sum(r['ok'] for r in rs)}/{len(rs)} | {sum(r['rhythm'] == 'yes' for r in rs)}/{len(rs)} "
              f"| {sum(r['range'] == 'yes' for r in rs)}/{len(rs)} | {fmt(statistics.median(pool_pcts) if pool_pcts else None)} % "
              f"| {fmt(statistics.median(all_pcts)) + ' %' if all_pcts else '-'} "
              f"| {sum(r['pool_min'] is not None and r['fux_penalty'] < r['pool_min'] for r in rs)}/{len(rs)} | {worst['figure']} {worst['position']} ({fmt(worst['pool_pct'])} %) |")
    short = [r for r in rows if r["pool_n"] < cfg["pool"]]
    print()
    if short:
        print("Pools short of the target (time cap {:g} s): ".format(cfg["pool_seconds"])
              + ", ".join(f"fig. {r['figure']} {r['position']} ({r['pool_n']})" for r in short))
    print(f"(benchmark took {time.perf_counter() - t0:.0f} s with {args.jobs} processes)")


if __name__ == "__main__":
    main()
