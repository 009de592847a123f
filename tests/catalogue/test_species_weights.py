"""Per-species weights in a rulebook ([species_weight.N]): parsing, merging across extends, validation, and
that the checker's report and the generator's preferences both take the exercise's species' weight."""

from __future__ import annotations

import pytest

from counterpoint import check, from_text
from counterpoint.catalogue.rulebook import load_rulebook
from counterpoint.errors import RulebookError
from counterpoint.generator.soft import soft_settings


def _book(tmp_path, text: str, name: str = "mine.toml"):
    path = tmp_path / name
    path.write_text(text)
    return load_rulebook(path)


def _weight(book, species: int, code: str) -> float:
    return next(s.weight for s in book.active(species) if s.rule.code == code)


def test_species_weight_overrides_weight_in_that_species_only(tmp_path):
    book = _book(tmp_path, 'select = ["ALL"]\n[weight]\nM404 = 3\n[species_weight.1]\nM404 = 0.5\n')
    assert _weight(book, 1, "M404") == 0.5
    assert _weight(book, 4, "M404") == 3
    assert book.get("M404").weight == 3  # the rulebook-wide value
    assert {s.rule.code: s.weight for s in soft_settings(book, 1)}["M404"] == 0.5


def test_report_penalty_uses_the_species_weight(tmp_path):
    # A repeated whole note in first species: M404 fires once.
    ex = from_text("D4 F4 E4 D4 G4 F4 A4 G4 E4 D4", "A4 A4 C5 B4 D5 C5 C5 B4 C#5 D5", species=1)
    plain = check(ex, _book(tmp_path, 'select = ["ALL"]\n[weight]\nM404 = 2\n'))
    cheap = check(ex, _book(tmp_path, 'select = ["ALL"]\n[weight]\nM404 = 2\n[species_weight.1]\nM404 = 0.5\n',
                            "cheap.toml"))
    hits = len(plain.at("M404"))
    assert hits >= 1
    assert plain.penalty - cheap.penalty == pytest.approx(1.5 * hits)
    assert {v.weight for v in cheap.violations if v.code == "M404"} == {0.5}


def test_extends_merges_species_weights_and_a_plain_weight_resets_them(tmp_path):
    (tmp_path / "base.toml").write_text('select = ["ALL"]\n[species_weight.1]\nM404 = 0.5\nM303 = 1\n')
    child = _book(tmp_path, 'extends = "base.toml"\n[species_weight.1]\nM303 = 4\n')
    assert (_weight(child, 1, "M404"), _weight(child, 1, "M303")) == (0.5, 4)
    reset = _book(tmp_path, 'extends = "base.toml"\n[weight]\nM404 = 3\n', "reset.toml")
    assert _weight(reset, 1, "M404") == 3 and _weight(reset, 1, "M303") == 1


@pytest.mark.parametrize("text, words", [
    ('[species_weight.6]\nM404 = 1\n', "species from 1 to 5"),
    ('[species_weight.one]\nM404 = 1\n', "species from 1 to 5"),
    ('[species_weight.1]\nM404 = -1\n', "at least 0"),
    ('[species_weight.1]\nM404 = nan\n', "finite"),
    ('[species_weight.1]\nM404 = inf\n', "finite"),
    ('[species_weight.1]\nM404 = "1"\n', "finite"),
    ('[species_weight.1]\nM404 = true\n', "finite"),
    ('[species_weight.1]\nX999 = 1\n', "unknown rule code"),
    ('[species_weight.1]\nM405 = 1\n', "does not apply"),  # M405 is third species only
    ('species_weight = 3\n', "must be a table"),
    ('species_weight = { 1 = 3 }\n', "must be a table"),
])
def test_bad_species_weights_are_refused(tmp_path, text, words):
    with pytest.raises(RulebookError, match=words):
        _book(tmp_path, 'select = ["ALL"]\n' + text)


# -- three voices or more: [texture.species_weight.N] ----------------------------------------------------------

def _texture_weight(book, species: int, code: str) -> float:
    return next(s.weight for s in book.active(species, texture=True) if s.rule.code == code)


def test_texture_species_weight_applies_in_three_voices_only(tmp_path):
    book = _book(tmp_path, 'select = ["ALL"]\n[species_weight.1]\nM404 = 0.5\n[texture.species_weight.4]\nM404 = 6\n')
    assert _weight(book, 4, "M404") == 2 and _texture_weight(book, 4, "M404") == 6
    assert _weight(book, 1, "M404") == 0.5 and _texture_weight(book, 1, "M404") == 0.5  # the plain one carries over


def test_a_texture_weight_resets_the_plain_species_weights_in_three_voices(tmp_path):
    book = _book(tmp_path, 'select = ["ALL"]\n[species_weight.1]\nM404 = 0.5\n[texture.weight]\nM404 = 3\n')
    assert _texture_weight(book, 1, "M404") == 3 and _weight(book, 1, "M404") == 0.5


