"""The critic judges each species as that species: Palestrina reduced to species skeletons, a species
feature, and per-species blend weights in the ranking."""

from __future__ import annotations

import math
import random
from dataclasses import replace

import numpy as np
import pytest

from counterpoint.catalogue.engine import check_exercise
from counterpoint.critic.examples import _consonant, negatives_rulebook, reduce_to_species, skeleton
from counterpoint.critic.features import FEATURE_NAMES, Texture, batch_key, count_matrix, extract
from counterpoint.critic.scoring import BLEND, blend_weights, blended_rank
from counterpoint.model.build import from_text
from tests.support import fux_figures, load_fux


def _sounded_in_bar(ex, bar):
    lo, hi = bar * ex.bar_ticks, (bar + 1) * ex.bar_ticks
    return {n.pitch for n in ex.cp if n.pitch is not None and n.start < hi and n.end > lo}


@pytest.mark.parametrize("figure", ["83-upper", "85a-lower", "87a-lower"])
def test_first_species_skeletons_of_florid_lines_are_legal_and_made_of_the_real_pitches(figure):
    real = replace(load_fux(figure), species=5)
    sk = skeleton(real, 1, random.Random(0))
    assert sk is not None, "the reduction should find a legal first-species skeleton of this line"
    assert sk.species == 1 and sk.cf == real.cf
    assert check_exercise(sk, negatives_rulebook()).ok
    assert [n.duration for n in sk.cp] == [16] * real.n_bars
    for bar, (n, c) in enumerate(zip(sk.cp, sk.cf)):
        assert n.pitch in _sounded_in_bar(real, bar)
        assert _consonant(n.pitch, c.pitch)


@pytest.mark.parametrize("figure,species", [("5-lower", 1), ("6-upper", 1), ("73-lower", 4)])
def test_a_line_already_in_the_species_rhythm_reduces_to_itself(figure, species):
    fux = load_fux(figure)
    real = replace(fux, species=5)  # as a Palestrina window is labelled
    same = [sk for seed in range(30) if (sk := skeleton(real, species, random.Random(seed))) is not None
            and [n.duration for n in sk.cp] == [n.duration for n in fux.cp]]
    assert same and all(sk.cp == fux.cp for sk in same)


def test_a_dissonant_downbeat_takes_the_consonance_the_line_reaches_in_that_bar():
    # Bar 2: E4 suspended over F3 (a seventh), resolving to D4 (a sixth); bar 3 holds C4 over E3.
    real = from_text("D3 F3 E3 D3", "A3:2 E4:2~ | E4:2 D4:2 | C4:1 | D4:1", species=5)
    sk = reduce_to_species(real, 1, random.Random(0))
    assert [n.pitch.name for n in sk.cp] == ["A3", "D4", "C4", "D4"]


def test_species_features_tell_the_textures_apart_and_batches_keep_them_apart():
    fux1 = load_fux("5-lower")
    as5 = replace(fux1, species=5)
    assert batch_key(fux1) != batch_key(as5)
    i, j = FEATURE_NAMES.index("species.note_against_note"), FEATURE_NAMES.index("species.syncopated")
    row1 = extract(Texture.from_exercises([fux1]), count_matrix([check_exercise(fux1, _fux())]))[0]
    row5 = extract(Texture.from_exercises([as5]), count_matrix([check_exercise(as5, _fux())]))[0]
    assert (row1[i], row1[j]) == (1.0, 0.0) and (row5[i], row5[j]) == (0.0, 0.0)
    fux4 = load_fux("73-lower")
    row4 = extract(Texture.from_exercises([fux4]), count_matrix([check_exercise(fux4, _fux())]))[0]
    assert (row4[i], row4[j]) == (0.0, 1.0)


def _fux():
    from counterpoint.catalogue.rulebook import load_rulebook

    return load_rulebook("fux")


def test_the_shipped_weights_are_finite_and_one_per_species():
    w = blend_weights()
    assert sorted(w) == [1, 2, 3, 4, 5]
    assert all(math.isfinite(v) and v >= 0 for v in w.values())
    from counterpoint.critic.scoring import cached_model

    stored = cached_model().metadata["blend_by_species"]
    assert {int(k): float(v) for k, v in stored.items()} == w


def test_blended_rank_uses_the_weight_of_each_solutions_species():
    from counterpoint.critic.scoring import cached_model, score_many
    from counterpoint.generator import generate

    model = cached_model()
    cf = "D3 F3 E3 D3 G3 F3 A3 G3 F3 E3 D3"
    sols = list(generate(cf, species=1, n=2, seed=3, effort=0)) + list(
        generate(cf, species=2, n=2, seed=3, effort=0))
    fake = replace(model, metadata={**model.metadata, "blend_by_species": {"1": 0.0, "2": 7.0, "3": 1, "4": 1, "5": 1}})
    costs = blended_rank(fake)(sols)
    critic = score_many(sols, fake)
    assert costs[0] == pytest.approx(sols[0].penalty) and costs[1] == pytest.approx(sols[1].penalty)
    assert costs[2] == pytest.approx(sols[2].penalty + 7.0 * (1 - critic[2]))
    assert blended_rank(fake, weight=2.0)(sols)[0] == pytest.approx(sols[0].penalty + 2.0 * (1 - critic[0]))
    # a model without weights falls back on BLEND for every species
    bare = replace(model, metadata={})
    assert blend_weights(bare) == {s: BLEND for s in range(1, 6)}


