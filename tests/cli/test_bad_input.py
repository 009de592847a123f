"""Unusable input always ends in one clear sentence on stderr and exit code 2, never a traceback,
and nothing the user had is changed."""

from __future__ import annotations

import pytest

from counterpoint.cli.main import main
from tests.support import FUX_DIR

FIG5 = FUX_DIR / "fig-005-cf-lower.musicxml"


def _score_file(tmp_path, cf_elements, cp_elements=None, name="bad.musicxml"):
    """Write a MusicXML file whose parts are built from music21 elements."""
    from music21 import stream

    score = stream.Score()
    for elements, pname in ((cp_elements, "Counterpoint"), (cf_elements, "Cantus firmus")):
        if elements is None:
            continue
        part = stream.Part()
        part.partName = pname
        for el in elements:
            part.append(el)
        part.makeMeasures(inPlace=True)
        score.insert(0, part)
    path = tmp_path / name
    score.write("musicxml", fp=str(path))
    return path


def _whole(names):
    from music21 import note

    return [note.Note(n, quarterLength=4) for n in names.split()]


def _run(capsys, argv):
    code = main(argv)
    err = capsys.readouterr().err.strip()
    return code, err


def _assert_one_sentence(code, err, *words):
    assert code == 2
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("counterpoint: ") and err.endswith(".")
    for w in words:
        assert w in err, err


def test_empty_file(tmp_path, capsys):
    path = tmp_path / "empty.musicxml"
    path.write_text("")
    _assert_one_sentence(*_run(capsys, ["check", str(path)]), "empty")
    assert path.read_text() == ""


def test_file_that_is_not_music(tmp_path, capsys):
    path = tmp_path / "notes.musicxml"
    path.write_text("These are my lecture notes, not a score.\n")
    _assert_one_sentence(*_run(capsys, ["check", str(path)]), "could not be read as music")
    assert path.read_text() == "These are my lecture notes, not a score.\n"


def test_unknown_suffix(tmp_path, capsys):
    path = tmp_path / "exercise.docx"
    path.write_bytes(b"PK\x03\x04")
    _assert_one_sentence(*_run(capsys, ["check", str(path)]), "MusicXML")


def test_missing_file(tmp_path, capsys):
    _assert_one_sentence(*_run(capsys, ["check", str(tmp_path / "nope.musicxml")]), "does not exist")


def test_chord_in_cantus_firmus(tmp_path, capsys):
    from music21 import chord

    cf = _whole("D4 F4 E4") + [chord.Chord(["D4", "A4"], quarterLength=4)]
    path = _score_file(tmp_path, cf)
    _assert_one_sentence(*_run(capsys, ["check", str(path)]), "chord")


def test_rest_inside_cantus_firmus(tmp_path, capsys):
    from music21 import note

    cf = _whole("D4 F4") + [note.Rest(quarterLength=4)] + _whole("E4 D4")
    path = _score_file(tmp_path, cf)
    _assert_one_sentence(*_run(capsys, ["check", str(path)]), "rest")


def test_missing_part(tmp_path, capsys):
    path = _score_file(tmp_path, _whole("D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4"))
    _assert_one_sentence(*_run(capsys, ["check", "--species", "2", str(path)]), "staff is empty")


def test_cantus_firmus_too_long(capsys):
    cf = " ".join(["D4", "E4", "F4", "E4"] * 16 + ["D4"])
    _assert_one_sentence(*_run(capsys, ["check", "--cf", cf]), "65 notes", "64")


def test_notes_outside_any_mode(capsys):
    _assert_one_sentence(*_run(capsys, ["check", "--cf", "D4 Eb4 F#4 G#4 D4"]), "fit no mode")


def test_counterpoint_of_wrong_length(capsys):
    _assert_one_sentence(*_run(capsys, ["check", "--cf", "D4 F4 E4 D4", "--cp", "A4 A4 G4"]), "end together")


def test_not_a_pitch(capsys):
    _assert_one_sentence(*_run(capsys, ["check", "--cf", "D4 F4 H4 D4"]), "'H4' is not")


def test_unknown_code_in_rulebook(tmp_path, capsys):
    book = tmp_path / "mine.toml"
    book.write_text('extends = "fux"\nignore = ["V999"]\n')
    _assert_one_sentence(*_run(capsys, ["check", "--rules", str(book), str(FIG5)]), "V999")
    assert book.read_text() == 'extends = "fux"\nignore = ["V999"]\n'


def test_malformed_toml(tmp_path, capsys):
    book = tmp_path / "broken.toml"
    book.write_text('select = ["V101"\n')
    _assert_one_sentence(*_run(capsys, ["check", "--rules", str(book), str(FIG5)]), "not valid TOML")


@pytest.mark.parametrize("toml, words", [
    ('colour = "blue"\n', "unknown key"),
    ('[severity]\nV101 = "fatal"\n', "severity"),
    ('[weight]\nV101 = -1\n', "weight"),
    ('[options.V101]\nstrictness = 3\n', "no option"),
    ('extends = "no-such-book"\n', "rulebook mine extends 'no-such-book', but there is no such rulebook"),
])
def test_other_rulebook_mistakes(tmp_path, capsys, toml, words):
    book = tmp_path / "mine.toml"
    book.write_text(toml)
    _assert_one_sentence(*_run(capsys, ["check", "--rules", str(book), str(FIG5)]), words)


