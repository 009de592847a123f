"""Bad three- and four-voice input (issue 8): each gets exit 2 and one sentence, never a traceback."""

from __future__ import annotations

import pytest

from counterpoint.cli.main import main
from tests.test_filling import DORIAN, staff, worksheet

ALTO = "A4 A4 G4 A4 B4 C5 C5 B4 D5 C#5 D5".split()
BASS = "D3 D3 A3 F3 E3 D3 F3 C4 D4 A3 D3".split()


def one_sentence(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("counterpoint: ") and err[0].endswith("."), err
    return err[0]


def test_the_three_voice_file_is_good(tmp_path, capsys):
    path = worksheet(tmp_path / "ok.musicxml", staff("Alto", ALTO), staff("Cantus firmus", DORIAN),
                     staff("Bass", BASS, treble=False))
    assert main(["check", str(path)]) in (0, 1)
    assert "Traceback" not in capsys.readouterr().err


def test_two_cantus_firmi(tmp_path, capsys):
    path = worksheet(tmp_path / "two.musicxml", staff("Cantus firmus", ALTO), staff("Cantus firmus II", DORIAN),
                     staff("Bass", BASS, treble=False))
    assert main(["check", str(path)]) == 2
    line = one_sentence(capsys)
    assert "two voices are named as the cantus firmus" in line and "--cf-voice" in line


def test_more_voices_than_supported(tmp_path, capsys):
    path = worksheet(tmp_path / "seven.musicxml", *[staff(f"Voice {k}", DORIAN) for k in range(7)])
    assert main(["check", "--cf-voice", "3", str(path)]) == 2
    assert "7 voices with notes; at most 6" in one_sentence(capsys)


@pytest.mark.parametrize("species, words", [("1,2,3", "3 species were given for 2 voices"),
                                            ("1", None), ("2,2", None)])
def test_a_species_list_that_does_not_match_the_voices(tmp_path, capsys, species, words):
    path = worksheet(tmp_path / "three.musicxml", staff("Alto", ALTO), staff("Cantus firmus", DORIAN),
                     staff("Bass", BASS, treble=False))
    code = main(["check", "--species", species, str(path)])
    if words is None:  # one species for every voice, or one per free voice: accepted
        assert code in (0, 1)
        capsys.readouterr()
    else:
        assert code == 2
        assert words in one_sentence(capsys)


def test_a_species_list_for_two_voices_that_names_more(tmp_path, capsys):
    path = worksheet(tmp_path / "two.musicxml", staff("Counterpoint", ALTO), staff("Cantus firmus", DORIAN))
    assert main(["check", "--species", "1,3", str(path)]) == 2
    assert "2 species" in one_sentence(capsys)


def test_a_part_with_chords(tmp_path, capsys):
    from music21 import chord

    alto = staff("Alto", ALTO)
    m = list(alto.getElementsByClass("Measure"))[3]
    old = m.notes[0]
    m.replace(old, chord.Chord(["A4", "C5"], quarterLength=4))
    path = worksheet(tmp_path / "chord.musicxml", alto, staff("Cantus firmus", DORIAN), staff("Bass", BASS, treble=False))
    assert main(["check", str(path)]) == 2
    assert "chord" in one_sentence(capsys)


def test_parts_of_different_lengths(tmp_path, capsys):
    path = worksheet(tmp_path / "short.musicxml", staff("Alto", ALTO[:-2]), staff("Cantus firmus", DORIAN),
                     staff("Bass", BASS, treble=False))
    assert main(["check", str(path)]) == 2
    line = one_sentence(capsys)
    assert "alto" in line.lower() and "bars" in line


def test_generate_with_a_cf_voice_beyond_the_voices(capsys):
    assert main(["generate", "--cf", " ".join(DORIAN), "--species", "1,3", "--cf-voice", "4"]) == 2
    assert "from 1 (the highest) to 3" in one_sentence(capsys)


def test_the_library_refuses_several_species_for_two_voices():
    import counterpoint
    from counterpoint.errors import InputError
    from counterpoint.model.build import from_text

    ex = from_text("D4 F4 E4 D4", "A4 A4 G4 F#4")
    with pytest.raises(InputError, match="2 species were given for a two-voice exercise"):
        counterpoint.check(ex, species=(1, 3))
    assert counterpoint.check(ex, species=[1]).exercise.species == 1
