"""Notes, voices and the two-voice exercise: a cantus firmus plus, optionally, one counterpoint."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from counterpoint.model.mode import Mode
from counterpoint.model.pitch import Pitch

TICKS_PER_QUARTER = 4  # a tick is a sixteenth note
WHOLE = 4 * TICKS_PER_QUARTER
MAX_CF_NOTES = 64
SPECIES_NAMES = {0: "cantus firmus", 1: "first species", 2: "second species", 3: "third species",
                 4: "fourth species", 5: "fifth species"}


@dataclass(frozen=True, slots=True)
class Note:
    """A note or rest (``pitch`` None) at ``start`` ticks lasting ``duration`` ticks; ``tie`` binds it to the next."""

    pitch: Pitch | None
    start: int
    duration: int
    tie: bool = False

    @property
    def end(self) -> int:
        return self.start + self.duration

    @property
    def is_rest(self) -> bool:
        return self.pitch is None


@dataclass(frozen=True)
class Exercise:
    """A cantus firmus (one note per bar) and an optional counterpoint line in one species.

    ``species`` 0 means the exercise is the cantus firmus alone. ``cp_above`` tells where the counterpoint
    lies. Bars are numbered from 1 in everything the user sees; internally they count from 0.
    """

    cf: tuple[Note, ...]
    cp: tuple[Note, ...] = ()
    mode: Mode = field(default_factory=lambda: Mode("dorian", 1))
    species: int = 0
    cp_above: bool = True
    bar_ticks: int = WHOLE
    title: str = ""
    # What was inferred rather than given, in words for the report: ("species inferred: 2 (from the rhythm)",).
    inferred: tuple[str, ...] = field(default=(), compare=False)

    @property
    def n_bars(self) -> int:
        return len(self.cf)

    @property
    def is_cantus_only(self) -> bool:
        return self.species == 0

    @property
    def cf_pitches(self) -> list[Pitch]:
        return [n.pitch for n in self.cf]

    @property
    def cp_pitches(self) -> list[Pitch]:
        """The counterpoint's sounding pitches, one per attack (tied notes count once)."""
        out: list[Pitch] = []
        tied = False
        for n in self.cp:
            if n.pitch is not None and not tied:
                out.append(n.pitch)
            tied = n.tie and n.pitch is not None
        return out

    @property
    def position(self) -> str:
        return "above" if self.cp_above else "below"

    @property
    def describe(self) -> str:
        """'first species, counterpoint above the cantus firmus, D dorian'."""
        if self.is_cantus_only:
            return f"cantus firmus, {self.mode.label}"
        return f"{SPECIES_NAMES[self.species]}, counterpoint {self.position} the cantus firmus, {self.mode.label}"

    def with_cp(self, cp: tuple[Note, ...] | list[Note], species: int | None = None) -> Exercise:
        """This exercise with another counterpoint (checked as :func:`counterpoint.model.build.assemble` does)."""
        from counterpoint.model.build import assemble

        keep = self.species or None  # a cantus firmus alone: the new line's species is inferred from its rhythm
        return assemble(self.cf, tuple(cp) if isinstance(cp, list) else cp,
                        species=keep if species is None else species, cp_above=self.cp_above if keep else None,
                        mode=self.mode, title=self.title)

    def to_music21(self):
        """A music21 Score of the exercise (the converter lives in counterpoint.io.m21)."""
        return edge("exercise_to_score")(self)

    @classmethod
    def from_music21(cls, score, **overrides) -> Exercise:
        """An Exercise read from a music21 Score (the reader lives in counterpoint.io.m21)."""
        return edge("exercise_from_score")(score, **overrides)


# The layers above (counterpoint.io) register their converters here when they are imported, so that the
# model offers ``to_music21`` without ever importing a layer above it. Importing ``counterpoint`` (which
# any ``counterpoint.*`` import does first) imports counterpoint.io and so fills this table.
EDGES: dict = {}


def register_edge(name: str, function) -> None:
    EDGES[name] = function


def edge(name: str):
    try:
        return EDGES[name]
    except KeyError:
        raise RuntimeError(f"{name} is provided by counterpoint.io; import counterpoint.io first.") from None