def test_the_default_ranking_weighs_the_style_distance_by_species(monkeypatch):
    """penalty + w × (1 − critic) + s × style distance, with s the model's style weight for the species."""
    from counterpoint.critic import STYLE, scoring, style_weights
    from counterpoint.generator import generate
    from counterpoint.ranking import default_rank

    model = scoring.cached_model()
    cf = "D3 F3 E3 D3 G3 F3 A3 G3 F3 E3 D3"
    sols = list(generate(cf, species=1, n=2, seed=3, effort=0)) + list(
        generate(cf, species=2, n=2, seed=3, effort=0))
    fake = replace(model, metadata={**model.metadata, "style_by_species": {"1": 0.0, "2": 3.0, "3": -1, "4": "x"}})
    assert style_weights(fake) == {1: 0.0, 2: 3.0, 3: STYLE, 4: STYLE, 5: STYLE}  # bad or missing: the default
    monkeypatch.setattr(scoring, "cached_model", lambda *a, **k: fake)
    rank, note = default_rank()
    assert note == ""
    costs = rank(sols)
    blended = blended_rank(fake)(sols)
    distances = [s.parts["style"] for s in sols]
    assert distances[2] > 0 or distances[3] > 0, "a second-species line far from Fux's idioms is needed"
    assert costs[0] == pytest.approx(blended[0]) and costs[1] == pytest.approx(blended[1])
    assert costs[2] == pytest.approx(blended[2] + 3.0 * distances[2], abs=1e-3)
    assert costs[3] == pytest.approx(blended[3] + 3.0 * distances[3], abs=1e-3)


def test_the_shipped_style_weights_are_the_fitted_ones():
    """bench/fux_critic.py --fit --write --keep-blend stored them beside the record of the fit."""
    from counterpoint.critic import style_weights
    from counterpoint.critic.scoring import cached_model

    meta = cached_model().metadata
    assert {int(k): float(v) for k, v in meta["style_by_species"].items()} == style_weights()
    assert set(meta["style_fit"]["leave_one_out_median_percentile"]) == {"1", "2", "3", "4", "5"}


@pytest.mark.parametrize("figure", ["22-lower", "6-upper", "12-upper"])
def test_the_critic_prefers_these_fux_first_species_lines_to_most_generated_ones(figure):
    """The previous, florid-only critic scored Fig. 22 at 0.05, below nearly every generated line."""
    from counterpoint.critic.scoring import score_many
    from counterpoint.generator import generate

    ex = load_fux(figure)
    rivals = generate(list(ex.cf_pitches), species=1, position=ex.position, n=40, seed=5, effort=0,
                      min_diff=1, mode=ex.mode)
    assert len(rivals) >= 20
    s = score_many([ex, *[r.exercise for r in rivals]])
    assert s[0] > 0.6
    assert np.mean(s[1:] < s[0]) >= 0.6, (s[0], np.median(s[1:]))


def test_gated_forest_scores_each_texture_with_its_own_model(tmp_path):
    from counterpoint.critic.model import load_model
    from counterpoint.critic.train import CANDIDATES, fit, gate_forests

    rng = np.random.default_rng(0)
    n = len(FEATURE_NAMES)
    i, j = FEATURE_NAMES.index("species.note_against_note"), FEATURE_NAMES.index("species.syncopated")

    def data(flags):
        X = rng.normal(size=(300, n))
        X[:, i], X[:, j] = flags
        y = (X[:, 0] + 0.5 * rng.normal(size=300) > 0).astype(float)
        return X, y

    florid = fit(*data((0, 0)), CANDIDATES["trees 200x31"])
    Xs, ys = data((1, 0))
    Xs[150:, i], Xs[150:, j] = 0, 1  # half of the reduced rows are fourth species
    reduced = fit(Xs, 1 - ys, CANDIDATES["trees 200x31"])  # learns the opposite, so a mix-up shows
    gated = gate_forests(florid, reduced, typical=np.zeros(n))
    gated.save(tmp_path / "g.json")
    gated = load_model(tmp_path / "g.json")
    Xf, _ = data((0, 0))
    assert np.allclose(gated.score(Xf), florid.score(Xf))
    assert np.allclose(gated.score(Xs), reduced.score(Xs))
    assert not np.allclose(gated.score(Xs), florid.score(Xs))
