"""The plain note-list notation: ``"D4 F4 E4"`` for whole notes, ``"r:2 A4:2~ | A4:2 G4:2"`` with durations.

A token is a pitch (``C#5``, ``Bb3``) or ``r`` for a rest, optionally followed by ``:`` and a note value
(``1`` whole, ``2`` half, ``4`` quarter, ``8`` eighth, ``16`` sixteenth, each with optional dots: ``2.``),
and optionally by ``~`` to tie it to the next note. ``|`` marks bar lines and is only for the reader's eye.
"""

from __future__ import annotations

import re

from counterpoint.errors import InputError, require_text
from counterpoint.model.exercise import WHOLE, Note
from counterpoint.model.pitch import Pitch

_TOKEN = re.compile(r"^(?P<pitch>r|R|[A-Ga-g][^:~]*)(?::(?P<value>\d+)(?P<dots>\.*))?(?P<tie>~)?$")
_VALUES = {"1": WHOLE, "2": WHOLE // 2, "4": WHOLE // 4, "8": WHOLE // 8, "16": WHOLE // 16}
_NAMES = {v: k for k, v in _VALUES.items()}


def duration_ticks(value: str, dots: str = "") -> int:
    if value not in _VALUES:
        raise InputError(f"'{value}' is not a note value; use 1, 2, 4, 8 or 16, optionally dotted.")
    base = _VALUES[value]
    total, add = base, base
    for _ in dots:
        add //= 2
        total += add
    return total


def parse_notes(text: str, default: int = WHOLE) -> tuple[Note, ...]:
    """Parse a note list into notes laid end to end from time 0; ``default`` is the duration of a bare pitch.

    Raises InputError for anything but a string of notes (``None``, a number, a list).
    """
    require_text("a note list", text)
    notes: list[Note] = []
    t = 0
    for token in text.replace(",", " ").split():
        if token == "|":
            continue
        m = _TOKEN.match(token)
        if not m:
            raise InputError(f"'{token}' is not a note; write a pitch like D4 or F#4:2, or r:2 for a rest.")
        value = m.group("value")
        dur = duration_ticks(value, m.group("dots") or "") if value else default
        word = m.group("pitch")
        pitch = None if word in ("r", "R") else Pitch.parse(word)
        tie = bool(m.group("tie"))
        if tie and pitch is None:
            raise InputError(f"'{token}' ties a rest; only notes can be tied.")
        notes.append(Note(pitch, t, dur, tie))
        t += dur
    return tuple(notes)


def format_duration(ticks: int) -> str:
    if ticks in _NAMES:
        return _NAMES[ticks]
    for base, name in sorted(_NAMES.items(), reverse=True):
        if ticks == base + base // 2:
            return name + "."
        if ticks == base + base // 2 + base // 4:
            return name + ".."
    raise ValueError(f"duration of {ticks} ticks has no single note value")


def format_notes(notes: tuple[Note, ...] | list[Note], default: int | None = WHOLE, bar_ticks: int | None = None) -> str:
    """Write notes back in the note-list notation; durations equal to ``default`` are left out."""
    out: list[str] = []
    for n in notes:
        if bar_ticks and out and n.start % bar_ticks == 0:
            out.append("|")
        word = "r" if n.pitch is None else n.pitch.name
        if n.duration != default:
            word += ":" + format_duration(n.duration)
        out.append(word + ("~" if n.tie else ""))
    return " ".join(out)
