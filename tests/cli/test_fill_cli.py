"""`counterpoint fill` as a teacher uses it: fill a worksheet, write an answer key, refuse what it must."""

from __future__ import annotations

import json

from counterpoint.cli.main import main
from tests.test_filling import DORIAN, PHRYGIAN, digest, rests, staff, worksheet

FAST = ["--time-limit", "2", "--seed", "1"]


def one_sentence(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("counterpoint: ") and lines[0].endswith("."), err
    return lines[0]


def test_fill_writes_the_filled_worksheet(tmp_path, capsys):
    src = worksheet(tmp_path / "w.musicxml", staff("Counterpoint", rests(11), {0: "second species"}),
                    staff("CF", DORIAN))
    before = digest(src)
    out = tmp_path / "filled.musicxml"
    assert main(["fill", str(src), "-o", str(out), *FAST]) == 0
    text = capsys.readouterr().out
    assert "exercise 1 (bars 1-11): second species above the cantus firmus" in text
    assert "species from 'second species'" in text and f"wrote the filled worksheet to {out}" in text
    assert out.exists() and digest(src) == before
    assert main(["check", "--species", "2", "--cf-voice", "lower", str(out)]) == 0


def test_answer_key_as_json(tmp_path, capsys):
    src = worksheet(tmp_path / "w.musicxml", staff("CF 1", DORIAN), staff("Below 1", rests(11)),
                    staff("CF 2", PHRYGIAN + ["r"]), staff("Below 2", rests(11)), title="Exercises in first species")
    out = tmp_path / "key.musicxml"
    assert main(["fill", str(src), "-o", str(out), "--answer-key", "-n", "2", "--format", "json", *FAST]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(e["exercise"], e["species"], e["position"], len(e["solutions"])) for e in data["exercises"]] == [
        (1, 1, "below", 2), (2, 1, "below", 2)]
    for e in data["exercises"]:
        assert len({s["notes"] for s in e["solutions"]}) == 2
    assert out.exists()


def test_species_flag(tmp_path, capsys):
    src = worksheet(tmp_path / "w.musicxml", staff("CF", DORIAN), staff("Counterpoint", rests(11)))
    assert main(["fill", str(src), "--species", "1", *FAST]) == 0
    assert "first species below the cantus firmus" in capsys.readouterr().out


def test_bad_worksheets_exit_2_with_one_sentence(tmp_path, capsys):
    not_music = tmp_path / "notes.musicxml"
    not_music.write_text("these are not notes")
    cases = {
        "no empty staff": worksheet(tmp_path / "a.musicxml", staff("Species 1", DORIAN), staff("CF", DORIAN)),
        "no cantus firmus": worksheet(tmp_path / "b.musicxml", staff("Species 1", rests(11)), staff("CF", rests(11))),
        "names no species": worksheet(tmp_path / "c.musicxml", staff("Species 9", rests(11)), staff("CF", DORIAN)),
        "has no species label": worksheet(tmp_path / "d.musicxml", staff("Top", rests(11)), staff("CF", DORIAN)),
        "could not be read as music": not_music,
        "does not exist": tmp_path / "missing.musicxml",
    }
    for expected, path in cases.items():
        assert main(["fill", str(path), *FAST]) == 2, expected
        assert expected in one_sentence(capsys.readouterr().err)


def test_no_solution_exits_1_naming_the_rules(tmp_path, capsys):
    src = worksheet(tmp_path / "w.musicxml", staff("Species 1", rests(5)), staff("CF", ["D4"] * 5))
    assert main(["fill", str(src), "-o", str(tmp_path / "out.musicxml"), *FAST]) == 1
    err = one_sentence(capsys.readouterr().err)
    # five D4s: the cantus firmus itself is faulty, and that is said before any search
    assert "exercise 1 (bars 1-5)" in err and "the cantus firmus itself breaks F103" in err
    assert not (tmp_path / "out.musicxml").exists()


def test_refuses_to_overwrite(tmp_path, capsys):
    src = worksheet(tmp_path / "w.musicxml", staff("Species 1", rests(11)), staff("CF", DORIAN))
    before = digest(src)
    assert main(["fill", str(src), "-o", str(src), "--force", *FAST]) == 2
    assert "the worksheet itself" in one_sentence(capsys.readouterr().err)
    out = tmp_path / "filled.musicxml"
    out.write_text("an older answer")
    assert main(["fill", str(src), "-o", str(out), *FAST]) == 2
    assert "--force" in one_sentence(capsys.readouterr().err)
    assert out.read_text() == "an older answer" and digest(src) == before
    assert main(["fill", str(src), "-o", str(out), "--force", *FAST]) == 0
    assert out.read_text() != "an older answer" and digest(src) == before


def test_a_three_voice_worksheet_is_filled_and_its_answer_key_checks_clean(tmp_path, capsys):
    src = worksheet(tmp_path / "three.musicxml", staff("Alto", rests(11), {0: "Species 3"}), staff("CF", DORIAN),
                    staff("Bass", rests(11), {0: "Species 1"}, treble=False))
    out = tmp_path / "filled.musicxml"
    assert main(["fill", str(src), "-o", str(out), "--time-limit", "10", "--seed", "1"]) == 0
    text = capsys.readouterr().out
    assert ("exercise 1 (bars 1-11): three voices: third species, first species, cantus firmus in voice 2 "
            "(CF / Alto / Bass)") in text
    assert main(["check", "--cf-voice", "2", "--format", "json", str(out)]) == 0
    [report] = json.loads(capsys.readouterr().out)["reports"]
    assert [v["species"] for v in report["exercise"]["voices"]] == [3, 0, 1]

    key = tmp_path / "key.musicxml"
    assert main(["fill", str(src), "-o", str(key), "--answer-key", "-n", "2", "--format", "json",
                 "--time-limit", "10", "--seed", "1"]) == 0
    data = json.loads(capsys.readouterr().out)
    [e] = data["exercises"]
    assert (e["voices"], e["species"], e["cf_voice"], len(e["solutions"])) == (3, [3, 1], 2, 2)
    assert main(["check", "--cf-voice", "2", "--format", "json", str(key)]) == 0
    reports = json.loads(capsys.readouterr().out)["reports"]
    assert [r["where"] for r in reports] == ["bars 1–11", "bars 12–22"]
    assert all(r["summary"]["errors"] == 0 for r in reports)
