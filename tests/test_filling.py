"""Filling worksheets: every exercise found, labels honoured, counterpoints that pass the rulebook, CF untouched."""

from __future__ import annotations

import hashlib

import pytest

import counterpoint
from counterpoint.errors import InputError, NoSolutionError
from counterpoint.filling import fill
from counterpoint.worksheet import read_worksheet, species_from_text

DORIAN = "D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4".split()  # Fux's cantus firmi
PHRYGIAN = "E4 C4 D4 C4 A3 A4 G4 E4 F4 E4".split()
IONIAN = "C4 D4 F4 E4 F4 G4 A4 G4 E4 D4 C4".split()


# -- building worksheets with music21 ---------------------------------------------------------------

def staff(name: str, bars: list[str], texts: dict[int, str] | None = None, treble: bool = True):
    """A part of whole-note bars: a pitch name, "r" a whole-bar rest, "||" a double barline after the last bar."""
    from music21 import bar, clef, expressions, key, meter, note, stream

    part = stream.Part()
    part.partName = part.id = name
    measures = []
    for item in bars:
        if item == "||":
            measures[-1].rightBarline = bar.Barline("double")
            continue
        m = stream.Measure(number=len(measures) + 1)
        if not measures:
            m.insert(0, clef.TrebleClef() if treble else clef.BassClef())
            m.insert(0, key.KeySignature(0))
            m.insert(0, meter.TimeSignature("4/4"))
        m.append(note.Rest(quarterLength=4) if item == "r" else note.Note(item, quarterLength=4))
        measures.append(m)
        part.append(m)
    for i, text in (texts or {}).items():
        measures[i].insert(0, expressions.TextExpression(text))
    return part


def worksheet(path, *staves, title: str | None = None):
    from music21 import metadata, stream

    score = stream.Score()
    score.metadata = metadata.Metadata()
    score.metadata.title = title or "Worksheet"
    for part in staves:
        score.insert(0, part)
    score.write("musicxml", fp=str(path))
    return path


def rests(n: int) -> list[str]:
    return ["r"] * n


def read_back(path, task):
    """The written exercise of ``task``: its two staves cut to its bars, as check reads any two-voice score."""
    from music21 import converter, stream

    score = converter.parse(str(path))
    parts = list(score.parts)
    out = stream.Score()
    for i in (task.cp_part, task.cf_part):
        part = stream.Part()
        for m in list(parts[i].getElementsByClass(stream.Measure))[task.first:task.stop]:
            part.append(m)
        out.insert(0, part)
    return out


def staff_notes(path, index: int) -> list[tuple[str, float, float]]:
    from music21 import converter

    part = list(converter.parse(str(path)).parts)[index]
    return [(n.nameWithOctave if n.isNote else "r", float(n.getOffsetInHierarchy(part)), float(n.quarterLength))
            for n in part.recurse().notesAndRests]


def written(path, task):
    """The written exercise as the checker reads it, told which staff holds the cantus firmus."""
    return counterpoint.Exercise.from_music21(read_back(path, task), species=task.species,
                                              cf_voice="lower" if task.position == "above" else "upper")


def assert_passes(path, task, rules="fux"):
    report = counterpoint.check(written(path, task), rules)
    assert report.errors == [], [str(v) for v in report.errors]
    return report


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- labels -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,species", [
    ("Species 2", 2), ("species: 3", 3), ("2nd species", 2), ("Second Species", 2), ("Exercise 4 - species IV", 4),
    ("fourth-species counterpoint", 4), ("Florid counterpoint", 5), ("Cantus firmus", None), ("Species 6", None),
    ("Exercise 3", None),
])
def test_species_labels(text, species):
    assert species_from_text(text) == species


# -- reading the layout -----------------------------------------------------------------------------

