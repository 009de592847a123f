"""What the T rules read: every voice of a texture at once, as chords.

A chord is what sounds at a moment where any voice strikes a note: for each voice its sounding attack
(or None where it rests). Like :class:`~counterpoint.catalogue.context.Context`, pitches are read from
per-voice arrays, so the solver can try pitches in place.
"""

from __future__ import annotations

from counterpoint.catalogue.context import attacks_with_pitches, sounding_at
from counterpoint.model.exercise import TICKS_PER_QUARTER
from counterpoint.model.interval import Interval
from counterpoint.model.pitch import Pitch


class Chord:
    """The voices sounding at ``start``: ``attacks[v]`` is voice v's attack (None: silent)."""

    __slots__ = ("start", "bar", "offset", "attacks", "struck")

    def __init__(self, start: int, bar: int, offset: int, attacks: tuple, struck: tuple[bool, ...]):
        self.start, self.bar, self.offset, self.attacks, self.struck = start, bar, offset, attacks, struck

    @property
    def sounding(self) -> list[tuple[int, Pitch]]:
        """(voice, pitch) of every sounding voice, top voice first."""
        return [(v, a.pitch) for v, a in enumerate(self.attacks) if a is not None]

    def bass(self) -> tuple[int, Pitch] | None:
        """The voice sounding lowest, and its pitch (by sounding pitch, so a crossed bass is found)."""
        here = self.sounding
        if not here:
            return None
        return min(here, key=lambda vp: (vp[1].midi, vp[1].diatonic, -vp[0]))

    def above_bass(self) -> list[tuple[int, Pitch, Interval]]:
        """Every other sounding voice with its interval above the bass."""
        low = self.bass()
        if low is None:
            return []
        return [(v, p, Interval.between(low[1], p)) for v, p in self.sounding if v != low[0]]

    @property
    def on_downbeat(self) -> bool:
        return self.offset == 0


class TextureContext:
    """The voices of a texture (top first), their attacks, and the chords between them."""

    __slots__ = ("texture", "mode", "bar_ticks", "n_bars", "n_voices", "names", "cf_voice", "lines", "pitches",
                 "chords", "bar_chords", "species")

    def __init__(self, texture):
        self.texture = texture
        self.mode = texture.mode
        self.bar_ticks = texture.bar_ticks
        self.n_bars = texture.n_bars
        self.n_voices = texture.n_voices
        self.names = texture.names
        self.cf_voice = texture.cf_voice
        self.species = tuple(v.species for v in texture.voices)
        built = [attacks_with_pitches(v.notes, texture.bar_ticks) for v in texture.voices]
        self.lines = tuple(b[0] for b in built)
        self.pitches = [b[1] for b in built]
        times = sorted({a.start for line in self.lines for a in line})
        chords = []
        for t in times:
            here, struck = [], []
            for line in self.lines:
                a = sounding_at(line, t)
                here.append(a)
                struck.append(a is not None and a.start == t)
            bar, offset = divmod(t, self.bar_ticks)
            chords.append(Chord(t, bar, offset, tuple(here), tuple(struck)))
        self.chords = tuple(chords)
        per_bar: list[list[int]] = [[] for _ in range(self.n_bars)]
        for i, c in enumerate(self.chords):
            if c.bar < self.n_bars:
                per_bar[c.bar].append(i)
        self.bar_chords = tuple(tuple(x) for x in per_bar)

    @property
    def last_bar(self) -> int:
        return self.n_bars - 1

    def downbeat(self, bar: int) -> Chord | None:
        ix = self.bar_chords[bar] if 0 <= bar < self.n_bars else ()
        return self.chords[ix[0]] if ix and self.chords[ix[0]].offset == 0 else None

    def in_bar(self, bar: int) -> tuple[Chord, ...]:
        return tuple(self.chords[i] for i in self.bar_chords[bar]) if 0 <= bar < self.n_bars else ()

    def beat(self, tick: int) -> float:
        return 1 + (tick % self.bar_ticks) / TICKS_PER_QUARTER

    def pair_label(self, i: int, j: int) -> str:
        """'alto–bass', top voice first."""
        a, b = sorted((i, j))
        return f"{self.names[a]}–{self.names[b]}"
