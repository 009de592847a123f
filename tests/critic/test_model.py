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
    return CriticModel(FEATURE_NAMES, rng.normal(size=n), rng.uniform(0.5, 2, size=n), rng.normal(size=n), 0.3,
                       {"note": "test"})


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
    doc["model"]["coef"][0] += 1.0
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
    path.write_text(path.read_text().replace('"intercept": 0.3', '"intercept": 9.3'))
    code = main(["critic", "score", "--model", str(path), str(FUX_DIR / "fig-005-cf-lower.musicxml")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "checksum" in err and len(err.splitlines()) == 1