def test_staff_pairs_are_paired_with_their_nearest_cantus_firmus(tmp_path):
    path = worksheet(tmp_path / "pairs.musicxml",
                     staff("Cantus firmus 1", DORIAN), staff("Species 1", rests(11)),
                     staff("Cantus firmus 2", PHRYGIAN + ["r"], {0: "third species"}),
                     staff("Counterpoint 2", rests(11)))
    from counterpoint.io.m21 import parse_file

    tasks = read_worksheet(parse_file(path))
    assert [(t.cf_part, t.cp_part, t.position, t.species, t.label) for t in tasks] == [
        (0, 1, "below", 1, "Species 1"), (2, 3, "below", 3, "third species")]
    assert [t.cantus.mode.label for t in tasks] == ["D dorian", "E phrygian"]
    assert [p.name for p in tasks[1].cantus.cf_pitches] == PHRYGIAN


def test_one_cantus_firmus_between_two_empty_staves_is_one_three_voice_exercise(tmp_path):
    path = worksheet(tmp_path / "sandwich.musicxml", staff("Upper", rests(11), {0: "Species 2"}), staff("CF", DORIAN),
                     staff("Lower", rests(11), treble=False), title="First species")
    from counterpoint.io.m21 import parse_file

    [task] = read_worksheet(parse_file(path))
    assert task.is_texture and task.staves == (0, 1, 2) and task.cf_voice == 2
    # the upper staff's own label, the lower staff the exercise's (the title)
    assert task.voice_species == (2, 1) and task.voice_labels == ("Species 2", "First species")
    assert task.summary == "three voices: second species, first species, cantus firmus in voice 2"
    assert [t.voice_species for t in read_worksheet(parse_file(path), species=3)] == [(3, 3)]


def test_a_texture_voice_without_any_label_is_named(tmp_path):
    path = worksheet(tmp_path / "half.musicxml", staff("Upper", rests(11), {0: "Species 2"}), staff("CF", DORIAN),
                     staff("Lower", rests(11), treble=False))
    from counterpoint.io.m21 import parse_file

    with pytest.raises(InputError, match="the staff Lower has no species label"):
        read_worksheet(parse_file(path))


def test_three_empty_staves_over_a_bass_cantus_firmus_are_filled_as_four_voices(tmp_path):
    src = worksheet(tmp_path / "four.musicxml", staff("Soprano", rests(11)), staff("Alto", rests(11)),
                    staff("Tenor", rests(11), treble=False),
                    staff("Bass", [p.replace("4", "3") for p in DORIAN], treble=False),
                    title="First species")
    before, cf_before = digest(src), staff_notes(src, 3)
    out = tmp_path / "filled.musicxml"
    [f] = fill(src, out=out, n=1, seed=1, time_limit=20)
    assert digest(src) == before and staff_notes(out, 3) == cf_before
    assert f.task.cf_voice == 4 and f.task.voice_species == (1, 1, 1)
    written_voices = [[n for n in staff_notes(out, i) if n[0] != "r"] for i in range(3)]
    assert [len(v) for v in written_voices] == [11, 11, 11]
    assert [[counterpoint.Pitch.parse(n[0]) for n in v] for v in written_voices] == [
        [n.pitch for n in f.best.texture.voices[i].notes] for i in range(3)]  # each staff holds its voice
    report = counterpoint.check(out, cf_voice=4)
    assert report.errors == [], [str(v) for v in report.errors]
    voices = report.to_dict()["exercise"]["voices"]
    assert [v["species"] for v in voices] == [1, 1, 1, 0] and voices[3]["cantus_firmus"]


def test_a_species_flag_overrides_the_labels(tmp_path):
    path = worksheet(tmp_path / "w.musicxml", staff("Species 6", rests(11)), staff("CF", DORIAN))
    from counterpoint.io.m21 import parse_file

    assert [t.species for t in read_worksheet(parse_file(path), species=4)] == [4]


# -- filling ----------------------------------------------------------------------------------------

