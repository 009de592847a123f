"""The feedback adjustment of a critic model: fitted on pairs, stored in the model file, validated on load."""

from __future__ import annotations

import json

import numpy as np
import pytest

from counterpoint.critic.adjust import Z_CLIP, fit_adjustment
from counterpoint.critic.features import FEATURE_NAMES
from counterpoint.critic.model import CriticModelError, _digest, default_model_path, load_model
from tests.critic.test_model import _model, _trees


def _pairs_preferring(X: np.ndarray, column: int, n: int = 60, seed: int = 0) -> list[tuple[int, int]]:
    rng = np.random.default_rng(seed)
    pairs = []
    for _ in range(n):
        i, j = rng.choice(len(X), 2, replace=False)
        pairs.append((i, j) if X[i, column] > X[j, column] else (j, i))
    return pairs


def _fitted(model, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(40, len(FEATURE_NAMES)))
    adj = fit_adjustment(X, FEATURE_NAMES, model.base_decision(X), _pairs_preferring(X, 4), n_judgements=60,
                         fitted_at="2026-01-01T00:00:00Z")
    return model.with_feedback(adj, {"feedback": {"pairs": 60}}), X


def test_the_installed_model_has_no_adjustment_and_keeps_its_digest():
    doc = json.loads(default_model_path().read_text())
    model = load_model()
    assert model.feedback is None and "feedback" not in model.to_payload()
    assert model.digest == doc["sha256"] == _digest(doc["model"])


@pytest.mark.parametrize("make", [_model, lambda: _trees()[1]], ids=["logistic", "trees"])
def test_an_adjustment_works_on_either_kind_of_model_and_survives_a_file(tmp_path, make):
    base = make()
    adjusted, X = _fitted(base)
    assert adjusted.feedback.coef[list(adjusted.feedback.feature_names).index(FEATURE_NAMES[4])] > 0
    z = adjusted.feedback.z(X[:, [FEATURE_NAMES.index(n) for n in adjusted.feedback.feature_names]])
    assert np.allclose(adjusted.decision(X), base.base_decision(X) + z @ adjusted.feedback.coef)
    assert np.abs(z).max() <= Z_CLIP
    # contributions still add up to the log-odds (trees: minus the baseline; logistic: minus the intercept)
    offset = base.params.get("baseline", base.params.get("intercept"))
    assert np.isclose(adjusted.contributions(X[3]).sum() + offset, adjusted.decision(X[3])[0])
    back = load_model(adjusted.save(tmp_path / "m.json"))
    assert np.allclose(back.score(X), adjusted.score(X))
    assert back.digest == adjusted.digest != base.digest
    assert back.metadata["feedback"] == {"pairs": 60}
    assert back.with_feedback(None).digest == base.digest  # the base model is untouched inside


def test_fitting_refuses_nothing_to_learn():
    X = np.ones((5, 3))
    with pytest.raises(ValueError):
        fit_adjustment(X, ("a", "b", "c"), np.zeros(5), [], n_judgements=0, fitted_at="")
    with pytest.raises(ValueError):
        fit_adjustment(X, ("a", "b", "c"), np.zeros(5), [(0, 1)], n_judgements=1, fitted_at="")


def test_the_base_models_agreement_is_an_offset():
    """Where the base model already ranks the pairs as judged, the adjustment stays smaller than where it does not."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(50, 3))
    pairs = _pairs_preferring(X, 0, 80)
    agree = fit_adjustment(X, ("a", "b", "c"), 3 * X[:, 0], pairs, n_judgements=80, fitted_at="")
    disagree = fit_adjustment(X, ("a", "b", "c"), -3 * X[:, 0], pairs, n_judgements=80, fitted_at="")
    assert abs(agree.coef[0]) < disagree.coef[0]


def _forge(tmp_path, edit):
    adjusted, _ = _fitted(_model())
    path = adjusted.save(tmp_path / "m.json")
    doc = json.loads(path.read_text())
    edit(doc["model"]["feedback"])
    doc["sha256"] = _digest(doc["model"])  # a recomputed checksum proves nothing: the structure is checked
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize("edit", [
    lambda f: f["feature_names"].__setitem__(0, "melody.invented"),
    lambda f: f["feature_names"].__setitem__(1, f["feature_names"][0]),
    lambda f: f["coef"].pop(),
    lambda f: f["scale"].__setitem__(0, 0.0),
    lambda f: f["mean"].__setitem__(0, "1"),
    lambda f: f["coef"].__setitem__(0, 1e300),
    lambda f: f.__setitem__("n_pairs", -1),
    lambda f: f.__setitem__("n_pairs", True),
    lambda f: f.__setitem__("fitted_at", ["x"]),
    lambda f: f.__setitem__("regularisation", 0),
    lambda f: f.__setitem__("extra", 1),
    lambda f: f.pop("coef"),
    lambda f: f.clear(),
], ids=["unknown-feature", "duplicate", "short-coef", "zero-scale", "string", "huge-coef", "negative-count",
        "bool-count", "date-list", "zero-c", "extra-key", "missing-key", "empty"])
def test_a_forged_adjustment_is_refused(tmp_path, edit):
    with pytest.raises(CriticModelError, match="feedback adjustment of the wrong shape or value"):
        load_model(_forge(tmp_path, edit))


def test_an_adjustment_that_is_not_an_object_is_refused(tmp_path):
    adjusted, _ = _fitted(_model())
    path = adjusted.save(tmp_path / "m.json")
    doc = json.loads(path.read_text())
    doc["model"]["feedback"] = [1, 2]
    doc["sha256"] = _digest(doc["model"])
    path.write_text(json.dumps(doc))
    with pytest.raises(CriticModelError, match="feedback adjustment"):
        load_model(path)
