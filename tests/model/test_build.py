import pytest

from counterpoint.errors import InputError
from counterpoint.model.build import from_text
from counterpoint.model.notation import format_notes, parse_notes


def test_species_inferred_from_rhythm():
    cf = "D4 F4 E4 D4"
    assert from_text(cf, "A4 A4 G4 A4").species == 1
    assert from_text(cf, "r:2 A4:2 | A4:2 B4:2 | C5:2 G4:2 | A4:1").species == 2
    assert from_text(cf, "r:2 A4:2~ | A4:2 G4:2~ | G4:2 F4:2 | D4:1").species == 4
    assert from_text(cf, "D5:4 C5:4 B4:4 A4:4 | G4:4 A4:4 B4:4 C5:4 | D5:4 C5:4 B4:4 A4:4 | D5:1").species == 3


def test_position_inferred_and_cantus_alone():
    assert from_text("D4 F4 E4 D4", "D3 D3 C3 D3").cp_above is False
    ex = from_text("D4 F4 E4 D4")
    assert ex.is_cantus_only and ex.describe == "cantus firmus, D dorian"


def test_notation_round_trip():
    notes = parse_notes("r:2 A4:2~ | A4:4 G4:8 F4:8 E4:2. D4:4")
    assert format_notes(notes, default=None, bar_ticks=16) == "r:2 A4:2~ | A4:4 G4:8 F4:8 E4:2. D4:4"


@pytest.mark.parametrize("cf, cp, words", [
    ("D4 F4", None, "at least 3"),
    ("D4 F4:2 E4 D4", None, "same length"),
    ("D4 F4 E4 D4", "A4 A4 G4 A4 B4", "end together"),
    ("D4 F4 E4 D4", "A4~ B4 G4 A4", "tie joins"),
    ("D4 F4 E4 D4", "A4 r~ G4 A4", "ties a rest"),
    ("D4 F4 E4 D4", "A4:3 A4 G4 A4", "not a note value"),
])
def test_bad_exercises(cf, cp, words):
    with pytest.raises(InputError, match=words):
        from_text(cf, cp)


def test_with_cp_checks_the_new_line_and_infers_what_a_cantus_firmus_alone_cannot_say():
    cf = from_text("D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4")
    below = cf.with_cp(parse_notes("D3 D3 A2 B2 G2 A2 F2 G2 A2 C#3 D3"))
    assert (below.species, below.cp_above, len(below.cp)) == (1, False, 11)
    with pytest.raises(InputError, match="must end together"):
        cf.with_cp(parse_notes("D3 D3 A2"))
