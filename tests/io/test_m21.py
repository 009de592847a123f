"""Reading MusicXML, kern and ABC through music21, and writing back, keeping every spelling."""

from counterpoint.io.m21 import exercise_to_score, load_exercise, write_exercise
from counterpoint.model.build import from_text
from counterpoint.model.notation import format_notes
from tests.support import FUX_DIR, HERE

FIG5_CP = "A4 A4 G4 A4 B4 C5 C5 B4 D5 C#5 D5"


def test_reads_abc():
    ex = load_exercise(HERE / "data" / "fig-005.abc")
    assert ex.species == 1 and ex.cp_above and ex.mode.label == "D dorian"
    assert format_notes(ex.cp) == FIG5_CP


def test_reads_kern_with_bars_renumbered():
    ex = load_exercise(FUX_DIR / "fig-033-cf-lower.krn")
    assert ex.species == 2 and ex.n_bars == 11
    assert ex.cp[0].start == 0  # the book's bar 119 is our bar 1


def test_musicxml_round_trip_keeps_spelling_and_ties(tmp_path):
    ex = from_text("G3 C4 B3 G3", "r:2 G4:2~ | G4:4 F#4:4 E4:4 D4:4 | Bb4:2 A4:2 | G4:1", species=5)
    path = write_exercise(ex, tmp_path / "out.musicxml")
    back = load_exercise(path)
    assert format_notes(back.cp, None) == format_notes(ex.cp, None)
    assert back.species == 5 and back.cp_above


def test_written_pitches_carry_no_needless_naturals():
    ex = from_text("D4 F4 E4 D4", "A4 A4 C#5 D5")
    score = exercise_to_score(ex)
    accidentals = [n.pitch.accidental for n in score.recurse().notes]
    assert sum(a is not None for a in accidentals) == 1  # only the C-sharp


def test_cf_identified_by_part_name_even_when_upper():
    ex = load_exercise(FUX_DIR / "fig-006-cf-upper.musicxml")
    assert ex.cp_above is False and ex.species == 1


def test_report_to_music21_marks_each_violation_in_its_bar():
    from counterpoint import check

    report = check(from_text("D4 E4 F4 E4 D4", "A4 B4 A4 C#5 D5"))
    score = report.to_music21()
    texts = [(t.getContextByClass("Measure").number, t.content) for t in score.parts[0].recurse().getElementsByClass("TextExpression")]
    assert (2, "V101") in texts
    assert len(texts) == len(report.violations)
