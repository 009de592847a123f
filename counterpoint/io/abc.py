"""Write an exercise in ABC notation: the upper voice as V:1, the lower as V:2, one block per voice.

ABC readers disagree about how far an accidental carries (music21 applies it to one note only; the ABC
standard to the rest of the bar), so every note whose spelling differs from the key signature is written
with its accidental, naturals included (``=B`` against a B-flat signature), and so is every later note on
the same letter in that bar. Every reader then spells every note the same way.
"""

from __future__ import annotations

from fractions import Fraction

from counterpoint.io.kern import clef_of, meter_of, part_names, written_notes
from counterpoint.model.exercise import TICKS_PER_QUARTER, Exercise
from counterpoint.model.pitch import STEPS, Pitch

UNIT_TICKS = TICKS_PER_QUARTER  # L:1/4, so a whole note is A4 and an eighth A/2
BARS_PER_LINE = 4
_MODE_SUFFIX = {"dorian": "dor", "phrygian": "phr", "lydian": "lyd", "mixolydian": "mix", "aeolian": "aeo",
                "ionian": "", "major": "", "minor": "m"}
_ACCIDENTAL = {-2: "__", -1: "_", 0: "=", 1: "^", 2: "^^"}


def abc_key(ex: Exercise) -> str:
    """The K: field, 'Ddor' or 'Bbmix'; 'C' when the mode's signature has more than seven accidentals."""
    if abs(ex.mode.signature) > 7:
        return "C"
    return ex.mode.final_name + _MODE_SUFFIX[ex.mode.name]


def _signature_alter(ex: Exercise, step: int) -> int:
    return ex.mode.alter_of(step) if abs(ex.mode.signature) <= 7 else 0


def abc_pitch(p: Pitch, accidental: bool) -> str:
    """``C#5`` -> ``^c``, ``Bb3`` -> ``_B,``; without ``accidental`` the letter and octave only."""
    letter = STEPS[p.step]
    if p.octave >= 5:
        name = letter.lower() + "'" * (p.octave - 5)
    else:
        name = letter + "," * (4 - p.octave)
    return (_ACCIDENTAL[p.alter] if accidental else "") + name


def abc_length(ticks: int) -> str:
    """A length in units of L:1/4: '' for a quarter, '4' for a whole note, '3/2' dotted quarter, '/2' eighth."""
    f = Fraction(ticks, UNIT_TICKS)
    if f == 1:
        return ""
    if f.denominator == 1:
        return str(f.numerator)
    return ("" if f.numerator == 1 else str(f.numerator)) + f"/{f.denominator}"


def _voice_body(notes, ex: Exercise, end: int) -> list[str]:
    """The voice's music, BARS_PER_LINE bars to a line."""
    bars: list[list[str]] = [[] for _ in range(len(ex.cf))]
    marked: set[int] = set()  # letters given an accidental earlier in the current bar
    bar_now = -1
    for w in written_notes(notes, ex.bar_ticks, end):
        bar = w.start // ex.bar_ticks
        if bar != bar_now:
            bar_now, marked = bar, set()
        length = abc_length(w.duration)
        if w.pitch is None:
            bars[bar].append("z" + length)
            continue
        explicit = w.pitch.alter != _signature_alter(ex, w.pitch.step) or w.pitch.step in marked
        if explicit:
            marked.add(w.pitch.step)
        bars[bar].append(abc_pitch(w.pitch, explicit) + length + ("-" if w.tie_out else ""))
    lines = []
    for i in range(0, len(bars), BARS_PER_LINE):
        chunk = bars[i:i + BARS_PER_LINE]
        last = i + BARS_PER_LINE >= len(bars)
        lines.append(" | ".join(" ".join(b) for b in chunk) + (" |]" if last else " |"))
    return lines


def exercise_to_abc(ex: Exercise) -> str:
    """The exercise as an ABC tune: the upper voice first, or a single voice for a lone cantus firmus."""
    end = len(ex.cf) * ex.bar_ticks
    cf_name, cp_name = part_names(ex)
    voices = [(ex.cf, cf_name)]
    if not ex.is_cantus_only:
        voices = [(ex.cp, cp_name), (ex.cf, cf_name)] if ex.cp_above else [(ex.cf, cf_name), (ex.cp, cp_name)]
    title = ex.title or ex.describe
    lines = ["X:1", f"T:{title}"]
    if title != ex.describe:
        lines.append(f"T:{ex.describe}")
    lines += [f"M:{meter_of(ex.bar_ticks)}", "L:1/4", f"K:{abc_key(ex)}"]
    for i, (notes, name) in enumerate(voices, 1):
        lines.append(f'V:{i} name="{name}" clef={clef_of(notes)}')
        lines += _voice_body(notes, ex, end)
    return "\n".join(lines) + "\n"
