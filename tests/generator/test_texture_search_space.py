"""Fux's own three- and four-voice solutions lie inside the texture generator's search space (issue 8).

For every figure that passes the ``fux`` rulebook, each free voice is put where the generator would write
it, in the generator's own order, against Fux's voices written before it: every constraint the generator
builds for it (each pair's rule windows, the pair's whole-line rules, the T rules on the voices so far)
holds on Fux's notes, his pitches lie in the voice's domain (its mode's notes within its range), and his
rhythm is one the generator can draw. A constraint the generator adds that Fux breaks, or a range that
shuts out his line, fails here.
"""

from __future__ import annotations

import random

import pytest

from counterpoint.catalogue.rulebook import load_rulebook
from counterpoint.generator import cantus_exercise
from counterpoint.generator.model import _broken
from counterpoint.generator.rhythm import rhythm_of
from counterpoint.generator.texture import LAST_ONLY, _Generator, _TextureModel, _Voice
from tests.catalogue.test_fux_voices import OPEN
from tests.support import fux_voice_figures, load_fux_voices

BOOK = load_rulebook("fux")
FIGURES = [row["figure"] for row in fux_voice_figures() if row["figure"] not in OPEN]


def test_the_figures_that_pass_are_the_ones_tested():
    assert len(FIGURES) == 76 - len(OPEN) == 71


@pytest.mark.parametrize("figure", FIGURES)
def test_fux_texture_lies_in_the_generators_search_space(figure):
    tex = load_fux_voices(figure)
    cf = tex.voices[tex.cf_voice]
    base = cantus_exercise([n.pitch for n in cf.notes if n.pitch is not None], tex.mode)
    assert [n.pitch for n in base.cf] == [n.pitch for n in cf.notes if n.pitch is not None]
    species = tuple(v.species for i, v in enumerate(tex.voices) if i != tex.cf_voice)
    gen = _Generator(base, species, tex.cf_voice, BOOK, random.Random(0))
    fixed = {tex.cf_voice: base.cf}
    for depth, v in enumerate(gen.order):
        notes = tex.voices[v].notes
        name = tex.voices[v].name
        last = depth == len(gen.order) - 1
        voice = _Voice(gen, v, rhythm_of(notes, tex.bar_ticks))
        voice.notes = notes
        # his rhythm: every bar but the last is a pattern the generator draws for this species (the
        # species' own, or one the rulebook's texture options license)
        allowed = {p for place in gen.rhythms(voice.species).values() for p, _ in place}
        bars = rhythm_of(notes, tex.bar_ticks)
        assert all(b in allowed for b in bars[:-1]), (name, [b.label for b in bars if b not in allowed])
        # his pitches: inside the voice's range and mode
        outside = sorted({p.name for p in _attacks(notes)} - {p.name for p in voice.pitches})
        assert not outside, f"{name}: {outside} lie outside the generator's domain for this voice"
        # every pair constraint holds on his notes
        for what, m in voice.models(fixed, last):
            assert not m.fixed_failures, (what, [s.rule.code for s, _ in m.fixed_failures])
            pitches = [a.pitch for a in m.ctx.cp]
            assert len(pitches) == m.n
            m.ctx.cp_pitches[:] = pitches
            for deps, checks in m.windows.items():
                for setting, i in checks:
                    assert not _broken(setting.rule.fn(m.ctx, i, setting.options)), (what, setting.rule.code, i)
            assert m.whole_ok(tuple(pitches)), what
        # and so do the T rules on the voices written so far
        t_settings = gen.t_settings if last else [s for s in gen.t_settings if s.rule.code not in LAST_ONLY]
        parts = {**fixed, v: notes}
        sub, at = gen.subtexture(parts, v)
        tmodel = _TextureModel(sub, at, t_settings)
        for deps, checks in tmodel.windows.items():
            for setting, i in checks:
                assert not _broken(setting.rule.fn(tmodel.ctx, i, setting.options)), (name, setting.rule.code, i)
        fixed[v] = notes


def _attacks(notes):
    return [n.pitch for n in notes if n.pitch is not None]
