"""Spelled intervals between two pitches: a diminished fifth is not an augmented fourth."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from counterpoint.model.pitch import Pitch

_PERFECT_CLASSES = frozenset({0, 3, 4})  # unison, fourth, fifth (number - 1, mod 7)
# Semitones of the perfect or major form of each simple generic interval (0 = unison .. 6 = seventh).
_REFERENCE = (0, 2, 4, 5, 7, 9, 11)
_NAMES = {1: "unison", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh", 8: "octave"}


@dataclass(frozen=True, slots=True)
class Interval:
    """The interval from a lower to a higher pitch, or a signed melodic interval.

    ``steps`` is the signed diatonic distance (0 for a unison, 4 for a fifth up, -1 for a second down);
    ``semitones`` is the signed chromatic distance.
    """

    steps: int
    semitones: int

    @classmethod
    def between(cls, a: Pitch, b: Pitch) -> Interval:
        """The signed interval from ``a`` to ``b``."""
        return cls(b.diatonic - a.diatonic, b.midi - a.midi)

    @classmethod
    def parse(cls, name: str, descending: bool = False) -> Interval:
        """``Interval.parse("m6")``: quality (P M m A d) and number."""
        quality, number = name[0], int(name[1:])
        steps = number - 1
        simple, octaves = steps % 7, steps // 7
        ref = _REFERENCE[simple] + 12 * octaves
        perfect = simple in _PERFECT_CLASSES
        offset = {"P": 0, "M": 0, "m": -1, "A": 1, "d": -1 if perfect else -2}[quality]
        sign = -1 if descending else 1
        return cls(sign * steps, sign * (ref + offset))

    @property
    def number(self) -> int:
        """1 for a unison, 5 for a fifth, 10 for a tenth; direction ignored."""
        return abs(self.steps) + 1

    @property
    def simple_number(self) -> int:
        """The number reduced within the octave: a twelfth is 5; an octave stays 8, a unison 1."""
        steps = abs(self.steps)
        if steps and steps % 7 == 0:
            return 8
        return steps % 7 + 1

    @property
    def direction(self) -> int:
        return (self.steps > 0) - (self.steps < 0) or (self.semitones > 0) - (self.semitones < 0)

    @property
    def quality(self) -> str:
        return _quality(abs(self.steps), abs(self.semitones))

    @property
    def name(self) -> str:
        return f"{self.quality}{self.number}"

    @property
    def simple_name(self) -> str:
        return f"{self.quality}{self.simple_number}"

    @property
    def is_step(self) -> bool:
        return abs(self.steps) == 1

    @property
    def is_leap(self) -> bool:
        return abs(self.steps) >= 2

    @property
    def is_perfect(self) -> bool:
        """A perfect unison, fifth or octave, or a compound of them."""
        return self.quality == "P" and self.simple_number in (1, 5, 8)

    @property
    def is_imperfect_consonance(self) -> bool:
        return self.quality in ("M", "m") and self.simple_number in (3, 6)

    @property
    def is_consonant(self) -> bool:
        """Consonant in two-voice counterpoint: the fourth counts as a dissonance."""
        return self.is_perfect or self.is_imperfect_consonance

    @property
    def is_augmented_or_diminished(self) -> bool:
        return self.quality not in ("P", "M", "m")

    @property
    def description(self) -> str:
        """Readable name, for messages: 'diminished fifth', 'major tenth'."""
        q = {"P": "perfect", "M": "major", "m": "minor", "A": "augmented", "d": "diminished",
             "AA": "doubly augmented", "dd": "doubly diminished"}.get(self.quality, "odd")
        n = self.number
        noun = _NAMES.get(n) or {9: "ninth", 10: "tenth", 11: "eleventh", 12: "twelfth", 13: "thirteenth",
                                 15: "double octave"}.get(n, f"{n}th")
        if q == "perfect" and n in (1, 8, 15):
            return noun
        return f"{q} {noun}"

    def __str__(self) -> str:
        return self.name


@cache
def _quality(steps: int, semis: int) -> str:
    simple = steps % 7
    diff = semis - (_REFERENCE[simple] + 12 * (steps // 7))
    if simple in _PERFECT_CLASSES:
        return {0: "P", 1: "A", 2: "AA", -1: "d", -2: "dd"}.get(diff, "?")
    return {0: "M", -1: "m", 1: "A", 2: "AA", -2: "d", -3: "dd"}.get(diff, "?")
