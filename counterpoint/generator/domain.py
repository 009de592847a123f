"""Which pitches the counterpoint may use: the mode's notes plus the musica ficta it allows, in a range."""

from __future__ import annotations

import re

from counterpoint.errors import InputError
from counterpoint.model.mode import RAISED_THIRD, Mode
from counterpoint.model.pitch import Pitch

ABOVE_SPAN = (-1, 7)  # diatonic steps around the cantus firmus: from a step below its lowest note to an octave above its highest
BELOW_SPAN = (-8, 1)  # (Fux stays within 0..+6 above and -7..0 below in all 46 two-voice figures)


def parse_range(text: str) -> tuple[Pitch, Pitch]:
    """'G2-C4' -> (G2, C4)."""
    parts = re.split(r"\s*(?:-|–|\.\.|to)\s*(?=[A-Ga-g])", text.strip())
    if len(parts) != 2:
        raise InputError(f"'{text}' is not a range; write two pitches like G2-C4.")
    low, high = (Pitch.parse(p) for p in parts)
    if low.diatonic == high.diatonic:
        raise InputError(f"the range {text} holds one pitch; a line needs a range of at least a few notes, like G2-C4.")
    if low.diatonic > high.diatonic:
        raise InputError(f"the range {text} runs downwards; put the lower pitch first.")
    return low, high


CF_REGISTER = ("C1", "C7")  # where a cantus firmus to write against may lie: VOICES widened by an octave each way
VOICES = ("C2", "C6")  # the span of voices: a line stays within it, unless the cantus firmus itself reaches its edge
ROOM = 4  # diatonic steps (a fifth) a line above (below) keeps beyond the cantus firmus's top (bottom), even past VOICES


def default_range(cf: list[Pitch], above: bool) -> tuple[int, int]:
    """Diatonic bounds of the counterpoint, from the cantus firmus's register, within the span of voices.

    >>> from counterpoint.model.pitch import Pitch
    >>> low, high = default_range([Pitch.parse("A2"), Pitch.parse("E3")], above=False)
    >>> low == Pitch.parse("C2").diatonic, high == Pitch.parse("F3").diatonic
    (True, True)

    A cantus firmus that climbs to A5 leaves a line above it a fifth of room, up to E6, not just the B5 and C6
    under the span's ceiling:

    >>> low, high = default_range([Pitch.parse("D5"), Pitch.parse("A5")], above=True)
    >>> low == Pitch.parse("C5").diatonic, high == Pitch.parse("E6").diatonic
    (True, True)
    """
    lo, hi = min(p.diatonic for p in cf), max(p.diatonic for p in cf)
    span = ABOVE_SPAN if above else BELOW_SPAN
    floor, ceiling = (Pitch.parse(v).diatonic for v in VOICES)
    if above:
        ceiling = max(ceiling, hi + ROOM)
    else:
        floor = min(floor, lo - ROOM)
    return max(floor, lo + span[0]), min(ceiling, hi + span[1])


def candidates(mode: Mode, low: int, high: int, final_third: bool = False) -> list[Pitch]:
    """Every pitch from diatonic step ``low`` to ``high``: the mode's spelling plus each allowed ficta alteration
    (the raised third of the final chord only with ``final_third``: it belongs to three voices or more).

    Whether a ficta note may stand at a given place is for the rules (cadence and chromatic-note rules) to say.
    """
    out: list[Pitch] = []
    for d in range(low, high + 1):
        natural = mode.scale_pitch(d)
        out.append(natural)
        for change in (-1, 1):
            altered = natural.with_alter(natural.alter + change)
            kind = mode.ficta(altered) if abs(altered.alter) <= 1 else None
            if kind and (final_third or kind != RAISED_THIRD):
                out.append(altered)
    return out


ANCHOR_EVERY = 4  # notes per contour anchor
ANCHOR_STEP = (1.0, 3.5)  # diatonic steps between anchors


def contour_domains(pitches, mode: Mode, lo: float, hi: float, n: int, rng) -> list[list[Pitch]]:
    """Each of ``n`` notes' pitches, ordered around a random smooth contour within ``lo``-``hi`` (diatonic steps),
    most preferred LAST (the solver tries the last first); musica ficta only where it is needed.

    A random walk of anchor points, one every few notes: long enough runs to give the line direction (a
    slowly moving target makes quick notes circle around it), bounded by the range.
    """
    anchors = [rng.uniform(lo, hi)]
    for _ in range(max(2, n // ANCHOR_EVERY)):
        step = rng.choice((-1, 1)) * rng.uniform(*ANCHOR_STEP)
        nxt = anchors[-1] + step
        anchors.append(nxt if lo <= nxt <= hi else anchors[-1] - step)
    out = []
    for k in range(n):
        x = k / max(1, n - 1) * (len(anchors) - 1)
        j = min(int(x), len(anchors) - 2)
        target = anchors[j] + (anchors[j + 1] - anchors[j]) * (x - j)
        keyed = sorted(pitches, key=lambda p: abs(p.diatonic - target) + rng.random() * 2.5
                       + (0 if mode.contains(p) else 4))
        out.append(keyed[::-1])
    return out