def test_two_staff_pairs_are_both_filled_and_pass_the_rulebook(tmp_path):
    src = worksheet(tmp_path / "pairs.musicxml",
                    staff("Cantus firmus 1", DORIAN), staff("Species 1", rests(11), treble=False),
                    staff("Counterpoint 2", rests(11), {0: "2nd species"}),
                    staff("Cantus firmus 2", PHRYGIAN + ["r"]))
    before = digest(src)
    cf_before = [staff_notes(src, 0), staff_notes(src, 3)]
    out = tmp_path / "filled.musicxml"
    done = fill(src, out=out, n=1, seed=3, time_limit=2)
    assert digest(src) == before
    assert [(f.task.species, f.task.position) for f in done] == [(1, "below"), (2, "above")]
    assert [staff_notes(out, 0), staff_notes(out, 3)] == cf_before
    for f in done:
        assert_passes(out, f.task)
        ex = written(out, f.task)
        assert ex.cp == f.best.exercise.cp and ex.cf == f.task.cantus.cf
        cf_voice = "lower" if f.task.position == "above" else "upper"
        inferred = counterpoint.Exercise.from_music21(read_back(out, f.task), cf_voice=cf_voice)
        assert inferred.species == f.task.species  # the written rhythm is the labelled species
    below, above = (written(out, f.task) for f in done)
    assert not below.cp_above and above.cp_above


def test_several_exercises_on_one_staff_pair_each_with_its_label(tmp_path):
    cf = DORIAN + ["||"] + IONIAN + ["r"] + PHRYGIAN
    cp = rests(11) + ["||"] + rests(22)
    labels = {0: "Species 1", 11: "Species 4", 22: "florid"}  # the last label sits on the separating rest bar
    src = worksheet(tmp_path / "row.musicxml", staff("Counterpoint", cp, labels),
                    staff("Cantus firmus", cf, treble=False))
    cf_before = staff_notes(src, 1)
    out = tmp_path / "filled.mxl"
    done = fill(src, out=out, n=1, seed=1, time_limit=2)
    assert [(f.task.bar_numbers, f.task.species, f.task.position) for f in done] == [
        ((1, 11), 1, "above"), ((12, 22), 4, "above"), ((24, 33), 5, "above")]
    assert [f.task.cantus.mode.label for f in done] == ["D dorian", "C ionian", "E phrygian"]
    assert staff_notes(out, 1) == cf_before
    for f in done:
        assert_passes(out, f.task)
        assert written(out, f.task).cp == f.best.exercise.cp  # ties and syncopations written as generated
    cp_written = staff_notes(out, 0)
    assert ("r", 88.0, 4.0) in cp_written  # the separating bar 23 stays a rest


def test_an_empty_staff_without_notes_or_rests_is_filled(tmp_path):
    from music21 import stream

    empty = stream.Part()
    empty.partName = "Species 1"
    for i in range(11):
        empty.append(stream.Measure(number=i + 1))
    src = worksheet(tmp_path / "bare.musicxml", empty, staff("CF", DORIAN, treble=False))
    out = tmp_path / "filled.musicxml"
    [f] = fill(src, out=out, seed=2, n=1, time_limit=2)
    assert f.task.position == "above"
    assert_passes(out, f.task)


def test_same_seed_same_output(tmp_path):
    src = worksheet(tmp_path / "w.musicxml", staff("Species 1", rests(11)), staff("CF", DORIAN))
    first = fill(src, out=tmp_path / "a.musicxml", n=3, seed=7, time_limit=2)
    again = fill(src, out=tmp_path / "b.musicxml", n=3, seed=7, time_limit=2)
    assert [s.notes for s in first[0].solutions] == [s.notes for s in again[0].solutions]
    assert staff_notes(tmp_path / "a.musicxml", 0) == staff_notes(tmp_path / "b.musicxml", 0)


