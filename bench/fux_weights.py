"""Which warnings does Fux pay for that the generator's candidates do not? And where does Fux's line rank
among them by rule penalty alone, under a rulebook's weights (per species where it sets them)?

    .venv/bin/python bench/fux_weights.py collect --pool 1000     # count warnings once (cached in /tmp)
    .venv/bin/python bench/fux_weights.py diagnose --pool 1000    # per species and rule: counts, Fux vs candidates
    .venv/bin/python bench/fux_weights.py rank --pool 1000        # median percentile per species, fux as it stands
    .venv/bin/python bench/fux_weights.py rank --pool 1000 --catalogue   # the same under catalogue-default weights
    .venv/bin/python bench/fux_weights.py fit --pool 1000         # pairwise ranking fit, leave-one-figure-out
    .venv/bin/python bench/fux_weights.py tune --pool 1000        # coordinate descent on the median, held out
    .venv/bin/python bench/fux_weights.py where M404 M403         # the figures and bars where Fux breaks a rule

Candidates are built exactly as bench/fux_critic.py builds them: ``Search.stream`` with seed 1, the
generator's first distinct legal lines over the figure's cantus firmus (Fux's own line excluded). A
line's penalty is the sum over rules of weight × number of warnings, so the warning counts are collected
once (they do not depend on the weights) and any set of weights is ranked from them. The percentile counts
candidates strictly cheaper than Fux's line, ties half; lower is better (as in bench/fux_critic.py).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEED = 1


def cache_path(pool: int, seed: int = SEED) -> Path:
    return Path(f"/tmp/fux_weights_counts_{pool}" + (f"_seed{seed}" if seed != SEED else "") + ".json")


def _warnings(ex, book) -> dict[str, int]:
    from counterpoint.catalogue.engine import check_exercise

    report = check_exercise(ex, book)
    assert report.ok, [v.code for v in report.errors]
    return dict(Counter(v.code for v in report.warnings))


def _collect_one(job: tuple[str, int]) -> dict:
    from counterpoint.catalogue.rulebook import load_rulebook
    from tests.support import candidate_pool, load_fux

    file, size, seed = job
    book = load_rulebook("fux")
    ex = load_fux(file)
    pool = candidate_pool(ex, book, size, seed)
    return {"file": file, "species": ex.species, "fux": _warnings(ex, book),
            "candidates": [_warnings(c, book) for c in pool]}


def collect(pool: int, jobs: int, seed: int = SEED) -> list[dict]:
    """Warning counts of Fux's line and of each candidate, per figure. Cached in /tmp by pool and seed: the
    counts do not depend on the weights, but they do on the rules and their options (delete the cache then)."""
    from tests.support import fux_figures

    path = cache_path(pool, seed)
    if path.exists():
        return json.loads(path.read_text())
    t0 = time.monotonic()
    with ProcessPoolExecutor(jobs) as ex:
        rows = list(ex.map(_collect_one, [(r["file"], pool, seed) for r in fux_figures()]))
    path.write_text(json.dumps(rows))
    print(f"collected {len(rows)} figures, up to {pool} candidates each, in {time.monotonic() - t0:.0f} s -> {path}",
          file=sys.stderr)
    return rows


# --- weights ----------------------------------------------------------------------------------------------

def book_weights(name: str = "fux", catalogue: bool = False) -> dict[int, dict[str, float]]:
    """Per species, each active warning's weight in the rulebook (or the catalogue default)."""
    from counterpoint.catalogue.rulebook import load_rulebook

    book = load_rulebook(name)
    out = {}
    for sp in range(1, 6):
        out[sp] = {s.rule.code: float(s.rule.weight if catalogue else s.weight)
                   for s in book.active(sp) if s.severity == "warning"}
    return out


def cost(counts: dict[str, int], w: dict[str, float]) -> float:
    return sum(w.get(c, 0.0) * n for c, n in counts.items())


def percentile(fux: float, costs: list[float]) -> float:
    lower = sum(1 for c in costs if c < fux)
    ties = sum(1 for c in costs if c == fux)
    return 100.0 * (lower + 0.5 * ties) / len(costs)


def figure_pct(row: dict, w: dict[str, float]) -> float:
    return percentile(cost(row["fux"], w), [cost(c, w) for c in row["candidates"]])


def rank_table(rows: list[dict], weights: dict[int, dict[str, float]]) -> dict[int, float]:
    return {sp: statistics.median(figure_pct(r, weights[sp]) for r in rows if r["species"] == sp) for sp in range(1, 6)}


# --- diagnosis --------------------------------------------------------------------------------------------

