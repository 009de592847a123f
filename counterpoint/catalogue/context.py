"""The analysed view of an exercise that rules read: attacks of each line and the verticals between them.

Built once per check (and, by the solver, once per candidate). Everything in it is derived from the
exercise, so rules never recompute note boundaries, ties or bar positions.
"""

from __future__ import annotations

from bisect import bisect_left

from counterpoint.model.exercise import TICKS_PER_QUARTER, Exercise, Note
from counterpoint.model.interval import Interval
from counterpoint.model.pitch import Pitch


class Attack:
    """A sounding note of one line, with tied notes merged into one attack.

    The pitch is read from the line's pitch array, so that the solver can try pitches in place
    without rebuilding the context; everything else (timing, bar, syncopation) is fixed.
    """

    __slots__ = ("index", "start", "end", "bar", "offset", "tied_over", "_pitches")

    def __init__(self, index: int, pitches: list, start: int, end: int, bar: int, offset: int, tied_over: bool):
        self.index, self._pitches, self.start, self.end = index, pitches, start, end
        self.bar, self.offset, self.tied_over = bar, offset, tied_over

    @property
    def pitch(self) -> Pitch:
        return self._pitches[self.index]

    @property
    def duration(self) -> int:
        return self.end - self.start

    @property
    def on_downbeat(self) -> bool:
        return self.offset == 0

    def __repr__(self) -> str:
        return f"Attack({self.index}, {self.pitch}, bar {self.bar + 1}, offset {self.offset})"


UPPER_CONSONANCES = frozenset({(4, "P"), (4, "A"), (5, "d")})  # (simple number, quality) consonant above another voice


def consonant_among(iv: Interval, low: Pitch, others: list[Pitch], cadence: bool) -> bool:
    """Whether two voices a simple interval ``iv`` apart, ``low`` the lower, are consonant while ``others`` (the
    other voices' pitches) sound with them. In two voices, and against the bass, the fourth is a dissonance.
    Between two voices with another sounding below them, the fourth, the augmented fourth and the diminished fifth
    count as consonances (the 6/3 chord: Fux, Book II, three voices), as long as each of them is consonant with
    the voice below, which the rules judge in that pair. ``cadence``: the penultimate bar."""
    if iv.is_consonant:
        return True
    key = (iv.simple_number, iv.quality)
    if key not in UPPER_CONSONANCES or not others:
        return False
    if any(p.midi < low.midi for p in others):
        return True
    # The cadence's chord on the leading tone: in the penultimate bar, the diminished fifth over the bass is
    # consonant when another voice completes the chord with a third or a sixth over the bass (Fux's three-
    # voice cadences with the leading tone in the bass, figs. 123, 144, 151, 156).
    if key == (5, "d") and cadence:
        return any(Interval.between(low, p).is_imperfect_consonance for p in others)
    return False


class Vertical:
    """The two sounding pitches at a moment where either voice begins a note."""

    __slots__ = ("index", "start", "bar", "offset", "cf_index", "cp_index", "cp_attacked", "cf_attacked",
                 "cp_above", "_cf", "_cp", "below", "cadence")

    def __init__(self, index, start, bar, offset, cf_pitches, cp_pitches, cf_index, cp_index, cp_attacked,
                 cf_attacked, cp_above, below=()):
        self.index, self.start, self.bar, self.offset = index, start, bar, offset
        self._cf, self._cp, self.cf_index, self.cp_index = cf_pitches, cp_pitches, cf_index, cp_index
        self.cp_attacked, self.cf_attacked, self.cp_above = cp_attacked, cf_attacked, cp_above
        # In a texture: (pitch array, index) of each other voice sounding at this moment, to tell whether
        # one of them lies below both (then this pair is not against the bass). Empty in two voices.
        self.below = below
        self.cadence = False  # in a texture, the vertical lies in the penultimate bar

    @property
    def cf(self) -> Pitch:
        return self._cf[self.cf_index]

    @property
    def cp(self) -> Pitch:
        return self._cp[self.cp_index]

    @property
    def lower(self) -> Pitch:
        cf, cp = self.cf, self.cp
        return cp if (cp.midi, cp.diatonic) < (cf.midi, cf.diatonic) else cf

    @property
    def upper(self) -> Pitch:
        cf, cp = self.cf, self.cp
        return cf if (cp.midi, cp.diatonic) < (cf.midi, cf.diatonic) else cp

    @property
    def interval(self) -> Interval:
        """The interval from the lower to the upper sounding pitch."""
        cf, cp = self._cf[self.cf_index], self._cp[self.cp_index]
        if (cp.midi, cp.diatonic) < (cf.midi, cf.diatonic):
            return Interval(cf.diatonic - cp.diatonic, cf.midi - cp.midi)
        return Interval(cp.diatonic - cf.diatonic, cp.midi - cf.midi)

    @property
    def supported(self) -> bool:
        """Another voice of a texture sounds below both of these: the pair is not against the bass."""
        if not self.below:
            return False
        low = self.lower.midi
        return any(p[k].midi < low for p, k in self.below)

    @property
    def consonant(self) -> bool:
        """Consonant here (:func:`consonant_among`, with the other voices sounding now)."""
        iv = self.interval
        if iv.is_consonant:
            return True
        if not self.below:  # two voices: nothing else sounds
            return False
        return consonant_among(iv, self.lower, [p[k] for p, k in self.below], self.cadence)

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

    def __repr__(self) -> str:
        return f"Vertical({self.index}, {self.label}, bar {self.bar + 1}, offset {self.offset})"


