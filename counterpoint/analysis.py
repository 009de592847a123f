"""Idiom statistics of a counterpoint line: what a teacher notices before any single rule.

These are measurements, not rules: they compare the generator's lines with Fux's own solutions
(bench/fux_objective.py, bench/heldout_style.py). Tied notes count as one attack.

>>> from counterpoint.model.build import from_text
>>> ex = from_text("D4 F4 E4 D4 G4 F4 E4 D4", "A4 A4 G4 A4 G4 D5 C#5 D5")
>>> s = idiom_stats(ex)
>>> s["repeated"], s["back_and_forth"], s["climax_notes"]
(1.25, 1.25, 2)
"""

from __future__ import annotations

from counterpoint.catalogue.context import Context
from counterpoint.model.exercise import Exercise

STATS = ("repeated", "back_and_forth", "leap_share", "climax_notes", "weak_dissonance")
LABELS = {
    "repeated": "repeated notes per 10 notes",
    "back_and_forth": "back-and-forth figures (x y x y) per 10 notes",
    "leap_share": "share of melodic intervals that leap (a third or more)",
    "climax_notes": "notes on the highest pitch",
    "weak_dissonance": "share of off-beat notes that are dissonant",
}


def idiom_stats(exercise: Exercise) -> dict[str, float]:
    """The line's idiom statistics (see ``LABELS``)."""
    ctx = Context(exercise)
    line = ctx.line
    pitches = [a.pitch for a in line]
    n = len(pitches)
    per10 = 10.0 / n if n else 0.0
    repeated = sum(1 for a, b in zip(pitches, pitches[1:]) if a == b)
    swings = sum(1 for k in range(n - 3) if pitches[k] == pitches[k + 2] and pitches[k + 1] == pitches[k + 3]
                 and pitches[k] != pitches[k + 1])
    moves = [abs(b.diatonic - a.diatonic) for a, b in zip(pitches, pitches[1:])]
    leaps = sum(1 for m in moves if m >= 2)
    top = max((p.midi for p in pitches), default=0)
    weak, dissonant = 0, 0
    for v in ctx.verticals:
        if v.cp_attacked and not v.on_downbeat:
            weak += 1
            dissonant += not v.interval.is_consonant
    return {
        "repeated": round(repeated * per10, 4),
        "back_and_forth": round(swings * per10, 4),
        "leap_share": round(leaps / len(moves), 4) if moves else 0.0,
        "climax_notes": sum(1 for p in pitches if p.midi == top),
        "weak_dissonance": round(dissonant / weak, 4) if weak else 0.0,
    }
