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
    assert far > near + 1
    assert parts[0]["statistic"] == "repeated" and parts[0]["z"] == 4.0  # 4.2 repeats in 10 against 0.18: capped


def _stats(**over) -> dict:
    base = {"repeated": 0.0, "back_and_forth": 0.0, "leap_share": 0.3, "climax_notes": 1, "weak_dissonance": 0.0}
    return {**base, **over}


def _z(stats: dict, species: int, statistic: str) -> float:
    return next(p["z"] for p in profile_distance(stats, species)[1] if p["statistic"] == statistic)


def test_the_style_distance_charges_one_side_where_a_rule_charges_the_other():
    fux1 = load_profile()["1"]
    assert fux1["climax_notes"]["mean"] > 1.2 and fux1["climax_notes"]["sd"] > 0.4
    # a single peak lies below Fux's 1.6 returns and is charged; reaching it four times is M303's business
    assert _z(_stats(climax_notes=1), 1, "climax_notes") < -0.5
    assert _z(_stats(climax_notes=4), 1, "climax_notes") == 0
    # leaping more than Fux is charged, a stepwise line is not (his figs. 5 and 23 leap once in ten)
    assert _z(_stats(leap_share=0.6), 1, "leap_share") > 2
    assert _z(_stats(leap_share=0.05), 1, "leap_share") == 0
    # repeated notes are charged on both sides
    assert _z(_stats(repeated=0.0), 1, "repeated") < -1 and _z(_stats(repeated=3.0), 1, "repeated") > 2


def test_swings_are_charged_on_both_sides_of_fuxs_fifth_species_rate():
    """fux's M403 excuses a fifth-species swing through a syncopation or an eighth-note ornament (all nine of his
    own), so the distance, not the rule, keeps such swings near his rate of 0.30 in 10 notes."""
    fux5 = load_profile()["5"]["back_and_forth"]
    assert 0.2 < fux5["mean"] < 0.4 and fux5["sd"] > 0.3
    assert _z(_stats(back_and_forth=1.2), 5, "back_and_forth") > 2  # 0.77 in 10 one-sided: uncharged
    assert _z(_stats(back_and_forth=0.0), 5, "back_and_forth") < -0.5


def test_what_fux_never_does_stays_charged_on_a_one_sided_statistic():
    fux4 = load_profile()["4"]["back_and_forth"]
    assert fux4["mean"] == 0 and fux4["sd"] == 0  # no swing in his fourth-species lines
    assert _z(_stats(back_and_forth=0.6), 4, "back_and_forth") == 4.0  # capped at Z_CAP, not waived


def test_the_distance_is_the_sum_of_the_deviations_not_their_squares():
    stats = _stats(repeated=1.02 + 0.5 * 0.6663)  # half a deviation above Fux's first-species mean
    distance, parts = profile_distance(stats, 1)
    assert abs(distance - sum(abs(p["z"]) for p in parts)) < 0.02
    assert 0.45 < abs(_z(stats, 1, "repeated")) < 0.55


def test_the_texture_profile_is_fuxs_three_and_four_voice_voices():
    from counterpoint.analysis import profile_of_stats, voice_stats
    from tests.support import fux_voice_figures, load_fux_voices

    rebuilt = profile_of_stats([vs for r in fux_voice_figures() for vs in voice_stats(load_fux_voices(r["figure"]))])
    shipped = load_profile(part="textures")
    assert sum(row["figures"] for row in shipped.values()) == sum(row["figures"] for row in rebuilt.values()) == 184
    for species, row in rebuilt.items():
        for k in STATS:
            assert abs(shipped[species][k]["mean"] - row[k]["mean"]) < 1e-3, (species, k)


def test_a_free_voice_that_hammers_one_note_moves_a_texture_away_from_fux():
    from counterpoint.analysis import texture_distance
    from counterpoint.model.edit import set_voice_pitch
    from tests.support import load_fux_voices

    tex = load_fux_voices("101")  # three voices, first species, cantus firmus on top
    before, _ = texture_distance(tex)
    # Fux's first-species inner voices repeat 1.7 notes in 10 (sd 1.3); the middle voice strikes its bar-2 pitch
    # again in every bar up to the penultimate: 7 repeats in 10
    voice = 2
    held = tex.voices[voice - 1].notes[1].pitch
    for bar in range(3, tex.n_bars):
        tex = set_voice_pitch(tex, voice, bar, 1, held)
    after, far = texture_distance(tex)
    assert after > before + 1
    assert far[0]["voice"] == voice and far[0]["statistic"] == "repeated" and far[0]["z"] > 1