def test_answer_key_holds_n_distinct_solutions_per_exercise(tmp_path):
    from music21 import converter, expressions, stream

    cf = DORIAN + ["||"] + PHRYGIAN
    src = worksheet(tmp_path / "row.musicxml", staff("CF", cf), staff("Counterpoint", rests(21), treble=False),
                    title="First species")
    out = tmp_path / "key.musicxml"
    done = fill(src, out=out, answer_key=True, n=3, seed=1, time_limit=2)
    assert [len(f.solutions) for f in done] == [3, 3]
    key = converter.parse(str(out))
    cf_part, cp_part = (list(p.getElementsByClass(stream.Measure)) for p in key.parts)
    assert len(cf_part) == len(cp_part) == 3 * 11 + 3 * 10
    start = 0
    for f in done:
        lines = []
        for k in range(3):
            bars = range(start, start + len(f.task.cantus.cf))
            cf_pitches = [m.notes[0].nameWithOctave for m in (cf_part[i] for i in bars)]
            assert cf_pitches == [p.name for p in f.task.cantus.cf_pitches]
            labels = [t.content for t in cp_part[start].getElementsByClass(expressions.TextExpression)]
            assert f"Solution {k + 1} (penalty {f.solutions[k].penalty:g})" in " ".join(labels)
            pitches = tuple(n.nameWithOctave for i in bars for n in cp_part[i].notes)
            lines.append(pitches)
            ex = counterpoint.Exercise.from_music21(_two(cf_part, cp_part, bars), species=1, cf_voice="upper")
            assert counterpoint.check(ex).errors == []
            start += len(bars)
        assert len(set(lines)) == 3
        assert cp_part[start - 1].rightBarline.type in ("double", "final")


def _two(cf_measures, cp_measures, bars):
    import copy

    from music21 import stream

    score = stream.Score()
    for ms in (cf_measures, cp_measures):
        part = stream.Part()
        for i in bars:
            part.append(copy.deepcopy(ms[i]))
        score.insert(0, part)
    return score


# -- bad input --------------------------------------------------------------------------------------

def test_no_empty_staff(tmp_path):
    src = worksheet(tmp_path / "w.musicxml", staff("Species 1", DORIAN), staff("CF", DORIAN))
    with pytest.raises(InputError, match="no empty staff"):
        fill(src, time_limit=1)


def test_no_cantus_firmus(tmp_path):
    src = worksheet(tmp_path / "w.musicxml", staff("Species 1", rests(11)), staff("CF", rests(11)))
    with pytest.raises(InputError, match="no cantus firmus"):
        fill(src, time_limit=1)


def test_unknown_and_missing_species_labels(tmp_path):
    src = worksheet(tmp_path / "w.musicxml", staff("Species 6", rests(11)), staff("CF", DORIAN))
    with pytest.raises(InputError, match="'Species 6' names no species"):
        fill(src, time_limit=1)
    src = worksheet(tmp_path / "v.musicxml", staff("Counterpoint", rests(11)), staff("CF", DORIAN))
    with pytest.raises(InputError, match="exercise 1 \\(bars 1-11\\) has no species label"):
        fill(src, time_limit=1)


def test_not_a_score(tmp_path):
    bad = tmp_path / "w.musicxml"
    bad.write_text("hello")
    with pytest.raises(InputError):
        fill(bad)


def test_no_solution_names_the_exercise_and_the_rules(tmp_path):
    src = worksheet(tmp_path / "w.musicxml", staff("Species 1", rests(5)), staff("CF", ["D4"] * 5))
    with pytest.raises(NoSolutionError, match=r"exercise 1 \(bars 1-5\): the cantus firmus itself breaks F103"):
        fill(src, time_limit=1)


def test_never_overwrites_the_worksheet_or_an_existing_file(tmp_path):
    src = worksheet(tmp_path / "w.musicxml", staff("Species 1", rests(11)), staff("CF", DORIAN))
    before = digest(src)
    with pytest.raises(InputError, match="the worksheet itself"):
        fill(src, out=src, force=True)
    other = tmp_path / "old.musicxml"
    other.write_text("keep me")
    with pytest.raises(InputError, match="already exists"):
        fill(src, out=other)
    assert other.read_text() == "keep me" and digest(src) == before
    fill(src, out=other, force=True, n=1, seed=1, time_limit=2)
    assert other.read_text() != "keep me"


