"""Four voices: the four-voice model, the three-voice model over a window's four triples, or both?

    PYTHONPATH=. .venv/bin/python bench/four_voice_critic.py      # about four minutes

Three tests, each scored three ways (the four-voice model alone; the mean of the three-voice model over the
window's four voice triples; the mean of the two, which `counterpoint.critic.free.score_passage` uses):

1. held-out Palestrina (the masses in neither model): four-voice windows against the same windows with a third of
   one voice's notes moved by a step or a third, rhythm kept (up to 3,000 windows, seed 1);
2. held-out Palestrina textures over a cantus firmus (one voice in whole notes for eight bars under three moving
   voices) against the generator's in their rhythm (three each, `textures_in_rhythm`, 2 s);
3. Fux's 30-odd four-voice figures against the generator's textures over his cantus firmi (n=10, seed 1, 4 s):
   the AUC of "his scores above a generated one", and how often his texture comes first by rule penalty +
   W × (1 − critic score), at W = 80 (`counterpoint.ranking.TEXTURE_BLEND`) and 40.

Corpora come from $COUNTERPOINT_CACHE (read once, using both cores, if missing).
"""

from __future__ import annotations

import random
import sys
import time
import warnings
from itertools import combinations
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
WAYS = ("four-voice model", "triples (three-voice model)", "mean of both (shipped)")


def main() -> None:
    sys.path.insert(0, str(ROOT))
    warnings.simplefilter("ignore")
    from counterpoint.critic.free import free_models, perturb, window_lines, windows
    from counterpoint.critic.free_features import window_features
    from counterpoint.critic.free_train import auc, load_pieces, split_by_group

    t0 = time.perf_counter()
    models = free_models()
    m3, m4 = models[3], models[4]

    def three_ways(piece, lines, a, b, shared):
        four = float(m4.score(window_features(piece, lines, a, b, shared))[0])
        rows = np.array([window_features(piece, [lines[i] for i in c], a, b, shared)
                         for c in combinations(range(4), 3)])
        tri = float(m3.score(rows).mean())
        return four, tri, (four + tri) / 2

    pieces = load_pieces("palestrina")
    _, held = split_by_group(pieces, seed=int(m4.metadata.get("seed", 0)))
    # 1. wrong notes
    rng = random.Random(1)
    total = sum(len(windows(p, 4)) for p in held)
    keep = min(1.0, 3000 / total) if total else 0.0
    real, moved = [], []
    for p in held:
        shared: dict = {}
        for a, b, combo in windows(p, 4):
            if rng.random() >= keep:
                continue
            lines = window_lines(p, combo)
            real.append(three_ways(p, lines, a, b, shared))
            moved.append(three_ways(p, perturb(p, lines, a, b, rng), a, b, shared))
    real, moved = np.array(real), np.array(moved)
    # 2. real textures against generated ones in their rhythm
    from counterpoint.critic.free_read import piece_from_model
    from counterpoint.critic.texture_examples import real_textures, texture_negatives_rulebook
    from counterpoint.generator.texture import textures_in_rhythm

    def texture_ways(tex):
        piece = piece_from_model(tex)
        (a, b, combo), = windows(piece, 4)
        return three_ways(piece, window_lines(piece, combo), a, b, {})

    book = texture_negatives_rulebook()
    t_real, t_gen = [], []
    for i, p in enumerate(held):
        for k, tex in enumerate(real_textures(p, random.Random(i), voices=4)):
            made = textures_in_rhythm(tex, book, 3, seed=k, time_limit=2.0)
            if made:
                t_real.append(texture_ways(tex))
                t_gen += [texture_ways(g) for g in made]
    t_real, t_gen = np.array(t_real), np.array(t_gen)
    # 3. Fux's four-voice figures
    from counterpoint.catalogue.rulebook import load_rulebook
    from counterpoint.catalogue.texture_engine import check_texture
    from counterpoint.critic.free import score_passage
    from counterpoint.errors import NoSolutionError
    from counterpoint.generator.texture import generate_texture
    from tests.support import fux_voice_figures, load_fux_voices

    fux_book = load_rulebook("fux")
    tri_only = {k: m for k, m in models.items() if k < 4}
    four_only = {k: m for k, m in models.items() if k != 3}

    def fux_ways(tex):
        return [score_passage(tex, four_only).score, score_passage(tex, tri_only).score, score_passage(tex).score]

    figures = []
    for row in fux_voice_figures():
        fux = load_fux_voices(row["figure"])
        if len(fux.voices) != 4:
            continue
        cf = " ".join(n.pitch.name for n in fux.cf if n.pitch is not None)
        species = tuple(int(s) for s in row["species"].split(","))
        try:
            found = generate_texture(cf, species=species, cf_voice=int(row["cf_voice"]), n=10, seed=1,
                                     time_limit=4.0, mode=fux.mode)
        except NoSolutionError:
            continue
        figures.append(([check_texture(fux, fux_book).penalty, *fux_ways(fux)],
                        [[s.penalty, *fux_ways(s.texture)] for s in found]))

    def first(j: int, w: float) -> int:
        return sum(1 for own, gen in figures
                   if not any(g[0] + w * (1 - g[1 + j]) < own[0] + w * (1 - own[1 + j]) for g in gen))

    def fux_auc(j: int) -> float:
        pairs = [(own[1 + j], g[1 + j]) for own, gen in figures for g in gen]
        return sum(1.0 if a > b else 0.5 if a == b else 0.0 for a, b in pairs) / len(pairs)

    print(f"held-out Palestrina: {len(real)} four-voice windows, {len(t_real)} textures over a cantus firmus with "
          f"{len(t_gen)} generated; Fux: {len(figures)} four-voice figures, "
          f"{sum(len(g) for _, g in figures)} generated textures ({time.perf_counter() - t0:.0f} s)\n")
    print("| scored by | held-out AUC real vs perturbed | held-out AUC real vs generated textures | "
          "Fux vs generated, AUC | Fux first at W = 80 | at W = 40 |")
    print("|---|---:|---:|---:|---:|---:|")
    for j, name in enumerate(WAYS):
        print(f"| {name} | {auc(real[:, j], moved[:, j]):.4f} | {auc(t_real[:, j], t_gen[:, j]):.4f} | "
              f"{fux_auc(j):.3f} | {first(j, 80)}/{len(figures)} | {first(j, 40)}/{len(figures)} |")


if __name__ == "__main__":
    main()
