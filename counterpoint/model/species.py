"""Species rhythms: the rhythm each species writes against one cantus-firmus note, and inferring it."""

from __future__ import annotations

from counterpoint.model.exercise import Note

HALF_REST_START = (2, 4, 5)  # species that may open with a half rest


def bar_rhythm(species: int, bar_ticks: int) -> tuple[int, ...]:
    """Durations of the counterpoint's notes in an ordinary bar of species 1-4."""
    return {1: (bar_ticks,), 2: (bar_ticks // 2,) * 2, 3: (bar_ticks // 4,) * 4,
            4: (bar_ticks // 2,) * 2}[species]


def bar_species(cp: tuple[Note, ...], bar: int, bar_ticks: int) -> int:
    """The species whose rhythm one bar has: 1 a whole note, 2 two halves, 3 four quarters, 4 two halves
    of which the second is tied over the barline, 5 anything else (0 for a bar with no attack)."""
    t0, t1 = bar * bar_ticks, (bar + 1) * bar_ticks
    here = [n for n in cp if t0 <= n.start < t1 and n.pitch is not None]
    if not here:
        return 0
    if any(n.end > t1 and not n.tie for n in here):
        return 5
    durations = tuple(n.duration for n in here)
    starts = tuple(n.start - t0 for n in here)
    if durations == (bar_ticks,):
        return 1
    if starts == (0, bar_ticks // 2) and durations == (bar_ticks // 2,) * 2:
        return 4 if here[-1].tie else 2
    if durations == (bar_ticks // 4,) * 4:
        return 3
    if starts == (bar_ticks // 2,) and durations == (bar_ticks // 2,):  # only the syncopated half is struck
        return 4 if here[-1].tie else 5
    return 5


def infer_species(cp: tuple[Note, ...], bar_ticks: int, n_bars: int) -> int:
    """Guess the species from the counterpoint's rhythm; 0 when it has no notes.

    Each inner bar is read on its own (the first bar, which may open with a rest, and the last two, the
    cadence, are left out, as every species relaxes its rhythm there). The species of most bars wins when
    it holds at least two thirds of them, so one odd bar does not turn second species into fifth (the
    species-rhythm rule then reports that bar); with no such majority the line is florid, fifth species.
    Second and fourth species share the half note: a line is fourth species when a third of its bars or more
    tie over the barline.
    """
    sounding = [n for n in cp if n.pitch is not None]
    if not sounding:
        return 0
    bars = [bar_species(cp, b, bar_ticks) for b in range(1, n_bars - 2)]
    bars = [b for b in bars if b] or [b for b in (bar_species(cp, k, bar_ticks) for k in range(n_bars)) if b]
    if not bars:
        return 5
    halves = bars.count(2) + bars.count(4)
    counts = {s: bars.count(s) for s in (1, 3, 5)}
    counts[4 if bars.count(4) * 3 >= len(bars) else 2] = halves
    best = max(counts, key=lambda s: (counts[s], -s))
    if best != 5 and counts[best] * 3 >= 2 * len(bars):
        return best
    return 5
