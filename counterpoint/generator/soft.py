"""The objective's rule part: a rulebook's preferences (warnings) as memoised penalties over one rhythm's notes.

The optimising search evaluates thousands of complete lines that differ in a few bars. Each warning
rule window is judged over exactly the notes its declared reach covers, as the constraint model does
for hard rules, and its hits are kept per window: a line that changes two bars re-runs only the
windows over those bars. The hits become the same :class:`Violation` objects `check` reports, so the
penalty the search minimises is the report's penalty, to the point.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from counterpoint.catalogue.base import WARNING, Hit
from counterpoint.catalogue.engine import Report, sort_violations, violation
from counterpoint.catalogue.rulebook import Rulebook, Setting
from counterpoint.model.pitch import Pitch

MEMO_LIMIT = 20_000  # verdicts kept per window


def _hits(found) -> tuple[Hit, ...]:
    if found is None:
        return ()
    if isinstance(found, Hit):
        return (found,)
    return tuple(found)


def soft_settings(book: Rulebook, species: int) -> list[Setting]:
    return [s for s in book.active(species) if s.severity == WARNING and s.weight != 0]


class SoftModel:
    """Penalties of complete lines for one rhythm (one :class:`PitchModel`), with hits memoised per window."""

    def __init__(self, model, settings: Sequence[Setting], rulebook: str):
        self.model, self.ctx, self.rulebook = model, model.ctx, rulebook
        self.windows: dict[tuple[int, ...], list[tuple[Setting, int]]] = defaultdict(list)
        self.whole: list[Setting] = []
        self.fixed: list[tuple[Setting, Hit]] = []  # hits on the cantus firmus alone: the same for every line
        for s in settings:
            if s.rule.scope == "whole":
                self.whole.append(s)
                continue
            for i in s.rule.positions(self.ctx):
                deps = model.deps(s, i)
                if deps:
                    self.windows[deps].append((s, i))
                else:
                    self.fixed.extend((s, h) for h in _hits(s.rule.fn(self.ctx, i, s.options)))
        self.memos: dict[tuple[int, ...], dict[tuple, tuple]] = {deps: {} for deps in self.windows}
        self.whole_memo: dict[tuple, tuple] = {}

        self.fixed_penalty = sum(s.weight for s, _ in self.fixed)
        self.keys = list(self.windows)
        self.checks = [self.windows[d] for d in self.keys]
        self.touching: list[list[int]] = [[] for _ in range(model.n)]  # per attack, the windows that read it
        for w, deps in enumerate(self.keys):
            for k in deps:
                self.touching[k].append(w)

    def evaluate(self, values: Sequence[Pitch]) -> list[tuple]:
        """Per window (then the whole-line rules last), the (setting, hit) pairs on the line with these pitches."""
        return self._judge(values, range(len(self.keys)), [()] * (len(self.keys) + 1))

    def update(self, found: list[tuple], values: Sequence[Pitch], changed: Sequence[int]) -> list[tuple]:
        """``evaluate(values)`` for a line that differs from the one ``found`` judged only in attacks ``changed``."""
        affected = sorted({w for k in changed for w in self.touching[k]})
        return self._judge(values, affected, list(found))

    def _judge(self, values, windows, out: list[tuple]) -> list[tuple]:
        ctx = self.ctx
        ctx.cp_pitches[:] = values
        ids = [id(v) for v in values]  # domain Pitch objects live as long as the model: ids are stable
        for w in windows:
            deps = self.keys[w]
            memo = self.memos[deps]
            key = tuple([ids[k] for k in deps])
            hit = memo.get(key)
            if hit is None:
                hit = tuple((s, h) for s, i in self.checks[w] for h in _hits(s.rule.fn(ctx, i, s.options)))
                if len(memo) < MEMO_LIMIT:
                    memo[key] = hit
            out[w] = hit
        if self.whole:
            key = tuple(ids)
            hit = self.whole_memo.get(key)
            if hit is None:
                hit = tuple((s, h) for s in self.whole for h in _hits(s.rule.fn(ctx, 0, s.options)))
                if len(self.whole_memo) < MEMO_LIMIT:
                    self.whole_memo[key] = hit
            out[-1] = hit
        return out

    def penalty(self, found: list[tuple]) -> float:
        return sum(s.weight for hits in found for s, _ in hits) + self.fixed_penalty

    def report(self, values: Sequence[Pitch], found: list[tuple] | None = None) -> Report:
        """The check report of a line that keeps every hard rule (the search's lines): its warnings."""
        found = self.evaluate(values) if found is None else found
        pairs = [*self.fixed, *(pair for hits in found for pair in hits)]
        exercise = self.model.complete(values)
        return Report(exercise, self.rulebook, sort_violations([violation(self.ctx, s, h) for s, h in pairs]))