# -- the teacher's round trip: Fux's worksheet layout, filled, then checked ---------------------------

def fux_style_worksheet(path):
    """Fux's own worksheet layout: two staves with the same name, the cantus firmus sometimes in the lower,
    sometimes in the upper one, each exercise labelled in its first bar and ended by a final barline."""
    from music21 import bar, clef, expressions, key, meter, metadata, note, stream

    exercises = [(DORIAN, "Lower", 1), (PHRYGIAN, "Upper", 2), (IONIAN, "Lower", 1)]
    staves = [stream.Part(), stream.Part()]
    for p in staves:
        p.partName = "Piano"
    number = 0
    for cf, where, species in exercises:
        cf_staff = 1 if where == "Lower" else 0
        for i, name in enumerate(cf):
            for k, part in enumerate(staves):
                m = stream.Measure(number=number + i + 1)
                if number == 0 and i == 0:
                    m.insert(0, clef.TrebleClef() if k == 0 else clef.BassClef())
                    m.insert(0, key.KeySignature(0))
                    m.insert(0, meter.TimeSignature("4/4"))
                if i == 0 and k == 0:
                    m.insert(0, expressions.TextExpression(f"Species: {species}; Cantus firmus: {where}"))
                m.append(note.Note(name, quarterLength=4) if k == cf_staff else note.Rest(quarterLength=4))
                if i == len(cf) - 1:
                    m.rightBarline = bar.Barline("final")
                part.append(m)
        number += len(cf)
    score = stream.Score()
    score.metadata = metadata.Metadata()
    score.metadata.title = "Fux, first exercises"
    for p in staves:
        score.insert(0, p)
    score.write("musicxml", fp=str(path))
    return path


def test_fux_worksheet_where_the_cantus_firmus_changes_staff_is_filled(tmp_path):
    from counterpoint.io.m21 import parse_file

    sheet = fux_style_worksheet(tmp_path / "fux.musicxml")
    tasks = read_worksheet(parse_file(sheet))
    assert [(t.cf_part, t.cp_part, t.position, t.species, t.bar_numbers) for t in tasks] == [
        (1, 0, "above", 1, (1, 11)), (0, 1, "below", 2, (12, 21)), (1, 0, "above", 1, (22, 32))]


def test_round_trip_fill_then_check_gives_three_clean_reports(tmp_path):
    sheet = fux_style_worksheet(tmp_path / "fux.musicxml")
    out = tmp_path / "filled.musicxml"
    done = fill(sheet, out=out, seed=3, time_limit=3, critic=False)
    assert len(done) == 3
    reports = counterpoint.api.check_all(out)
    assert [(r.where, r.exercise.species, r.exercise.position) for r in reports] == [
        ("bars 1–11", 1, "above"), ("bars 12–21", 2, "below"), ("bars 22–32", 1, "above")]
    assert [len(r.errors) for r in reports] == [0, 0, 0]
    assert [r.exercise.cf_pitches for r in reports] == [f.task.cantus.cf_pitches for f in done]  # the CF untouched
    # The counterpoint below, in second species, lies low: its staff now has the clef its register needs.
    from music21 import converter, stream

    lower = list(converter.parse(str(out)).parts[1].getElementsByClass(stream.Measure))
    low_line = [p.diatonic for p in done[1].best.exercise.cp_pitches]
    clef_there = lower[11].getContextByClass("Clef")
    assert max(low_line) <= 28 + 2 and clef_there.sign in ("F", "C")  # a line up to E4 is not in treble clef


