"""Rulebooks: ruff-style selection, extension, severities, weights, options; the built-in profiles."""

from __future__ import annotations

import pytest

from counterpoint import check, from_text
from counterpoint.catalogue.registry import RULES
from counterpoint.catalogue.rulebook import RulebookError, builtin_rulebooks, load_rulebook


def _book(tmp_path, text: str, name: str = "mine.toml"):
    path = tmp_path / name
    path.write_text(text)
    return load_rulebook(path)


def test_builtin_rulebooks():
    assert {"fux", "modern"} <= set(builtin_rulebooks())
    assert len(load_rulebook("fux").settings) == len(RULES)


def test_longest_prefix_wins_and_ignore_beats_select(tmp_path):
    book = _book(tmp_path, 'select = ["ALL"]\nignore = ["M4"]\n')
    assert "M401" not in book.codes and "M301" in book.codes
    book = _book(tmp_path, 'select = ["ALL", "M401"]\nignore = ["M4"]\n')
    assert "M401" in book.codes and "M402" not in book.codes
    book = _book(tmp_path, 'select = ["V1"]\nignore = ["V1"]\n')
    assert not any(c.startswith("V1") for c in book.codes)


def test_extends_merges_and_child_wins(tmp_path):
    (tmp_path / "base.toml").write_text('select = ["ALL"]\n[weight]\nM303 = 7\n[options.M301]\nmax_number = 9\n')
    book = _book(tmp_path, 'extends = "base.toml"\nignore = ["H"]\n[severity]\nM401 = "warning"\n')
    assert book.get("M303").weight == 7
    assert book.get("M301").options.max_number == 9
    assert book.get("M401").severity == "warning"
    assert book.get("H101") is None


def test_severity_off_disables(tmp_path):
    book = _book(tmp_path, 'extends = "fux"\n[severity]\nV101 = "off"\n')
    report = check(from_text("D4 E4 F4 E4 D4", "A4 B4 A4 C#5 D5"), book)
    assert "V101" not in report.codes()


def test_fux_licences_are_options_not_weakened_rules():
    fux = load_rulebook("fux")
    assert fux.get("M301").options.max_number == 12
    assert fux.get("H104").options.max_run == 4
    modern = load_rulebook("modern")
    assert modern.get("M301").options.max_number == 10  # the catalogue default
    assert modern.get("H104").options.max_run == 2


def test_modern_allows_a_direct_fifth_when_the_upper_voice_steps():
    # F4-A4 to C4-G4: both voices fall into a fifth, the upper one by step.
    ex = from_text("D4 F4 C4 D4", "A4 A4 G4 D5", species=1)
    fux = check(ex, "fux").at("V103")
    modern = check(ex, "modern").at("V103")
    assert fux == [3] and modern == []


def test_a_teacher_narrows_the_sopranos_compass(tmp_path):
    from counterpoint.catalogue.texture_engine import check_texture
    from tests.support import texture_from_lists

    book = _book(tmp_path, 'extends = "fux"\n[texture.options.T107]\nsoprano = ["C4", "G5"]\n')
    tex = texture_from_lists(["D5 A5 G5", "F4 G4 F4", "D3 D3 D3"], cf_voice=3)
    hits = [v for v in check_texture(tex, book).violations if v.code == "T107"]
    assert [(v.bar, v.voice) for v in hits] == [(2, "soprano")] and "G5" in hits[0].message
    assert not [v for v in check_texture(tex, load_rulebook("fux")).violations if v.code == "T107"]  # A5 is Fux's


@pytest.mark.parametrize("given, words", [('["C4"]', "two notes"), ('["C4", "H9"]', "two notes"),
                                          ('["G5", "C4"]', "lowest note first")])
def test_an_unusable_compass_is_refused_in_one_sentence(tmp_path, given, words):
    with pytest.raises(RulebookError) as err:
        _book(tmp_path, f'extends = "fux"\n[texture.options.T107]\nsoprano = {given}\n')
    assert "T107.soprano" in str(err.value) and words in str(err.value)
