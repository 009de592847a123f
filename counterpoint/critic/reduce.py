"""Reduce a polyphonic music21 score to two-voice passages on the species model's whole-note bars.

The rules of the reduction are described in :mod:`counterpoint.critic.corpus`; this module does the
work for one parsed score: it lists each voice's sounding notes, finds where two voices sound together
on the whole-note grid of the duple-metre measures, and cuts those spans into passages of bars.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from itertools import combinations

from counterpoint.errors import InputError
from counterpoint.scorefile import pitch_from_m21 as _pitch
from counterpoint.model.exercise import WHOLE, Note
from counterpoint.model.notation import format_duration

PASSAGE_BARS = 12  # bars in a passage
MIN_BARS = 8  # the shortest remainder kept at the end of a span
Tick = int | Fraction  # a time in sixteenths; a Fraction only off the sixteenth grid


@dataclass
class Voice:
    """One part as its sounding notes: (start, end, music21 pitch), times in ticks, ties merged."""

    name: str
    events: tuple[tuple[Tick, Tick, object], ...]
    key_signatures: tuple[tuple[Tick, int], ...]  # (start tick, sharps) in order

    @cached_property
    def ends(self) -> list:
        return [e[1] for e in self.events]

    def signature_at(self, tick: int) -> int:
        sharps = 0
        for start, s in self.key_signatures:
            if start <= tick:
                sharps = s
        return sharps


def _ticks(ql) -> Tick:
    """Quarter lengths to ticks: an int on the sixteenth grid (cheap to compare), else a Fraction."""
    t = Fraction(ql) * 4
    return int(t) if t.denominator == 1 else t


def voice_from_part(part, name: str) -> Voice:
    """A part's single-line notes. Rests, chords and grace notes are left out, so they break a span."""
    from music21 import note

    flat = part.flatten()
    events: list[list] = []
    tied = False  # the previous note's tie continues into this one
    for n in flat.notes:
        dur = _ticks(n.quarterLength)
        if not isinstance(n, note.Note) or dur == 0:
            tied = False
            continue
        start = _ticks(n.offset)
        last = events[-1] if events else None
        if last and start < last[1]:  # a second voice inside the part: keep the line that sounds already
            continue
        if tied and last and last[1] == start and last[2].nameWithOctave == n.pitch.nameWithOctave:
            last[1] = start + dur
        else:
            events.append([start, start + dur, n.pitch])
        tied = n.tie is not None and n.tie.type in ("start", "continue")
    keys = tuple((_ticks(k.offset), int(k.sharps)) for k in flat.getElementsByClass("KeySignature"))
    return Voice(name, tuple(tuple(e) for e in events), keys)


