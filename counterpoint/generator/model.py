"""The constraint model: a rulebook's hard rules become python-constraint constraints over the counterpoint's notes.

Nothing here knows any rule. Each (rule, position) of the catalogue's definitions becomes one constraint
over exactly the notes the rule's declared reach covers; the constraint writes the candidate pitches into
the context's pitch array and runs the rule's own function. So the generator enforces precisely what
`check` reports, and a new rule needs no solver code.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace

from constraint import FunctionConstraint, OptimizedBacktrackingSolver, Problem

from counterpoint.catalogue.base import ERROR, Hit
from counterpoint.catalogue.context import Context
from counterpoint.catalogue.rulebook import Rulebook, Setting
from counterpoint.model.exercise import Exercise
from counterpoint.model.pitch import Pitch


class SearchTimeout(Exception):
    """Raised inside a constraint when the time limit has passed, to unwind the solver."""


class _Undecided(Exception):
    """A rule touched a note the solver has not chosen yet: the window cannot be judged so far."""


class _Pending:
    """Stands in the pitch array for a note not yet assigned; any use of it means 'undecided'.

    Constraints are called on partial assignments too (python-constraint's ``assigned=False``). A rule
    that reaches a verdict without touching a pending note has decided for good, so a broken window is
    pruned as soon as the notes it really reads are known, not when its whole reach is.
    """

    __slots__ = ()

    def _undecided(self, *args):
        raise _Undecided

    def __getattr__(self, name):
        if name.startswith("__"):  # introspection (doctest, copy, pickle) is not a rule reading a pitch
            raise AttributeError(name)
        raise _Undecided

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __hash__ = __bool__ = _undecided
    __str__ = __format__ = __index__ = __int__ = _undecided


PENDING = _Pending()


class _CadenceFirst(OptimizedBacktrackingSolver):
    """Assign the closing notes first, then the rest from first to last.

    The cadence is the tightest spot of every exercise; fixing it first means a line that cannot reach
    it fails at once instead of after the whole middle has been searched. Going forward in time then
    closes every rule window as early as possible.
    """

    def __init__(self, tail: int):
        # No forward checking: every window is already judged on partial assignments (see _Pending),
        # and measured on Fux's cantus firmi, checking each new note against its windows is 2-3x faster
        # than also filtering the next notes' domains.
        super().__init__(forwardcheck=False)
        self.tail = tail

    def getSortedVariables(self, domains, vconstraints):  # noqa: N802 - python-constraint's name
        order = sorted(domains)
        return order[len(order) - self.tail:] + order[: len(order) - self.tail]


def _broken(found) -> bool:
    if found is None:
        return False
    if isinstance(found, Hit):
        return True
    return next(iter(found), None) is not None


class PitchModel:
    """The counterpoint's pitches as variables (one per attack, in time order) for one fixed rhythm."""

    def __init__(self, exercise: Exercise, settings: Sequence[Setting], others: tuple = ()):
        """``others``: in a texture, the notes of the voices beside the pair (they tell what sounds below)."""
        self.exercise = exercise
        self.ctx = Context(exercise, others)
        self.n = len(self.ctx.cp)
        self.windows: dict[tuple[int, ...], list[tuple[Setting, int]]] = defaultdict(list)
        self.whole: list[Setting] = []
        self.fixed_failures: list[tuple[Setting, int]] = []
        for s in settings:
            if s.rule.scope == "whole":
                self.whole.append(s)
                continue
            for i in s.rule.positions(self.ctx):
                deps = self.deps(s, i)
                if deps:
                    self.windows[deps].append((s, i))
                elif _broken(s.rule.fn(self.ctx, i, s.options)):
                    self.fixed_failures.append((s, i))  # broken by the cantus firmus alone
        self.calls = 0
        self.memos: dict[tuple[int, ...], dict[tuple, bool]] = {}
        self.deadline = float("inf")  # wall clock: the caller's time limit
        self.budget = float("inf")  # constraint calls: a restart's share of work, the same on any machine
        self.frontier = -1  # the latest note any satisfied window has reached

    def deps(self, s: Setting, i: int) -> tuple[int, ...]:
        """The attack indices a rule reads at position i, from its declared scope and reach."""
        before, after = s.rule.reach
        if s.rule.scope == "notes":
            return tuple(range(max(0, i - before), min(self.n, i + after + 1)))
        bar_ticks = self.ctx.bar_ticks
        first, last = (i - before) * bar_ticks, (i + after + 1) * bar_ticks
        return tuple(a.index for a in self.ctx.cp if a.start < last and a.end > first)

    def problem(self, domains: Sequence[Sequence[Pitch]], deadline: float) -> Problem:
        """A python-constraint Problem; ``domains[k]`` lists attack k's pitches, most preferred LAST.

        The search raises SearchTimeout once ``self.deadline`` has passed or ``self.calls`` exceeds
        ``self.budget`` (the caller may move both).
        """
        self.deadline = deadline
        tail = sum(1 for a in self.ctx.cp if a.bar >= self.ctx.n_bars - 2)
        problem = Problem(_CadenceFirst(tail))
        for k in range(self.n):
            problem.addVariable(k, list(domains[k]))
        for deps, checks in self.windows.items():
            problem.addConstraint(FunctionConstraint(self._constraint(deps, checks), assigned=False), list(deps))
        return problem

    def subproblem(self, values: Sequence[Pitch], free: Sequence[int], domains: Sequence[Sequence[Pitch]],
                   deadline: float) -> Problem:
        """A Problem over the ``free`` attacks only, every other attack keeping its pitch in ``values``.

        Only the windows that read a free note become constraints (the others hold already: ``values`` is
        a legal line); each is judged, and memoised, over its whole window as in :meth:`problem`.
        ``domains[j]`` lists free attack ``free[j]``'s pitches.
        """
        self.deadline = deadline
        problem = Problem(_CadenceFirst(0))
        free_set = set(free)
        for k, options in zip(free, domains):
            problem.addVariable(k, list(options))
        # Windows that read the same free notes become one constraint: fewer calls from the solver.
        groups: dict[tuple[int, ...], list[Callable]] = defaultdict(list)
        for deps, checks in self.windows.items():
            inside = tuple(k for k in deps if k in free_set)
            if inside:
                fixed = {k: values[k] for k in deps if k not in free_set}
                groups[inside].append(self._constraint(deps, checks, fixed))
        for inside, tests in groups.items():
            problem.addConstraint(FunctionConstraint(_all(tests), assigned=False), list(inside))
        return problem

    def _constraint(self, deps: tuple[int, ...], checks: list[tuple[Setting, int]],
                    fixed: dict[int, Pitch] | None = None) -> Callable:
        ctx, pitches = self.ctx, self.ctx.cp_pitches
        last = deps[-1]
        calls = [(s.rule.fn, i, s.options) for s, i in checks]
        # Backtracking asks about the same notes again and again, and every restart asks again: the
        # verdicts are kept per window for the model's lifetime (one rhythm).
        memo = self.memos.setdefault(deps, {})
        if fixed:  # a sub-problem's window: the solver passes only its free notes, in deps order
            slots = [fixed.get(k) for k in deps]

            def full(values):
                it = iter(values)
                return tuple(next(it) if v is None else v for v in slots)
        else:
            full = None

        def satisfied(*values) -> bool:
            self.calls += 1
            if self.calls > self.budget or (not self.calls & 255 and time.monotonic() > self.deadline):
                raise SearchTimeout
            if full is not None:
                values = full(values)
            key = tuple(map(id, values))  # the domain's Pitch objects live as long as the model: ids are stable
            known = memo.get(key)
            if known is None:
                for k, v in zip(deps, values):
                    pitches[k] = v if isinstance(v, Pitch) else PENDING
                known = window_holds(ctx, calls)
                if len(memo) < 50_000:
                    memo[key] = known
            if known and last > self.frontier:
                self.frontier = last
            return known

        return satisfied

    def empty_domains(self, domain: Sequence[Pitch]) -> list[tuple[int, list[str]]]:
        """Notes that no pitch can fill because of the rules on that note alone: (attack, rule codes).

        The codes named are those that each rule out every pitch by themselves, or, if no single rule
        does, all the rules on that note.
        """
        out = []
        pitches = self.ctx.cp_pitches
        for deps, checks in self.windows.items():
            if len(deps) != 1:
                continue
            k = deps[0]
            blocked: dict[str, int] = {}
            alive = 0
            for p in domain:
                pitches[k] = p
                broken = {s.rule.code for s, i in checks if _broken(s.rule.fn(self.ctx, i, s.options))}
                alive += not broken
                for code in broken:
                    blocked[code] = blocked.get(code, 0) + 1
            if not alive:
                alone = sorted(c for c, n in blocked.items() if n == len(domain))
                out.append((k, alone or sorted(blocked)))
        return out

    def windows_settings(self) -> list[Setting]:
        return [s for checks in self.windows.values() for s, _ in checks]

    def complete(self, values: Sequence[Pitch]) -> Exercise:
        """The exercise with these pitches in the counterpoint."""
        notes, k, tied = [], -1, False
        for note in self.exercise.cp:
            if note.pitch is None:
                notes.append(note)
                continue
            if not tied:
                k += 1
            notes.append(replace(note, pitch=values[k]))
            tied = note.tie
        return replace(self.exercise, cp=tuple(notes))

    def whole_ok(self, values: Sequence[Pitch]) -> bool:
        """The whole-line hard rules, checked on a complete line."""
        self.ctx.cp_pitches[:] = values
        return not any(_broken(s.rule.fn(self.ctx, 0, s.options)) for s in self.whole)


def window_holds(ctx: Context, calls) -> bool:
    """No rule of the window is broken so far: each rule is judged alone, so one that reads a note not yet
    chosen does not keep the others (which may already be broken) from being judged."""
    for fn, i, opts in calls:
        try:
            if _broken(fn(ctx, i, opts)):
                return False
        except _Undecided:
            continue
    return True


def _all(tests: list[Callable]) -> Callable:
    if len(tests) == 1:
        return tests[0]

    def satisfied(*values) -> bool:
        return all(test(*values) for test in tests)

    return satisfied


def hard_settings(book: Rulebook, species: int, without: frozenset[str] = frozenset()) -> list[Setting]:
    return [s for s in book.active(species) if s.severity == ERROR and s.rule.code not in without]
