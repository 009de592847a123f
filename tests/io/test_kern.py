"""Writing **kern: spines lowest voice first, spelling, ties and labels survive a round trip through the reader."""

import pytest

from counterpoint.cli.main import main
from counterpoint.io.kern import exercise_to_kern, written_notes
from counterpoint.io.m21 import load_exercise
from counterpoint.model.build import from_text
from counterpoint.model.exercise import Note
from counterpoint.model.pitch import Pitch
from tests.support import assert_round_trip, fux_figures, load_fux

DORIAN_CF = "D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4"


def round_trip(ex, tmp_path):
    return assert_round_trip(ex, tmp_path / "out.krn", exercise_to_kern(ex))


def data_lines(text):
    return [line.split("\t") for line in text.splitlines() if line[0] not in "!*="]


@pytest.mark.parametrize("file", [r["file"] for r in fux_figures()])
def test_every_fux_figure_survives_a_round_trip(file, tmp_path):
    round_trip(load_fux(file), tmp_path)


def test_fourth_species_ties_cross_the_bar_lines(tmp_path):
    ex = from_text(DORIAN_CF, "r:2 A4:2~ | A4:2 D5:2~ | D5:2 C5:2~ | C5:2 B4:2~ | B4:2 D5:2~ | D5:2 C5:2~ | "
                   "C5:2 F5:2~ | F5:2 E5:2~ | E5:2 D5:2~ | D5:2 C#5:2 | D5:1", species=4)
    text = round_trip(ex, tmp_path)
    lines = text.splitlines()
    start = lines.index(".\t[2a")
    assert lines[start + 1].startswith("=2") and lines[start + 2] == "1f\t2a]"
    assert ".\t2cc#" in lines  # the leading tone keeps its sharp
    assert '*I"Cantus firmus\t*I"Counterpoint, species 4' in lines


def test_eighths_and_dotted_notes(tmp_path):
    ex = from_text("D4 F4 E4 D4", "r:2 A4:2~ | A4:4. G4:8 F4:8 E4:8 F4:4 | G4:2. F4:4 | D4:1", species=5)
    text = round_trip(ex, tmp_path)
    cp = [row[1] for row in data_lines(text)]
    assert cp[:9] == ["2r", "[2a", "4.a]", "8g", "8f", "8e", "4f", "2.g", "4f"]


def test_g_dorian_flats_under_a_b_flat_signature(tmp_path):
    ex = from_text("G3 Bb3 A3 G3 C4 Bb3 A3 G3", "D4 D4 C4 Bb3 A3 D4 F#4 G4", mode="G dorian")
    text = round_trip(ex, tmp_path)
    assert "*k[b-]\t*k[b-]" in text.splitlines()
    rows = data_lines(text)
    # kern pitches are absolute: B-flat is written B- whatever the signature
    assert [row[0] for row in rows][:2] == ["1G", "1B-"] and rows[3][1] == "1B-"


def test_natural_against_the_signature_is_kept(tmp_path):
    # D aeolian (one flat): the raised sixth B and the leading tone C# at the cadence.
    ex = from_text("D4 F4 E4 D4", "A4:4 G4:4 F4:4 E4:4 | F4:4 G4:4 A4:4 Bb4:4 | A4:4 B4:4 C#5:4 A4:4 | D5:1",
                   species=3, mode="D aeolian")
    text = round_trip(ex, tmp_path)
    cp = [row[1] for row in data_lines(text)]
    assert "4b-" in cp and "4bn" in cp and "4cc#" in cp
    assert ex.mode.signature == -1


def test_counterpoint_below_is_the_left_spine(tmp_path):
    ex = from_text(DORIAN_CF, "D3 D3 A2 F2 E2 D2 F2 C3 D3 C#3 D3", species=1, cp_above=False)
    text = round_trip(ex, tmp_path)
    assert '*I"Counterpoint, species 1\t*I"Cantus firmus' in text.splitlines()
    assert "*clefF4\t*clefG2" in text.splitlines()
    assert data_lines(text)[0] == ["1D", "1d"]


def test_lone_cantus_firmus_has_one_spine(tmp_path):
    ex = from_text(DORIAN_CF)
    text = round_trip(ex, tmp_path)
    assert all("\t" not in line for line in text.splitlines())
    assert text.count("\n=") == 12 and '*I"Cantus firmus' in text  # 11 bars and the final double bar


def test_a_note_across_the_bar_line_is_written_as_tied_halves():
    a4 = Pitch.parse("A4")
    pieces = written_notes([Note(None, 0, 8), Note(a4, 8, 16), Note(a4, 24, 8)], bar_ticks=16, end=32)
    assert [(w.start, w.duration, w.tie_in, w.tie_out) for w in pieces] == [
        (0, 8, False, False), (8, 8, False, True), (16, 8, True, False), (24, 8, False, False)]


def test_cli_writes_kern_that_check_accepts(tmp_path, capsys):
    out = tmp_path / "x.krn"
    assert main(["generate", "--cf", DORIAN_CF, "--species", "4", "--seed", "1", "--out", str(out)]) == 0
    assert main(["check", str(out)]) == 0
    assert "fourth species" in capsys.readouterr().out
    assert load_exercise(out).species == 4
