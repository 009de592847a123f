"""`counterpoint check` and `counterpoint rules` as a teacher and a grading script use them."""

from __future__ import annotations

import json

from counterpoint.cli.main import main
from counterpoint.io.m21 import load_exercise, write_exercise
from counterpoint.model.edit import set_cp_pitch
from tests.support import FUX_DIR

FIG5 = FUX_DIR / "fig-005-cf-lower.musicxml"


def test_clean_fux_figure_exits_0(capsys):
    assert main(["check", str(FIG5)]) == 0
    out = capsys.readouterr().out
    assert "first species, counterpoint above the cantus firmus, D dorian, rulebook fux" in out
    assert "0 errors" in out or "no errors" in out


def test_planted_parallel_fifth_is_reported_at_its_bar(tmp_path, capsys):
    bad = set_cp_pitch(load_exercise(FIG5), 5, 1, "D5")  # D4-A4 to G4-D5 to F4-C5: fifths at bars 5 and 6
    path = write_exercise(bad, tmp_path / "homework.musicxml")
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    lines = [ln for ln in out.splitlines() if "V101" in ln]
    assert [ln.split()[1] for ln in lines] == ["5", "6"]
    assert "A4→D5 over D4→G4" in lines[0]


def test_json_output_for_grading_scripts(tmp_path, capsys):
    bad = set_cp_pitch(load_exercise(FIG5), 5, 1, "D5")
    path = write_exercise(bad, tmp_path / "homework.musicxml")
    assert main(["check", "--format", "json", str(path)]) == 1
    data = json.loads(capsys.readouterr().out)
    v101 = [v for v in data["violations"] if v["code"] == "V101"]
    assert [(v["bar"], v["beat"], v["voice"], v["severity"]) for v in v101] == [(5, 1.0, "both", "error"), (6, 1.0, "both", "error")]
    assert data["summary"]["errors"] >= 2 and data["exercise"]["species"] == 1


def test_several_files_and_a_bad_one(tmp_path, capsys):
    broken = tmp_path / "broken.musicxml"
    broken.write_text("not music")
    code = main(["check", str(FIG5), str(broken)])
    captured = capsys.readouterr()
    assert code == 2
    assert "fig-005" in captured.out and "broken.musicxml" in captured.err


def test_note_lists_on_the_command_line(capsys):
    code = main(["check", "--cf", "D4 E4 F4 E4 D4", "--cp", "A4 B4 A4 C#5 D5"])
    assert code == 1
    assert "V101 parallel-fifths" in capsys.readouterr().out


def test_rules_lists_and_explains(capsys):
    assert main(["rules"]) == 0
    listing = capsys.readouterr().out
    assert "V101" in listing and "parallel-fifths" in listing
    assert main(["rules", "parallel-fifths"]) == 0
    doc = capsys.readouterr().out
    for heading in ("What it does", "Why is this bad?", "Example", "Use instead", "Source"):
        assert heading in doc


def test_help_does_not_import_music21():
    import subprocess
    import sys

    code = "import sys; from counterpoint.cli.main import build_parser; build_parser(); print('music21' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
