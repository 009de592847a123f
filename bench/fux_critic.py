"""Does the critic move Fux's own solutions up? Rank percentile of Fux's line among the generator's
candidates, ranked by rule penalty alone and by the default blend, penalty + w × (1 − critic), with w
the installed model's blend weight for the figure's species (counterpoint.critic.blend_weights).

    .venv/bin/python bench/fux_critic.py                    # all 46 figures, 1,000 candidates each
    .venv/bin/python bench/fux_critic.py --pool 200         # quicker
    .venv/bin/python bench/fux_critic.py --save rows.json   # keep the raw costs, to refit without rerunning
    .venv/bin/python bench/fux_critic.py --load rows.json --fit         # fit per-species weights, leave-one-out
    .venv/bin/python bench/fux_critic.py --load rows.json --fit --write # ... and store them in critic/model.json
    .venv/bin/python bench/fux_critic.py --load rows.json --fit --write --keep-blend  # store the style weights only

Candidates are the generator's first distinct valid lines (Fux's own excluded), as in
bench/fux_likeness.py. The percentile counts candidates ranked strictly better than Fux's line, ties
half; lower is better. Uses the installed critic model and the current rules (rerun after a rule change:
both the penalties and the fitted weights depend on them).

``--fit`` chooses, for each species, the weight from GRID that gives the lowest median percentile over
that species' figures (ties: the lower mean, then the smaller weight). Fitting on the figures it is then
measured on flatters it, so the fit also reports a leave-one-out figure: each figure's percentile under
the weight fitted on the *other* figures of its species. The weight kept (and written by --write) is
the fitted one only where that leave-one-out median beats the rules alone (w = 0); elsewhere 0, so the
critic is only given a say where fitting its weight is shown to carry over to unseen figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

SEED = 1
WEIGHTS = (2, 5, 10, 20, 50)  # other blend weights, for comparison with the default
STYLE_GRID = (0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.75, 1)  # style weights tried by --fit
TASTE = 5.0  # issue 7's target: Fux's line in the top 5 % of the candidates, median over a species' figures
GRID = (0, 0.5, 1, 1.5, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 75, 100)


def percentile(fux: float, costs: list[float]) -> float:
    lower = sum(1 for c in costs if c < fux)
    ties = sum(1 for c in costs if c == fux)
    return 100.0 * (lower + 0.5 * ties) / len(costs)


def measure(job: tuple[str, int, str | None]) -> dict:
    """One figure: Fux's penalty and critic score, and every candidate's."""
    from counterpoint.catalogue.engine import check_exercise
    from counterpoint.catalogue.rulebook import load_rulebook
    from counterpoint.critic import load_model, score_many
    from tests.support import candidate_pool, load_fux

    file, size, model_path = job
    model = load_model(model_path)
    book = load_rulebook("fux")
    ex = load_fux(file)
    pool = candidate_pool(ex, book, size, SEED)
    reports = [check_exercise(c, book) for c in pool]
    fux_report = check_exercise(ex, book)

    class _Item:  # an exercise with its report, as score_many takes solutions
        def __init__(self, e, r):
            self.exercise, self.report = e, r

    critic = score_many([_Item(ex, fux_report)] + [_Item(c, r) for c, r in zip(pool, reports)], model)
    from counterpoint.analysis import idiom_stats

    return {"file": file, "species": ex.species, "position": ex.position, "n": len(pool),
            "fux_penalty": fux_report.penalty, "fux_critic": float(critic[0]),
            "penalties": [r.penalty for r in reports], "critic": [round(float(c), 6) for c in critic[1:]],
            "fux_stats": idiom_stats(ex), "stats": [idiom_stats(c) for c in pool]}


def add_style(rows: list[dict]) -> None:
    """Each row's style distances under the current shape (counterpoint.analysis.profile_distance): the
    candidates' against the shipped profile, and Fux's line against the profile of the *other* figures of its
    species, as a line the profile has not seen would be (``fux_style``; ``fux_style_in`` with the shipped
    profile, which holds his line)."""
    from counterpoint.analysis import load_profile, profile_distance, profile_of_stats

    shipped = load_profile()
    for r in rows:
        others = profile_of_stats([(o["species"], o["fux_stats"]) for o in rows
                                   if o["species"] == r["species"] and o is not r])
        r["fux_style"] = profile_distance(r["fux_stats"], r["species"], others)[0]
        r["fux_style_in"] = profile_distance(r["fux_stats"], r["species"], shipped)[0]
        r["style"] = [profile_distance(s, r["species"], shipped)[0] for s in r["stats"]]


def pct_default(row: dict, w: float, s: float, fux_style: str = "fux_style") -> float:
    """Fux's percentile under the default ranking: penalty + w × (1 − critic) + s × style distance."""
    return percentile(row["fux_penalty"] + w * (1 - row["fux_critic"]) + s * row[fux_style],
                      [p + w * (1 - c) + s * d for p, c, d in zip(row["penalties"], row["critic"], row["style"])])