def test_fill_engraves_pdf_and_svg_with_proper_titles(tmp_path):
    sheet = worksheet(tmp_path / "sheet.musicxml", staff("Species 1", rests(11)), staff("Cantus firmus", DORIAN),
                      title="Homework 3")
    svg = tmp_path / "filled.svg"
    fill(sheet, out=svg, seed=1, time_limit=2, critic=False)
    text = svg.read_text()
    assert ">Homework 3<" in text and "Music21 Fragment" not in text and text.count('class="staff') >= 2
    key = tmp_path / "key.svg"
    fill(sheet, out=key, seed=1, time_limit=2, answer_key=True, n=2, critic=False)
    assert ">Homework 3: answer key<" in key.read_text()
    try:
        import cairosvg  # noqa: F401
    except (ImportError, OSError):
        return  # PDF needs the cairo library
    pdf = tmp_path / "filled.pdf"
    fill(sheet, out=pdf, seed=1, time_limit=2, critic=False)
    assert pdf.read_bytes().startswith(b"%PDF")


def test_a_filled_worksheet_of_two_staff_pairs_is_checked_pair_by_pair(tmp_path):
    sheet = worksheet(tmp_path / "pairs.musicxml", staff("Cantus firmus 1", DORIAN), staff("Species 1", rests(11)),
                      staff("Cantus firmus 2", IONIAN, {0: "Species 1"}), staff("Counterpoint 2", rests(11)))
    out = tmp_path / "filled.musicxml"
    done = fill(sheet, out=out, seed=2, time_limit=2, critic=False)
    reports = counterpoint.check_all(out)
    assert [r.where for r in reports] == ["staves 1–2", "staves 3–4"]
    assert [r.exercise.cf_pitches for r in reports] == [f.task.cantus.cf_pitches for f in done]
    assert [(r.exercise.position, len(r.errors)) for r in reports] == [("below", 0), ("below", 0)]


def test_unnamed_staves_are_named_by_number_not_by_object_id():
    from music21 import stream

    score = stream.Score()
    for named in (staff("x", DORIAN), staff("y", rests(11))):
        part = stream.Part()  # no name; music21 makes its id a number, the object's id
        for m in list(named.getElementsByClass(stream.Measure)):
            part.append(m)
        score.insert(0, part)
    [task] = read_worksheet(score, species=1)
    assert task.names == ("staff 1", "staff 2")


def test_fux_own_exercises_file_gives_its_blank_exercises():
    from pathlib import Path

    from counterpoint.scorefile import parse_file

    path = Path("/work/shared/corpus/fux-gradus/I/I-Exercises.mxl")
    if not path.exists():
        pytest.skip("Fux's combined exercises file is not on this machine")
    tasks = read_worksheet(parse_file(path))
    # 46 figures; in this file Fig. 41 (bars 199-212) already has notes on its counterpoint staff, so 45 blanks.
    assert len(tasks) == 45 and all(t.bar_numbers != (199, 212) for t in tasks)
    assert [(t.bar_numbers, t.position, t.species) for t in tasks[:3]] == [
        ((1, 11), "above", 1), ((12, 22), "below", 1), ((23, 32), "above", 1)]
    assert {t.species for t in tasks} == {1, 2, 3, 4, 5}


def test_a_three_voice_answer_key_is_checked_copy_by_copy(tmp_path):
    src = worksheet(tmp_path / "three.musicxml", staff("Alto", rests(11), {0: "Species 2"}), staff("CF", DORIAN),
                    staff("Bass", rests(11), treble=False), title="First species")
    key = tmp_path / "key.musicxml"
    [f] = fill(src, out=key, answer_key=True, n=2, seed=2, time_limit=10)
    assert f.task.voice_species == (2, 1) and len(f.solutions) == 2
    reports = counterpoint.check_all(key, cf_voice=2)
    assert [r.where for r in reports] == ["bars 1–11", "bars 12–22"]
    assert all(r.errors == [] for r in reports)
    # each copy holds its own solution, the best first
    for r, sol in zip(reports, f.solutions):
        assert [v.notes for v in r.exercise.voices] == [v.notes for v in sol.texture.voices]
    with pytest.raises(InputError, match="holds 2 exercises"):
        counterpoint.check(key, cf_voice=2)