def diagnose(rows: list[dict], weights: dict[int, dict[str, float]], top: int = 12) -> None:
    """Per species and rule: the mean count on Fux's lines, on all candidates, and on the candidates that
    outrank Fux's line (cost strictly less; per figure, then averaged over the figures that have any). The
    last is what decides the percentile: a rule Fux pays more often than the lines that beat him is one
    whose weight costs him rank."""
    for sp in range(1, 6):
        rs = [r for r in rows if r["species"] == sp]
        w = weights[sp]
        codes = set(w)
        fux = {c: statistics.mean(r["fux"].get(c, 0) for r in rs) for c in codes}
        cand = {c: statistics.mean(statistics.mean(x.get(c, 0) for x in r["candidates"]) for r in rs) for c in codes}
        above = [[x for x in r["candidates"] if cost(x, w) < cost(r["fux"], w)] for r in rs]
        beat = {c: statistics.mean(statistics.mean(x.get(c, 0) for x in a) for a in above if a) if any(above) else 0.0
                for c in codes}
        fux_beaten = {c: statistics.mean(r["fux"].get(c, 0) for r, a in zip(rs, above) if a) if any(above) else 0.0
                      for c in codes}
        gap = {c: w[c] * (fux_beaten[c] - beat[c]) for c in codes}
        print(f"\n### Species {sp} ({len(rs)} figures, {sum(bool(a) for a in above)} outranked by some candidate; "
              f"mean penalty Fux {statistics.mean(cost(r['fux'], w) for r in rs):.1f}, "
              f"candidates {statistics.mean(statistics.mean(cost(x, w) for x in r['candidates']) for r in rs):.1f})\n")
        print("| rule | weight | mean count, Fux | all candidates | Fux, where outranked | the candidates outranking him | "
              "weight × (Fux − those) |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        shown = sorted((c for c in codes if fux[c] or cand[c]), key=lambda c: -abs(gap[c]))[:top]
        for c in shown:
            print(f"| {c} | {w[c]:g} | {fux[c]:.2f} | {cand[c]:.2f} | {fux_beaten[c]:.2f} | {beat[c]:.2f} | {gap[c]:+.2f} |")


# --- fit --------------------------------------------------------------------------------------------------

def fit_species(rs: list[dict], prior: dict[str, float], lam: float = 0.05, steps: int = 800,
                lr: float = 0.5, temp: float = 1.0) -> dict[str, float]:
    """Non-negative weights that make Fux's line cheaper than each candidate: a pairwise logistic loss on the
    count differences (candidate − Fux, each figure weighted equally), plus ``lam`` × the squared distance
    to the rulebook's weights (so rules Fux's lines never separate keep their weight), by projected
    gradient descent; rounded to halves."""
    import numpy as np

    codes = sorted(prior)
    idx = {c: i for i, c in enumerate(codes)}

    def vec(counts):
        v = np.zeros(len(codes))
        for c, n in counts.items():
            if c in idx:
                v[idx[c]] = n
        return v

    diffs = [np.array([vec(x) for x in r["candidates"]]) - vec(r["fux"]) for r in rs]
    p = np.array([prior[c] for c in codes])
    w = p.copy()
    for _ in range(steps):
        g = lam * (w - p)
        for d in diffs:
            m = d @ w / temp
            s = -1.0 / (1.0 + np.exp(np.minimum(50.0, m)))  # d/dm log(1 + e^-m)
            g += (s @ d) / (temp * len(d) * len(diffs))
        w = np.maximum(0.0, w - lr * g)
    return {c: round(2 * w[idx[c]]) / 2 for c in codes}


GRID = tuple(x / 2 for x in range(1, 13))  # 0.5 to 6 in halves: never 0, a preference is not turned off


def _matrices(rs: list[dict], codes: list[str]):
    import numpy as np

    idx = {c: i for i, c in enumerate(codes)}

    def vec(counts):
        v = np.zeros(len(codes))
        for c, n in counts.items():
            if c in idx:
                v[idx[c]] = n
        return v

    return [(np.array([vec(x) for x in r["candidates"]]), vec(r["fux"])) for r in rs]


def _pcts(mats, w) -> list[float]:
    import numpy as np

    out = []
    for C, f in mats:
        costs, fc = C @ w, f @ w
        out.append(100.0 * (np.sum(costs < fc - 1e-9) + 0.5 * np.sum(np.abs(costs - fc) <= 1e-9)) / len(costs))
    return out


def _objective(pcts: list[float]) -> float:
    """The median percentile, with the mean of the percentiles (each capped at 50) to break ties."""
    return statistics.median(pcts) + 0.01 * statistics.mean(min(p, 50.0) for p in pcts)


def tune_species(rs: list[dict], prior: dict[str, float], rounds: int = 3, floor: float = 0.25,
                 ceiling: float = 2.0) -> dict[str, float]:
    """Coordinate descent on the weights over GRID, each between ``floor`` and ``ceiling`` × its rulebook
    weight (a preference is softened or stiffened, never dropped), minimising the median percentile of
    Fux's lines."""
    import numpy as np

    codes = sorted(prior)
    mats = _matrices(rs, codes)
    w = np.array([prior[c] for c in codes])
    best = _objective(_pcts(mats, w))
    for _ in range(rounds):
        moved = False
        for i, c in enumerate(codes):
            for g in GRID:
                if g == w[i] or not floor * prior[c] <= g <= ceiling * prior[c]:
                    continue
                trial = w.copy()
                trial[i] = g
                score = _objective(_pcts(mats, trial))
                if score < best - 1e-9:
                    best, w, moved = score, trial, True
        if not moved:
            break
    return {c: float(w[i]) for i, c in enumerate(codes)}


def tune(rows: list[dict], weights: dict[int, dict[str, float]], species: list[int], **bounds) -> None:
    print("Coordinate descent on each species' weights; leave-one-figure-out: each figure ranked under weights\n"
          "tuned on the other figures of its species.\n")
    print("| species | median percentile, rulebook | tuned, held out | tuned, in sample | tuned on all figures: changed weights |")
    print("|---|---:|---:|---:|---|")
    for sp in species:
        rs = [r for r in rows if r["species"] == sp]
        held = []
        for i, r in enumerate(rs):
            w = tune_species(rs[:i] + rs[i + 1:], weights[sp], **bounds)
            held.append(figure_pct(r, w))
        full = tune_species(rs, weights[sp], **bounds)
        changed = ", ".join(f"{c} {weights[sp][c]:g}→{full[c]:g}" for c in sorted(full) if full[c] != weights[sp][c])
        base = statistics.median(figure_pct(r, weights[sp]) for r in rs)
        inside = statistics.median(figure_pct(r, full) for r in rs)
        print(f"| {sp} | {base:.1f} % | {statistics.median(held):.1f} % | {inside:.1f} % | {changed or '-'} |")


def fit(rows: list[dict], weights: dict[int, dict[str, float]], lam: float) -> None:
    print("Leave-one-figure-out: each figure ranked under weights fitted to the other figures of its species.\n")
    print("| species | median percentile, rulebook | median percentile, fitted (held out) | fitted on all figures: changed weights |")
    print("|---|---:|---:|---|")
    for sp in range(1, 6):
        rs = [r for r in rows if r["species"] == sp]
        held = []
        for i, r in enumerate(rs):
            w = fit_species(rs[:i] + rs[i + 1:], weights[sp], lam)
            held.append(figure_pct(r, w))
        full = fit_species(rs, weights[sp], lam)
        changed = ", ".join(f"{c} {weights[sp][c]:g}→{full[c]:g}" for c in sorted(full) if full[c] != weights[sp][c])
        base = statistics.median(figure_pct(r, weights[sp]) for r in rs)
        print(f"| {sp} | {base:.1f} % | {statistics.median(held):.1f} % | {changed or '-'} |")


def where(codes: list[str]) -> None:
    """Where Fux's own lines break each rule: figure, species and bars (the evidence for a weight's comment)."""
    from counterpoint.catalogue.engine import check_exercise
    from counterpoint.catalogue.rulebook import load_rulebook
    from tests.support import fux_figures, load_fux

    book = load_rulebook("fux")
    for code in codes:
        print(f"{code}:")
        for r in fux_figures():
            ex = load_fux(r["file"])
            bars = check_exercise(ex, book).at(code)
            if bars:
                print(f"  sp. {ex.species}  {r['file'].removesuffix('.musicxml')}  bars {bars}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=("collect", "diagnose", "rank", "fit", "tune", "where"))
    ap.add_argument("codes", nargs="*", help="where: rule codes")
    ap.add_argument("--pool", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=SEED, help="the generator's seed (bench/fux_critic.py uses 1)")
    ap.add_argument("--rules", default="fux")
    ap.add_argument("--catalogue", action="store_true", help="use the catalogue's default weights")
    ap.add_argument("--species", type=int, nargs="*", default=[1, 2, 3, 4, 5])
    ap.add_argument("--floor", type=float, default=0.25, help="tune: lowest weight, times the rulebook's")
    ap.add_argument("--ceiling", type=float, default=2.0, help="tune: highest weight, times the rulebook's")
    ap.add_argument("--lam", type=float, default=0.05, help="fit: pull toward the rulebook's weights")
    args = ap.parse_args()
    if args.what == "where":
        return where(args.codes)
    rows = collect(args.pool, args.jobs, args.seed)
    weights = book_weights(args.rules, args.catalogue)
    if args.what == "diagnose":
        diagnose(rows, weights)
    elif args.what == "rank":
        table = rank_table(rows, weights)
        label = "catalogue defaults" if args.catalogue else f"rulebook {args.rules}"
        print(f"Median percentile of Fux's line among up to {args.pool} candidates, penalty alone ({label}):\n")
        print("| species | figures | median percentile | figures in the top 5 % |")
        print("|---|---:|---:|---:|")
        for sp in range(1, 6):
            rs = [r for r in rows if r["species"] == sp]
            top = sum(figure_pct(r, weights[sp]) <= 5 for r in rs)
            print(f"| {sp} | {len(rs)} | {table[sp]:.1f} % | {top}/{len(rs)} |")
    elif args.what == "fit":
        fit(rows, weights, args.lam)
    elif args.what == "tune":
        tune(rows, weights, args.species, floor=args.floor, ceiling=args.ceiling)


if __name__ == "__main__":
    main()