def pct(row: dict, w: float) -> float:
    """Fux's percentile in one figure's pool under penalty + w × (1 − critic)."""
    return percentile(row["fux_penalty"] + w * (1 - row["fux_critic"]),
                      [p + w * (1 - c) for p, c in zip(row["penalties"], row["critic"])])


def fit_on_grid(rows: list[dict], grid, cost) -> float:
    """The value of ``grid`` with the lowest median ``cost(row, value)`` over rows (then the lowest mean,
    then the smallest value)."""
    def key(x):
        ps = [cost(r, x) for r in rows]
        return statistics.median(ps), statistics.fmean(ps), x
    return min(grid, key=key)


def fit_by_species(rows: list[dict], grid, cost, baseline: float):
    """Per species: the value fitted on all its figures, kept only where fitting generalises, that is
    where the median leave-one-out percentile beats ``baseline``'s; else ``baseline``. Returns the kept
    values, the in-sample fits and the leave-one-out medians."""
    kept, fitted, loo = {}, {}, {}
    for s in range(1, 6):
        rs = [r for r in rows if r["species"] == s]
        fitted[s] = fit_on_grid(rs, grid, cost)
        loo[s] = statistics.median(cost(r, fit_on_grid([o for o in rs if o is not r], grid, cost)) for r in rs)
        kept[s] = fitted[s] if loo[s] < statistics.median(cost(r, baseline) for r in rs) else baseline
    return kept, fitted, loo


def fit(rows: list[dict]):
    """Per-species blend weights w, kept where leave-one-out beats the rules alone (w = 0)."""
    return fit_by_species(rows, GRID, pct, 0.0)


def pick_style(rows: list[dict], blend: dict[int, float]) -> float:
    """The style weight for one species' rows: the largest of STYLE_GRID up to STYLE whose median percentile
    of Fux's line stays within TASTE; where none does, the one with the lowest median. The term serves two
    targets that pull apart: the larger s, the nearer the top lines' idioms come to Fux's means, but each of
    his own lines lies off those means somewhere, and pays for it; so s is as large as the taste target allows."""
    from counterpoint.critic import STYLE

    med = {x: statistics.median(pct_default(r, blend[r["species"]], x) for r in rows) for x in STYLE_GRID if x <= STYLE}
    within = [x for x, m in med.items() if m <= TASTE]
    return max(within) if within else min(med, key=lambda x: (med[x], x))


def fit_styles(rows: list[dict], blend: dict[int, float]):
    """Per-species style weights (:func:`pick_style`), and each species' leave-one-out median: every figure
    ranked under the weight picked on the other figures of its species (Fux's style distance is always taken
    against the profile of the other figures, ``add_style``). Returns the weights and the leave-one-out
    medians."""
    kept, loo = {}, {}
    for s in range(1, 6):
        rs = [r for r in rows if r["species"] == s]
        kept[s] = pick_style(rs, blend)
        loo[s] = statistics.median(pct_default(r, blend[s], pick_style([o for o in rs if o is not r], blend))
                                   for r in rs)
    return kept, loo


