"""Spelled pitches: a step letter, an alteration and an octave (scientific pitch notation)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from counterpoint.errors import InputError

STEPS = "CDEFGAB"
STEP_SEMITONES = (0, 2, 4, 5, 7, 9, 11)
_ACCIDENTALS = {"": 0, "#": 1, "##": 2, "x": 2, "b": -1, "bb": -2, "-": -1, "--": -2, "♯": 1, "♭": -1, "n": 0, "♮": 0}
_PITCH_RE = re.compile(r"^([A-Ga-g])(##|#|x|bb|b|--|-|♯|♭|n|♮)?(-?\d)$")


@dataclass(frozen=True, slots=True, order=True)
class Pitch:
    """A spelled pitch. ``Pitch.parse("C#5")`` is C-sharp in the octave above middle C."""

    octave: int
    step: int  # 0..6 for C D E F G A B
    alter: int = 0  # -2..2 semitones
    # Derived once, stored as plain slots: rules read them in the solver's inner loop.
    diatonic: int = field(init=False, compare=False, repr=False)  # C0 is 0, D0 is 1, C4 is 28
    midi: int = field(init=False, compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "diatonic", self.octave * 7 + self.step)
        object.__setattr__(self, "midi", 12 * (self.octave + 1) + STEP_SEMITONES[self.step] + self.alter)

    def __hash__(self) -> int:
        return self.midi * 8 + self.step

    @classmethod
    def parse(cls, text: str) -> Pitch:
        if not isinstance(text, str):
            raise InputError(f"a pitch must be a string like C#4, not {'None' if text is None else 'a ' + type(text).__name__}.")
        m = _PITCH_RE.match(text.strip())
        if not m:
            raise InputError(f"'{text}' is not a pitch; write a letter, an optional accidental and an octave, like C#4 or Bb3.")
        letter, acc, octave = m.groups()
        return cls(int(octave), STEPS.index(letter.upper()), _ACCIDENTALS[acc or ""])

    @property
    def pitch_class(self) -> int:
        return (STEP_SEMITONES[self.step] + self.alter) % 12

    @property
    def letter(self) -> str:
        return STEPS[self.step]

    @property
    def name(self) -> str:
        """ASCII name, ``C#4``; the inverse of :meth:`parse`."""
        acc = {0: "", 1: "#", 2: "##", -1: "b", -2: "bb"}[self.alter]
        return f"{STEPS[self.step]}{acc}{self.octave}"

    @property
    def pretty(self) -> str:
        acc = {0: "", 1: "♯", 2: "𝄪", -1: "♭", -2: "𝄫"}[self.alter]
        return f"{STEPS[self.step]}{acc}{self.octave}"

    def with_alter(self, alter: int) -> Pitch:
        return Pitch(self.octave, self.step, alter)

    def transpose_steps(self, steps: int, alter: int = 0) -> Pitch:
        d = self.diatonic + steps
        return Pitch(d // 7, d % 7, alter)

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"Pitch({self.name!r})"
