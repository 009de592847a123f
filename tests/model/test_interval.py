"""Spelled intervals, by table: the spelling decides the name, not the semitone count."""

import pytest

from counterpoint.model.interval import Interval
from counterpoint.model.pitch import Pitch


@pytest.mark.parametrize("a, b, name, consonant, perfect", [
    ("D4", "A4", "P5", True, True),
    ("B3", "F4", "d5", False, False),
    ("F4", "B4", "A4", False, False),
    ("D4", "G4", "P4", False, False),
    ("F4", "G#4", "A2", False, False),
    ("F4", "Ab4", "m3", True, False),
    ("E4", "C5", "m6", True, False),
    ("C4", "A4", "M6", True, False),
    ("D4", "D5", "P8", True, True),
    ("D3", "A4", "P12", True, True),
    ("C4", "C#4", "A1", False, False),
    ("C4", "E5", "M10", True, False),
    ("B3", "A4", "m7", False, False),
    ("C#4", "Bb4", "d7", False, False),
])
def test_interval_names(a, b, name, consonant, perfect):
    iv = Interval.between(Pitch.parse(a), Pitch.parse(b))
    assert iv.name == name
    assert iv.is_consonant is consonant
    assert iv.is_perfect is perfect


def test_simple_numbers_and_direction():
    down = Interval.between(Pitch.parse("A4"), Pitch.parse("D4"))
    assert (down.steps, down.semitones, down.direction, down.name) == (-4, -7, -1, "P5")
    assert Interval.between(Pitch.parse("D3"), Pitch.parse("A4")).simple_number == 5
    assert Interval.between(Pitch.parse("D3"), Pitch.parse("D5")).simple_number == 8


@pytest.mark.parametrize("name", ["P1", "m2", "M2", "m3", "M3", "P4", "A4", "d5", "P5", "m6", "M6", "m7", "M7", "P8", "M10", "P12"])
def test_parse_round_trips(name):
    assert Interval.parse(name).name == name


def test_descriptions_name_the_spelling():
    assert Interval.parse("d5").description == "diminished fifth"
    assert Interval.parse("A4").description == "augmented fourth"
    assert Interval.parse("P8").description == "octave"
