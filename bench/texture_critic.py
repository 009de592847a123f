"""Does the free-polyphony critic (critic/free_model_3v.json, _4v.json) prefer Fux's own three- and four-voice textures
to the generator's, and what does blending it into the texture ranking do to Fux's rank?

    PYTHONPATH=. .venv/bin/python bench/texture_critic.py              # the 76 figures, a few minutes
    PYTHONPATH=. .venv/bin/python bench/texture_critic.py --limit 10
    PYTHONPATH=. .venv/bin/python bench/texture_critic.py --triples   # four voices over their triples, as before

For every figure of tests/data/fux_gradus/figures_voices.tsv: generate_texture over his cantus firmus with
his species per voice (n=10, seed 1, time limit 2 s for three voices, 4 s for four), then score his texture
and every generated one with the free critic (a four-voice texture by the four-voice model; with ``--triples``,
over its triples by the three-voice model, as before the four-voice model). Prints the AUC of
"Fux's texture scores above a generated one", and for blend weights W the share of figures where Fux's
texture ranks first among the 11 by cost = rule penalty + W * (1 - critic score), and its mean rank; then W
chosen on alternate figures and measured on the others (two-fold). The same for the style weight S, with W at
the shipped TEXTURE_BLEND: cost + S * the free voices' distance from the idioms of Fux's own three- and
four-voice voices (counterpoint.analysis.texture_distance; Fux's own distance taken against the profile of
the other figures, as for a texture the profile has not seen). ``--save FILE`` keeps the penalties, scores
and idiom statistics, ``--load FILE`` reports them again without generating.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WEIGHTS = (0, 5, 10, 20, 40)
GRID = (0, 5, 10, 20, 30, 40, 60, 80)
STYLE_GRID = (0, 0.5, 1, 2, 4, 8)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from counterpoint.analysis import voice_stats
    from counterpoint.catalogue.rulebook import load_rulebook
    from counterpoint.catalogue.texture_engine import check_texture
    from counterpoint.critic.free import score_passage
    from counterpoint.errors import NoSolutionError
    from counterpoint.generator.texture import generate_texture
    from tests.support import fux_voice_figures, load_fux_voices

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int)
    ap.add_argument("--save", help="write the figures' penalties and scores to this JSON file")
    ap.add_argument("--load", help="read them from this JSON file instead of generating")
    ap.add_argument("--triples", action="store_true", help="score four voices over their triples (no four-voice model)")
    args = ap.parse_args()
    from counterpoint.critic.free import free_models

    models = {k: m for k, m in free_models().items() if k < 4} if args.triples else None
    if args.load:
        rows = [tuple(r) for r in json.loads(Path(args.load).read_text())]
        if any(len(r[2]) < 3 for r in rows):
            raise SystemExit(f"{args.load} holds no idiom statistics (written before they were saved); run --save again.")
        add_style(rows)
        report(rows, f"{len(rows)} figures from {args.load}")
        return
    book = load_rulebook("fux")
    rows = []
    t0 = time.monotonic()
    for row in fux_voice_figures()[: args.limit]:
        fux = load_fux_voices(row["figure"])
        cf = " ".join(n.pitch.name for n in fux.cf if n.pitch is not None)
        species = tuple(int(s) for s in row["species"].split(","))
        try:
            found = generate_texture(cf, species=species, cf_voice=int(row["cf_voice"]), n=10, seed=1,
                                     time_limit=2.0 if len(fux.voices) == 3 else 4.0, mode=fux.mode)
        except NoSolutionError:
            continue
        own = (check_texture(fux, book).penalty, score_passage(fux, models).score, voice_stats(fux))
        gen = [(s.penalty, score_passage(s.texture, models).score, voice_stats(s.texture)) for s in found]
        rows.append((row["figure"], len(fux.voices), list(own), [list(g) for g in gen]))
    if args.save:
        Path(args.save).write_text(json.dumps(rows))
    add_style(rows)
    report(rows, f"{len(rows)} figures, {sum(len(g) for *_, g in rows)} generated textures "
                 f"({time.monotonic() - t0:.0f} s)")


def ranks(rows, w: float, s: float = 0.0) -> list[int]:
    """Fux's rank among his texture and the generated ones, by penalty + w * (1 - critic) + s * style, per figure
    (style: the row's distances, ``add_style``)."""
    out = []
    for *_, own, gen in rows:
        mine = own[0] + w * (1 - own[1]) + (s * own[3] if s else 0)
        out.append(1 + sum(1 for g in gen if g[0] + w * (1 - g[1]) + (s * g[3] if s else 0) < mine))
    return out


def add_style(rows) -> None:
    """Append to every texture its style distance: the generated ones against the shipped profile of Fux's
    three- and four-voice voices, Fux's own against the profile of the voices of the other figures."""
    from counterpoint.analysis import load_profile, profile_distance, profile_of_stats

    shipped = load_profile(part="textures")
    for k, (_, _, own, gen) in enumerate(rows):
        others = profile_of_stats([vs for j, r in enumerate(rows) if j != k for vs in r[2][2]])
        own.append(sum(profile_distance(st, sp, others)[0] for sp, st in own[2]))
        for g in gen:
            g.append(sum(profile_distance(st, sp, shipped)[0] for sp, st in g[2]))


def report(rows, title: str) -> None:
    pairs = [(own[1], g[1]) for _, _, own, gen in rows for g in gen]
    auc = sum(1.0 if a > b else 0.5 if a == b else 0.0 for a, b in pairs) / len(pairs)
    print(title + "\n")
    print(f"free critic, Fux's texture vs a generated one over his cantus firmus: AUC {auc:.3f}")
    mean_f = sum(own[1] for *_, own, _ in rows) / len(rows)
    mean_g = sum(g[1] for *_, gen in rows for g in gen) / len(pairs)
    print(f"mean critic score: Fux {mean_f:.3f}, generated {mean_g:.3f}\n")
    print("| W | Fux's texture ranks first | mean rank of Fux's among 11 |")
    print("|---:|---:|---:|")
    for w in WEIGHTS:
        r = ranks(rows, w)
        print(f"| {w} | {sum(x == 1 for x in r)}/{len(r)} | {sum(r) / len(r):.2f} |")
    for k in sorted({r[1] for r in rows}):
        part = [r for r in rows if r[1] == k]
        pk = [(own[1], g[1]) for _, _, own, gen in part for g in gen]
        auc_k = sum(1.0 if a > b else 0.5 if a == b else 0.0 for a, b in pk) / len(pk)
        print(f"\n{k} voices ({len(part)} figures): AUC {auc_k:.3f}; Fux's texture first at W = "
              + ", ".join(f"{w}: {sum(x == 1 for x in ranks(part, w))}/{len(part)}" for w in (0, 20, 80)))
    # Two-fold cross-validation of W over the figures (alternate figures in each half): W chosen on one half
    # by the mean rank of Fux's texture, measured on the other.
    print("\nW chosen on one half of the figures (grid " + ", ".join(map(str, GRID)) + "), measured on the other:\n")
    print("| chosen on | W | held-out figures | Fux first (held out) | mean rank (held out) | at W = 20 (held out) |")
    print("|---|---:|---:|---:|---:|---:|")
    halves = (rows[0::2], rows[1::2])
    for k, name in ((0, "odd rows"), (1, "even rows")):
        fit, test = halves[k], halves[1 - k]
        w = min(GRID, key=lambda g: (sum(ranks(fit, g)), g))
        r, r20 = ranks(test, w), ranks(test, 20)
        print(f"| {name} | {w} | {len(test)} | {sum(x == 1 for x in r)}/{len(r)} | {sum(r) / len(r):.2f} | "
              f"{sum(x == 1 for x in r20)}/{len(r20)}, {sum(r20) / len(r20):.2f} |")
    from counterpoint.ranking import TEXTURE_BLEND, TEXTURE_STYLE

    w = TEXTURE_BLEND
    print(f"\nStyle weight S at W = {w:g}: Fux's texture among the 11 by cost + S × distance from Fux's idioms:\n")
    print("| S | Fux's texture ranks first | mean rank of Fux's among 11 |")
    print("|---:|---:|---:|")
    for s in STYLE_GRID:
        r = ranks(rows, w, s)
        print(f"| {s:g} | {sum(x == 1 for x in r)}/{len(r)} | {sum(r) / len(r):.2f} |")
    print(f"\nS chosen on one half of the figures (grid {', '.join(map(str, STYLE_GRID))}), measured on the other "
          f"(shipped S = {TEXTURE_STYLE:g}):\n")
    print("| chosen on | S | held-out figures | Fux first (held out) | mean rank (held out) | at S = 0 (held out) |")
    print("|---|---:|---:|---:|---:|---:|")
    for k, name in ((0, "odd rows"), (1, "even rows")):
        fit, test = halves[k], halves[1 - k]
        s = min(STYLE_GRID, key=lambda g: (sum(ranks(fit, w, g)), g))
        r, r0 = ranks(test, w, s), ranks(test, w, 0)
        print(f"| {name} | {s:g} | {len(test)} | {sum(x == 1 for x in r)}/{len(r)} | {sum(r) / len(r):.2f} | "
              f"{sum(x == 1 for x in r0)}/{len(r0)}, {sum(r0) / len(r0):.2f} |")


if __name__ == "__main__":
    main()
