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


def test_json_output_for_grading_scripts_has_one_shape(tmp_path, capsys):
    bad = set_cp_pitch(load_exercise(FIG5), 5, 1, "D5")
    path = write_exercise(bad, tmp_path / "homework.musicxml")
    assert main(["check", "--format", "json", str(path)]) == 1
    one = json.loads(capsys.readouterr().out)
    [report] = one["reports"]
    v101 = [v for v in report["violations"] if v["code"] == "V101"]
    assert [(v["bar"], v["beat"], v["voice"], v["severity"]) for v in v101] == [(5, 1.0, "both", "error"), (6, 1.0, "both", "error")]
    assert report["summary"]["errors"] >= 2 and report["exercise"]["species"] == 1
    assert main(["check", "--format", "json", str(path), str(FIG5)]) == 1
    two = json.loads(capsys.readouterr().out)
    assert set(two) == set(one) == {"reports", "summary"}
    assert [len(r["violations"]) > 0 for r in two["reports"]] == [True, True]
    assert two["summary"]["exercises"] == 2 and two["summary"]["errors"] == one["summary"]["errors"]


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


def combined(path, *figures: str):
    """Fux's combined-file layout: two staves named 'Piano', one figure after another, each labelled in its first
    bar like 'Fig. 6; Species: 1; Cantus firmus: Upper' and ended by a final barline; the cantus firmus moves
    between the staves with the figures."""
    import copy

    from music21 import bar, expressions, stream

    staves = [stream.Part(), stream.Part()]
    for p in staves:
        p.partName = "Piano"
    number = 0
    for fig in figures:
        ex = load_exercise(FUX_DIR / fig)
        score = ex.to_music21()
        for k, (target, part) in enumerate(zip(staves, score.parts)):
            measures = list(part.getElementsByClass(stream.Measure))
            for i, m in enumerate(measures):
                m = copy.deepcopy(m)
                m.number = number + i + 1
                if i == 0 and k == 0:
                    where = "Lower" if ex.cp_above else "Upper"
                    m.insert(0, expressions.TextExpression(f"Fig. {fig[4:7]}; Species: {ex.species}; Cantus firmus: {where}"))
                if i == len(measures) - 1:
                    m.rightBarline = bar.Barline("final")
                target.append(m)
        number += ex.n_bars
    out = stream.Score()
    for p in staves:
        out.insert(0, p)
    out.write("musicxml", fp=str(path))
    return path


