"""Real three- and four-voice textures over a cantus firmus, the generator's in their rhythm, and the texture
critic's test of real against generated (issue 9, "Texture")."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

from counterpoint.catalogue.texture_engine import check_texture
from counterpoint.critic.free import default_free_model_path
from counterpoint.critic.free_model import load_free_model
from counterpoint.critic.free_read import Line, Piece, piece_from_score
from counterpoint.critic.free_train import auc
from counterpoint.critic.texture_examples import (SURFACE_NAMES, real_textures, surface_row, texture_negatives_rulebook,
                                                  texture_rows)
from counterpoint.generator.texture import textures_in_rhythm
from counterpoint.model.pitch import Pitch

# (start, end) quarter lengths and pitch names; diatonic numbers and MIDI from the spelled pitch
CF = [(4.0 * k, 4.0 * k + 4, p) for k, p in enumerate("D3 F3 E3 D3 G3 F3 E3 D3".split())]
MIDDLE = [(2.0 * k, 2.0 * k + 2, p) for k, p in enumerate(
    "A3 D4 C4 A3 G3 Bb3 A3 F3 D4 B3 C4 D4 C4 Bb3 A3 A3".split())]
# a dotted whole note from beat 2 of bar 1 across the bar line, quarters, a whole note at the end
TOP = ([(0.0, 2.0, "D5"), (2.0, 8.0, "F5"), (8.0, 9.0, "E5"), (9.0, 10.0, "D5"), (10.0, 12.0, "C5")]
       + [(12.0 + 2 * k, 14.0 + 2 * k, p) for k, p in enumerate("D5 E5 F5 G5 A5 F5 G5 E5 F5 E5".split())]
       + [(32.0, 36.0, "F5")])


ALTO = [(2.0 * k, 2.0 * k + 2, p) for k, p in enumerate(
    "F4 A4 G4 F4 E4 D4 E4 F4 A4 G4 A4 F4 G4 F4 E4 F4".split())]


def _line(name, notes) -> Line:
    pitches = [Pitch.parse(p) for _, _, p in notes]
    return Line(name, np.array([s for s, _, _ in notes]), np.array([e for _, e, _ in notes]),
                np.array([p.midi for p in pitches]), np.array([p.diatonic for p in pitches]))


def _piece(lines, bar=8.0, strong=4.0, n_bars=5) -> Piece:
    return Piece("test", tuple(lines), np.arange(n_bars) * bar, np.arange(1, n_bars + 1), np.full(n_bars, strong),
                 np.full(n_bars, 2.0), ((0.0, -1),))


def _top_middle_bottom():
    return [_line("Cantus", TOP), _line("Tenor", MIDDLE), _line("Bassus", CF)]


def test_a_voice_in_whole_notes_under_two_moving_voices_is_a_texture_over_a_cantus_firmus():
    (tex,) = real_textures(_piece(_top_middle_bottom()), random.Random(0))
    assert tex.n_bars == 8 and tex.cf_voice == 2
    assert [n.pitch.name for n in tex.cf] == "D3 F3 E3 D3 G3 F3 E3 D3".split()
    assert not any(n.tie for n in tex.cf)
    top = tex.voices[0].notes
    # the dotted whole F5 is cut at the bar line into a tied half and a whole
    assert [(n.pitch.name, n.start, n.duration, n.tie) for n in top[1:3]] == [("F5", 8, 8, True), ("F5", 16, 16, False)]
    for v in tex.voices:
        assert all(n.start // 16 == (n.end - 1) // 16 for n in v.notes)  # every note inside one bar
        assert sum(n.duration for n in v.notes) == 8 * 16
    # the flat is kept as spelled
    assert Pitch.parse("Bb3") in [n.pitch for n in tex.voices[1].notes]


def test_no_texture_where_a_voice_rests_the_cantus_firmus_holds_or_the_metre_is_triple():
    top, middle, bottom = _top_middle_bottom()
    resting = _line("Tenor", MIDDLE[:5] + MIDDLE[6:])  # a half rest in bar 3
    assert real_textures(_piece([top, resting, bottom]), random.Random(0)) == []
    held = _line("Bassus", [(0.0, 12.0, "D3")] + CF[3:])  # three bars on one note: five attacks in eight bars
    assert real_textures(_piece([top, middle, held]), random.Random(0)) == []
    assert real_textures(_piece([top, middle, bottom], bar=6.0, strong=6.0, n_bars=7), random.Random(0)) == []


def test_four_voices_over_a_cantus_firmus_make_a_four_voice_texture_and_the_generator_writes_three_free_voices():
    lines = [_line("Cantus", TOP), _line("Altus", ALTO), _line("Tenor", MIDDLE), _line("Bassus", CF)]
    (tex,) = real_textures(_piece(lines), random.Random(0), voices=4)
    assert tex.n_voices == 4 and tex.cf_voice == 3
    assert [n.pitch.name for n in tex.voices[1].notes][:4] == ["F4", "A4", "G4", "F4"]
    assert real_textures(_piece(lines), random.Random(0), voices=3)  # three of them make one too
    assert real_textures(_piece(lines[:1] + lines[2:]), random.Random(0), voices=4) == []  # only three voices
    rows = texture_rows(tex)
    assert rows.shape == (1, len(load_free_model(default_free_model_path(4)).feature_names))
    book = texture_negatives_rulebook()
    made = textures_in_rhythm(tex, book, 2, seed=1, time_limit=5.0)
    assert len(made) == 2
    for g in made:
        assert check_texture(g, book).ok and g.cf == tex.cf and g.n_voices == 4
    # the baseline's surface row keeps its width: top, inner voices' mean, bottom
    assert surface_row(tex).shape == (len(SURFACE_NAMES),)


@pytest.fixture(scope="module")
def texture():
    (tex,) = real_textures(_piece(_top_middle_bottom()), random.Random(0))
    return tex


def test_generated_textures_keep_the_rhythm_and_the_ranges_and_are_strict_counterpoint(texture):
    book = texture_negatives_rulebook()
    made = textures_in_rhythm(texture, book, 3, seed=1, time_limit=5.0)
    assert len(made) == 3
    assert textures_in_rhythm(texture, book, 3, seed=1, time_limit=5.0) == made  # one seed, the same textures
    for tex in made:
        assert check_texture(tex, book).ok
        assert tex.cf == texture.cf
        assert tex.voices != texture.voices
        for real, new in zip(texture.voices, tex.voices):
            assert [(n.start, n.duration, n.tie, n.pitch is None) for n in new.notes] == \
                   [(n.start, n.duration, n.tie, n.pitch is None) for n in real.notes]
            steps = [n.pitch.diatonic for n in real.notes]
            assert all(min(steps) - 1 <= n.pitch.diatonic <= max(steps) + 1 for n in new.notes)
        # the surface cues the baseline sees: the same attacks and note values
        same = [i for i, name in enumerate(SURFACE_NAMES) if name.startswith(("attacks", "rhythm", "ties"))]
        assert np.allclose(surface_row(tex)[same], surface_row(texture)[same])


@pytest.mark.parametrize("voices, at_least", [(3, 15), (4, 10)])
def test_the_texture_models_prefer_held_out_palestrina_to_the_generator_over_his_cantus_firmus(voices, at_least):
    """Two movements of Missa Papae Marcelli and Missa Benedicta es, masses the shipped models never saw."""
    from music21 import converter

    from counterpoint.critic.free_train import corpus_files

    path = default_free_model_path(voices)
    model = load_free_model(path)
    held_out = set(json.loads(path.read_text())["model"]["metadata"]["test_groups"])
    assert {"Missa Papae Marcelli", "Missa Benedicta es"} <= held_out
    files = [f for f in corpus_files("palestrina") if f.name in ("Sanctus_97.krn", "Credo_97_b.krn")]
    book = texture_negatives_rulebook()
    real, made = [], []
    for f in files:
        piece = piece_from_score(converter.parse(f))
        for k, tex in enumerate(real_textures(piece, random.Random(0), voices=voices)):
            assert tex.n_voices == voices
            real.append(model.score(texture_rows(tex))[0])
            made += [model.score(texture_rows(g))[0] for g in textures_in_rhythm(tex, book, 2, seed=k, time_limit=5.0)]
    assert len(real) >= at_least and len(made) >= 2 * len(real) - 2
    assert auc(np.array(real), np.array(made)) >= 0.9
