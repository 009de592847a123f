import pytest

from counterpoint.errors import InputError
from counterpoint.model.mode import Mode, infer_mode
from counterpoint.model.pitch import Pitch

P = Pitch.parse


@pytest.mark.parametrize("text, label, signature", [("dorian", "D dorian", 0), ("G dorian", "G dorian", -1),
                                                   ("phrygian", "E phrygian", 0), ("F lydian", "F lydian", 0),
                                                   ("Bb major", "Bb major", -2), ("a minor", "A minor", 0),
                                                   ("g-mixolydian", "G mixolydian", 0)])
def test_parse_and_signature(text, label, signature):
    m = Mode.parse(text)
    assert (m.label, m.signature) == (label, signature)


def test_unknown_mode():
    with pytest.raises(InputError, match="not a mode"):
        Mode.parse("hypodorian-ish")


def test_ficta():
    d = Mode.parse("D dorian")
    assert d.ficta(P("C#5")) == "raised leading tone"
    assert d.ficta(P("Bb4")) == "lowered sixth"
    assert d.ficta(P("F#4")) == "raised third of the final chord"  # the major third of a texture's last chord
    assert d.ficta(P("G#4")) is None
    assert Mode.parse("E phrygian").ficta(P("D#4")) is None
    assert Mode.parse("A aeolian").ficta(P("F#4")) == "raised sixth"


def test_leading_tone():
    assert Mode.parse("D dorian").leading_tone(P("D5")).name == "C#5"
    assert Mode.parse("E phrygian").leading_tone(P("E4")).name == "D4"
    assert Mode.parse("G dorian").leading_tone(P("G4")).name == "F#4"
    assert Mode.parse("F lydian").leading_tone(P("F4")).name == "E4"


def test_infer_mode():
    cf = [P(x) for x in "D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4".split()]
    assert infer_mode(cf, cf[-1]).label == "D dorian"
    assert infer_mode(cf, cf[-1], signature=-1).label == "D aeolian"
    g = [P(x) for x in "G3 Bb3 A3 G3 C4 Bb3 D4 C4 Bb3 A3 G3".split()]
    assert infer_mode(g, g[-1]).label == "G dorian"
    with pytest.raises(InputError, match="fit no mode"):
        infer_mode([P("D4"), P("Eb4"), P("F#4"), P("D4")], P("D4"))