def test_unknown_rulebook_name(capsys):
    _assert_one_sentence(*_run(capsys, ["check", "--rules", "palestrina-2099", str(FIG5)]), "no rulebook")


def test_unknown_rule_for_rules_command(capsys):
    _assert_one_sentence(*_run(capsys, ["rules", "X123"]), "no rule")


def test_an_abbreviated_option_is_refused_not_guessed(capsys):
    # --n is not -n: argparse would read it as --no-critic, the only option it abbreviates, and then choke on "3"
    code, err = _run(capsys, ["generate", "--cf", "D4 F4 E4 D4", "--species", "1", "--n", "3"])
    assert code == 2 and "--n 3" in err and err.count("\n") <= 1
    code, err = _run(capsys, ["generate", "--cf", "D4 F4 E4 D4", "--species", "1", "--time", "2"])
    assert code == 2 and "--time" in err


FIG5_CF, FIG5_CP = "D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4", "A4 A4 G4 A4 B4 C5 C5 B4 D5 C#5 D5"


@pytest.mark.parametrize("extra, words", [
    (["--cf-voice", "0"], "--cf-voice goes with files"),
    (["--cf-voice", "upper"], "--cf-voice goes with files"),
    (["--cf-voice", "lower", "--below"], "--cf-voice goes with files"),
    (["--species", "1,3"], "2 species were given for a two-voice exercise"),
])
def test_note_list_options_that_do_not_apply_are_refused_not_ignored(capsys, extra, words):
    _assert_one_sentence(*_run(capsys, ["check", "--cf", FIG5_CF, "--cp", FIG5_CP, *extra]), words)


def test_an_empty_counterpoint_is_refused_not_read_as_the_cantus_firmus_alone(capsys):
    _assert_one_sentence(*_run(capsys, ["check", "--cf", FIG5_CF, "--cp", " "]), "--cp is empty")


def test_a_time_limit_too_short_for_any_line_exits_1_with_one_sentence(capsys, monkeypatch):
    """The search gets no time at all (the clock is moved past the deadline as it starts): exit 1 and the
    time limit named, never a traceback or an empty answer."""
    import counterpoint.generator as gen

    real = gen.clock_start
    monkeypatch.setattr(gen, "clock_start", lambda start: real(start) - 100)
    code = main(["generate", "--cf", FIG5_CF, "--species", "1", "--time-limit", "1", "--format", "json"])
    err = capsys.readouterr().err.strip()
    assert code == 1 and "Traceback" not in err and len(err.splitlines()) == 1
    assert "no first species line was found within the time limit of 1 s" in err


def test_a_readers_internal_python_error_is_not_shown(tmp_path, capsys):
    """music21's kern reader fails on this with Python's own "not enough values to unpack": the user is told
    what the file is not, not what went wrong inside the reader."""
    path = tmp_path / "exercise.krn"
    path.write_text("**kern\n!!! garbage\nxyz\tq\n*-\n")
    code, err = _run(capsys, ["check", str(path)])
    _assert_one_sentence(code, err, "exercise.krn could not be read as music: it is not valid Humdrum kern")
    assert "unpack" not in err and "(" not in err


def test_a_note_in_an_impossible_octave_is_refused(tmp_path, capsys):
    text = FIG5.read_text()
    path = tmp_path / "octave.musicxml"
    path.write_text(text.replace("<octave>4</octave>", "<octave>99</octave>", 1))
    _assert_one_sentence(*_run(capsys, ["check", str(path)]), "99", "outside -1 to 9")


@pytest.mark.parametrize("given, words", [("A4-A4", "holds one pitch"), ("C4-G2", "runs downwards"),
                                          ("G2", "is not a range")])
def test_a_range_that_is_not_a_range_says_which_way(capsys, given, words):
    _assert_one_sentence(*_run(capsys, ["generate", "--cf", FIG5_CF, "--species", "2", "--range", given]), words)


@pytest.mark.parametrize("argv, words", [
    (["rules", ""], "the rule code is empty"),
    (["critic", "evaluate", "--limit", "5"], "add --rerun"),
    (["critic", "evaluate", "--free", "--limit", "5"], "add --rerun"),
    (["critic", "score", str(FIG5), "--style", "species", "--voices", "1,2"], "leave out --voices"),
])
def test_options_that_would_be_ignored_are_refused(capsys, argv, words):
    _assert_one_sentence(*_run(capsys, argv), words)


def test_checking_an_unfilled_worksheet_says_the_staff_is_empty(tmp_path, capsys):
    """A teacher checks a worksheet before anyone has filled it: the label asks for a species, the staff is
    empty; the message says so and points to `fill`, not to a --species the teacher never gave."""
    from music21 import note

    path = _score_file(tmp_path, _whole("D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4"),
                       [note.Rest(quarterLength=4) for _ in range(11)], name="worksheet.musicxml")
    _assert_one_sentence(*_run(capsys, ["check", "--species", "1", str(path)]), "staff is empty", "counterpoint fill")
