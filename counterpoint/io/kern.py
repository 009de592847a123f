"""Write an exercise as Humdrum **kern: one spine per voice, the lowest voice on the left.

Kern pitches are absolute (the key signature never changes how a note reads), so every spelling is kept
as written. Each spine names its voice the Humdrum way (``*I"Cantus firmus``, ``*I"Counterpoint, species 2``);
the species in that name is what readers use to tell the species.

The layout helpers here (:func:`written_notes`, :func:`clef_of`, :func:`meter_of`, :func:`part_names`) are
shared with the ABC writer.
"""

from __future__ import annotations

from dataclasses import dataclass

from counterpoint.model.exercise import TICKS_PER_QUARTER, Exercise, Note
from counterpoint.model.pitch import STEPS, Pitch

# Kern duration codes by length in ticks (a tick is a sixteenth; 0 is the breve).
KERN_VALUES = {48: "0.", 32: "0", 28: "1..", 24: "1.", 16: "1", 14: "2..", 12: "2.", 8: "2", 7: "4..", 6: "4.",
               4: "4", 3: "8.", 2: "8", 1: "16"}
# Values a longer or irregular note is cut into (double dots only when a note is exactly that long).
_PLAIN_VALUES = sorted((t for t, code in KERN_VALUES.items() if not code.endswith("..")), reverse=True)
_SHARP_ORDER = "FCGDAEB"


@dataclass(frozen=True, slots=True)
class Written:
    """One written note or rest: a piece of a :class:`Note` that fits in a bar and has a single note value."""

    pitch: Pitch | None
    start: int
    duration: int
    tie_in: bool = False  # tied from the previous written note
    tie_out: bool = False  # tied to the next one


def written_notes(notes: tuple[Note, ...] | list[Note], bar_ticks: int, end: int) -> list[Written]:
    """Lay ``notes`` out as written symbols: silences made explicit up to ``end``, notes split at bar lines
    and into plain note values, the pieces of one note tied together."""
    out: list[Written] = []
    t = 0
    tied_from: Pitch | None = None
    for n in sorted(notes, key=lambda n: n.start):
        if n.start > t:
            out += _pieces(None, t, n.start - t, bar_ticks, False, False)
            tied_from = None
        tie_in = n.pitch is not None and tied_from == n.pitch
        tie_out = n.pitch is not None and n.tie
        out += _pieces(n.pitch, n.start, n.duration, bar_ticks, tie_in, tie_out)
        tied_from = n.pitch if tie_out else None
        t = n.end
    if end > t:
        out += _pieces(None, t, end - t, bar_ticks, False, False)
    return out


def _pieces(pitch: Pitch | None, start: int, duration: int, bar_ticks: int, tie_in: bool,
            tie_out: bool) -> list[Written]:
    lengths: list[int] = []
    t, end = start, start + duration
    while t < end:
        seg = min(end, (t // bar_ticks + 1) * bar_ticks) - t
        while seg:
            value = seg if seg in KERN_VALUES else next(v for v in _PLAIN_VALUES if v <= seg)
            lengths.append(value)
            seg -= value
            t += value
    out = []
    t = start
    for i, length in enumerate(lengths):
        last = i == len(lengths) - 1
        sounding = pitch is not None
        out.append(Written(pitch, t, length, sounding and (tie_in if i == 0 else True),
                           sounding and (tie_out if last else True)))
        t += length
    return out


def clef_of(notes) -> str:
    """'treble' or 'bass', whichever centres the voice's notes better."""
    pitched = [n.pitch.diatonic for n in notes if n.pitch is not None]
    if not pitched:
        return "treble"
    middle_c = Pitch(4, 0).diatonic
    return "treble" if sum(pitched) / len(pitched) >= middle_c - 0.5 else "bass"


def meter_of(bar_ticks: int) -> str:
    """2/2 for the usual whole-note bar; otherwise the bar in quarters, eighths or sixteenths."""
    if bar_ticks == 4 * TICKS_PER_QUARTER:
        return "2/2"
    for unit, ticks in ((4, TICKS_PER_QUARTER), (8, TICKS_PER_QUARTER // 2), (16, 1)):
        if bar_ticks % ticks == 0:
            return f"{bar_ticks // ticks}/{unit}"
    raise AssertionError("unreachable: a tick is a sixteenth")


def part_names(ex: Exercise) -> tuple[str, str]:
    """The cantus firmus's and the counterpoint's part names; the species label is what readers detect."""
    return "Cantus firmus", f"Counterpoint, species {ex.species}"


def kern_pitch(p: Pitch, signature_alter: int = 0) -> str:
    """``C#5`` -> ``cc#``, ``Bb3`` -> ``B-``; a natural against the key signature is marked ``n``."""
    letter = STEPS[p.step]
    name = letter.lower() * (p.octave - 3) if p.octave >= 4 else letter * (4 - p.octave)
    acc = "#" * p.alter if p.alter > 0 else "-" * -p.alter
    if p.alter == 0 and signature_alter != 0:
        acc = "n"
    return name + acc


def kern_signature(sharps: int) -> str:
    """``*k[f#c#]`` for two sharps, ``*k[b-e-]`` for two flats."""
    if sharps >= 0:
        return "*k[" + "".join(s.lower() + "#" for s in _SHARP_ORDER[:sharps]) + "]"
    return "*k[" + "".join(s.lower() + "-" for s in _SHARP_ORDER[::-1][:-sharps]) + "]"


def _token(w: Written, ex: Exercise) -> str:
    code = KERN_VALUES[w.duration]
    if w.pitch is None:
        return code + "r"
    body = code + kern_pitch(w.pitch, ex.mode.alter_of(w.pitch.step))
    if w.tie_in and w.tie_out:
        return body + "_"
    if w.tie_out:
        return "[" + body
    if w.tie_in:
        return body + "]"
    return body


def exercise_to_kern(ex: Exercise) -> str:
    """The exercise as a **kern file: lowest voice in the left spine, or one spine for a lone cantus firmus."""
    end = len(ex.cf) * ex.bar_ticks
    cf_name, cp_name = part_names(ex)
    voices = [(ex.cf, cf_name)]
    if not ex.is_cantus_only:
        cp = (ex.cp, cp_name)
        voices = [voices[0], cp] if ex.cp_above else [cp, voices[0]]
    spines = [written_notes(notes, ex.bar_ticks, end) for notes, _ in voices]

    def row(cells) -> str:
        return "\t".join(cells)

    title = ex.title or ex.describe
    lines = [f"!!!OTL: {title}"]
    if title != ex.describe:
        lines.append(f"!!!ONB: {ex.describe}")
    lines += [
        row("**kern" for _ in voices),
        row(f'*I"{name}' for _, name in voices),
        row(f"*I'{'Cf' if name == cf_name else 'Cp'}" for _, name in voices),
        row("*clef" + {"treble": "G2", "bass": "F4"}[clef_of(notes)] for notes, _ in voices),
        row(kern_signature(ex.mode.signature) for _ in voices),
        row(f"*M{meter_of(ex.bar_ticks)}" for _ in voices),
    ]
    by_start = [{w.start: w for w in spine} for spine in spines]
    for bar in range(len(ex.cf)):
        lines.append(row(f"={bar + 1}" + ("-" if bar == 0 else "") for _ in voices))
        starts = sorted({w.start for spine in spines for w in spine if w.start // ex.bar_ticks == bar})
        for t in starts:
            lines.append(row(_token(col[t], ex) if t in col else "." for col in by_start))
    lines.append(row("==" for _ in voices))
    lines.append(row("*-" for _ in voices))
    return "\n".join(lines) + "\n"
