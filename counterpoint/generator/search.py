"""Streaming search: restarts along random melodic contours, ranking, diversity, time limits, and diagnosis."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from counterpoint.catalogue.engine import check_exercise
from counterpoint.catalogue.rulebook import Rulebook
from counterpoint.generator import diverse
from counterpoint.generator.domain import candidates, contour_domains
from counterpoint.generator.model import PitchModel, SearchTimeout, hard_settings
from counterpoint.generator.optimise import Line, Optimiser, line_key, rank_order
from counterpoint.generator.rhythm import PATTERNS, rhythm_notes, sample_rhythm
from counterpoint.generator.soft import SoftModel, soft_settings
from counterpoint.generator.solution import Solution
from counterpoint.model.exercise import Exercise
from counterpoint.model.pitch import Pitch

VERIFIED = 20  # the best lines checked in full before they are handed out
MAX_STEPS = 1_500  # improvement steps at most; the search usually converges well before
# The default effort by species: first species has few notes and settles within a hundred steps.
DEFAULT_EFFORT = {1: 60, 2: MAX_STEPS, 3: MAX_STEPS, 4: 300, 5: MAX_STEPS}
MAX_FAILED_RHYTHMS = 40  # rhythms searched to exhaustion before a species 4-5 exercise is declared impossible
# Costs for a list of solutions, lower ranks higher. The searches call a ranker on many lists (the pool, each
# step's new lines, a texture pool a chunk at a time), so a solution's cost must not depend on the others listed.
Ranker = Callable[[list[Solution]], list[float]]


def penalty_rank(solutions: list[Solution]) -> list[float]:
    """Rank by rules alone: the sum of the weights of the preferences each line breaks."""
    return [s.penalty for s in solutions]


def checked_rank(rank, progress=None) -> Ranker:
    """A caller's ranker, refused at once unless it is callable (and ``progress`` too), and wrapped so that a
    ranker returning other than one finite number per solution is refused in one sentence, not followed into
    a wrong order."""
    import math
    from numbers import Real

    from counterpoint.errors import InputError

    if progress is not None and not callable(progress):
        raise InputError(f"progress must be a function of the number of solutions found, not {progress!r}.")
    if rank is None:
        return None
    if not callable(rank):
        raise InputError(f"rank must be a function from a list of solutions to their costs, not {rank!r}.")

    def ranked(solutions):
        costs = list(rank(solutions))
        if len(costs) != len(solutions):
            raise InputError(f"rank returned {len(costs)} costs for {len(solutions)} solutions; it must give one each.")
        for c in costs:
            if isinstance(c, bool) or not isinstance(c, Real) or not math.isfinite(c):
                raise InputError(f"rank must give each solution a finite number, not {c!r}.")
        return costs

    ranked.__doc__ = rank.__doc__
    return ranked


@dataclass
class SearchStats:
    solutions: int = 0
    restarts: int = 0
    exhausted_rhythms: int = 0
    timed_out: bool = False
    time_limit: float = 0.0  # the limit the search was given, seconds
    seconds: float = 0.0
    first_seconds: float | None = None
    frontier_bar: int | None = None
    constructed: int = 0  # legal lines found by construction, before improvement
    constructed_best: float | None = None  # the best cost among them
    steps: int = 0  # improvement steps taken
    history: list[tuple[float, float]] = field(default_factory=list)  # (seconds, best cost) at each improvement
    notes: list[str] = field(default_factory=list)


class Search:
    """Generate counterpoints to ``base`` (a cantus firmus exercise) in one species and position."""

    def __init__(self, base: Exercise, species: int, above: bool, book: Rulebook, low: int, high: int,
                 rng: random.Random, without: frozenset[str] = frozenset(), template: tuple | None = None):
        """``template``: counterpoint notes whose rhythm to keep (pitches are ignored), instead of a species rhythm."""
        self.base = replace(base, species=species, cp_above=above)
        self.template = template
        self.species, self.book, self.rng = species, book, rng
        self.low, self.high = low, high
        self.pitches = candidates(base.mode, low, high)
        self.settings = hard_settings(book, species, without)
        self._models: dict[tuple, PitchModel] = {}
        self._soft: dict[tuple, SoftModel] = {}
        self.stats = SearchStats()

    def model(self, rhythm) -> PitchModel:
        if rhythm not in self._models:
            if rhythm == "template":
                cp = tuple(replace(n, pitch=None if n.pitch is None else self.pitches[0]) for n in self.template)
            else:
                cp = rhythm_notes(rhythm, self.pitches[0], self.base.bar_ticks)
            self._models[rhythm] = PitchModel(replace(self.base, cp=cp), self.settings)
        return self._models[rhythm]

    def rhythm(self, temperature: float = 1.0):
        if self.template is not None:
            return "template"
        return sample_rhythm(self.species, self.base.n_bars, self.rng, temperature)

    def _domains(self, model: PitchModel) -> list[list[Pitch]]:
        """Each note's pitches, ordered around a random smooth contour (the solver tries the last first)."""
        n, rng = model.n, self.rng
        return contour_domains(self.pitches, self.base.mode, self.low + 1, self.high - 1, n, rng)

    def stream(self, deadline: float, per_restart: int) -> Iterator[Exercise]:
        """Valid exercises (every hard rule holds), restart after restart, until the deadline or exhaustion."""
        for rhythm, values in self.lines(deadline, per_restart):
            yield self.model(rhythm).complete(values)

    def lines(self, deadline: float, per_restart: int) -> Iterator[tuple[object, tuple]]:
        """Valid lines as (rhythm, attack pitches), restart after restart, until the deadline or exhaustion."""
        start = time.monotonic()
        fixed = self.template is not None or all(len(options) == 1 for options in PATTERNS[self.species].values())
        failed_rhythms = 0
        # A restart that finds nothing within its share of work (counted in constraint calls, so that the
        # same seed gives the same lines on any machine) gives way to a new contour; shares grow.
        share = 20_000
        while time.monotonic() < deadline:
            rhythm = self.rhythm(1.0 + failed_rhythms)  # rhythms that led nowhere: try rarer ones
            model = self.model(rhythm)
            if model.fixed_failures:
                raise _Impossible(model)
            self.stats.restarts += 1
            found = rejected = 0
            model.budget = model.calls + share
            try:
                for sol in model.problem(self._domains(model), deadline).getSolutionIter():
                    values = tuple(sol[k] for k in range(model.n))
                    if not model.whole_ok(values):
                        rejected += 1
                        if rejected > 40:  # a whole-line rule keeps failing along this contour
                            break
                        continue
                    rejected = 0
                    found += 1
                    if self.stats.first_seconds is None:
                        self.stats.first_seconds = time.monotonic() - start
                    yield rhythm, values
                    if found >= per_restart:
                        break
                    model.budget = model.calls + share
            except SearchTimeout:
                if time.monotonic() >= deadline:
                    self.stats.timed_out = True
                    return
                if not found:
                    share = min(320_000, share * 2)
                continue
            if found == 0 and rejected == 0:
                self.stats.exhausted_rhythms += 1
                failed_rhythms += 1
                self.stats.frontier_bar = _bar_of(model, model.frontier)
                if fixed or failed_rhythms >= MAX_FAILED_RHYTHMS:
                    raise _Impossible(model)
        self.stats.timed_out = True  # the deadline passed between restarts (or before the first)

    def soft(self, rhythm) -> SoftModel:
        """The preferences' penalties for one rhythm's lines (built with its model, kept as long)."""
        if rhythm not in self._soft:
            self._soft[rhythm] = SoftModel(self.model(rhythm), soft_settings(self.book, self.species), self.book.name)
        return self._soft[rhythm]

    def solution(self, rhythm, values: tuple, found: list | None = None) -> Solution:
        """A legal line as a Solution, with its report built from the memoised preference windows."""
        soft = self.soft(rhythm)
        found = soft.evaluate(values) if found is None else found
        sol = Solution(self.model(rhythm).complete(values), soft.report(values, found), line=Line(rhythm, values, found))
        sol.parts["penalty"] = sol.penalty
        return sol

    def run(self, n: int, deadline: float, rank: Ranker, min_diff: int, pool_size: int,
            progress: Callable[[int], None] | None = None, max_steps: int = MAX_STEPS) -> list[Solution]:
        """Construct a pool of legal lines, rank it, improve it by large-neighbourhood search, pick the diverse best."""
        t0 = time.monotonic()
        # Leave part of the limit for the final choice and its check, so that the answer arrives in time.
        final = deadline - min(0.3 * max(deadline - t0, 0.0), 0.05 + 0.0008 * n)
        pool: dict[tuple, Solution] = {}
        per_restart = max(6, pool_size // 8)
        for rhythm, values in self.lines(final, per_restart):
            key = line_key(rhythm, values)
            if key in pool:
                continue
            pool[key] = self.solution(rhythm, values)
            self.stats.solutions += 1
            if progress:
                progress(len(pool))
            if len(pool) >= pool_size:
                break
        if not pool:
            self.stats.seconds = time.monotonic() - t0
            return []
        built = list(pool.values())
        for sol, cost in zip(built, rank(built)):
            sol.score = float(cost)
        self.stats.constructed = len(built)
        self.stats.constructed_best = min(s.score for s in built)
        select = select_diverse
        optimiser = Optimiser(self, rank, n, min_diff, select, self.rng)
        cut = optimiser.improve(pool, final, max_steps, t0)
        self.stats.timed_out = self.stats.timed_out or cut
        self.stats.steps, self.stats.history = optimiser.steps, optimiser.history
        self.stats.solutions = len(pool)
        if progress:
            progress(len(pool))
        chosen = []
        # The choice may run to the deadline itself (the improvement stopped at ``final``, before it): only a
        # large n can take it so far, and then the lines chosen so far are handed out.
        picked = select(sorted(pool.values(), key=rank_order), n, min_diff, deadline=deadline)
        if len(picked) < n and time.monotonic() > deadline:
            self.stats.timed_out = True  # the diverse choice itself was cut by the limit
        for k, sol in enumerate(picked):
            # Every line keeps the hard rules by construction and its report is check's (both tested); the
            # best are checked once more in full all the same, a guard against a rule that misdeclares its reach.
            if k < VERIFIED:
                report = check_exercise(sol.exercise, self.book)
                if not report.ok:  # the model and the checker disagree: never hand this out
                    self.stats.notes.append("a candidate failed check and was dropped: " + report.errors[0].code)
                    continue
            chosen.append(sol)
        self.stats.seconds = time.monotonic() - t0
        return chosen


class _Impossible(Exception):
    def __init__(self, model: PitchModel):
        self.model = model


def _bar_of(model: PitchModel, attack: int) -> int | None:
    if attack < 0:
        return 0
    return model.ctx.cp[min(attack + 1, model.n - 1)].bar


def select_diverse(ranked: list[Solution], n: int, min_diff: int, deadline: float | None = None) -> list[Solution]:
    """The best ``n`` lines in rank order that differ in at least ``min_diff`` bars (:mod:`.diverse`). A bar
    differs when any note struck in it differs in pitch or rhythm (a tied note counts once, in the bar where it
    is struck)."""
    return diverse.select_diverse(ranked, n, min_diff, _bars, deadline)


def _bars(sol: Solution) -> tuple[tuple, ...]:
    """Per bar, the notes struck in it as (start, pitch); kept on the solution, which never changes."""
    cached = sol.__dict__.get("_bars")
    if cached is None:
        ex = sol.exercise
        per_bar: list[list[tuple]] = [[] for _ in range(ex.n_bars)]
        tied = False
        for note in ex.cp:
            if note.pitch is not None and not tied:
                per_bar[min(note.start // ex.bar_ticks, ex.n_bars - 1)].append((note.start, note.pitch))
            tied = note.tie
        cached = sol.__dict__["_bars"] = tuple(map(tuple, per_bar))
    return cached
