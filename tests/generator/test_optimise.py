"""The optimising search: it improves on what construction found, it is anytime, its penalties are the
checker's to the point, and the requests a user makes (mode, cantus firmus) are honoured."""

from __future__ import annotations

import random

import pytest

from counterpoint import check
from counterpoint.catalogue.engine import check_exercise
from counterpoint.catalogue.rulebook import load_rulebook
from counterpoint.errors import InputError, NoSolutionError
from counterpoint.generator import cantus_exercise
from counterpoint.ranking import generate
from counterpoint.generator.domain import default_range
from counterpoint.generator.search import Search, penalty_rank

FIG5_CF = "D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4"


@pytest.mark.parametrize("species", [2, 3, 5])
def test_improvement_beats_construction(species):
    """Large-neighbourhood search finds lines cheaper than the best constructed one, by rules alone."""
    found = generate(FIG5_CF, species=species, n=3, seed=1, time_limit=120, effort=300, critic=False)
    st = found.stats
    assert st.steps > 0 and not st.timed_out
    assert found[0].score < st.constructed_best, (found[0].score, st.constructed_best)
    assert found[0].score == found[0].penalty == check(found[0].exercise).penalty
    costs = [c for _, c in st.history]
    assert costs == sorted(costs, reverse=True) and costs[-1] == found[0].score


def test_anytime_returns_the_best_so_far_when_time_runs_out():
    found = generate(FIG5_CF, species=3, n=3, seed=2, time_limit=0.6, effort=100_000, critic=False)
    assert found.stats.timed_out
    assert found and all(check(s.exercise).ok for s in found)


@pytest.mark.parametrize("species", [1, 3, 4, 5])
@pytest.mark.parametrize("above", [True, False])
def test_memoised_penalties_are_the_checkers(species, above):
    """The search's incremental reports list exactly what `check` reports, for constructed and improved lines."""
    book = load_rulebook("fux")
    base = cantus_exercise(FIG5_CF)
    low, high = default_range(base.cf_pitches, above)
    search = Search(base, species, above, book, low, high, random.Random(species))
    sols = search.run(6, float("inf"), penalty_rank, 1, 12, max_steps=30)
    assert search.stats.steps > 0 and sols
    for sol in sols:
        report = check_exercise(sol.exercise, book)
        key = lambda v: (v.code, v.bar, v.beat, v.message)  # noqa: E731
        assert sorted(map(key, sol.report.violations)) == sorted(map(key, report.violations))
        assert sol.penalty == report.penalty


def test_mode_without_final_takes_the_cantus_firmus_final():
    found = generate("G4 A4 B4 G4 C5 B4 A4 G4", species=1, mode="ionian", n=1, seed=1, effort=0)
    assert found[0].exercise.mode.label == "G ionian"
    assert all(p.name != "F4" and p.name != "F5" for p in found[0].pitches)  # F# in G ionian, never F natural


def test_cantus_firmus_faults_are_reported_before_searching():
    with pytest.raises(NoSolutionError, match="the cantus firmus itself breaks F103"):
        generate("D4 F4 E4 D4 G4 F4 A4 G4 F4 A4 D4", species=1, n=1, time_limit=30)


def test_fourth_species_below_a_cantus_whose_second_note_spoils_the_opening_suspension():
    """C5 B4 …, counterpoint below: a tied opening octave would make a 7-8 in bar 2, so the chain starts later."""
    found = generate("C5 B4 C5 A4 G4 E4 F4 G4 E4 D4 C4", species=4, position="below", n=2, seed=1, time_limit=30, effort=0)
    assert found and all(check(s.exercise).ok for s in found)
    assert not found[0].exercise.cp[1].tie  # the first struck note is not tied over


def test_rhythm_moves_keep_every_line_legal():
    found = generate(FIG5_CF, species=5, n=4, seed=3, time_limit=120, effort=80, critic=False)
    rhythms = {tuple((n.start, n.duration) for n in s.exercise.cp) for s in found}
    assert len(rhythms) > 1
    assert all(check(s.exercise).ok for s in found)


class _Line:
    def __init__(self, k):
        self.rhythm, self.values = "r", (k,)


class _Sol:
    def __init__(self, k, score):
        self.line, self.score, self._order = _Line(k), score, (k,)


