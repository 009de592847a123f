"""The critic's model file: plain JSON with a checksum; anything else is refused without running it."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest

from counterpoint.critic.features import FEATURE_NAMES
from counterpoint.critic.model import CriticModel, CriticModelError, load_model


def _model() -> CriticModel:
    n = len(FEATURE_NAMES)
    rng = np.random.default_rng(0)
    params = {"mean": rng.normal(size=n), "scale": rng.uniform(0.5, 2, size=n), "coef": rng.normal(size=n),
              "intercept": 0.3}
    return CriticModel(FEATURE_NAMES, rng.normal(size=n), "logistic", params, {"note": "test"})


def _trees(seed=0):
    from sklearn.ensemble import HistGradientBoostingClassifier

    from counterpoint.critic.model import from_sklearn_trees

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(300, len(FEATURE_NAMES)))
    y = (X[:, 0] + X[:, 3] * X[:, 5] > 0).astype(int)
    clf = HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(X, y)
    return clf, from_sklearn_trees(clf, FEATURE_NAMES, X[y == 1].mean(axis=0)), X


def test_exported_trees_predict_exactly_as_scikit_learn(tmp_path):
    clf, model, X = _trees()
    back = load_model(model.save(tmp_path / "t.json"))
    assert np.allclose(back.score(X), clf.predict_proba(X)[:, 1])
    # the path contributions add up to the raw score (minus the baseline)
    x = X[7]
    assert np.isclose(back.contributions(x).sum() + back.params["baseline"], back.decision(x)[0])
    reasons = back.reasons(x)
    assert reasons and {r["direction"] for r in reasons} <= {"for", "against"}


def test_tree_indices_out_of_range_are_refused(tmp_path):
    _, model, _ = _trees()
    path = model.save(tmp_path / "t.json")
    doc = json.loads(path.read_text())
    tree = doc["model"]["params"]["trees"][0]
    inner = tree["leaf"].index(False)
    tree["left"][inner] = 10**6
    from counterpoint.critic.model import _digest

    doc["sha256"] = _digest(doc["model"])  # a forged checksum still cannot smuggle in a bad index
    path.write_text(json.dumps(doc))
    with pytest.raises(CriticModelError, match="wrong shape or value"):
        load_model(path)


def test_round_trip(tmp_path):
    m = _model()
    path = m.save(tmp_path / "m.json")
    back = load_model(path)
    X = np.random.default_rng(1).normal(size=(5, len(FEATURE_NAMES)))
    assert np.allclose(back.score(X), m.score(X))
    assert ((back.score(X) >= 0) & (back.score(X) <= 1)).all()


def test_tampered_coefficient_is_refused(tmp_path):
    path = _model().save(tmp_path / "m.json")
    doc = json.loads(path.read_text())
    doc["model"]["params"]["coef"][0] += 1.0
    path.write_text(json.dumps(doc))
    with pytest.raises(CriticModelError, match="checksum"):
        load_model(path)


class _Exploit:
    def __reduce__(self):
        import os

        return (os.system, (f"touch {_Exploit.target}",))


def test_pickle_is_refused_and_never_executed(tmp_path):
    target = tmp_path / "pwned"
    _Exploit.target = target
    path = tmp_path / "model.json"
    path.write_bytes(pickle.dumps(_Exploit()))
    with pytest.raises(CriticModelError, match="not a critic model"):
        load_model(path)
    assert not target.exists()


@pytest.mark.parametrize("content, words", [
    ('{"hello": "world"}', "not a counterpoint-critic"),
    ('[1, 2, 3]', "not a counterpoint-critic"),
    ('', "not JSON"),
])
def test_foreign_files_are_refused(tmp_path, content, words):
    path = tmp_path / "m.json"
    path.write_text(content)
    with pytest.raises(CriticModelError, match=words):
        load_model(path)


def test_missing_model(tmp_path):
    with pytest.raises(CriticModelError, match="no critic model"):
        load_model(tmp_path / "nope.json")


def test_cli_reports_a_tampered_model_in_one_sentence(tmp_path, capsys):
    from counterpoint.cli.main import main
    from tests.support import FUX_DIR

    path = _model().save(tmp_path / "m.json")
    path.write_text(path.read_text().replace('"intercept":0.3', '"intercept":9.3'))
    code = main(["critic", "score", "--model", str(path), str(FUX_DIR / "fig-005-cf-lower.musicxml")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "checksum" in err and len(err.splitlines()) == 1


def test_a_model_trained_before_new_rules_uses_its_own_columns(tmp_path):
    """Adding a rule adds a feature column; an older model keeps reading the columns it was trained on."""
    n = len(FEATURE_NAMES)
    keep = [i for i in range(n) if i % 3]  # as if the others did not exist when it was trained
    names = tuple(FEATURE_NAMES[i] for i in keep)
    rng = np.random.default_rng(2)
    params = {"mean": rng.normal(size=len(keep)), "scale": np.ones(len(keep)), "coef": rng.normal(size=len(keep)),
              "intercept": 0.0}
    path = CriticModel(names, np.zeros(len(keep)), "logistic", params).save(tmp_path / "old.json")
    old = load_model(path)
    X = rng.normal(size=(4, n))
    assert np.allclose(old.score(old.select(X)), old.score(X[:, keep]))


def test_a_model_needing_unknown_features_is_refused(tmp_path):
    names = (*FEATURE_NAMES[:-1], "rule.X999")
    n = len(names)
    params = {"mean": np.zeros(n), "scale": np.ones(n), "coef": np.zeros(n), "intercept": 0.0}
    path = CriticModel(names, np.zeros(n), "logistic", params).save(tmp_path / "m.json")
    with pytest.raises(CriticModelError, match="does not compute"):
        load_model(path)
