"""Small musical predicates shared by rules: motion types, melodic steps, descriptions for messages."""

from __future__ import annotations

from counterpoint.catalogue.context import Attack, Vertical
from counterpoint.model.interval import Interval

STATIC, OBLIQUE, CONTRARY, SIMILAR, PARALLEL = "static", "oblique", "contrary", "similar", "parallel"


def motion(a: Vertical, b: Vertical) -> str:
    """The motion from vertical ``a`` to ``b``: static, oblique, contrary, similar or parallel.

    Parallel is similar motion that keeps the same interval number (a fifth to a twelfth counts, as
    both are fifths); direction is judged by sounding pitch.
    """
    dcf = b.cf.midi - a.cf.midi
    dcp = b.cp.midi - a.cp.midi
    if dcf == 0 and dcp == 0:
        return STATIC
    if dcf == 0 or dcp == 0:
        return OBLIQUE
    if (dcf > 0) != (dcp > 0):
        return CONTRARY
    if _octave_class(a.interval.simple_number) == _octave_class(b.interval.simple_number):
        return PARALLEL
    return SIMILAR


def _octave_class(simple_number: int) -> int:
    """Unisons and octaves are one class for motion: a unison moving to an octave is parallel."""
    return 1 if simple_number == 8 else simple_number


def moves_together(a: Vertical, b: Vertical) -> bool:
    """Both voices move in the same direction (similar or parallel motion)."""
    return motion(a, b) in (SIMILAR, PARALLEL)


def step(a: Attack, b: Attack) -> Interval:
    """The melodic interval from attack ``a`` to attack ``b``."""
    return Interval.between(a.pitch, b.pitch)


def is_perfect(v: Vertical, number: int) -> bool:
    """The vertical is a perfect interval of the given simple number (1 unison, 5 fifth, 8 octave, 1 and 8 alike)."""
    iv = v.interval
    if iv.quality != "P":
        return False
    simple = iv.simple_number
    if number in (1, 8):
        return simple in (1, 8)
    return simple == number


def movement(a: Vertical, b: Vertical) -> str:
    """'A4→B4 over D4→E4': the counterpoint's move over (or under) the cantus firmus's."""
    word = "over" if a.cp_above else "under"
    return f"{a.cp.pretty}→{b.cp.pretty} {word} {a.cf.pretty}→{b.cf.pretty}"


def direction_word(iv: Interval) -> str:
    return "upward" if iv.semitones > 0 else "downward"


def restruck_tie(ctx, i) -> bool:
    """line[i] is struck on a downbeat on the pitch of the half note before it, which could have been tied
    over instead (fourth and fifth species). Reads line[i - 1] and line[i]."""
    if ctx.species not in (4, 5) or i == 0:
        return False
    a, b = ctx.line[i - 1], ctx.line[i]
    return (b.on_downbeat and a.pitch == b.pitch and a.end == b.start and not a.tied_over
            and a.duration >= ctx.bar_ticks // 2 and a.offset == ctx.bar_ticks // 2)
