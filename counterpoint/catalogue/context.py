"""The analysed view of an exercise that rules read: attacks of each line and the verticals between them.

Built once per check (and, by the solver, once per candidate). Everything in it is derived from the
exercise, so rules never recompute note boundaries, ties or bar positions.
"""

from __future__ import annotations

from dataclasses import dataclass

from counterpoint.model.exercise import TICKS_PER_QUARTER, Exercise, Note
from counterpoint.model.interval import Interval
from counterpoint.model.pitch import Pitch


@dataclass(frozen=True, slots=True)
class Attack:
    """A sounding note of one line, with tied notes merged into one attack."""

    index: int
    pitch: Pitch
    start: int
    end: int
    bar: int  # 0-based bar in which the note begins
    offset: int  # ticks after that bar's downbeat
    tied_over: bool  # sustained across the next bar line (a syncopation)

    @property
    def duration(self) -> int:
        return self.end - self.start

    @property
    def on_downbeat(self) -> bool:
        return self.offset == 0


@dataclass(frozen=True, slots=True)
class Vertical:
    """The two sounding pitches at a moment where either voice begins a note."""

    index: int
    start: int
    bar: int
    offset: int
    cf: Pitch
    cp: Pitch
    cf_index: int
    cp_index: int
    cp_attacked: bool
    cf_attacked: bool
    cp_above: bool

    @property
    def lower(self) -> Pitch:
        return min(self.cf, self.cp, key=_height)

    @property
    def upper(self) -> Pitch:
        return max(self.cf, self.cp, key=_height)

    @property
    def interval(self) -> Interval:
        """The interval from the lower to the upper sounding pitch."""
        return Interval.between(self.lower, self.upper)

    @property
    def crossed(self) -> bool:
        """The counterpoint sounds on the wrong side of the cantus firmus."""
        d = self.cp.midi - self.cf.midi
        return d < 0 if self.cp_above else d > 0

    @property
    def on_downbeat(self) -> bool:
        return self.offset == 0

    @property
    def label(self) -> str:
        """'A4 over D4' (upper over lower)."""
        return f"{self.upper.pretty} over {self.lower.pretty}"


def _height(p: Pitch) -> tuple[int, int]:
    return (p.midi, p.diatonic)


def attacks(notes: tuple[Note, ...], bar_ticks: int) -> tuple[Attack, ...]:
    """Merge tied notes and drop rests."""
    out: list[Attack] = []
    pending: Note | None = None
    start = 0
    for n in notes:
        if n.pitch is None:
            pending = None
            continue
        if pending is None:
            start = n.start
        if n.tie:
            pending = n
            continue
        bar, offset = divmod(start, bar_ticks)
        out.append(Attack(len(out), n.pitch, start, n.end, bar, offset, n.end > (bar + 1) * bar_ticks))
        pending = None
    return tuple(out)


class Context:
    """What rules see: ``line`` is the voice under test (the counterpoint, or the cantus firmus alone)."""

    __slots__ = ("exercise", "species", "mode", "cp_above", "bar_ticks", "n_bars", "cf", "cp", "line",
                 "line_voice", "verticals", "bar_verticals", "_downbeats")

    def __init__(self, exercise: Exercise):
        self.exercise = exercise
        self.species = exercise.species
        self.mode = exercise.mode
        self.cp_above = exercise.cp_above
        self.bar_ticks = exercise.bar_ticks
        self.n_bars = exercise.n_bars
        self.cf = attacks(exercise.cf, exercise.bar_ticks)
        self.cp = attacks(exercise.cp, exercise.bar_ticks)
        self.line_voice = "cf" if exercise.is_cantus_only else "cp"
        self.line = self.cf if exercise.is_cantus_only else self.cp
        self.verticals = _verticals(self.cf, self.cp, exercise.bar_ticks, exercise.cp_above)
        per_bar: list[list[int]] = [[] for _ in range(self.n_bars)]
        for v in self.verticals:
            per_bar[v.bar].append(v.index)
        self.bar_verticals = tuple(tuple(x) for x in per_bar)
        self._downbeats = tuple(
            self.verticals[ix[0]] if ix and self.verticals[ix[0]].offset == 0 else None for ix in self.bar_verticals
        )

    # -- navigation -------------------------------------------------------------------------------
    def downbeat(self, bar: int) -> Vertical | None:
        """The vertical on the bar's downbeat, or None where the counterpoint has not yet entered."""
        return self._downbeats[bar] if 0 <= bar < self.n_bars else None

    def in_bar(self, bar: int) -> tuple[Vertical, ...]:
        return tuple(self.verticals[i] for i in self.bar_verticals[bar]) if 0 <= bar < self.n_bars else ()

    def cp_attacks_in_bar(self, bar: int) -> tuple[Attack, ...]:
        return tuple(a for a in self.cp if a.bar == bar)

    def line_attacks_in_bar(self, bar: int) -> tuple[Attack, ...]:
        return tuple(a for a in self.line if a.bar == bar)

    def vertical_at(self, tick: int) -> Vertical | None:
        for v in self.verticals:
            if v.start == tick:
                return v
            if v.start > tick:
                break
        return None

    def sounding_at(self, tick: int) -> Vertical | None:
        """The vertical in force at ``tick`` (the last one that began at or before it)."""
        found = None
        for v in self.verticals:
            if v.start > tick:
                break
            found = v
        return found

    def vertical_of(self, attack: Attack) -> Vertical | None:
        """The vertical where a counterpoint attack begins."""
        return self.vertical_at(attack.start)

    @property
    def last_bar(self) -> int:
        return self.n_bars - 1

    def beat(self, tick: int) -> float:
        """1-based beat in quarter notes within the bar."""
        return 1 + (tick % self.bar_ticks) / TICKS_PER_QUARTER


def _verticals(cf: tuple[Attack, ...], cp: tuple[Attack, ...], bar_ticks: int, cp_above: bool) -> tuple[Vertical, ...]:
    if not cp:
        return ()
    times = sorted({a.start for a in cf} | {a.start for a in cp})
    out: list[Vertical] = []
    i = j = 0
    for t in times:
        while i + 1 < len(cf) and cf[i + 1].start <= t:
            i += 1
        while j + 1 < len(cp) and cp[j + 1].start <= t:
            j += 1
        a, b = cf[i], cp[j]
        if not (a.start <= t < a.end and b.start <= t < b.end):
            continue  # one voice is silent (the counterpoint's opening rest)
        bar, offset = divmod(t, bar_ticks)
        out.append(Vertical(len(out), t, bar, offset, a.pitch, b.pitch, i, j, b.start == t, a.start == t, cp_above))
    return tuple(out)
