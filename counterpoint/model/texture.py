"""Exercises in three voices or more: a cantus firmus in any voice and each other voice in its own species.

A :class:`Texture` lists its voices from the top (the highest) down, as Fux's annotations number them
(1 = the highest). Rules read it a pair of voices at a time (:meth:`Texture.pair`, a two-voice
:class:`Exercise` view) or all together (the T family).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from counterpoint.model.exercise import SPECIES_NAMES, Exercise, Note
from counterpoint.model.mode import Mode

MAX_VOICES = 6
# Default voice names by number of voices, top first; a file's part names take their place.
VOICE_NAMES = {
    2: ("upper", "lower"),
    3: ("soprano", "alto", "bass"),
    4: ("soprano", "alto", "tenor", "bass"),
    5: ("soprano", "alto", "tenor", "baritone", "bass"),
    6: ("soprano I", "soprano II", "alto", "tenor", "baritone", "bass"),
}


@dataclass(frozen=True)
class Voice:
    """One part: its notes, its species (0 for the cantus firmus) and its name ("alto")."""

    notes: tuple[Note, ...]
    species: int
    name: str

    @property
    def is_cantus(self) -> bool:
        return self.species == 0

    @property
    def sounding(self) -> list[Note]:
        return [n for n in self.notes if n.pitch is not None]


@dataclass(frozen=True)
class Texture:
    """Two to six voices, top first, one of them (``cf_voice``, from 0) the cantus firmus."""

    voices: tuple[Voice, ...]
    cf_voice: int
    mode: Mode
    bar_ticks: int
    title: str = ""
    inferred: tuple[str, ...] = field(default=(), compare=False)

    @property
    def cf(self) -> tuple[Note, ...]:
        return self.voices[self.cf_voice].notes

    @property
    def n_bars(self) -> int:
        return len(self.cf)

    @property
    def n_voices(self) -> int:
        return len(self.voices)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.voices)

    @property
    def free(self) -> tuple[int, ...]:
        """The voices that are not the cantus firmus, top first."""
        return tuple(i for i in range(len(self.voices)) if i != self.cf_voice)

    @property
    def species(self) -> tuple[int, ...]:
        """Each free voice's species, top first (the form ``generate(species=...)`` takes)."""
        return tuple(self.voices[i].species for i in self.free)

    @property
    def is_cantus_only(self) -> bool:
        return False

    @property
    def describe(self) -> str:
        """'three voices: soprano in third species, alto in first species, cantus firmus in the bass, D dorian'."""
        count = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}[self.n_voices]
        parts = [f"{self.voices[i].name} in {SPECIES_NAMES[self.voices[i].species]}" for i in self.free]
        return f"{count} voices: {', '.join(parts)}, cantus firmus in the {self.voices[self.cf_voice].name}, {self.mode.label}"

    def pairs(self) -> list[tuple[int, int]]:
        """Every pair of voices (upper, lower), top first."""
        n = len(self.voices)
        return [(i, j) for i in range(n) for j in range(i + 1, n)]

    def reference(self, i: int, j: int) -> tuple[int, int]:
        """(line, reference) for the pair: the reference is the cantus firmus if either is, else the voice in the
        lower species (the plainer rhythm, against which the other's dissonances are judged); of two voices in
        the same species, the lower one."""
        a, b = self.voices[i], self.voices[j]
        if b.species < a.species or (b.species == a.species and j > i):
            return i, j
        return j, i

    def pair(self, line: int, ref: int) -> Exercise:
        """The two voices as a two-voice exercise: ``ref`` in the cantus firmus's place, ``line`` the counterpoint."""
        return Exercise(cf=self.voices[ref].notes, cp=self.voices[line].notes, mode=self.mode,
                        species=self.voices[line].species, cp_above=line < ref, bar_ticks=self.bar_ticks,
                        title=self.title)

    def cantus(self) -> Exercise:
        """The cantus firmus alone, as a two-voice exercise with no counterpoint."""
        return Exercise(cf=self.cf, mode=self.mode, species=0, bar_ticks=self.bar_ticks, title=self.title)

    def with_voice(self, i: int, notes: tuple[Note, ...] | list[Note]) -> Texture:
        voices = list(self.voices)
        voices[i] = replace(voices[i], notes=tuple(notes))
        return replace(self, voices=tuple(voices))

    def to_music21(self):
        """A music21 Score with the parts from top to bottom (the converter lives in counterpoint.io.m21)."""
        from counterpoint.model.exercise import edge

        return edge("texture_to_score")(self)


def default_names(n: int) -> tuple[str, ...]:
    return VOICE_NAMES.get(n, tuple(f"voice {k + 1}" for k in range(n)))