def table(rows: list[dict], weights: dict[int, float], styles: dict[int, float]) -> None:
    print("| species | figures | w | s | median percentile, penalty alone | median percentile, penalty + w × (1 − critic) | "
          "median percentile, default ranking (+ style) | worst figure, penalty + critic | "
          "figures where the critic moved Fux up | Fux's critic score (median) | candidates' critic score (median) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s in range(1, 6):
        rs = [r for r in rows if r["species"] == s]
        w = weights[s]
        up = sum(pct(r, w) < pct(r, 0) for r in rs)
        print(f"| {s} | {len(rs)} | {w:g} | {styles[s]:g} | {statistics.median(pct(r, 0) for r in rs):.1f} % | "
              f"{statistics.median(pct(r, w) for r in rs):.1f} % | "
              f"{statistics.median(pct_default(r, w, styles[s]) for r in rs):.1f} % | "
              f"{max(pct(r, w) for r in rs):.1f} % | {up}/{len(rs)} | "
              f"{statistics.median(r['fux_critic'] for r in rs):.2f} | "
              f"{statistics.median(statistics.median(r['critic']) for r in rs):.2f} |")


def main() -> None:
    from tests.support import fux_figures

    ap = argparse.ArgumentParser()
    ap.add_argument("--pool", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--save", metavar="FILE", help="write the raw costs of every figure's pool as JSON")
    ap.add_argument("--load", metavar="FILE", help="read them instead of generating the pools again")
    ap.add_argument("--model", metavar="FILE", help="a critic model file (default: the installed one)")
    ap.add_argument("--fit", action="store_true", help="fit per-species blend weights (with leave-one-out)")
    ap.add_argument("--write", action="store_true", help="with --fit: store the weights in the model file")
    ap.add_argument("--keep-blend", action="store_true",
                    help="with --write: store only the style weights, fitted under the model's own blend weights")
    args = ap.parse_args()
    t0 = time.monotonic()
    if args.load:
        with open(args.load) as fh:
            rows = json.load(fh)
        if not all("stats" in r for r in rows):
            raise SystemExit(f"{args.load} holds no idiom statistics (written before they were saved); run --save again.")
    else:
        jobs = [(r["file"], args.pool, args.model) for r in fux_figures()]
        with ProcessPoolExecutor(args.jobs) as pool:
            rows = list(pool.map(measure, jobs))
        if args.save:
            with open(args.save, "w") as fh:
                json.dump(rows, fh)
    add_style(rows)
    from counterpoint.critic import blend_weights, load_model, style_weights

    print(f"{len(rows)} figures, up to {max(r['n'] for r in rows)} candidates each ({time.monotonic() - t0:.0f} s)\n")
    print("Default ranking (the installed model's weights):\n")
    installed = load_model(args.model)
    table(rows, blend_weights(installed), style_weights(installed))
    print("\nMedian percentile by one blend weight w for every species, in penalty + w × (1 − critic):\n")
    print("| species | " + " | ".join(f"w = {w}" for w in WEIGHTS) + " |")
    print("|---|" + "---:|" * len(WEIGHTS))
    for s in range(1, 6):
        rs = [r for r in rows if r["species"] == s]
        print(f"| {s} | " + " | ".join(f"{statistics.median(pct(r, w) for r in rs):.1f} %" for w in WEIGHTS) + " |")
    if args.fit:
        weights, fitted, loo = fit(rows)
        print("\nPer-species weights: fitted in-sample, the leave-one-out median percentile, and the weight kept "
              "(the fit where leave-one-out beats the rules alone, else 0):\n")
        print("| species | median percentile, rules alone | fitted w | median percentile, in-sample | "
              "median percentile, leave-one-out | kept w | median percentile, kept w |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for s in range(1, 6):
            rs = [r for r in rows if r["species"] == s]
            med = lambda w: statistics.median(pct(r, w) for r in rs)  # noqa: E731
            print(f"| {s} | {med(0):.1f} % | {fitted[s]:g} | {med(fitted[s]):.1f} % | {loo[s]:.1f} % | {weights[s]:g} | "
                  f"{med(weights[s]):.1f} % |")
        from counterpoint.critic import STYLE

        if args.keep_blend:
            weights = blend_weights(installed)
        styles, s_loo = fit_styles(rows, weights)
        which = "model's own" if args.keep_blend else "kept"
        print(f"\nPer-species style weights s in the default ranking, penalty + w × (1 − critic) + s × style distance, "
              f"with the {which} w: the largest s on {STYLE_GRID} up to {STYLE:g} whose median percentile stays within "
              f"{TASTE:g} % (else the lowest), and the leave-one-out median (s picked on the other figures). Fux's style "
              f"distance is taken against the profile of the other figures; the last column against the shipped one:\n")
        print("| species | median percentile, s = 0 | median percentile, s = 1 | picked s | median percentile, picked s | "
              "median percentile, leave-one-out | median percentile, picked s, shipped profile |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for s in range(1, 6):
            rs = [r for r in rows if r["species"] == s]
            med = lambda x: statistics.median(pct_default(r, weights[s], x) for r in rs)  # noqa: E731
            inside = statistics.median(pct_default(r, weights[s], styles[s], fux_style="fux_style_in") for r in rs)
            print(f"| {s} | {med(0):.1f} % | {med(1):.1f} % | {styles[s]:g} | {med(styles[s]):.1f} % | "
                  f"{s_loo[s]:.1f} % | {inside:.1f} % |")
        if args.write:
            from counterpoint.critic.model import default_model_path

            target = args.model or default_model_path()
            model = load_model(target)
            if not args.keep_blend:  # the blend weights and the record of their fit change together
                model.metadata["blend_by_species"] = {str(s): float(w) for s, w in weights.items()}
                model.metadata["blend_fit"] = {"bench": "bench/fux_critic.py --fit", "pool": max(r["n"] for r in rows),
                                               "figures": len(rows), "grid": list(GRID),
                                               "fitted_in_sample": {str(s): float(w) for s, w in fitted.items()},
                                               "leave_one_out_median_percentile": {str(s): round(v, 2)
                                                                                   for s, v in loo.items()}}
            model.metadata["style_by_species"] = {str(s): float(x) for s, x in styles.items()}
            model.metadata["style_fit"] = {"bench": "bench/fux_critic.py --fit" + (" --keep-blend" if args.keep_blend else ""),
                                           "pool": max(r["n"] for r in rows), "grid": list(STYLE_GRID),
                                           "rule": f"the largest s up to {STYLE:g} with Fux's median percentile "
                                                   f"within {TASTE:g} %",
                                           "shape": "sum of |z|, one-sided per counterpoint.analysis.SIDE",
                                           "leave_one_out_median_percentile": {str(s): round(v, 2)
                                                                               for s, v in s_loo.items()}}
            model.save(target, force=True)  # --write is the request to replace it
            print(f"\nwrote the weights into {target}")
    print("\n| figure | species | cp | penalty alone | default blend | default ranking (+ style) | Fux critic | "
          "pool critic (median) |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    installed = load_model(args.model)
    weights, styles = blend_weights(installed), style_weights(installed)
    for r in rows:
        sp = r["species"]
        print(f"| {r['file'].removesuffix('.musicxml')} | {sp} | {r['position']} | {pct(r, 0):.1f} % | "
              f"{pct(r, weights[sp]):.1f} % | {pct_default(r, weights[sp], styles[sp]):.1f} % | {r['fux_critic']:.2f} | "
              f"{statistics.median(r['critic']):.2f} |")


if __name__ == "__main__":
    main()
