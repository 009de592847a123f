"""Edit an exercise's counterpoint note by note: for tests, grading feedback and local search."""

from __future__ import annotations

from dataclasses import replace

from counterpoint.errors import InputError
from counterpoint.model.exercise import TICKS_PER_QUARTER, Exercise
from counterpoint.model.pitch import Pitch


def set_cp_pitch(ex: Exercise, bar: int, beat: float, pitch: Pitch | str) -> Exercise:
    """Change the counterpoint note that begins at ``bar`` (from 1) and ``beat`` (quarters, from 1).

    A note tied onward keeps its tie: every note it is tied to changes too.
    """
    if isinstance(pitch, str):
        pitch = Pitch.parse(pitch)
    tick = (bar - 1) * ex.bar_ticks + round((beat - 1) * TICKS_PER_QUARTER)
    notes = list(ex.cp)
    idx = next((i for i, n in enumerate(notes) if n.start == tick and n.pitch is not None), None)
    if idx is None or (idx > 0 and notes[idx - 1].tie):
        raise InputError(f"no counterpoint note begins at bar {bar} beat {beat:g}.")
    while True:
        notes[idx] = replace(notes[idx], pitch=pitch)
        if not notes[idx].tie:
            break
        idx += 1
    return replace(ex, cp=tuple(notes))