def test_fux_weights_a_repeated_note_in_a_fourth_species_voice_of_a_texture():
    from counterpoint.catalogue.texture_engine import check_texture
    from counterpoint.model.edit import set_voice_pitch
    from tests.support import load_fux_voices

    book = load_rulebook("fux")
    # Fig. 147: the alto in fourth species (r E4~ | E4 C4~ | ...); strike its tied E4 again on the weak half of
    # bar 2, in place of the C4 it moves to.
    def alto_repeats(t):
        return [(v.bar, v.weight) for v in check_texture(t, book).warnings if v.code == "M404" and v.voice == "alto"]

    tex = load_fux_voices("147")
    assert alto_repeats(tex) == []
    assert alto_repeats(set_voice_pitch(tex, 2, 2, 3, "E4")) == [(2, 20)]  # 20 here; 10 in two voices


@pytest.mark.parametrize("text, words", [
    ('[texture.species_weight.6]\nM404 = 1\n', r"\[texture.species_weight.6\] must name a species"),
    ('[texture.species_weight.1]\nM404 = -1\n', "at least 0"),
    ('[texture.species_weight.1]\nM405 = 1\n', "does not apply"),
])
def test_bad_texture_species_weights_are_refused(tmp_path, text, words):
    with pytest.raises(RulebookError, match=words):
        _book(tmp_path, 'select = ["ALL"]\n' + text)


def test_the_fux_rulebook_charges_a_returning_peak_more_in_third_species():
    # In quarter notes a peak is easily struck again: fux weighs M303 at 2 there, half a point elsewhere.
    cf = "D4 F4 E4 D4 G4 F4 A4 G4 E4 D4"
    bars = "A4 B4 C5 D5 | C5 B4 A4 G4 | A4 B4 C5 D5 | C5 B4 A4 B4 | C5 A4 G4 A4 | B4 G4 F4 G4 | A4 F4 G4 A4 | " \
           "B4 C5 B4 A4 | B4 A4 B4 C#5"
    third = from_text(cf, " ".join(f"{p}:4" for p in bars.replace("|", "").split()) + " D5:1", species=3)
    first = from_text(cf, "A4 A4 C5 D5 B4 D5 C5 B4 C#5 D5", species=1)
    book = load_rulebook("fux")
    for ex, weight in ((third, 2.0), (first, 0.5)):
        report = check(ex, book)
        hits = [v for v in report.violations if v.code == "M303"]
        assert hits and {v.weight for v in hits} == {weight}
        assert report.at("M303") == ([3, 10] if ex is third else [6, 10])  # the bars where the peak returns
    # in three voices or more it stays at half a point, as Fux's texture voices return to their peak more often
    assert next(s.weight for s in book.active(3, texture=True) if s.rule.code == "M303") == 0.5


def test_the_fux_rulebook_leaves_a_returning_peak_free_in_a_second_species_voice_of_a_texture():
    """Fig. 123's second-species bass returns to its peak (bars 9 and 11) and costs nothing; fig. 127's
    first-species bass does the same (bars 3 and 9) at half a point."""
    from counterpoint.catalogue.texture_engine import check_texture
    from tests.support import load_fux_voices

    book = load_rulebook("fux")

    def peaks(figure):
        report = check_texture(load_fux_voices(figure), book)
        return [(v.voice, v.bar, v.weight) for v in report.warnings if v.code == "M303"]

    assert peaks("123") == [("bass", 9, 0.0), ("bass", 11, 0.0)]
    assert peaks("127") == [("bass", 3, 0.5), ("bass", 9, 0.5)]


def test_the_fux_rulebook_charges_a_restruck_syncopation_ten_in_two_voice_fourth_species():
    """A top line the generator ranked first on a held-out cantus firmus at M404's catalogue weight of 2: the E6
    tied into bar 9 is struck again on its weak half. Fux never does so in fourth species."""
    cf = "E5 C5 D5 E5 G5 F5 E5 A5 G5 F5 E5"
    line = "r:2 B5:2~ | B5:2 A5:2~ | A5:2 B5:2~ | B5:2 E5:2~ | E5:2 E6:2~ | E6:2 D6:2~ | D6:2 C6:2~ | C6:2 E6:2~ | " \
           "E6:2 E6:2~ | E6:2 D6:2 | E6:1"
    ex = from_text(cf, line, species=4, mode="E phrygian")
    hits = [v for v in check(ex, load_rulebook("fux")).violations if v.code == "M404"]
    assert [(v.bar, v.weight) for v in hits] == [(9, 10.0)]


def test_fux_weights_a_swing_in_a_fourth_species_voice_of_a_texture():
    """Fux's syncopated texture voices never swing (A B A B); fux charges a swing there 10, not M403's 3."""
    from counterpoint.catalogue.texture_engine import check_texture
    from counterpoint.model.edit import set_voice_pitch
    from tests.support import load_fux_voices

    book = load_rulebook("fux")

    def alto_swings(t):
        return [(v.bar, v.weight) for v in check_texture(t, book).warnings if v.code == "M403" and v.voice == "alto"]

    tex = load_fux_voices("147")  # the alto's last attacks: B3 (bar 7) A3 (8) B3 (9) G#3 (10)
    assert alto_swings(tex) == []
    assert alto_swings(set_voice_pitch(tex, 2, 10, 1, "A3")) == [(10, 10)]  # B3 A3 B3 A3
