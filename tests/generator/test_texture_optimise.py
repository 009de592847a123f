"""Improving textures (counterpoint.generator.texture_optimise): a window of one voice re-solved at a time.

Every neighbour keeps every voice but one, and of that voice every note outside one window; every texture the
improvement adds passes check_texture; and the improvement lowers the best penalty the construction found.
"""

from __future__ import annotations

import random

import pytest

from counterpoint.catalogue.rulebook import load_rulebook
from counterpoint.catalogue.texture_engine import check_texture
from counterpoint.generator import cantus_exercise
from counterpoint.generator.optimise import WINDOW_NOTES
from counterpoint.generator.texture import _Generator, generate_texture
from counterpoint.generator.texture_optimise import _neighbours
from tests.support import load_fux_voices

BOOK = load_rulebook("fux")


def fux_cf(figure: str) -> tuple[str, str]:
    tex = load_fux_voices(figure)
    return " ".join(n.pitch.name for n in tex.cf if n.pitch is not None), tex.mode.label


@pytest.mark.parametrize("figure,species,cf_voice", [("147", (4, 1), 3), ("134", (3, 2), 3), ("101", (1, 1), 1)])
def test_improvement_lowers_the_best_penalty(figure, species, cf_voice):
    cf, mode = fux_cf(figure)
    built = generate_texture(cf, species=species, cf_voice=cf_voice, n=3, seed=1, time_limit=60, mode=mode, effort=0)
    better = generate_texture(cf, species=species, cf_voice=cf_voice, n=3, seed=1, time_limit=60, mode=mode, effort=80)
    assert built.stats["steps"] == 0 and 0 < better.stats["steps"] <= 80 and not better.stats["timed_out"]
    assert better[0].penalty < built[0].penalty
    for sol in better:
        assert check_texture(sol.texture, BOOK).ok


def _attack_pitches(voice):
    out, tied = [], False
    for note in voice.notes:
        if note.pitch is not None and not tied:
            out.append((note.start, note.pitch))
        tied = note.tie
    return out


def test_a_neighbour_changes_one_window_of_one_free_voice():
    cf, mode = fux_cf("134")
    base = cantus_exercise(cf, mode)
    rng = random.Random(3)
    gen = _Generator(base, (3, 2), 2, BOOK, rng)
    parent = generate_texture(cf, species=(3, 2), cf_voice=3, n=1, seed=1, mode=mode, effort=0)[0]
    gen.relaxed = True
    seen = 0
    for _ in range(12):
        for child in _neighbours(gen, parent, float("inf"), rng):
            changed = [i for i, (a, b) in enumerate(zip(parent.texture.voices, child.voices)) if a.notes != b.notes]
            assert len(changed) == 1 and changed[0] != parent.texture.cf_voice
            v = changed[0]
            before, after = _attack_pitches(parent.texture.voices[v]), _attack_pitches(child.voices[v])
            assert [s for s, _ in before] == [s for s, _ in after]  # the rhythm stays
            moved = [k for k, (a, b) in enumerate(zip(before, after)) if a != b]
            assert moved and moved[-1] - moved[0] < WINDOW_NOTES[gen.species[v]][1]
            seen += 1
    assert seen > 0