def test_a_file_of_several_exercises_is_checked_exercise_by_exercise(tmp_path, capsys):
    path = combined(tmp_path / "solutions.musicxml", "fig-005-cf-lower.musicxml", "fig-006-cf-upper.musicxml",
                    "fig-033-cf-lower.musicxml")
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "bars 1–11: first species, counterpoint above" in out
    assert "bars 12–22: first species, counterpoint below" in out  # the cantus firmus moved to the upper staff
    assert "bars 23–33: second species, counterpoint above" in out
    assert "cantus firmus: upper staff (from the label 'Fig. 006; Species: 1; Cantus firmus: Upper')" in out
    assert "3 exercises: 0 errors" in out
    assert main(["check", "--format", "json", str(path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(r["where"], r["exercise"]["species"], r["exercise"]["position"]) for r in data["reports"]] == [
        ("bars 1–11", 1, "above"), ("bars 12–22", 1, "below"), ("bars 23–33", 2, "above")]


def test_one_unreadable_exercise_of_a_file_does_not_hide_the_others(tmp_path, capsys):
    from music21 import converter, note, stream

    path = combined(tmp_path / "solutions.musicxml", "fig-005-cf-lower.musicxml", "fig-006-cf-upper.musicxml")
    score = converter.parse(str(path))
    last = list(score.parts[1].getElementsByClass(stream.Measure))[21]  # Fig. 6: its counterpoint ends a bar early
    old = last.notes[0]
    last.replace(old, note.Rest(quarterLength=old.quarterLength))
    score.write("musicxml", fp=str(path))
    assert main(["check", str(path)]) == 2
    captured = capsys.readouterr()
    assert "bars 1–11: first species" in captured.out
    assert captured.err.strip() == (f"counterpoint: {path} bars 12–22: the counterpoint lasts 10 bars but the "
                                    "cantus firmus 11; they must end together.")


def test_fux_combined_solutions_file_shows_only_the_two_known_slips(capsys):
    import pytest

    from pathlib import Path

    path = Path("/work/shared/corpus/fux-gradus/I/I-Solutions.mxl")
    if not path.exists():
        pytest.skip("Fux's combined solutions file is not on this machine")
    assert main(["check", "--format", "json", str(path)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert len(data["reports"]) == 46
    wrong = {r["where"] for r in data["reports"] if r["summary"]["errors"]}
    assert wrong == {"bars 95–106", "bars 458–471"}  # Figs. 22 and 86a, the slips listed in ERRATA.md


def test_the_users_species_beats_the_files_label(tmp_path, capsys):
    path = combined(tmp_path / "one.musicxml", "fig-005-cf-lower.musicxml")
    assert main(["check", str(path)]) == 0
    assert "species 1 (from the label" in capsys.readouterr().out
    assert main(["check", "--species", "2", str(path)]) == 1
    out = capsys.readouterr().out
    assert "second species" in out and "S101" in out and "species 1 (from the label" not in out


def test_one_odd_bar_does_not_make_second_species_fifth(capsys):
    cf = "D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4"
    cp = ("r:2 A4:2 | A4:2 B4:2 | C5:2 G4:2 | A4:4 B4:4 C5:4 D5:4 | B4:2 C5:2 | D5:2 A4:2 | C5:2 D5:2 | E5:2 B4:2"
          " | D5:2 A4:2 | B4:2 C#5:2 | D5:1")
    main(["check", "--cf", cf, "--cp", cp])
    out = capsys.readouterr().out
    assert "second species" in out and "species inferred: 2" in out
    s101 = [ln for ln in out.splitlines() if "S101" in ln]
    assert len(s101) == 1 and s101[0].split()[1] == "4"  # the bar of quarters, and only it


def test_a_guessed_cantus_firmus_is_said_and_its_error_points_at_cf_voice(tmp_path, capsys):
    from counterpoint.model.build import from_text

    # The cantus firmus is the upper voice, but both move in whole notes and nothing names them.
    ex = from_text("A4 B4 C5 D5 C5 B4 A4", "A3 G3 A3 F3 E3 G#3 A3", species=1, cp_above=False)
    path = write_exercise(ex, tmp_path / "plain.musicxml")
    _strip_names(path)
    assert main(["check", str(path)]) == 2  # the lower voice, read as a cantus firmus, fits no mode
    err = capsys.readouterr().err
    assert err.startswith("counterpoint: taking the lower staff as the cantus firmus (a guess")
    assert err.rstrip().endswith("add --cf-voice upper.") and len(err.splitlines()) == 1
    assert main(["check", "--cf-voice", "upper", str(path)]) in (0, 1)
    assert "counterpoint below the cantus firmus" in capsys.readouterr().out


def test_a_guessed_cantus_firmus_that_reads_well_is_still_reported_as_a_guess(tmp_path, capsys):
    from counterpoint.model.build import from_text

    ex = from_text("D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4", "A4 A4 G4 A4 B4 C5 C5 B4 D5 C#5 D5", species=1)
    path = write_exercise(ex, tmp_path / "plain.musicxml")
    _strip_names(path)
    main(["check", str(path)])
    assert "cantus firmus: lower staff, a guess: both voices move in equal notes; if the cantus firmus is the upper " \
           "staff, add --cf-voice upper" in capsys.readouterr().out


def _strip_names(path):
    from pathlib import Path

    text = Path(path).read_text()
    for name in ("Cantus firmus", "Counterpoint, species 1"):
        text = text.replace(name, "Voice")
    Path(path).write_text(text)


def test_bare_pitches_are_whole_notes_whatever_the_species(capsys):
    main(["check", "--cf", "D4 E4 F4 E4 D4", "--cp", "A4 G4 A4 C#5 D5", "--species", "2"])
    out = capsys.readouterr().out
    assert "a whole note on beat 1, where species 2 writes two half notes" in out


def test_check_out_marks_the_exercise_for_printing(tmp_path, capsys):
    svg, pdf, xml = tmp_path / "marked.svg", tmp_path / "marked.pdf", tmp_path / "marked.musicxml"
    base = ["check", "--cf", "D4 E4 F4 E4 D4", "--cp", "A4 B4 A4 C#5 D5"]
    assert main(base + ["--out", str(svg)]) == 1
    assert f"wrote the marked exercise to {svg}" in capsys.readouterr().out
    text = svg.read_text()
    assert ">V101<" in text and "parallel-fifths: A4→B4 over D4→E4" in text  # the code at its place, the message below
    figures = [t for t in ("5", "5", "3", "6", "8")]
    assert all(f">{f}<" in text for f in figures)  # intervals between the staves
    assert main(base + ["--out", str(svg)]) == 2  # never overwritten without --force
    assert "already exists" in capsys.readouterr().err
    assert main(base + ["--out", str(xml)]) == 1
    from music21 import converter

    score = converter.parse(str(xml))
    texts = [t.content for t in score.recurse().getElementsByClass("TextExpression")]
    assert any(t.startswith("V101 parallel-fifths:") for t in texts)
    assert [ly.text for n in score.parts[0].recurse().notes for ly in n.lyrics] == ["5", "5", "3", "6", "8"]
    try:
        import cairosvg  # noqa: F401
    except (ImportError, OSError):
        return  # PDF needs the cairo library; the SVG above is the same page
    assert main(base + ["--out", str(pdf)]) == 1
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and data.count(b"/Type /Page") >= 1
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        return  # reading the PDF's text back needs poppler's pdftotext; the SVG text was checked above
    page = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "V101" in page and "parallel-fifths" in page and "1 error, 1 warning" in page


def test_rules_json_is_json(capsys):
    assert main(["rules", "V101", "--format", "json"]) == 0
    rule = json.loads(capsys.readouterr().out)
    assert rule["code"] == "V101" and rule["name"] == "parallel-fifths" and rule["wrong"]["bars"] == [2]


def test_rules_says_what_the_rulebook_changes_in_three_voices_or_more(capsys):
    """fux accepts Jeppesen's consonant fourth in textures only: the plain option stays off, the texture one on."""
    assert main(["rules", "D201"]) == 0
    doc = capsys.readouterr().out
    plain, texture = doc.split("In three voices or more (set under [texture.options.D201])")
    assert "consonant_fourth = False" in plain and texture.strip().startswith("consonant_fourth = True")
    assert main(["rules", "D201", "--format", "json"]) == 0
    rule = json.loads(capsys.readouterr().out)
    assert rule["options"]["consonant_fourth"] is False and rule["texture_options"]["consonant_fourth"] is True
    assert main(["rules", "V101"]) == 0
    assert "In three voices or more" not in capsys.readouterr().out  # nothing differs there


def test_help_does_not_import_music21():
    import subprocess
    import sys

    code = "import sys; from counterpoint.cli.main import build_parser; build_parser(); print('music21' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_a_marked_pdf_of_several_exercises_gives_each_its_own_page(tmp_path, capsys):
    import re

    try:
        import cairosvg  # noqa: F401
    except (ImportError, OSError):
        import pytest

        pytest.skip("PDF needs cairosvg and the system's cairo library")
    path = combined(tmp_path / "two.musicxml", "fig-005-cf-lower.musicxml", "fig-006-cf-upper.musicxml")
    pdf = tmp_path / "marked.pdf"
    assert main(["check", str(path), "--out", str(pdf)]) == 0
    assert "wrote the marked exercises to" in capsys.readouterr().out
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes())) == 2


def test_a_mode_the_cantus_firmus_does_not_fit_is_questioned_on_stderr(capsys):
    """--mode G dorian over a D cantus firmus: the report is what the rules find (C106 for every C-sharp), and a
    note on stderr asks whether the mode is right; a fitting mode gets no such note."""
    cf, cp = "D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4", "A4 A4 G4 A4 B4 D5 C#5 D5 A4 C#5 D5"
    assert main(["check", "--cf", cf, "--cp", cp, "--mode", "G dorian"]) == 1
    captured = capsys.readouterr()
    assert "C♯5 is foreign to G dorian" in captured.out
    assert ("note list: the cantus firmus begins and ends on D4, not on G, the final of G dorian; is --mode right?"
            in captured.err)
    main(["check", "--cf", cf, "--cp", cp, "--mode", "D dorian"])
    assert "is --mode right" not in capsys.readouterr().err
