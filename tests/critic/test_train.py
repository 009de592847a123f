"""The training pipeline end to end on a small subset of the corpus, as CI runs it.

The shipped model (critic/model.json) was trained on the full corpus with the same code; CI only shows
that the recipe still works: dataset, negatives, features, model selection, evaluation, saving, loading.
"""

from __future__ import annotations

import json

import pytest

from counterpoint.cli.main import main
from counterpoint.critic.model import load_model
from tests.support import FUX_DIR


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    import os

    tmp = tmp_path_factory.mktemp("critic")
    old = os.environ.get("COUNTERPOINT_CACHE")
    os.environ["COUNTERPOINT_CACHE"] = str(tmp / "cache")
    try:
        out = tmp / "model.json"
        code = main(["critic", "train", "--limit", "8", "--max-train", "80", "--max-test", "25", "--out", str(out)])
    finally:
        if old is None:
            os.environ.pop("COUNTERPOINT_CACHE")
        else:
            os.environ["COUNTERPOINT_CACHE"] = old
    assert code == 0
    return out


def test_small_training_run_writes_a_loadable_model_with_metrics(trained):
    model = load_model(trained)
    m = model.metadata["metrics"]
    for key in ("auc_real_vs_generated", "auc_real_vs_perturbed", "baseline_auc_real_vs_generated", "model"):
        assert key in m
    assert 0.0 <= m["auc_real_vs_generated"] <= 1.0
    assert m["train_masses"] >= 2 and m["test_masses"] >= 1
    assert model.metadata["limit"] == 8


def test_evaluate_and_score_with_the_trained_model(trained, capsys):
    assert main(["critic", "evaluate", "--model", str(trained)]) == 0
    assert "held-out AUC, real vs generated" in capsys.readouterr().out
    assert main(["critic", "score", "--model", str(trained), "--format", "json",
                 str(FUX_DIR / "fig-082-cf-lower.musicxml")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert 0.0 <= data["score"] <= 1.0 and data["reasons"]
    assert {"feature", "direction", "value", "typical"} <= set(data["reasons"][0])


def test_existing_model_is_not_overwritten(trained, capsys):
    before = trained.read_text()
    assert main(["critic", "train", "--limit", "3", "--out", str(trained)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert trained.read_text() == before


def test_a_rerun_evaluation_names_the_model_it_measured(capsys):
    """--rerun measures the installed model on freshly generated held-out negatives; its head still says how that
    model was trained (it printed "None" for every training fact)."""
    from counterpoint.critic.model import load_model

    facts = load_model().metadata["metrics"]
    assert main(["critic", "evaluate", "--rerun", "--limit", "4"]) == 0
    head = capsys.readouterr().out.splitlines()[0]
    assert "None" not in head
    assert f"trained on {facts['train_real']} real passages from {facts['train_masses']} masses" in head