def _stub_optimiser(neighbours):
    """An Optimiser over a pool of two stand-in lines whose windows yield what ``neighbours`` returns."""
    from types import SimpleNamespace

    from counterpoint.generator.optimise import Optimiser, _key

    opt = Optimiser(SimpleNamespace(species=3), rank=lambda sols: [s.score for s in sols], n=2, min_diff=0,
                    select=lambda ranked, n, diff: ranked[:n], rng=random.Random(1))
    opt._neighbours = lambda parent, deadline: neighbours()
    pool = {_key(s): s for s in (_Sol(0, 5.0), _Sol(1, 6.0))}
    return opt, pool


def test_windows_with_no_other_filling_count_less_towards_convergence():
    """A step whose window has no other legal filling is weak evidence of convergence: it counts 1/BARREN
    of a step that finds only worse or already-known lines, which stop the search after STALE_STEPS."""
    import time

    from counterpoint.generator.optimise import BARREN, STALE_STEPS

    opt, pool = _stub_optimiser(lambda: [])
    assert opt.improve(pool, time.monotonic() + 60, 10_000, time.monotonic()) is False
    assert opt.steps == BARREN * STALE_STEPS[3] > STALE_STEPS[3]

    worse = iter(range(2, 10_000))
    opt, pool = _stub_optimiser(lambda: [_Sol(next(worse), 9.0)])
    opt.improve(pool, time.monotonic() + 60, 10_000, time.monotonic())
    assert opt.steps == STALE_STEPS[3]

    opt, pool = _stub_optimiser(lambda: [_Sol(1, 6.0)])  # a line the pool already holds
    opt.improve(pool, time.monotonic() + 60, 10_000, time.monotonic())
    assert opt.steps == STALE_STEPS[3]


def test_a_short_cantus_firmus_does_not_spin_to_the_step_limit():
    """Five notes leave few windows with another filling: the search still stops by itself, not at
    MAX_STEPS (1,500 steps, about 4 s, before windows with no other filling were counted at all)."""
    from counterpoint.generator.search import MAX_STEPS

    found = generate("D4 E4 F4 E4 D4", species=2, n=10, seed=1, time_limit=60)
    assert not found.stats.timed_out and 0 < found.stats.steps < MAX_STEPS // 3


def test_the_time_limit_counts_the_critic_loading_too(monkeypatch):
    """counterpoint.generate loads the critic before the search starts; the search's clock starts before that
    loading, at the call, for two voices and for textures alike."""
    import time

    import counterpoint.generator.texture as texture_module
    import counterpoint.ranking as ranking

    seen = {}
    real_rank, real_texture_rank = ranking.default_rank, ranking.texture_rank

    def timed(real, key):
        def wrapper(*args, **kwargs):
            seen[key] = time.monotonic()
            return real(*args, **kwargs)
        return wrapper

    def capture(real, key):
        def wrapper(*args, **kwargs):
            seen[key] = kwargs["start"]
            return real(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(ranking, "default_rank", timed(real_rank, "critic"))
    monkeypatch.setattr(ranking, "texture_rank", timed(real_texture_rank, "free critic"))
    monkeypatch.setattr(ranking, "_generate", capture(ranking._generate, "start"))
    monkeypatch.setattr(texture_module, "generate_texture", capture(texture_module.generate_texture, "texture start"))
    before = time.monotonic()
    ranking.generate(FIG5_CF, species=1, n=1, seed=1, effort=0)
    assert before <= seen["start"] <= seen["critic"]
    ranking.generate(FIG5_CF, species=(1, 1), cf_voice=3, n=1, seed=1, effort=0)
    assert seen["texture start"] <= seen["free critic"]


@pytest.mark.parametrize("start", ["now", True, float("nan"), 1e300])
def test_a_start_that_is_not_an_earlier_clock_reading_is_refused(start):
    with pytest.raises(InputError, match="start must be an earlier time.monotonic"):
        generate(FIG5_CF, species=1, n=1, seed=1, start=start)
    with pytest.raises(InputError, match="start must be an earlier time.monotonic"):
        generate(FIG5_CF, species=(1, 1), cf_voice=3, n=1, seed=1, start=start)
