"""The generator: every line it hands out passes `check`, Fux's own solutions are reachable, seeds
reproduce, time limits hold, and impossible or unusable input is reported as such."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from counterpoint import check
from counterpoint.errors import InputError, NoSolutionError
from counterpoint.generator import generate
from counterpoint.generator.domain import candidates, default_range
from counterpoint.generator.model import PitchModel, _broken, hard_settings
from counterpoint.generator.rhythm import PATTERNS, rhythm_of
from counterpoint.catalogue.rulebook import load_rulebook
from counterpoint.model.build import assemble
from counterpoint.model.mode import CHURCH_MODES, Mode
from counterpoint.model.notation import format_notes
from tests.support import fux_figures, load_fux

FIG5_CF = "D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4"
FIGURES = fux_figures()
IDS = [r["file"].removesuffix(".musicxml") for r in FIGURES]


@pytest.mark.parametrize("species", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("position", ["above", "below"])
def test_every_solution_passes_check(species, position):
    found = generate(FIG5_CF, species=species, position=position, n=4, seed=7, time_limit=4, effort=60)
    assert len(found) >= 2
    for sol in found:
        report = check(sol.exercise, "fux")
        assert report.ok, f"{sol.notes}: {[(v.place, v.code) for v in report.errors]}"
        assert report.exercise.species == species and sol.exercise.cp_above == (position == "above")
        assert [p.name for p in sol.exercise.cf_pitches] == FIG5_CF.split()
    scores = [s.score for s in found]
    assert scores == sorted(scores), "best first"


def test_same_seed_same_output_and_diversity():
    a = generate(FIG5_CF, species=2, n=5, seed=42, time_limit=120, effort=150)
    b = generate(FIG5_CF, species=2, n=5, seed=42, time_limit=120, effort=150)
    assert not a.stats.timed_out and a.stats.steps > 0
    assert [s.notes for s in a] == [s.notes for s in b]
    for i, x in enumerate(a):
        for y in a[i + 1:]:
            bars = {n.start // 16 for n in x.exercise.cp} - {0}
            differing = sum(_bar_notes(x, bar) != _bar_notes(y, bar) for bar in bars)
            assert differing >= 3, "the top n differ in several bars (11 bars: at least 3), not in one note"


def _bar_notes(sol, bar: int) -> list:
    return [(n.start, n.pitch) for n in sol.exercise.cp if n.start // 16 == bar]


def _fux_model(ex):
    """The generator's constraint model over Fux's own rhythm, with his pitches in place."""
    book = load_rulebook("fux")
    return PitchModel(ex, hard_settings(book, ex.species))


@pytest.mark.parametrize("row", FIGURES, ids=IDS)
def test_fux_solution_satisfies_every_generator_constraint(row):
    ex = load_fux(row["file"])
    model = _fux_model(ex)
    assert not model.fixed_failures
    pitches = list(ex.cp_pitches)
    model.ctx.cp_pitches[:] = pitches
    for deps, checks in model.windows.items():
        for setting, i in checks:
            assert not _broken(setting.rule.fn(model.ctx, i, setting.options)), f"{setting.rule.code} at position {i}"
    assert model.whole_ok(pitches)
    # ... and his rhythm and pitches lie inside the generator's search space.
    table = PATTERNS[ex.species]
    bars = rhythm_of(ex.cp, ex.bar_ticks)
    allowed = {p for place in table.values() for p, _ in place}
    assert all(b in allowed for b in bars[:-1]), [b.label for b in bars if b not in allowed]
    low, high = default_range(ex.cf_pitches, ex.cp_above)
    domain = set(candidates(ex.mode, low, high))
    assert set(pitches) <= domain, sorted(p.name for p in set(pitches) - domain)


@pytest.mark.parametrize("row", FIGURES, ids=IDS)
def test_generator_solves_every_fux_exercise(row):
    ex = load_fux(row["file"])
    cf = assemble(ex.cf, species=0, mode=ex.mode)
    found = generate(cf, species=ex.species, position="above" if ex.cp_above else "below", n=1, seed=1,
                     time_limit=8, pool_size=1, effort=0)
    assert found and check(found[0].exercise).ok


@st.composite
def cantus(draw):
    """A cantus firmus by a random walk: on the final at both ends, stepping into the final, in any mode."""
    name = draw(st.sampled_from(CHURCH_MODES))
    mode = Mode.parse(name)
    length = draw(st.integers(8, 16))
    final = mode.scale_pitch(4 * 7 + mode.final_step)
    d = final.diatonic
    line = [d]
    for _ in range(length - 3):
        move = draw(st.sampled_from([-2, -1, -1, 1, 1, 2, 3, -3]))
        d = max(final.diatonic - 3, min(final.diatonic + 7, d + move))
        line.append(d)
    line += [final.diatonic + 1, final.diatonic]
    notes = " ".join(mode.scale_pitch(x).name for x in line)
    return name, notes


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cantus(), st.integers(1, 5), st.booleans(), st.integers(0, 10_000))
def test_property_every_generated_line_passes_check(cf, species, above, seed):
    name, notes = cf
    from counterpoint.model.build import from_text

    cf_ex = from_text(notes, mode=name)
    assume(check(cf_ex).ok)  # a well-formed cantus firmus
    try:
        found = generate(cf_ex, species=species, position="above" if above else "below", n=2, seed=seed, time_limit=3,
                         effort=25)
    except NoSolutionError:
        return  # no line exists (or none was found in time): nothing was handed out
    for sol in found:
        assert check(sol.exercise).ok, (name, notes, species, above, sol.notes)


def test_time_limit_is_honoured():
    t = time.monotonic()
    found = generate(FIG5_CF, species=5, n=50, seed=3, time_limit=0.5, pool_size=100_000, min_diff=1)
    assert time.monotonic() - t < 3.0  # the limit plus model building, with room for a slow CI machine
    assert found.stats.timed_out and found


@pytest.mark.parametrize("species", [1, 3, 5])
def test_a_time_limit_spent_before_any_line_is_found_is_reported_not_returned_empty(species):
    """The clock already past the deadline when the search starts (a caller's own work used the limit up):
    no line can be found, and the answer says the time limit ran out, never an empty result."""
    with pytest.raises(NoSolutionError, match="within the time limit of 1 s"):
        generate(FIG5_CF, species=species, n=3, seed=1, time_limit=1, start=time.monotonic() - 5)


def test_third_species_has_a_longer_default_time_limit():
    # the third-species search keeps improving until about 13 s (bench/objective_time.py); the others converge in 5
    assert generate(FIG5_CF, species=3, n=1, seed=1, effort=0).stats.time_limit == 15
    assert generate(FIG5_CF, species=2, n=1, seed=1, effort=0).stats.time_limit == 5
    assert generate(FIG5_CF, species=3, n=1, seed=1, effort=0, time_limit=2).stats.time_limit == 2


def test_no_solution_names_the_conflicting_rules():
    with pytest.raises(NoSolutionError) as err:
        generate(FIG5_CF, species=1, voice_range="E5-G5", time_limit=3)
    message = str(err.value)
    assert message.startswith("no first species line above this cantus firmus satisfies rulebook fux")
    assert any(code in message for code in ("C101", "C102", "C103", "C104", "C105")), message


@pytest.mark.parametrize("cf, kwargs, words", [
    ("D4 E4", {}, "at least 3"),
    (" ".join(["D4", "E4"] * 33), {}, "at most 64"),
    ("D4 F#4 E4 D4", {"mode": "D dorian"}, "outside D dorian"),
    (FIG5_CF, {"species": 6}, "species 6"),
    (FIG5_CF, {"position": "beside"}, "position"),
    (FIG5_CF, {"voice_range": "C5"}, "not a range"),
    (FIG5_CF, {"n": None}, "n must be a whole number"),
    (FIG5_CF, {"n": 10 ** 6}, "n must be from 1 to 1000"),
    (FIG5_CF, {"n": 0}, "n must be from 1"),
    (FIG5_CF, {"time_limit": "5"}, "number of seconds"),
    (FIG5_CF, {"time_limit": float("nan")}, "finite number of seconds"),
    (FIG5_CF, {"time_limit": 1e-9}, "at least 0.05"),
    (FIG5_CF, {"time_limit": float("inf")}, "finite"),
    (FIG5_CF, {"mode": 5}, "not a int"),
    (FIG5_CF, {"seed": "x"}, "seed must be a whole number"),
    (FIG5_CF, {"effort": -1}, "effort must be at least 0"),
    (FIG5_CF, {"species": True}, "species True"),
])
def test_bad_input(cf, kwargs, words):
    with pytest.raises(InputError, match=words):
        generate(cf, **{"species": 1, **kwargs})


def test_solution_explains_itself():
    best = generate(FIG5_CF, species=1, n=1, seed=5, time_limit=3, effort=20)[0]
    assert best.penalty == sum(cost for *_, cost in best.penalties)
    assert best.to_dict()["notes"] == best.notes
    assert best.notes == format_notes(best.exercise.cp)
    score = best.to_music21()
    assert len(score.parts) == 2


def test_fourth_species_breaks_the_chain_when_no_unbroken_chain_fits():
    """Below C D F E G F E D C every unbroken syncopation chain fails (a 5-6 under F4 would follow the
    opening 2-3); the search must then try rarer rhythms rather than declare the exercise impossible."""
    found = generate("C4 D4 F4 E4 G4 F4 E4 D4 C4", species=4, position="below", n=2, seed=1, time_limit=5, effort=0)
    assert found and all(check(s.exercise).ok for s in found)
    assert any("D207" in s.report.codes() for s in found)  # a broken chain, which fux tolerates as a warning


def test_the_diverse_choice_stops_at_its_deadline_with_the_best_line_first():
    """Choosing n lines that differ compares each with those chosen, so a large n grows with n times the pool;
    past its deadline the choice stops, and the best line is always in it."""
    from counterpoint.generator.search import select_diverse

    found = generate(FIG5_CF, species=1, n=30, seed=1, time_limit=5, min_diff=1)
    ranked = list(found)
    assert len(select_diverse(ranked, 30, 3)) == 30
    cut = select_diverse(ranked, 30, 3, deadline=time.monotonic() - 1)
    assert cut == [ranked[0]]
