import pytest

from counterpoint.errors import InputError
from counterpoint.model.pitch import Pitch


@pytest.mark.parametrize("text, midi, name", [("C4", 60, "C4"), ("C#5", 73, "C#5"), ("Bb3", 58, "Bb3"),
                                               ("B-3", 58, "Bb3"), ("E#4", 65, "E#4"), ("Fb4", 64, "Fb4"),
                                               ("d4", 62, "D4"), ("G##2", 45, "G##2")])
def test_parse(text, midi, name):
    p = Pitch.parse(text)
    assert (p.midi, p.name) == (midi, name)


def test_enharmonics_stay_distinct():
    assert Pitch.parse("E#4") != Pitch.parse("F4")
    assert Pitch.parse("E#4").midi == Pitch.parse("F4").midi


@pytest.mark.parametrize("bad", ["H4", "C", "4C", "C#", "Cx#4", ""])
def test_bad_pitches_raise_one_sentence(bad):
    with pytest.raises(InputError, match="is not a pitch"):
        Pitch.parse(bad)
