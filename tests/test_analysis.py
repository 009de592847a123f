"""Idiom statistics and Fux's profile: the style distance the default ranking adds."""

from __future__ import annotations

from counterpoint.analysis import STATS, build_profile, idiom_stats, load_profile, profile_distance
from counterpoint.model.build import from_text
from tests.support import fux_figures, load_fux

CF = "D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4"


def test_statistics_of_a_line():
    ex = from_text(CF, "r:2 A4:2 | A4:4 A4:4 A4:4 A4:4 | A4:2 G4:2 | F4:2 G4:2 | F4:2 G4:2 | A4:2 B4:2 | C5:2 D5:2 | "
                       "E5:2 D5:2 | C5:2 A4:2 | B4:2 C#5:2 | D5:1", species=5)
    s = idiom_stats(ex)
    assert s["repeated"] > 2  # A4 struck six times running
    assert s["back_and_forth"] > 0  # G4 F4 G4 F4 … swing
    assert s["climax_notes"] == 1


def test_the_shipped_profile_is_fuxs_figures():
    rebuilt = build_profile([load_fux(r["file"]) for r in fux_figures()])
    shipped = load_profile()
    assert set(shipped) == {"1", "2", "3", "4", "5"}
    for species, row in rebuilt.items():
        for k in STATS:
            assert abs(shipped[species][k]["mean"] - row[k]["mean"]) < 1e-3, (species, k)


def test_a_line_that_strikes_one_note_over_and_over_lies_far_from_fux():
    fux = load_fux("fig-082-cf-lower.musicxml") if any(r["file"] == "fig-082-cf-lower.musicxml" for r in fux_figures()) \
        else next(load_fux(r["file"]) for r in fux_figures() if r["species"] == "5")
    hammer = from_text(CF, "r:2 A4:2 | A4:4 A4:4 A4:4 A4:4 | A4:2 A4:2 | A4:4 A4:4 A4:4 A4:4 | F4:2 G4:2 | "
                           "A4:2 B4:2 | C5:2 D5:2 | E5:2 D5:2 | C5:2 A4:2 | B4:2 C#5:2 | D5:1", species=5)
    far, parts = profile_distance(idiom_stats(hammer), 5)
    near, _ = profile_distance(idiom_stats(fux), fux.species)
    assert far > near + 3
    assert parts[0]["statistic"] == "repeated" and parts[0]["z"] > 1.9
