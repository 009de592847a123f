"""`counterpoint generate` as a composer uses it at a terminal."""

from __future__ import annotations

import json

import pytest

from counterpoint.cli.main import main
from counterpoint.io.m21 import load_exercise
from counterpoint import check

CF = "D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4"


def test_generate_prints_ranked_lines_and_writes_musicxml(tmp_path, capsys):
    out = tmp_path / "line.musicxml"
    assert main(["generate", "--cf", CF, "--species", "2", "-n", "3", "--seed", "4", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("D dorian, second species above, rulebook fux")
    assert " #1 " in text and " #3 " in text and "penalty" in text and f"wrote {out}" in text
    ex = load_exercise(out)
    assert ex.species == 2 and ex.cp_above and check(ex).ok
    assert [p.name for p in ex.cf_pitches] == CF.split()


def test_generate_json_and_below(capsys):
    assert main(["generate", "--cf", CF, "--species", "4", "--below", "-n", "2", "--seed", "1", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["solutions"]) == 2
    assert all("~" in s["notes"] for s in data["solutions"])  # fourth species is tied


def test_existing_output_is_not_overwritten(tmp_path, capsys):
    out = tmp_path / "mine.musicxml"
    out.write_text("my own work")
    assert main(["generate", "--cf", CF, "--species", "1", "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert out.read_text() == "my own work"


@pytest.mark.parametrize("argv, words", [
    (["--cf", "D4 E4", "--species", "1"], "at least 3"),
    (["--cf", "D4 F#4 E4 G#4 D4", "--species", "1", "--mode", "D dorian"], "outside D dorian"),
    (["--cf", CF, "--species", "1", "--out", "x.docx"], "cannot write"),
    (["--species", "1"], "give the cantus firmus"),
])
def test_bad_input_exit_2(capsys, argv, words):
    assert main(["generate", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert words in err and len(err.splitlines()) == 1 and "Traceback" not in err


def test_unknown_species_is_refused_by_the_parser(capsys):
    assert main(["generate", "--cf", CF, "--species", "7"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "counterpoint: generate: argument --species: invalid choice: 7 (choose from 1, 2, 3, 4, 5)."


def test_no_solution_exit_1_names_the_rules(capsys):
    assert main(["generate", "--cf", CF, "--species", "1", "--range", "E5-G5", "--time-limit", "2"]) == 1
    err = capsys.readouterr().err
    assert "no first species line above this cantus firmus" in err and "C10" in err


def test_json_out_holds_every_solution_and_the_header_the_real_numbers(tmp_path, capsys):
    out = tmp_path / "lines.json"
    cf = "D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4"
    assert main(["generate", "--cf", cf, "--species", "1", "-n", "4", "--seed", "1", "--no-critic", "--out", str(out)]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    lines = json.loads(out.read_text())
    assert len(lines) == 4 and len({tuple(s["pitches"]) for s in lines}) == 4
    assert header.split(": ", 1)[1].startswith("the best 4 of ") and " constructed, then " in header
    assert main(["generate", "--cf", cf, "--species", "1", "-n", "2", "--seed", "1", "--no-critic", "--format", "json"]) == 0
    stats = json.loads(capsys.readouterr().out)["stats"]
    assert stats["shown"] == 2 and stats["candidates"] >= 2


def test_the_cli_limits_are_the_librarys():
    """-n and --time-limit are refused by the CLI with the same bounds as by generate() (kept apart so --help stays fast)."""
    from counterpoint.cli import options
    from counterpoint.generator import MAX_N, MIN_TIME_LIMIT

    assert options.MAX_N == MAX_N and options.MIN_TIME_LIMIT == MIN_TIME_LIMIT


def test_effort_zero_ranks_the_constructed_lines(capsys):
    assert main(["generate", "--cf", CF, "--species", "1", "-n", "2", "--seed", "1", "--effort", "0",
                 "--no-critic", "--format", "json"]) == 0
    import json

    stats = json.loads(capsys.readouterr().out)["stats"]
    assert stats["steps"] == 0 and stats["constructed"] >= 2


def test_each_line_says_how_far_its_idioms_lie_from_fuxs(capsys):
    assert main(["generate", "--cf", CF, "--species", "1", "-n", "3", "--seed", "1", "--effort", "10"]) == 0
    style = [ln.strip() for ln in capsys.readouterr().out.splitlines() if ln.strip().startswith("style:")]
    assert len(style) == 3
    for ln in style:
        assert "from Fux's idioms" in ln
        # named in words, with Fux's own figure beside the line's: "notes on the peak 1 (Fux 1.6)"
        assert "_" not in ln
        if "farthest" in ln:
            assert "(Fux " in ln