def bar_grid(part) -> list[int]:
    """Start ticks of the whole-note bars that lie inside duple-metre measures (4/2, 2/2, 4/4...).

    Triple-metre measures (3/2) are left out: a whole-note bar there would fight the metre, putting
    the music's strong beats where the species model expects weak ones.
    """
    grid: set[int] = set()
    ts = None
    for m in part.getElementsByClass("Measure"):
        ts = m.timeSignature or ts
        if ts is None or ts.numerator not in (1, 2, 4) or _ticks(ts.barDuration.quarterLength) % WHOLE:
            continue
        start, length = _ticks(m.offset), _ticks(m.duration.quarterLength)
        if start.denominator == 1:
            grid.update(int(start) + k * WHOLE for k in range(int(length // WHOLE)))
    return sorted(grid)


def _sounding(voice: Voice) -> list[tuple[Tick, Tick]]:
    """Maximal stretches with a note sounding all the time (consecutive notes joined)."""
    runs: list[list[Tick]] = []
    for start, end, _ in voice.events:
        if runs and runs[-1][1] == start:
            runs[-1][1] = end
        else:
            runs.append([start, end])
    return [(a, b) for a, b in runs]


def _overlaps(a: list, b: list) -> Iterator[tuple[Tick, Tick]]:
    """Where two sorted lists of stretches overlap."""
    i = j = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo < hi:
            yield lo, hi
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1


def passage_windows(lower: Voice, upper: Voice, grid: list[int]) -> Iterator[tuple[int, int]]:
    """(start, end) ticks of the passages where both voices sound, cut from each span on the sorted grid."""
    for lo, hi in _overlaps(_sounding(lower), _sounding(upper)):
        i, j = bisect_left(grid, math.ceil(lo)), bisect_right(grid, math.floor(hi) - WHOLE)
        run: list[int] = []
        for g in grid[i:j] + [None]:
            if g is not None and (not run or g == run[-1] + WHOLE):
                run.append(g)
                continue
            for k in range(0, len(run), PASSAGE_BARS):
                chunk = run[k:k + PASSAGE_BARS]
                if len(chunk) >= MIN_BARS:
                    yield chunk[0], chunk[-1] + WHOLE
            run = [g] if g is not None else []


def note_values(start: int, end: int) -> list[tuple[int, int]]:
    """Split a stretch inside one bar into written note values, at the strongest beat first."""
    try:
        format_duration(end - start)
        return [(start, end)]
    except ValueError:
        pass
    for level in (8, 4, 2, 1):
        cut = (start // level + 1) * level
        if cut < end:
            return note_values(start, cut) + note_values(cut, end)
    raise AssertionError("a one-tick stretch is always a sixteenth")


def bar_pieces(start: int, end: int) -> list[tuple[int, int]]:
    """A note from ``start`` to ``end`` ticks as written: split at every whole-note bar line, and each part into
    note values (:func:`note_values`); the parts are tied."""
    return [piece for bar in range(start - start % WHOLE, end, WHOLE)
            for piece in note_values(max(start, bar), min(end, bar + WHOLE))]


def cut_notes(voice: Voice, start: int, end: int) -> tuple[Note, ...] | None:
    """The voice's notes in [start, end), moved to start at 0 and split at every bar line with ties.

    None when the window holds a rhythm finer than a sixteenth or a pitch without an octave.
    """
    notes: list[Note] = []
    first = bisect_right(voice.ends, start)
    for a, b, p in voice.events[first:]:
        if a >= end:
            break
        if a.denominator != 1 or b.denominator != 1 or p.octave is None:
            return None
        try:
            pitch = _pitch(p)
        except InputError:  # a microtone
            return None
        lo, hi = max(int(a), start) - start, min(int(b), end) - start
        pieces = bar_pieces(lo, hi)
        for k, (s, e) in enumerate(pieces):
            # The last piece is tied on only when the note runs on past the passage's end.
            notes.append(Note(pitch, s, e - s, k < len(pieces) - 1 or b > end))
    return tuple(notes)


def _mean_pitch(notes: tuple[Note, ...]) -> float:
    return sum(n.pitch.midi * n.duration for n in notes) / sum(n.duration for n in notes)


def voice_names(parts) -> list[str]:
    """Part names, made unique by numbering repeats from the top ("Tenor 1", "Tenor 2")."""
    names = [p.partName or f"part {i + 1}" for i, p in enumerate(parts)]
    counts = {n: names.count(n) for n in names}
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(f"{n} {seen[n]}" if counts[n] > 1 else n)
    return out


def score_passages(score) -> Iterator[dict]:
    """Every two-voice passage of a parsed score, as the fields of a Passage (without file facts)."""
    parts = list(score.parts)
    if len(parts) < 2:
        return
    grid = bar_grid(parts[0])
    voices = [voice_from_part(p, name) for p, name in zip(parts, voice_names(parts))]
    for a, b in combinations(voices, 2):
        for start, end in passage_windows(a, b, grid):
            na, nb = cut_notes(a, start, end), cut_notes(b, start, end)
            if na is None or nb is None:
                continue
            # Parts run top to bottom, so on equal means the later part is the lower one.
            (lo, lo_notes), (hi, hi_notes) = (a, na), (b, nb)
            if _mean_pitch(na) >= _mean_pitch(nb):
                (lo, lo_notes), (hi, hi_notes) = (b, nb), (a, na)
            yield {"voices": (lo.name, hi.name), "signature": lo.signature_at(start),
                   "lower": lo_notes, "upper": hi_notes}
