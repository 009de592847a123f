"""`counterpoint feedback` as a teacher collecting students' judgements and a researcher exporting them use it."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from counterpoint.cli.main import main
from counterpoint.critic.model import default_model_path, load_model
from tests.support import FUX_DIR

FIG5 = FUX_DIR / "fig-005-cf-lower.musicxml"
FIG6 = FUX_DIR / "fig-006-cf-upper.musicxml"
KERN = FUX_DIR / "fig-033-cf-lower.krn"
ABC = FUX_DIR.parent / "fig-005.abc"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_list_and_export(tmp_path, capsys):
    store = str(tmp_path / "class.sqlite3")
    code, out, err = run(capsys, "feedback", "add", str(FIG5), "--rating", "4", "--rater", "ana", "--note", "fine climax",
                         "--store", store)
    assert (code, err) == (0, "") and "judgement 1: fig-005-cf-lower.musicxml rated 4" in out
    assert run(capsys, "feedback", "add", "--prefer", str(KERN), str(ABC), "--rulebook", "modern", "--store", store)[0] == 0
    code, out, _ = run(capsys, "feedback", "list", "--store", store)
    assert code == 0 and "fig-005-cf-lower rated 4" in out and "fig-033-cf-lower > fig-005" in out
    assert "2 judgements (1 rating, 1 preference) of 3 passages" in out
    doc = json.loads(run(capsys, "feedback", "list", "--format", "json", "--store", store)[1])
    [a, b] = doc["judgements"]
    assert (a["rating"], a["rater"], a["note"], a["rulebook"]) == (4, "ana", "fine climax", "fux")
    assert (b["kind"], b["rating"], b["rulebook"]) == ("prefer", None, "modern")
    assert a["model_version"] == load_model().digest  # the installed critic's version is recorded
    rows = list(csv.DictReader(io.StringIO(run(capsys, "feedback", "export", "--store", store)[1])))
    assert [(r["kind"], r["rating"]) for r in rows] == [("rating", "4"), ("prefer", "")]
    lines = [json.loads(x) for x in run(capsys, "feedback", "export", "--format", "jsonl", "--store", store)[1].splitlines()]
    assert lines[0]["passage_content"] == FIG5.read_text() and lines[1]["passage_format"] == "kern"
    only = json.loads(run(capsys, "feedback", "list", "--format", "json", "--kind", "prefer", "--store", store)[1])
    assert [j["id"] for j in only["judgements"]] == [2]


def test_remove_a_mistaken_judgement(tmp_path, capsys):
    store = str(tmp_path / "s.sqlite3")
    run(capsys, "feedback", "add", str(FIG5), "--rating", "1", "--rater", "ana", "--store", store)
    code, out, _ = run(capsys, "feedback", "remove", "1", "--store", store)
    assert code == 0 and out.startswith("removed judgement 1: fig-005-cf-lower rated 1 (") and "ana" in out
    code, _, err = run(capsys, "feedback", "remove", "1", "--store", store)
    assert code == 2 and "has no judgement 1" in err


def test_export_to_a_file_never_overwrites_without_force(tmp_path, capsys):
    store = str(tmp_path / "s.sqlite3")
    run(capsys, "feedback", "add", str(FIG5), "--rating", "3", "--store", store)
    out = tmp_path / "all.csv"
    assert run(capsys, "feedback", "export", "--out", str(out), "--store", store)[0] == 0
    first = out.read_text()
    assert first.startswith("id,kind,rating,") and ",rating,3," in first
    out.write_text("mine")
    code, _, err = run(capsys, "feedback", "export", "--out", str(out), "--store", store)
    assert code == 2 and "already exists" in err and out.read_text() == "mine"
    assert run(capsys, "feedback", "export", "--out", str(out), "--force", "--store", store)[0] == 0
    assert out.read_text() == first
    code, _, err = run(capsys, "feedback", "export", "--out", store, "--force", "--store", store)
    assert code == 2 and "input of this command" in err


def test_the_default_store_is_in_the_data_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COUNTERPOINT_DATA", str(tmp_path / "data"))
    assert run(capsys, "feedback", "add", str(FIG5), "--rating", "5")[0] == 0
    assert (tmp_path / "data" / "feedback.sqlite3").is_file()
    assert "1 judgement (1 rating, 0 preferences)" in run(capsys, "feedback", "list")[1]


def test_an_empty_store_lists_nothing(tmp_path, capsys):
    store = str(tmp_path / "s.sqlite3")
    run(capsys, "feedback", "add", str(FIG5), "--rating", "3", "--store", store)
    code, out, _ = run(capsys, "feedback", "list", "--kind", "prefer", "--store", store)
    assert code == 0 and "no judgements of that kind" in out


def test_retrain_writes_a_new_model_and_never_the_installed_one(tmp_path, capsys):
    installed = sha(default_model_path())
    store = str(tmp_path / "s.sqlite3")
    run(capsys, "feedback", "add", "--prefer", str(FIG5), str(FIG6), "--store", store)
    run(capsys, "feedback", "add", str(KERN), "--rating", "5", "--rater", "ana", "--store", store)
    run(capsys, "feedback", "add", str(FIG6), "--rating", "2", "--rater", "ana", "--store", store)
    out = tmp_path / "adjusted.json"
    code, text, err = run(capsys, "feedback", "retrain", "--out", str(out), "--store", store)
    assert (code, err) == (0, ""), err
    assert "feedback: 3 judgements (1 preference, 2 ratings) of 3 passages gave 2 pairs" in text
    model = load_model(out)
    assert model.feedback is not None and model.metadata["feedback"]["pairs"] == 2
    assert model.metadata["feedback"]["base_model"] == load_model().digest
    code, _, err = run(capsys, "feedback", "retrain", "--out", str(out), "--store", store)
    assert code == 2 and "already exists" in err
    code, _, err = run(capsys, "feedback", "retrain", "--out", str(out), "--force", "--base", str(out), "--store", store)
    assert code == 2 and "input of this command" in err
    again = tmp_path / "again.json"
    assert run(capsys, "feedback", "retrain", "--out", str(again), "--base", str(out), "--store", store)[0] == 0
    assert load_model(again).metadata["feedback"]["replaced_adjustment"] is True
    # the adjusted model is used like any other
    code, text, _ = run(capsys, "critic", "score", "--model", str(out), str(FIG5))
    assert code == 0 and "critic score" in text
    assert sha(default_model_path()) == installed


def test_critic_train_with_feedback_adjusts_the_installed_model_into_out(tmp_path, capsys):
    installed = sha(default_model_path())
    store = str(tmp_path / "s.sqlite3")
    run(capsys, "feedback", "add", "--prefer", str(FIG5), str(FIG6), "--store", store)
    out = tmp_path / "m.json"
    code, text, err = run(capsys, "critic", "train", "--feedback", "--store", store, "--out", str(out))
    assert (code, err) == (0, ""), err
    assert "1 preference" in text and load_model(out).metadata["feedback"]["preferences"] == 1
    code, _, err = run(capsys, "critic", "train", "--feedback", "--store", store)
    assert code == 2 and "give --out FILE" in err
    code, _, err = run(capsys, "critic", "train", "--feedback", "--store", store, "--out", str(default_model_path()),
                       "--force")
    assert code == 2 and "installed model" in err
    code, _, err = run(capsys, "critic", "train", "--feedback", "--free", "--store", store, "--out", str(out), "--force")
    assert code == 2 and "is a file" in err and "--out names a folder" in err
    assert sha(default_model_path()) == installed


def test_critic_train_with_feedback_adjusts_the_free_critic_into_a_folder(tmp_path, capsys):
    from counterpoint.critic.free import default_free_model_path
    from counterpoint.critic.free_model import load_free_model

    installed = {k: sha(default_free_model_path(k)) for k in (2, 3)}
    store = str(tmp_path / "s.sqlite3")
    run(capsys, "feedback", "add", "--prefer", str(FIG5), str(FIG6), "--store", store)
    out = tmp_path / "free"
    code, _, err = run(capsys, "critic", "train", "--feedback", "--free", "--store", store, "--out", str(out))
    assert code == 2 and "does not exist" in err  # as for critic train --free: the folder must be there
    out.mkdir()
    code, text, err = run(capsys, "critic", "train", "--feedback", "--free", "--store", store, "--out", str(out))
    assert (code, err) == (0, ""), err
    # two two-voice figures: the two-voice model learns from them; the three-voice one has nothing to learn
    assert "2 voices: feedback: 1 judgement (1 preference, 0 ratings) of 2 passages gave 1 pair" in text
    assert "note: free_model_3v.json not written" in text
    model = load_free_model(out / "free_model_2v.json")
    assert model.feedback is not None and model.metadata["feedback"]["pairs"] == 1
    assert not (out / "free_model_3v.json").exists()
    code, text, _ = run(capsys, "critic", "score", "--style", "free", "--model", str(out / "free_model_2v.json"), str(FIG5))
    assert code == 0 and "free critic score" in text
    code, _, err = run(capsys, "critic", "train", "--feedback", "--free", "--store", store, "--out", str(out))
    assert code == 2 and "already exists" in err
    code, _, err = run(capsys, "critic", "train", "--feedback", "--free", "--store", store, "--out", str(out),
                       "--force", "--base", str(tmp_path / "nothing"))
    assert code == 2 and "no free critic model at" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "critic", "train", "--feedback", "--free", "--store", store,
                       "--out", str(default_free_model_path(2).parent), "--force")
    assert code == 2 and "installed" in err
    assert {k: sha(default_free_model_path(k)) for k in (2, 3)} == installed


def _adder(store: str, k: int) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parents[2]))
    return subprocess.Popen([sys.executable, "-m", "counterpoint", "feedback", "add", str(FIG5 if k % 2 else FIG6),
                             "--rating", str(1 + k % 5), "--rater", f"s{k}", "--store", store], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_several_students_adding_at_once(tmp_path):
    """Separate `counterpoint feedback add` processes on one new store: all land, and the file is sound."""
    store = str(tmp_path / "s.sqlite3")
    procs = [_adder(store, k) for k in range(4)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, results
    from counterpoint.feedback import FeedbackStore

    s = FeedbackStore(store)
    assert s.integrity() == "ok" and s.summary() == {"judgements": 4, "ratings": 4, "preferences": 0, "passages": 2}
