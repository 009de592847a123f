"""Any two- to many-voice score as plain arrays, for the free-polyphony critic.

A :class:`Piece` holds each voice's sounding notes (start, end in quarter lengths from the score's
start, MIDI number, diatonic number with C0 = 0), the measures (offset, length, number, and the
lengths of the metre's strong and beat levels under the time signature in force), and the key
signatures. Everything is in absolute offsets, so metre and key changes, pickup bars, rests, ties
(merged by :func:`counterpoint.critic.reduce.voice_from_part`) and voices that drop out need no special
case. A chord in a part keeps its top note's line out: only single notes are read, as the species
reduction does; a part with a second voice inside keeps the line that sounds already.

Pieces are also built from this package's own models (a two-voice :class:`Exercise` or a
:class:`Texture`), so generated music is read the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

_REF = np.array([0, 2, 4, 5, 7, 9, 11])
_SHARP_ORDER = (3, 0, 4, 1, 5, 2, 6)  # F C G D A E B as steps from C
_FLAT_ORDER = (6, 2, 5, 1, 4, 0, 3)  # B E A D G C F


@dataclass
class Line:
    """One voice: its notes as parallel arrays, in time order, never overlapping."""

    name: str
    start: np.ndarray  # quarter lengths
    end: np.ndarray
    midi: np.ndarray  # int
    diat: np.ndarray  # int, C0 = 0

    @property
    def size(self) -> int:
        return int(self.start.size)

    def mean_pitch(self, a: float, b: float) -> float:
        """Duration-weighted mean MIDI pitch of the notes sounding in [a, b), NaN when none."""
        lo, hi = np.maximum(self.start, a), np.minimum(self.end, b)
        w = np.maximum(hi - lo, 0)
        return float((w * self.midi).sum() / w.sum()) if w.sum() > 0 else float("nan")

    def sounding_time(self, a: float, b: float) -> float:
        lo, hi = np.maximum(self.start, a), np.minimum(self.end, b)
        return float(np.maximum(hi - lo, 0).sum())

    def to_dict(self) -> dict:
        return {"name": self.name, "notes": [[round(float(s), 6), round(float(e), 6), int(m), int(d)]
                                             for s, e, m, d in zip(self.start, self.end, self.midi, self.diat)]}

    @classmethod
    def from_dict(cls, d: dict) -> Line:
        a = np.array(d["notes"], dtype=float).reshape(-1, 4)
        return cls(d["name"], a[:, 0], a[:, 1], a[:, 2].astype(int), a[:, 3].astype(int))


@dataclass
class Piece:
    """The voices (top first, as the score lists them), measures and key signatures of one score."""

    title: str
    lines: tuple[Line, ...]
    bar_offset: np.ndarray  # each measure's start, quarter lengths
    bar_number: np.ndarray  # the score's measure numbers (or 1, 2, ...)
    strong_len: np.ndarray  # per measure: the spacing of strong beats (half a 4/x bar, else the bar)
    beat_len: np.ndarray  # per measure: the beat (4 / denominator quarter lengths)
    keys: tuple[tuple[float, int], ...] = ()  # (offset, sharps), in order
    group: str = ""  # the unit a train/test split keeps together (a Palestrina mass)
    meta: dict = field(default_factory=dict)

    @property
    def length(self) -> float:
        return max((float(v.end[-1]) for v in self.lines if v.size), default=0.0)

    def sharps_at(self, t: float) -> int:
        sharps = 0
        for off, s in self.keys:
            if off <= t + 1e-9:
                sharps = s
        return sharps

    def bar_at(self, t: float) -> int:
        k = max(0, int(np.searchsorted(self.bar_offset, t + 1e-9, "right")) - 1)
        return int(self.bar_number[k]) if self.bar_number.size else 1

    def metric_level(self, times: np.ndarray) -> np.ndarray:
        """0 on a strong beat, 1 on another beat, 2 off the beat, for each time."""
        k = np.maximum(np.searchsorted(self.bar_offset, times + 1e-9, "right") - 1, 0)
        pos = times - self.bar_offset[k]
        return np.where(_on(pos, self.strong_len[k]), 0, np.where(_on(pos, self.beat_len[k]), 1, 2))

    def to_dict(self) -> dict:
        return {"title": self.title, "group": self.group, "meta": self.meta, "keys": [list(k) for k in self.keys],
                "bars": [[float(o), int(n), float(s), float(b)] for o, n, s, b in
                         zip(self.bar_offset, self.bar_number, self.strong_len, self.beat_len)],
                "lines": [v.to_dict() for v in self.lines]}

    @classmethod
    def from_dict(cls, d: dict) -> Piece:
        bars = np.array(d["bars"], dtype=float).reshape(-1, 4)
        return cls(d["title"], tuple(Line.from_dict(v) for v in d["lines"]), bars[:, 0], bars[:, 1].astype(int),
                   bars[:, 2], bars[:, 3], tuple((float(o), int(s)) for o, s in d["keys"]), d.get("group", ""),
                   d.get("meta", {}))


def _on(pos: np.ndarray, step: np.ndarray) -> np.ndarray:
    r = np.mod(pos, step)
    return (r < 1e-6) | (step - r < 1e-6)


def key_midi(diat: np.ndarray, sharps: int) -> np.ndarray:
    """MIDI numbers of diatonic notes as the key signature spells them (no other accidentals)."""
    diat = np.asarray(diat)
    step = diat % 7
    midi = 12 * (diat // 7 + 1) + _REF[step]
    order = _SHARP_ORDER if sharps >= 0 else _FLAT_ORDER
    altered = np.isin(step, order[:abs(sharps)])
    return midi + np.where(altered, 1 if sharps > 0 else -1, 0)


def _metre(ts) -> tuple[float, float, float]:
    """(bar length, strong spacing, beat) in quarter lengths for a music21 TimeSignature (or None: 4/4)."""
    if ts is None:
        return 4.0, 2.0, 1.0
    bar = float(ts.barDuration.quarterLength)
    beat = 4.0 / ts.denominator
    if ts.numerator in (6, 9, 12):  # compound: the beat is a dotted note
        beat *= 3
    strong = bar / 2 if ts.numerator in (4, 12) else bar
    return bar, strong, beat


def pieces_from_parsed(parsed, title: str = "", group: str = "") -> list[Piece]:
    """The pieces of what music21 parsed: a Score is one; an Opus whose scores are one part each (an ABC
    file writing each voice as its own tune, as the Josquin files bundled with music21 do) is one piece of
    those parts; any other Opus gives a piece per score ("title#2" for the second)."""
    if hasattr(parsed, "parts") or not hasattr(parsed, "scores"):
        return [piece_from_score(parsed, title, group)]
    scores = list(parsed.scores)
    if scores and all(len(sc.parts) == 1 for sc in scores):
        return [piece_from_parts([sc.parts[0] for sc in scores], title, group)]
    return [piece_from_score(sc, title if len(scores) == 1 else f"{title}#{k + 1}", group)
            for k, sc in enumerate(scores)]


def piece_from_score(score, title: str = "", group: str = "") -> Piece:
    """A Piece from a parsed music21 Score (its parts top first)."""
    return piece_from_parts(list(score.parts), title, group)


def piece_from_parts(parts: list, title: str = "", group: str = "") -> Piece:
    """A Piece from music21 parts, top first; the first part's measures give the metre."""
    from counterpoint.critic.reduce import voice_from_part, voice_names

    lines = []
    for part, name in zip(parts, voice_names(parts)):
        v = voice_from_part(part, name)
        rows = []
        for s, e, p in v.events:
            octave = p.octave if p.octave is not None else p.implicitOctave
            d = octave * 7 + "CDEFGAB".index(p.step)
            rows.append((float(s) / 4, float(e) / 4, int(round(p.ps)), d))
        a = np.array(rows, dtype=float).reshape(-1, 4)
        lines.append(Line(name, a[:, 0], a[:, 1], a[:, 2].astype(int), a[:, 3].astype(int)))
    bars = []
    if parts:
        ts = None
        for m in parts[0].getElementsByClass("Measure"):
            ts = m.timeSignature or ts
            _, strong, beat = _metre(ts)
            bars.append((float(m.offset), int(m.number if m.number is not None else len(bars) + 1), strong, beat))
    if not bars:
        bars = [(0.0, 1, 2.0, 1.0)]
    b = np.array(bars, dtype=float)
    keys: tuple = ()
    if parts:
        flat = parts[0].flatten()
        keys = tuple((float(k.offset), int(k.sharps)) for k in flat.getElementsByClass("KeySignature"))
    return Piece(title, tuple(lines), b[:, 0], b[:, 1].astype(int), b[:, 2], b[:, 3], keys, group)