def attacks(notes: tuple[Note, ...], bar_ticks: int, pitches: list | None = None) -> tuple[Attack, ...]:
    """Merge tied notes and drop rests; the attacks' pitches go into ``pitches`` (a new list by default)."""
    pitches = [] if pitches is None else pitches
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
        pitches.append(n.pitch)
        out.append(Attack(len(out), pitches, start, n.end, bar, offset, n.end > (bar + 1) * bar_ticks))
        pending = None
    return tuple(out)


def attacks_with_pitches(notes, bar_ticks: int, pitches: list | None = None) -> tuple[tuple[Attack, ...], list]:
    """A voice's attacks and the pitch array they read."""
    pitches = [] if pitches is None else pitches
    return attacks(notes, bar_ticks, pitches), pitches


def _mark_below(verticals, others, n_bars: int) -> None:
    """Give each vertical the other voices that sound at its moment."""
    for v in verticals:
        v.cadence = v.bar == n_bars - 2
        here = []
        for line, pitches in others:
            a = sounding_at(line, v.start)
            if a is not None:
                here.append((pitches, a.index))
        v.below = tuple(here)


def sounding_at(line: tuple[Attack, ...], tick: int) -> Attack | None:
    """The attack of ``line`` sounding at ``tick`` (struck then or held over it), or None where it rests."""
    k = bisect_left(line, tick + 1, key=_start) - 1
    return line[k] if k >= 0 and line[k].start <= tick < line[k].end else None


def _start(v: Vertical) -> int:
    return v.start


class Context:
    """What rules see: ``line`` is the voice under test (the counterpoint, or the cantus firmus alone)."""

    __slots__ = ("exercise", "species", "mode", "cp_above", "bar_ticks", "n_bars", "cf", "cp", "line",
                 "line_voice", "verticals", "bar_verticals", "_downbeats", "cf_pitches", "cp_pitches",
                 "line_pitches")

    def __init__(self, exercise: Exercise, others: tuple = ()):
        """``others``: in a texture, the other voices' notes (tuples of Note), which only tell what sounds below."""
        self.exercise = exercise
        self.species = exercise.species
        self.mode = exercise.mode
        self.cp_above = exercise.cp_above
        self.bar_ticks = exercise.bar_ticks
        self.n_bars = exercise.n_bars
        # The pitch arrays are the only mutable state: the solver writes candidate pitches into them.
        self.cf_pitches: list[Pitch] = []
        self.cp_pitches: list[Pitch] = []
        self.cf = attacks(exercise.cf, exercise.bar_ticks, self.cf_pitches)
        self.cp = attacks(exercise.cp, exercise.bar_ticks, self.cp_pitches)
        self.line_voice = "cf" if exercise.is_cantus_only else "cp"
        self.line = self.cf if exercise.is_cantus_only else self.cp
        self.line_pitches = self.cf_pitches if exercise.is_cantus_only else self.cp_pitches
        self.verticals = _verticals(self.cf, self.cp, exercise.bar_ticks, exercise.cp_above,
                                    self.cf_pitches, self.cp_pitches)
        if others:
            _mark_below(self.verticals, [attacks_with_pitches(notes, exercise.bar_ticks) for notes in others],
                        self.n_bars)
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

    def vertical_at(self, tick: int) -> Vertical | None:
        """The vertical that begins exactly at ``tick``, if any."""
        vs = self.verticals
        k = bisect_left(vs, tick, key=_start)
        return vs[k] if k < len(vs) and vs[k].start == tick else None

    def sounding_before(self, tick: int) -> Vertical | None:
        """The last vertical that began before ``tick``."""
        k = bisect_left(self.verticals, tick, key=_start)
        return self.verticals[k - 1] if k > 0 else None

    @property
    def last_bar(self) -> int:
        return self.n_bars - 1

    def beat(self, tick: int) -> float:
        """1-based beat in quarter notes within the bar."""
        return 1 + (tick % self.bar_ticks) / TICKS_PER_QUARTER


def _verticals(cf: tuple[Attack, ...], cp: tuple[Attack, ...], bar_ticks: int, cp_above: bool,
               cf_pitches: list, cp_pitches: list) -> tuple[Vertical, ...]:
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
        out.append(Vertical(len(out), t, bar, offset, cf_pitches, cp_pitches, i, j, b.start == t, a.start == t, cp_above))
    return tuple(out)
