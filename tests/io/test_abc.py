"""Writing ABC: voice names, key, explicit accidentals and ties survive a round trip through the reader."""

import pytest

from counterpoint.io.abc import exercise_to_abc
from counterpoint.model.build import from_text
from tests.support import assert_round_trip, fux_figures, load_fux

DORIAN_CF = "D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4"


def round_trip(ex, tmp_path):
    return assert_round_trip(ex, tmp_path / "out.abc", exercise_to_abc(ex))


def voice(text, n):
    """The music of voice ``n`` as one string of bars."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"V:{n} "))
    body = []
    for line in lines[start + 1:]:
        if line.startswith("V:"):
            break
        body.append(line)
    return " ".join(body)


@pytest.mark.parametrize("file", [r["file"] for r in fux_figures()])
def test_every_fux_figure_survives_a_round_trip(file, tmp_path):
    round_trip(load_fux(file), tmp_path)


def test_fourth_species_ties_cross_the_bar_lines(tmp_path):
    ex = from_text(DORIAN_CF, "r:2 A4:2~ | A4:2 D5:2~ | D5:2 C5:2~ | C5:2 B4:2~ | B4:2 D5:2~ | D5:2 C5:2~ | "
                   "C5:2 F5:2~ | F5:2 E5:2~ | E5:2 D5:2~ | D5:2 C#5:2 | D5:1", species=4)
    text = round_trip(ex, tmp_path)
    assert 'V:1 name="Counterpoint, species 4"' in text and 'V:2 name="Cantus firmus"' in text
    assert "K:Ddor" in text.splitlines()
    assert voice(text, 1).startswith("z2 A2- | A2 d2- | d2 c2-")
    assert "d2 ^c2 | d4 |]" in voice(text, 1)  # C# spelled, and written out with no key signature help


def test_eighths_and_dotted_notes(tmp_path):
    ex = from_text("D4 F4 E4 D4", "r:2 A4:2~ | A4:4. G4:8 F4:8 E4:8 F4:4 | G4:2. F4:4 | D4:1", species=5)
    text = round_trip(ex, tmp_path)
    assert voice(text, 1) == "z2 A2- | A3/2 G/2 F/2 E/2 F | G3 F | D4 |]"


def test_g_dorian_flats_come_from_the_signature(tmp_path):
    ex = from_text("G3 Bb3 A3 G3 C4 Bb3 A3 G3", "D4 D4 C4 Bb3 A3 D4 F#4 G4", mode="G dorian")
    text = round_trip(ex, tmp_path)
    assert "K:Gdor" in text.splitlines()
    assert voice(text, 2).startswith("G,4 | B,4 | A,4 | G,4")  # B-flat by the signature
    assert "^F4" in voice(text, 1)


def test_natural_against_the_signature_and_within_the_bar(tmp_path):
    # D aeolian (one flat): B natural, then B-flat again in the same bar, which must be marked for every reader.
    ex = from_text("D4 F4 E4 D4", "A4:4 G4:4 F4:4 E4:4 | F4:4 B4:4 A4:4 Bb4:4 | A4:4 B4:4 C#5:4 A4:4 | D5:1",
                   species=3, mode="D aeolian")
    text = round_trip(ex, tmp_path)
    assert "K:Daeo" in text.splitlines()
    assert voice(text, 1) == "A G F E | F =B A _B | A =B ^c A | d4 |]"


def test_counterpoint_below_is_the_second_voice(tmp_path):
    ex = from_text(DORIAN_CF, "D3 D3 A2 F2 E2 D2 F2 C3 D3 C#3 D3", species=1, cp_above=False)
    text = round_trip(ex, tmp_path)
    assert 'V:1 name="Cantus firmus" clef=treble' in text
    assert 'V:2 name="Counterpoint, species 1" clef=bass' in text
    assert voice(text, 2).startswith("D,4 | D,4 | A,,4 | F,,4")


def test_lone_cantus_firmus_has_one_voice(tmp_path):
    ex = from_text(DORIAN_CF)
    text = round_trip(ex, tmp_path)
    assert text.count("\nV:") == 1 and 'V:1 name="Cantus firmus"' in text
