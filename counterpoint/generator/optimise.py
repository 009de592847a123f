"""The optimising half of the search: large-neighbourhood search over legal lines, anytime and seeded.

The construction phase (:mod:`counterpoint.generator.search`) finds a pool of legal lines along random
contours. This phase improves them against the whole objective, the rule penalty plus the ranker's
critic term: it picks one of the current leaders, frees the notes of a window of one to a few bars,
and lets python-constraint re-solve just that window with every other note fixed, so each neighbour
keeps every hard rule by construction. Neighbours are screened by their exact penalty (memoised per
rule window, :mod:`counterpoint.generator.soft`); the most promising (in third species, where the critic
weighs most, all of them) go to the ranker in one batch, and every line so scored joins the pool.

The leaders are the diverse top n of the pool, so each of the n answers is improved, not n copies of
one. The work is counted in steps and constraint calls, never in seconds: a seed gives the same lines
on any machine, unless the time limit cuts the search first (``stats.timed_out`` says so).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from counterpoint.generator.model import PitchModel, SearchTimeout
from counterpoint.generator.rhythm import resample_bars
from counterpoint.generator.solution import Solution

NEIGHBOURS = 8  # legal re-solutions of a window enumerated per step
DESCENTS = 4  # independent descents per step, each taking NEIGHBOURS / DESCENTS lines
# Of those, the cheapest by penalty (plus one at random) go to the ranker; in third species all of them, where the
# critic weighs most (50 against the penalty's points) and a screen by penalty alone threw away the neighbours it
# prefers (bench/fux_objective.py and a seed sweep, docs/benchmarks.md, "Every neighbour ranked in third species").
SCREENED = {1: 4, 2: 4, 3: NEIGHBOURS, 4: 4, 5: 4}
WINDOW_CALLS = 3_000  # constraint calls one window's re-solve may spend
# Steps that find lines but no better leader before the search has converged, by species (a step whose
# window has no other legal filling counts 1/BARREN of one): note against note (and the
# fixed syncopations of species 4) settle soon; florid lines keep finding better neighbours for longer.
STALE_STEPS = {1: 20, 2: 50, 3: 50, 4: 30, 5: 50}
BARREN = 4  # steps whose window has no other legal filling, per stale step, before the search stops
REFRESH = 8  # steps between recomputing the diverse leaders
MAX_LEADERS = 20  # the diverse best lines that are improved (a call for 1,000 lines improves its best 20)
RHYTHM_MOVES = {4: 0.25, 5: 0.4}  # share of steps that also change the rhythm of a bar or two, by species
WINDOW_NOTES = {1: (2, 4), 2: (2, 5), 3: (3, 6), 4: (2, 4), 5: (3, 6)}  # attacks freed per step, by species


@dataclass
class Line:
    """A legal line as the optimiser keeps it: its rhythm's model and its attack pitches."""

    rhythm: object
    values: tuple
    found: list  # the preference hits per rule window (SoftModel.evaluate), so neighbours are judged incrementally


def line_key(rhythm, values) -> tuple:
    return (rhythm, tuple(map(id, values)))


