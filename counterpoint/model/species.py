"""Species rhythms: the rhythm each species writes against one cantus-firmus note, and inferring it."""

from __future__ import annotations

from counterpoint.model.exercise import Note

HALF_REST_START = (2, 4, 5)  # species that may open with a half rest


def bar_rhythm(species: int, bar_ticks: int) -> tuple[int, ...]:
    """Durations of the counterpoint's notes in an ordinary bar of species 1-4."""
    return {1: (bar_ticks,), 2: (bar_ticks // 2,) * 2, 3: (bar_ticks // 4,) * 4,
            4: (bar_ticks // 2,) * 2}[species]


def infer_species(cp: tuple[Note, ...], bar_ticks: int, n_bars: int) -> int:
    """Guess the species from the counterpoint's rhythm; 0 when it has no notes.

    The first bar (which may open with a rest) and the last two bars (the cadence) are ignored, as
    every species relaxes its rhythm there.
    """
    sounding = [n for n in cp if n.pitch is not None]
    if not sounding:
        return 0
    inner = [n for n in sounding if bar_ticks <= n.start < (n_bars - 2) * bar_ticks]
    if not inner:
        inner = sounding
    durations = {n.duration for n in inner}
    crosses_bar = any(n.tie and (n.end % bar_ticks == 0) for n in inner)
    if durations == {bar_ticks}:
        return 1
    if durations == {bar_ticks // 2}:
        return 4 if crosses_bar else 2
    if durations == {bar_ticks // 4}:
        return 3
    return 5
