"""The feedback store: what it keeps, what it refuses, how it migrates, and that concurrent writers are safe."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import multiprocessing
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from counterpoint.errors import InputError
from counterpoint.feedback import APPLICATION, EXPORT_COLUMNS, SCHEMA, FeedbackStore, Passage, default_store_path
from counterpoint.feedback.store import create_v0_store
from counterpoint.model.build import from_text

CF = "D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4"
LINES = ["A4 A4 G4 A4 B4 C5 C5 B4 D5 C#5 D5", "D5 C5 B4 A4 G4 A4 C5 B4 A4 C#5 D5", "A4 D5 C5 B4 D5 C5 C5 D5 D5 C#5 D5"]


def passage(k: int = 0) -> Passage:
    return Passage.from_exercise(from_text(CF, LINES[k % len(LINES)]), title=f"line {k}")


def text_passage(k: int) -> Passage:
    return Passage(f"**kern\n*M4/4\n=1\n1c\n=2\n1d{k}\n*-\n", "kern", f"kern {k}")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_ratings_and_preferences_are_kept_with_their_passages(tmp_path):
    store = FeedbackStore(tmp_path / "s.sqlite3")
    a, b = passage(0), passage(1)
    assert store.add_rating(a, 4, rater="ana", note="good climax", model_version="abc") == 1
    assert store.add_preference(a, b, rulebook="modern") == 2
    first, second = store.judgements()
    assert (first.kind, first.rating, first.rater, first.note, first.model_version) == ("rating", 4, "ana", "good climax", "abc")
    assert (second.kind, second.rating, second.passage_id, second.other_id) == ("prefer", None, 1, 2)
    assert second.rulebook == "modern" and first.rulebook == "fux"
    assert first.created_at.endswith("Z") and first.created_at[:4].isdigit()
    assert store.passages() == {1: a, 2: b}  # a passage is stored once, however many judgements name it
    assert store.summary() == {"judgements": 2, "ratings": 1, "preferences": 1, "passages": 2}
    assert store.integrity() == "ok"
    assert [j.id for j in store.judgements(kind="rating")] == [1]
    assert [j.id for j in store.judgements(rater="ana")] == [1]


def test_a_judgement_can_be_removed_and_its_passages_with_it(tmp_path):
    store = FeedbackStore(tmp_path / "s.sqlite3")
    store.add_rating(passage(0), 4)
    store.add_preference(passage(1), passage(2))
    assert store.remove(2).kind == "prefer"
    assert [j.id for j in store.judgements()] == [1] and list(store.passages()) == [1]
    with pytest.raises(InputError, match="no judgement 2"):
        store.remove(2)
    assert store.add_preference(passage(1), passage(0)) == 3  # ids are never reused


@pytest.mark.parametrize("rating", [0, 6, -1, 2.5, "3", True, None])
def test_a_rating_is_a_whole_number_from_1_to_5(tmp_path, rating):
    store = FeedbackStore(tmp_path / "s.sqlite3")
    with pytest.raises(InputError, match="from 1 to 5"):
        store.add_rating(passage(), rating)
    assert not store.path.exists()  # refused before the file was made


def test_bad_judgements_are_one_sentence(tmp_path):
    store = FeedbackStore(tmp_path / "s.sqlite3")
    with pytest.raises(InputError, match="two different passages"):
        store.add_preference(passage(0), passage(0))
    with pytest.raises(InputError, match="must be a Passage, an Exercise or a Solution"):
        store.add_rating("D4 E4 F4", 3)
    with pytest.raises(InputError, match="rulebook"):
        store.add_rating(passage(), 3, rulebook="")
    with pytest.raises(InputError, match="note"):
        store.add_rating(passage(), 3, note="x" * 5000)
    with pytest.raises(InputError, match="format"):
        Passage("text", "docx")
    with pytest.raises(InputError, match="non-empty"):
        Passage("  ", "kern")
    with pytest.raises(InputError, match="Exercise or a Solution"):
        Passage.from_exercise("D4 E4")


def test_exercises_and_solutions_are_stored_as_note_lists(tmp_path):
    import counterpoint

    store = FeedbackStore(tmp_path / "s.sqlite3")
    [best] = counterpoint.generate(CF, species=1, n=1, seed=1, critic=False, effort=5)
    store.add_rating(best, 5)
    store.add_preference(from_text(CF, LINES[0]), best)
    assert store.passages()[1] == Passage.from_exercise(best.exercise)
    assert store.summary()["passages"] == 2


def test_a_note_list_passage_rebuilds_its_exercise():
    from counterpoint.feedback import passage_exercise

    ex = from_text(CF, "A4:2 B4:2 " + " ".join(LINES[0].split()[1:]), species=2)
    back = passage_exercise(Passage.from_exercise(ex))
    assert (back.cf, back.cp, back.species, back.cp_above, back.mode) == (ex.cf, ex.cp, ex.species, ex.cp_above, ex.mode)


def test_reading_never_creates_a_store(tmp_path):
    store = FeedbackStore(tmp_path / "none.sqlite3")
    for call in (store.judgements, store.summary, lambda: store.export("csv")):
        with pytest.raises(InputError, match="no feedback store"):
            call()
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(InputError, match="folder .* does not exist"):
        FeedbackStore(tmp_path / "no" / "s.sqlite3").add_rating(passage(), 3)


def test_an_empty_file_becomes_a_store_when_written_to(tmp_path):
    path = tmp_path / "s.sqlite3"
    path.touch()
    with pytest.raises(InputError, match="empty file"):
        FeedbackStore(path).judgements()
    FeedbackStore(path).add_rating(passage(), 2)
    assert len(FeedbackStore(path).judgements()) == 1


def _foreign(path: Path) -> Path:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE songs (title TEXT)")
    con.commit()
    con.close()
    return path


def _with_marker(path: Path, version: int) -> Path:
    """Our marker and the given schema version, and no other table."""
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    con.execute("INSERT INTO meta VALUES ('application', ?)", (APPLICATION,))
    con.execute(f"PRAGMA user_version = {version}")
    con.commit()
    con.close()
    return path


def _newer(path: Path) -> Path:
    return _with_marker(path, SCHEMA + 1)


def _text(path: Path) -> Path:
    path.write_text("id,rating\n1,4\n")
    return path


def _marker_only(path: Path) -> Path:
    """Our marker and schema version, but no tables: damaged."""
    return _with_marker(path, SCHEMA)


@pytest.mark.parametrize("make, words", [(_text, "not an SQLite database"), (_foreign, "not a counterpoint feedback store"),
                                         (_newer, "written by a newer counterpoint"), (_marker_only, "damaged")],
                         ids=["text", "foreign", "newer", "damaged"])
def test_a_file_that_is_not_our_store_is_refused_and_left_unchanged(tmp_path, make, words):
    path = make(tmp_path / "s.sqlite3")
    before = sha(path)
    store = FeedbackStore(path)
    for call in (store.judgements, lambda: store.add_rating(passage(), 3), lambda: store.export("jsonl")):
        with pytest.raises(InputError, match=words) as exc:
            call()
        assert "\n" not in str(exc.value) and str(exc.value).endswith(".")
    assert sha(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.sqlite3"]


def test_a_schema_0_store_is_migrated_in_one_transaction(tmp_path):
    path = tmp_path / "old.sqlite3"
    a, b = passage(0), passage(1)
    create_v0_store(path, [("rating", a, None, 5, "fux"), ("rating", a, None, 2, "fux"), ("prefer", b, a, None, "modern")])
    store = FeedbackStore(path)
    rows = store.judgements()  # reading migrates
    assert [(j.id, j.kind, j.rating, j.passage_id, j.other_id, j.rulebook) for j in rows] == [
        (1, "rating", 5, 1, None, "fux"), (2, "rating", 2, 1, None, "fux"), (3, "prefer", None, 2, 1, "modern")]
    assert {k: (p.content, p.format) for k, p in store.passages().items()} == {1: (a.content, a.format),
                                                                                2: (b.content, b.format)}
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA
    assert con.execute("SELECT value FROM meta WHERE key = 'migrated_from'").fetchone() == ("0",)
    assert "judgements_v0" not in {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    con.close()
    store.add_rating(b, 4)  # and it goes on as a store of the current schema
    assert store.summary()["judgements"] == 4 and store.integrity() == "ok"


def test_a_migration_that_fails_leaves_the_old_store_as_it_was(tmp_path):
    path = tmp_path / "old.sqlite3"
    create_v0_store(path, [("rating", passage(0), None, 5, "fux")])
    con = sqlite3.connect(path)
    con.execute("INSERT INTO judgements (kind, passage, passage_format, rating, rulebook, created_at) "
                "VALUES ('rating', 'x', 'docx', 3, 'fux', '2020-01-01T00:00:00Z')")
    con.commit()
    con.close()
    before = sha(path)
    with pytest.raises(InputError, match="judgement 2 cannot be migrated"):
        FeedbackStore(path).judgements()
    assert sha(path) == before
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == 0
    assert con.execute("SELECT COUNT(*) FROM judgements").fetchone()[0] == 2
    assert {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")} == {"meta", "judgements"}
    con.close()


def _writer(path: str, worker: int, count: int) -> None:
    store = FeedbackStore(path)
    for k in range(count):
        if k % 2:
            store.add_preference(text_passage(worker * 1000 + k), passage(k), rater=f"w{worker}")
        else:
            store.add_rating(passage(k), 1 + k % 5, rater=f"w{worker}")  # the same few passages from every worker


def test_concurrent_writers_never_corrupt_the_store(tmp_path):
    path = tmp_path / "s.sqlite3"
    ctx = multiprocessing.get_context("forkserver")
    workers = [ctx.Process(target=_writer, args=(str(path), w, 25)) for w in range(4)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(120)
    assert [p.exitcode for p in workers] == [0, 0, 0, 0]
    store = FeedbackStore(path)
    assert store.integrity() == "ok"
    s = store.summary()
    assert (s["judgements"], s["ratings"], s["preferences"]) == (100, 52, 48)
    assert s["passages"] == len(LINES) + 48  # shared passages stored once, whoever added them first
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def test_the_default_path(monkeypatch, tmp_path):
    monkeypatch.setenv("COUNTERPOINT_DATA", str(tmp_path / "d"))
    assert default_store_path() == tmp_path / "d" / "feedback.sqlite3"
    monkeypatch.delenv("COUNTERPOINT_DATA")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "x"))
    assert default_store_path() == tmp_path / "x" / "counterpoint" / "feedback.sqlite3"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_store_path() == tmp_path / "home" / ".local" / "share" / "counterpoint" / "feedback.sqlite3"
    FeedbackStore().add_rating(passage(), 3)  # the default folder is made on first use
    assert (tmp_path / "home" / ".local" / "share" / "counterpoint" / "feedback.sqlite3").is_file()


def test_export_columns(tmp_path):
    store = FeedbackStore(tmp_path / "s.sqlite3")
    store.add_rating(passage(0), 4, rater="ana")
    store.add_preference(passage(1), passage(0), note='smoother, "really"')
    rows = list(csv.DictReader(io.StringIO(store.export("csv"))))
    assert tuple(rows[0]) == EXPORT_COLUMNS
    assert [(r["kind"], r["rating"], r["note"]) for r in rows] == [("rating", "4", ""), ("prefer", "", 'smoother, "really"')]
    lines = [json.loads(x) for x in store.export("jsonl").splitlines()]
    assert lines[0]["rating"] == 4 and lines[1]["rating"] is None
    assert lines[1]["passage_content"] == passage(1).content and lines[1]["other_content"] == passage(0).content
    assert lines[1]["passage_sha256"] == passage(1).sha256
    with pytest.raises(InputError, match="csv' or 'jsonl"):
        store.export("xml")


judgement = st.tuples(st.integers(1, 5), st.one_of(st.none(), st.text(max_size=20)), st.one_of(st.none(), st.text(max_size=40)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(judgement, min_size=1, max_size=8))
def test_export_then_parse_keeps_every_rating(items):
    clean = lambda s: None if s is None else s.replace("\x00", "") or None  # noqa: E731  (SQLite text stops at NUL)
    with tempfile.TemporaryDirectory() as folder:
        store = FeedbackStore(Path(folder) / "s.sqlite3")
        for k, (rating, rater, note) in enumerate(items):
            store.add_rating(text_passage(k), rating, rater=clean(rater), note=clean(note))
        rows = list(csv.DictReader(io.StringIO(store.export("csv"), newline="")))
        lines = [json.loads(x) for x in store.export("jsonl").splitlines()]
    assert [int(r["rating"]) for r in rows] == [x["rating"] for x in lines] == [r for r, _, _ in items]
    assert [x["note"] for x in lines] == [clean(n) for _, _, n in items]
    assert [r["rater"] for r in rows] == [clean(r) or "" for _, r, _ in items]