def piece_from_voices(title: str, voices, bar_ticks: int, sharps: int = 0) -> Piece:
    """A Piece from this package's voices: (name, notes) with notes in ticks, ties and rests as Notes hold them."""
    lines = []
    length = 0
    for name, notes in voices:
        rows: list[list] = []
        tied = False
        for n in notes:
            if n.pitch is None:
                tied = False
                continue
            if tied and rows and rows[-1][1] == n.start / 4 and rows[-1][2] == n.pitch.midi:
                rows[-1][1] = n.end / 4
            else:
                rows.append([n.start / 4, n.end / 4, n.pitch.midi, n.pitch.diatonic])
            tied = n.tie
            length = max(length, n.end)
        a = np.array(rows, dtype=float).reshape(-1, 4)
        lines.append(Line(name, a[:, 0], a[:, 1], a[:, 2].astype(int), a[:, 3].astype(int)))
    bar = bar_ticks / 4
    n_bars = max(1, -(-length // bar_ticks))
    offsets = np.arange(n_bars) * bar
    # A species bar is one whole note: its downbeat is the strong beat, its half notes the beats.
    return Piece(title, tuple(lines), offsets, np.arange(1, n_bars + 1), np.full(n_bars, bar),
                 np.full(n_bars, bar / 2), ((0.0, sharps),))


def piece_from_model(item) -> Piece:
    """A Piece from a two-voice Exercise (counterpoint and cantus firmus) or a Texture (its voices top first)."""
    if hasattr(item, "voices"):
        return piece_from_voices(item.title, [(v.name, v.notes) for v in item.voices], item.bar_ticks,
                                 _sharps(item.mode))
    voices = [("counterpoint", item.cp), ("cantus firmus", item.cf)]
    if not item.cp_above:
        voices.reverse()
    return piece_from_voices(item.title, voices, item.bar_ticks, _sharps(item.mode))


def _sharps(mode) -> int:
    for name in ("sharps", "signature", "key_signature"):
        v = getattr(mode, name, None)
        if isinstance(v, int):
            return v
    return 0
