"""Modes: the six church modes (transposable) plus major and minor, with the musica ficta each allows."""

from __future__ import annotations

import re
from dataclasses import dataclass

from counterpoint.errors import InputError
from counterpoint.model.pitch import STEP_SEMITONES, STEPS, Pitch

# Semitones above the final of degrees 1..7.
PATTERNS: dict[str, tuple[int, ...]] = {
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "phrygian": (0, 1, 3, 5, 7, 8, 10),
    "lydian": (0, 2, 4, 6, 7, 9, 11),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "aeolian": (0, 2, 3, 5, 7, 8, 10),
    "ionian": (0, 2, 4, 5, 7, 9, 11),
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
}
CHURCH_MODES = ("dorian", "phrygian", "lydian", "mixolydian", "aeolian", "ionian")
DEFAULT_FINALS = {"dorian": "D", "phrygian": "E", "lydian": "F", "mixolydian": "G", "aeolian": "A",
                  "ionian": "C", "major": "C", "minor": "A"}

# Musica ficta: alterations a mode admits, as (degree, semitone change) -> name.
# The leading tone is raised wherever the seventh lies a whole tone below the final (not in phrygian);
# the sixth is raised before a raised seventh in aeolian and minor, to avoid an augmented second;
# B-flat softens the tritone in dorian (degree 6) and lydian (degree 4).
# The major third over the final, in the first and last chords of three voices or more (the chromatic-note rule
# keeps it there).
RAISED_THIRD = "raised third of the final chord"
_FICTA: dict[str, dict[tuple[int, int], str]] = {
    "dorian": {(7, 1): "raised leading tone", (6, -1): "lowered sixth", (3, 1): RAISED_THIRD},
    "phrygian": {(3, 1): RAISED_THIRD},
    "lydian": {(4, -1): "lowered fourth"},
    "mixolydian": {(7, 1): "raised leading tone"},
    "aeolian": {(7, 1): "raised leading tone", (6, 1): "raised sixth", (3, 1): RAISED_THIRD},
    "ionian": {},
    "major": {},
    "minor": {(7, 1): "raised leading tone", (6, 1): "raised sixth", (3, 1): RAISED_THIRD},
}


@dataclass(frozen=True, slots=True)
class Mode:
    """A mode on a final, for example D dorian or G dorian (with B-flat)."""

    name: str
    final_step: int
    final_alter: int = 0

    @classmethod
    def parse(cls, text: str, final=None) -> Mode:
        """'dorian', 'D dorian', 'g-dorian', 'Bb major', 'a minor'.

        A mode named without its final takes ``final`` (a Pitch: the cantus firmus's last note) when
        given, else the mode's usual final (D for dorian, C for ionian).

        >>> Mode.parse("ionian").label, Mode.parse("ionian", Pitch.parse("G4")).label
        ('C ionian', 'G ionian')
        """
        if not isinstance(text, str):
            raise InputError(f"a mode is a name such as 'G dorian', not a {type(text).__name__}.")
        m = re.match(r"^\s*(?:([A-Ga-g])(#|b|-|♯|♭)?[\s_-]+)?([A-Za-z]+)\s*$", text)
        name = m.group(3).lower() if m else ""
        if name not in PATTERNS:
            raise InputError(f"'{text}' is not a mode; use one of {', '.join(PATTERNS)}, optionally after a final such as 'G dorian'.")
        if not m.group(1) and final is not None:
            return cls(name, final.step, final.alter)
        letter = (m.group(1) or DEFAULT_FINALS[name]).upper()
        alter = {"#": 1, "♯": 1, "b": -1, "♭": -1, "-": -1}.get(m.group(2) or "", 0)
        return cls(name, STEPS.index(letter), alter)

    @property
    def final_name(self) -> str:
        return STEPS[self.final_step] + {0: "", 1: "#", -1: "b"}.get(self.final_alter, "")

    @property
    def label(self) -> str:
        return f"{self.final_name} {self.name}"

    def __str__(self) -> str:
        return self.label

    def alter_of(self, step: int) -> int:
        """The alteration the mode gives a step letter (0..6), for example 1 for F in D major."""
        degree = (step - self.final_step) % 7
        final_pc = STEP_SEMITONES[self.final_step] + self.final_alter
        target = (final_pc + PATTERNS[self.name][degree]) % 12
        diff = (target - STEP_SEMITONES[step]) % 12
        return diff - 12 if diff > 6 else diff

    def degree(self, pitch: Pitch) -> int:
        """Scale degree 1..7 of a pitch's letter."""
        return (pitch.step - self.final_step) % 7 + 1

    def contains(self, pitch: Pitch) -> bool:
        return pitch.alter == self.alter_of(pitch.step)

    def ficta(self, pitch: Pitch) -> str | None:
        """The kind of musica ficta a pitch outside the mode is, or None if the mode does not allow it."""
        change = pitch.alter - self.alter_of(pitch.step)
        return _FICTA[self.name].get((self.degree(pitch), change))

    def is_final(self, pitch: Pitch) -> bool:
        return pitch.step == self.final_step and pitch.alter == self.final_alter

    def leading_tone(self, final: Pitch) -> Pitch:
        """The note a semitone below ``final`` (whole tone in phrygian): the voice that rises to the final at a cadence."""
        below = final.transpose_steps(-1)
        semis = 2 if self.name == "phrygian" else 1
        alter = below.alter + (final.midi - below.midi) - semis
        return below.with_alter(alter)

    def upper_neighbour_of_final(self, final: Pitch) -> Pitch:
        """The diatonic second above the final: the voice that descends to the final at a cadence."""
        above = final.transpose_steps(1)
        return above.with_alter(self.alter_of(above.step))

    def scale_pitch(self, diatonic: int) -> Pitch:
        """The mode's own spelling of a diatonic step number."""
        step = diatonic % 7
        return Pitch(diatonic // 7, step, self.alter_of(step))

    @property
    def signature(self) -> int:
        """Sharps (positive) or flats (negative) of the mode's own key signature."""
        return sum(self.alter_of(s) for s in range(7))


def infer_mode(pitches: list[Pitch], final: Pitch, signature: int | None = None) -> Mode:
    """The church mode on ``final`` whose notes contain every pitch, preferring the written key signature.

    A cantus firmus with no B at all and final D fits both D dorian and D aeolian; then the mode with the
    fewest accidentals in its signature (the untransposed one) wins, unless a signature says otherwise.
    """
    fits = []
    for name in CHURCH_MODES:
        mode = Mode(name, final.step, final.alter)
        if all(mode.contains(p) for p in pitches):
            fits.append(mode)
    if not fits:
        outside = sorted({p.name[:-1] for p in pitches}, key=lambda n: STEPS.index(n[0]))
        raise InputError(f"the notes {' '.join(outside)} fit no mode ending on {final.name[:-1]}; name one with --mode.")
    if signature is not None:
        for mode in fits:
            if mode.signature == signature:
                return mode
    return min(fits, key=lambda m: (abs(m.signature), CHURCH_MODES.index(m.name)))
