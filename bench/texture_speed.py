"""How fast the generator writes three and four voices: every Fux figure of Book II's three- and four-voice
chapters (figs. 101-204), its cantus firmus, its species per voice and the cantus firmus's voice.

    PYTHONPATH=. .venv/bin/python bench/texture_speed.py            # several minutes
    PYTHONPATH=. .venv/bin/python bench/texture_speed.py --limit 5  # the first five figures only
    PYTHONPATH=. .venv/bin/python bench/texture_speed.py --default-ranking  # ranked as the CLI ranks

For each of the 76 rows of tests/data/fux_gradus/figures_voices.tsv it runs
``generate_texture(cf, species, cf_voice, n=10, seed=1, time_limit=10 s for three voices, 30 s for four)``
once and records the time to the first texture that passes check_texture (``stats["first_seconds"]``,
search start to the first accepted texture) and the wall time to the ranked top 10 (the whole call:
model building, search, the full check of every texture and the ranking). It checks every returned
texture once more with check_texture (zero errors) and prints a markdown table: solved, medians, maxima.

It also counts the figures where the best texture's penalty is no more than that of Fux's own solution. A
second table compares the idioms of the free voices (counterpoint.analysis.idiom_stats, each voice
against the cantus firmus) of the best texture with those of Fux's own voices in the same figures, per
species: the generated mean, Fux's mean and standard deviation, and a tick where the generated mean lies
within half a standard deviation of Fux's.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMITS = {3: 10.0, 4: 30.0}


def jobs() -> list[dict]:
    sys.path.insert(0, str(ROOT))
    from tests.support import fux_voice_figures, load_fux_voices

    out = []
    for row in fux_voice_figures():
        tex = load_fux_voices(row["figure"])
        cf = " ".join(n.pitch.name for n in tex.cf if n.pitch is not None)
        out.append({"figure": row["figure"], "voices": int(row["voices"]), "cf_voice": int(row["cf_voice"]),
                    "species": tuple(int(s) for s in row["species"].split(",")), "cf": cf, "mode": tex.mode})
    return out


def run(job: dict, default_ranking: bool = False) -> dict:
    from counterpoint.catalogue.rulebook import load_rulebook
    from counterpoint.catalogue.texture_engine import check_texture
    from counterpoint.errors import NoSolutionError
    from counterpoint.generator.texture import generate_texture
    from tests.support import load_fux_voices

    limit = LIMITS[job["voices"]]
    t0 = time.monotonic()
    try:
        rank = None
        if default_ranking:  # as `counterpoint generate` ranks: penalty + TEXTURE_BLEND * (1 - free critic)
            from counterpoint.ranking import texture_rank

            rank = texture_rank()[0]
        found = generate_texture(job["cf"], species=job["species"], cf_voice=job["cf_voice"], n=10, seed=1,
                                 time_limit=limit, mode=job["mode"], rank=rank)
    except NoSolutionError as exc:
        return {**job, "solved": False, "why": str(exc), "top": time.monotonic() - t0}
    top = time.monotonic() - t0
    book = load_rulebook("fux")
    bad = sum(1 for s in found if not check_texture(s.texture, book).ok)
    fux = check_texture(load_fux_voices(job["figure"]), book)
    return {**job, "solved": True, "fux_penalty": fux.penalty if fux.ok else None, "first": found.stats["first_seconds"], "top": top, "count": len(found),
            "bad": bad, "best": found[0].penalty, "timed_out": found.stats["timed_out"],
            "idioms": voice_idioms(found[0].texture)}


def voice_idioms(tex) -> list[tuple[int, dict]]:
    """(species, idiom statistics) of every free voice of a texture, each against the cantus firmus."""
    from counterpoint.analysis import voice_stats

    return voice_stats(tex)


def table(results: list[dict]) -> str:
    lines = ["| voices | exercises | solved | all returned pass check | median s to first (max) | "
             "median s to top 10 (max) | top 10 complete | best penalty, median |",
             "|---|---:|---:|---:|---|---|---:|---:|"]
    groups = [(str(v), [r for r in results if r["voices"] == v]) for v in (3, 4)] + [("all", results)]
    for label, rs in groups:
        if not rs:
            continue
        ok = [r for r in rs if r["solved"]]
        first = [r["first"] for r in ok]
        top = [r["top"] for r in ok]
        full = sum(1 for r in ok if r["count"] == 10)
        clean = sum(1 for r in ok if r["bad"] == 0)
        med = (lambda xs: f"{statistics.median(xs):.2f} ({max(xs):.2f})" if xs else "–")
        best = f"{statistics.median([r['best'] for r in ok]):g}" if ok else "–"
        lines.append(f"| {label} | {len(rs)} | {len(ok)}/{len(rs)} | {clean}/{len(ok)} | {med(first)} | {med(top)} | "
                     f"{full}/{len(ok)} | {best} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="only the first N figures")
    ap.add_argument("--species", default=None,
                    help="only the figures with a free voice in one of these species, e.g. 5 (default: all)")
    ap.add_argument("--default-ranking", action="store_true",
                    help="rank as the CLI does (penalty and the free critic), not by the penalty alone")
    args = ap.parse_args()
    todo = jobs()
    if args.species:
        wanted = {int(x) for x in args.species.split(",")}
        todo = [job for job in todo if wanted & set(job["species"])]
    todo = todo[: args.limit]
    t0 = time.monotonic()
    results = []
    for job in todo:
        r = run(job, args.default_ranking)
        results.append(r)
        sp = ",".join(map(str, job["species"]))
        state = (f"first {r['first']:.2f} s, top {r['count']} {r['top']:.2f} s, penalty {r['best']:g}" if r["solved"]
                 else f"NOT SOLVED ({r['top']:.1f} s): {r['why']}")
        print(f"fig. {job['figure']}: {job['voices']} voices, species {sp}, cf voice {job['cf_voice']}: {state}",
              file=sys.stderr, flush=True)
    print(f"{len(results)} exercises, seed 1, time limit 10 s (three voices) / 30 s (four), ranked by "
          f"{'penalty + free critic (the default)' if args.default_ranking else 'penalty'} "
          f"({time.monotonic() - t0:.0f} s in all)\n")
    print(table(results))
    unsolved = [r for r in results if not r["solved"]]
    by_species: dict[tuple, list] = {}
    for r in results:
        by_species.setdefault((r["voices"], r["species"], r["cf_voice"]), []).append(r)
    from counterpoint.analysis import idiom_table
    from tests.support import load_fux_voices

    generated: dict[int, list[dict]] = {}
    fux: dict[int, list[dict]] = {}
    for r in results:
        for sp, stats in r.get("idioms", ()):
            generated.setdefault(sp, []).append(stats)
        for sp, stats in voice_idioms(load_fux_voices(r["figure"])):
            fux.setdefault(sp, []).append(stats)
    for v in (3, 4):
        rs = [r for r in results if r["voices"] == v and r["solved"] and r["fux_penalty"] is not None]
        cheaper = sum(1 for r in rs if r["best"] <= r["fux_penalty"])
        print(f"\n{v} voices: the best texture's penalty is no more than Fux's own in {cheaper}/{len(rs)} figures "
              f"(those whose solution passes the fux rulebook)")
    print("\nIdioms of the free voices, best texture vs Fux's voices in the same figures (per species; "
          "✓ within half Fux's sd):\n")
    print("\n".join(idiom_table({sp: generated[sp] for sp in sorted(generated) if sp in fux}, fux)))
    if unsolved:
        print("\nnot solved:\n")
        for r in unsolved:
            print(f"- fig. {r['figure']} (species {','.join(map(str, r['species']))}, cf voice {r['cf_voice']}): {r['why']}")


if __name__ == "__main__":
    main()
