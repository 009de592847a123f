"""Edit an exercise's counterpoint note by note: for tests, grading feedback and local search."""

from __future__ import annotations

from dataclasses import replace

from counterpoint.errors import InputError
from counterpoint.model.exercise import TICKS_PER_QUARTER, Exercise, Note
from counterpoint.model.pitch import Pitch


def set_cp_pitch(ex: Exercise, bar: int, beat: float, pitch: Pitch | str) -> Exercise:
    """Change the counterpoint note that begins at ``bar`` (from 1) and ``beat`` (quarters, from 1).

    A note tied onward keeps its tie: every note it is tied to changes too.
    """
    return replace(ex, cp=_set_pitch(ex.cp, ex.bar_ticks, bar, beat, pitch, "counterpoint"))


def set_voice_pitch(texture, voice: int, bar: int, beat: float, pitch: Pitch | str):
    """Change the note of ``voice`` (from 1, the highest) that begins at ``bar`` and ``beat`` of a Texture."""
    if not 1 <= voice <= texture.n_voices:
        raise InputError(f"there is no voice {voice}; the texture has {texture.n_voices}.")
    notes = _set_pitch(texture.voices[voice - 1].notes, texture.bar_ticks, bar, beat, pitch, texture.names[voice - 1])
    return texture.with_voice(voice - 1, notes)


def _set_pitch(notes, bar_ticks: int, bar: int, beat: float, pitch: Pitch | str, label: str) -> tuple[Note, ...]:
    if isinstance(pitch, str):
        pitch = Pitch.parse(pitch)
    tick = (bar - 1) * bar_ticks + round((beat - 1) * TICKS_PER_QUARTER)
    notes = list(notes)
    idx = next((i for i, n in enumerate(notes) if n.start == tick and n.pitch is not None), None)
    if idx is None or (idx > 0 and notes[idx - 1].tie):
        raise InputError(f"no {label} note begins at bar {bar} beat {beat:g}.")
    while True:
        notes[idx] = replace(notes[idx], pitch=pitch)
        if not notes[idx].tie:
            break
        idx += 1
    return tuple(notes)
