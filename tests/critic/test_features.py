"""Critic features: named, in one order, computed for batches, and musically right on known lines."""

from __future__ import annotations

import numpy as np

from counterpoint import check
from counterpoint.critic.features import FEATURE_NAMES, FEATURES, Texture, count_matrix, extract
from tests.support import load_fux


def _row(ex):
    tex = Texture.from_exercises([ex])
    return dict(zip(FEATURE_NAMES, extract(tex, count_matrix([check(ex)]))[0]))


def test_names_are_unique_and_follow_family_dot_descriptor():
    assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES)
    assert all(name.count(".") >= 1 for name in FEATURE_NAMES)
    assert len(FEATURES) >= 8


def test_fux_fig5_values():
    # A4 A4 G4 A4 B4 C5 C5 B4 D5 C#5 D5 over D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4
    row = _row(load_fux("5-lower"))
    assert row["vertical.third"] == 5 / 11  # bars 2, 3, 5, 7, 8
    assert row["vertical.dissonant"] == 0
    assert row["melody.repeat"] == 2 / 10 and row["melody.step"] == 7 / 10
    assert row["contour.climax_unique"] == 0  # D5 in bars 9 and 11
    assert row["rule.M404"] == 2 / 11  # two repeated notes per 11 bars


def test_fourth_species_suspensions_are_seen():
    row = _row(load_fux("73-lower"))
    assert row["dissonance.suspension"] > 0 and row["dissonance.other"] == 0


def test_batch_equals_one_by_one():
    from counterpoint.generator import generate

    sols = generate("D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4", species=3, n=5, seed=2, effort=20)  # one rhythm
    tex = Texture.from_exercises([s.exercise for s in sols])
    batch = extract(tex, count_matrix([s.report for s in sols]))
    single = np.vstack([extract(Texture.from_exercises([s.exercise]), count_matrix([s.report])) for s in sols])
    assert np.allclose(batch, single)