class Optimiser:
    """Improve a pool of ranked solutions in place by re-solving windows of bars."""

    def __init__(self, search, rank: Callable[[list[Solution]], list[float]], n: int, min_diff: int,
                 select: Callable, rng: random.Random):
        self.search, self.rank, self.n, self.min_diff, self.select, self.rng = search, rank, n, min_diff, select, rng
        self.history: list[tuple[float, float]] = []  # (seconds, best cost) at each improvement
        self.steps = 0

    def improve(self, pool: dict, deadline: float, max_steps: int, t0: float) -> bool:
        """Run until convergence, ``max_steps`` or the deadline; True when the deadline cut it short."""
        leaders = self._leaders(pool)
        best = leaders[0].score if leaders else float("inf")
        self.history.append((time.monotonic() - t0, best))
        mark, stale, barren = _total(leaders), 0, 0
        longest = 0.0  # the longest step so far: a step that cannot finish before the deadline is not begun
        for step in range(max_steps):
            began = time.monotonic()
            if began + longest >= deadline:
                return True
            self.steps += 1
            # Bias towards the best leader, but keep every one of the n improving.
            parent = leaders[min(int(self.rng.random() ** 1.5 * len(leaders)), len(leaders) - 1)]
            try:
                children = self._neighbours(parent, deadline)
            except SearchTimeout:
                return True
            fresh = [c for c in children if _key(c) not in pool]
            if fresh:
                for sol, cost in zip(fresh, self.rank(fresh)):
                    sol.score = float(cost)
                    pool[_key(sol)] = sol
            longest = max(longest, time.monotonic() - began)
            if step % REFRESH == REFRESH - 1 or (fresh and min(c.score for c in fresh) < leaders[-1].score):
                leaders = self._leaders(pool)
                if leaders[0].score < best - 1e-9:
                    best = leaders[0].score
                    self.history.append((time.monotonic() - t0, best))
            total = _total(leaders)
            if total < mark - 1e-9:
                mark, stale, barren = total, 0, 0
            elif children:  # new or already-known lines, none better
                stale += 1
                if stale >= STALE_STEPS[self.search.species]:
                    break
            else:  # a window with no other legal filling says little about convergence: it counts less
                barren += 1
                if barren >= BARREN * STALE_STEPS[self.search.species]:
                    break
        return False

    def _leaders(self, pool: dict) -> list[Solution]:
        ranked = sorted(pool.values(), key=rank_order)
        return self.select(ranked, min(self.n, MAX_LEADERS), self.min_diff) or ranked[:1]

    def _neighbours(self, parent: Solution, deadline: float) -> list[Solution]:
        """Legal lines that differ from ``parent`` only inside one window of bars, screened by penalty."""
        search, rng = self.search, self.rng
        rhythm = parent.line.rhythm
        values = parent.line.values
        moved = None
        if rng.random() < RHYTHM_MOVES.get(search.species, 0.0) and rhythm != "template":
            moved = self._rhythm_move(parent)
        if moved is not None:
            rhythm, values, free = moved
            model = search.model(rhythm)
            soft = search.soft(rhythm)
            before = None  # another rhythm: the parent's window verdicts do not carry over
        else:
            model = search.model(rhythm)
            soft = search.soft(rhythm)
            free = self._window(parent, model)
            before = parent.line.found
        found: list[tuple[float, tuple, list]] = []
        seen = {tuple(map(id, values))}
        # Several short descents, each with its own random order, rather than one long enumeration:
        # depth-first enumeration varies only the last free notes, restarts vary them all.
        for _ in range(DESCENTS):
            domains = []
            for k in free:  # near the parent's pitch first, with noise: most far-off pitches break a melodic rule
                here = values[k].diatonic
                domains.append(sorted(search.pitches, key=lambda p: abs(p.diatonic - here) + rng.random() * 3.0))
            model.budget = model.calls + WINDOW_CALLS // DESCENTS
            taken = 0
            try:
                for sol in model.subproblem(values, free, domains, deadline).getSolutionIter():
                    new = tuple(sol.get(k, v) for k, v in enumerate(values))
                    key = tuple(map(id, new))
                    if key in seen or not model.whole_ok(new):
                        continue
                    seen.add(key)
                    if before is None:
                        hits = soft.evaluate(new)
                    else:
                        hits = soft.update(before, new, [k for k in free if new[k] is not values[k]])
                    found.append((soft.penalty(hits), new, hits))
                    taken += 1
                    if taken >= NEIGHBOURS // DESCENTS:
                        break
            except SearchTimeout:
                if time.monotonic() >= deadline:
                    raise
        if not found:
            return []
        found.sort(key=lambda x: x[0])
        screened = SCREENED[search.species]
        picked = found[:screened]
        if len(found) > screened:
            picked.append(found[rng.randrange(screened, len(found))])
        return [search.solution(rhythm, new, hits) for _, new, hits in picked]

    def _rhythm_move(self, parent: Solution):
        """Another rhythm for one or two inner bars: (rhythm, pitches with the new bars' notes unset, free attacks).

        Notes struck outside the changed bars keep their pitches; the notes struck inside them, and a
        note tied into them (its length may change), are free.
        """
        search, rng = self.search, self.rng
        old_model = search.model(parent.line.rhythm)
        n_bars = old_model.ctx.n_bars
        first = rng.randrange(1, max(2, n_bars - 2))
        new_rhythm = resample_bars(search.species, parent.line.rhythm, first, first + rng.choice((0, 0, 1)), rng)
        if new_rhythm is None:
            return None
        model = search.model(new_rhythm)
        changed = {b for b, (p, q) in enumerate(zip(parent.line.rhythm, new_rhythm)) if p != q}
        old_attacks = old_model.ctx.cp
        pitch_at = {a.start: parent.line.values[a.index] for a in old_attacks}
        values, free = [], []
        for a in model.ctx.cp:
            inside = a.bar in changed or (a.end - 1) // model.ctx.bar_ticks in changed
            if inside or a.start not in pitch_at:
                free.append(a.index)
                # start the free note's search from what the parent sounded at that moment
                sounding = next((b for b in reversed(old_attacks) if b.start <= a.start), old_attacks[0])
                values.append(parent.line.values[sounding.index])
            else:
                values.append(pitch_at[a.start])
        return new_rhythm, tuple(values), free

    def _window(self, parent: Solution, model: PitchModel) -> list[int]:
        """Consecutive attacks to free: around a broken preference half the time, else anywhere."""
        return window_around(model.ctx.cp, [v.bar - 1 for v in parent.report.warnings],
                             WINDOW_NOTES[self.search.species], self.rng)


def window_around(attacks: list, warned_bars: list[int], sizes: tuple[int, int], rng: random.Random) -> list[int]:
    """Indices of consecutive ``attacks`` to free, between ``sizes`` long: half the time around one of the
    ``warned_bars`` (from 0), where a preference is broken, else anywhere."""
    n = len(attacks)
    low, high = sizes
    width = min(n, rng.randint(low, high))
    if warned_bars and rng.random() < 0.5:
        bar = rng.choice(warned_bars)
        inside = [k for k, a in enumerate(attacks) if a.bar == bar] or [0]
        first = max(0, min(n - width, rng.choice(inside) - rng.randrange(width)))
    else:
        first = rng.randrange(n - width + 1)
    return list(range(first, first + width))


def rank_order(sol: Solution) -> tuple:
    """Sort key: cost, then the notes themselves (start, pitch), so that ties break the same way every run."""
    order = sol.__dict__.get("_order")
    if order is None:
        order = sol.__dict__["_order"] = tuple((n.start, n.pitch.midi, n.pitch.diatonic) if n.pitch else (n.start,)
                                               for n in sol.exercise.cp)
    return (sol.score, order)


def _key(sol: Solution) -> tuple:
    return line_key(sol.line.rhythm, sol.line.values)


def _total(leaders: list[Solution]) -> float:
    return sum(s.score for s in leaders)
