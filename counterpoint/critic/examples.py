"""From corpus passages to labelled two-voice exercises: real ones, generated ones, perturbed ones.

A passage becomes a species-like exercise wherever one of its voices moves only on the bar lines:
that voice is then exactly a cantus firmus in whole notes (held notes repeat), and the other voice,
in Palestrina's own rhythm, is the counterpoint. Nothing is approximated: a stretch where the would-be
cantus firmus moves inside a bar is not used. Windows run from 6 to 12 bars.

Negatives keep everything a surface reading could use, so the critic must learn voice leading:

* **generated**: the generator's counterpoint over the same cantus firmus, in the real voice's exact
  rhythm and within its range, under critic/negatives.toml (every hard rule of fux that applies to a
  passage cut from real music);
* **perturbed**: the real counterpoint with one to three notes moved by a step or a third.

Species skeletons
-----------------
Fux's first to fourth species are plainer than Palestrina's surface, so each real window is also
reduced to a species rhythm (:func:`skeleton`): a rhythm the generator itself would write for that
species (counterpoint/generator/rhythm.py), with each attack taking the pitch Palestrina's line sounds
at that moment. Where that pitch would repeat the skeleton's previous note (Palestrina holds a note
longer than the species value), or a downbeat would be dissonant (a suspension, mostly; in fourth
species every attack), the note takes the first fitting pitch the real line strikes inside its span,
else the next one it strikes after it; a tied continuation keeps its note's pitch.
A skeleton is kept only where it is strict counterpoint: it breaks no hard rule of
critic/negatives.toml for its species, the rulebook its generated negatives are written under. Real
and generated lines then differ only in the choices a legal line leaves open, which is what the
critic has to rank.
"""

from __future__ import annotations

import random
import time
from dataclasses import replace
from functools import lru_cache

from counterpoint.catalogue.rulebook import load_rulebook
from counterpoint.errors import InputError
from counterpoint.model.exercise import WHOLE, Exercise, Note
from counterpoint.model.mode import CHURCH_MODES, Mode, infer_mode
from counterpoint.resources import data_dir

MIN_BARS, MAX_BARS = 6, 12


def passage_mode(cf: list, signature: int) -> Mode:
    try:
        return infer_mode(cf, cf[-1], signature)
    except InputError:  # a chromatic note in the real voice: the church mode on its last note that fits best
        modes = [Mode(name, cf[-1].step, cf[-1].alter) for name in CHURCH_MODES]
        return min(modes, key=lambda m: (sum(not m.contains(p) for p in cf), abs(m.signature - signature)))


def _bars(notes: tuple[Note, ...], n_bars: int) -> list[list[Note]]:
    out: list[list[Note]] = [[] for _ in range(n_bars)]
    for n in notes:
        out[n.start // WHOLE].append(n)
    return out


def passage_exercises(passage) -> list[Exercise]:
    """Every species-like window of a passage, in both orientations (cantus firmus below, then above)."""
    n_bars = max(n.end for n in passage.lower) // WHOLE
    found = []
    for cf_voice, cp_voice, above in ((passage.lower, passage.upper, True), (passage.upper, passage.lower, False)):
        cf_bars, cp_bars = _bars(cf_voice, n_bars), _bars(cp_voice, n_bars)
        ok = [len(b) == 1 and b[0].duration == WHOLE for b in cf_bars]
        start = 0
        while start < n_bars:
            if not ok[start]:
                start += 1
                continue
            end = start
            while end < n_bars and ok[end] and end - start < MAX_BARS:
                end += 1
            if end - start >= MIN_BARS:
                found.append(_window(passage, cf_bars, cp_bars, start, end, above))
            start = end
    return found


def _window(passage, cf_bars, cp_bars, start: int, end: int, above: bool) -> Exercise:
    shift = start * WHOLE
    cf = tuple(Note(b[0].pitch, i * WHOLE, WHOLE) for i, b in enumerate(cf_bars[start:end]))
    cp = [replace(n, start=n.start - shift) for bar in cp_bars[start:end] for n in bar]
    cp[-1] = replace(cp[-1], tie=False)
    mode = passage_mode([n.pitch for n in cf], passage.signature)
    return Exercise(cf=cf, cp=tuple(cp), mode=mode, species=5, cp_above=above, bar_ticks=WHOLE,
                    title=f"{passage.mass}, {passage.movement}")


SKELETON_SPECIES = (1, 4)  # second and third species lose too much of Palestrina's line (held notes repeat)
_CONSONANT = frozenset((0, 3, 4, 7, 8, 9))  # semitones above the lower voice, octaves folded


def _consonant(a, b) -> bool:
    return abs(a.midi - b.midi) % 12 in _CONSONANT


def _options(notes, start: int, end: int) -> list:
    """The pitches the real line offers a skeleton note on [start, end): the one sounding at its start,
    those struck inside it, then the next one struck after it, in that order."""
    sounding = [n.pitch for n in notes if n.start <= start < n.end]
    inside = [n.pitch for n in notes if start < n.start < end]
    after: list = []
    return [p for p in sounding + inside + after if p is not None]


def skeleton(real: Exercise, species: int, rng: random.Random, book=None) -> Exercise | None:
    """The real window reduced to a species rhythm (see the module docstring); None where the reduction
    breaks a hard rule of the negatives rulebook for that species."""
    from counterpoint.catalogue.engine import check_exercise

    ex = reduce_to_species(real, species, rng)
    if ex is None:
        return None
    return ex if check_exercise(ex, book or negatives_rulebook()).ok else None


def reduce_to_species(real: Exercise, species: int, rng: random.Random) -> Exercise | None:
    """The pitches of the real line laid on a sampled rhythm of the species, unchecked; None where no
    pitch fits a note."""
    from counterpoint.generator.rhythm import rhythm_notes, sample_rhythm

    bar = real.bar_ticks
    try:
        bars = sample_rhythm(species, real.n_bars, rng)
    except InputError:
        return None
    template = rhythm_notes(bars, "x", bar)
    cp: list[Note] = []
    for n in template:
        if n.pitch is None:
            cp.append(n)
            continue
        if cp and cp[-1].tie:  # a tied continuation holds its note's pitch
            cp.append(replace(n, pitch=cp[-1].pitch))
            continue
        options = _options(real.cp, n.start, n.end)
        cf = real.cf[n.start // bar].pitch
        prev = next((m.pitch for m in reversed(cp) if m.pitch is not None), None)
        must_consonate = n.start % bar == 0 or species == 4  # fourth species: every attack prepares
        fits = [p for p in options if not must_consonate or _consonant(p, cf)]
        pitch = next((p for p in fits if p != prev), fits[0] if fits else None)
        if pitch is None:
            return None
        cp.append(replace(n, pitch=pitch))
    return replace(real, cp=tuple(cp), species=species)


@lru_cache(maxsize=1)
def negatives_rulebook():
    """critic/negatives.toml, read once (it is shipped data, and every generated negative needs it)."""
    return load_rulebook(data_dir("critic") / "negatives.toml")


def generated(real: Exercise, n: int, seed: int, time_limit: float = 1.0) -> list[Exercise]:
    """Up to ``n`` generated counterpoints over the real cantus firmus, in the real rhythm and range."""
    from counterpoint.generator.search import Search, _Impossible

    pitches = real.cp_pitches
    low, high = min(p.diatonic for p in pitches) - 1, max(p.diatonic for p in pitches) + 1
    base = replace(real, cp=(), species=0)
    search = Search(base, real.species, real.cp_above, negatives_rulebook(), low, high, random.Random(seed),
                    template=real.cp)
    out: list[Exercise] = []
    seen = {tuple(real.cp_pitches)}
    try:
        for ex in search.stream(time.monotonic() + time_limit, per_restart=max(1, n // 4)):
            key = tuple(ex.cp_pitches)
            if key not in seen:
                seen.add(key)
                out.append(ex)
                if len(out) >= n:
                    break
    except _Impossible:
        pass
    return out


def perturbed(real: Exercise, rng: random.Random) -> Exercise:
    """The real counterpoint with one to three attacks moved by a step or a third (ties kept together)."""
    notes = list(real.cp)
    starts = [i for i, n in enumerate(notes) if n.pitch is not None and not (i and notes[i - 1].tie)]
    for i in rng.sample(starts, min(len(starts), rng.randint(1, 3))):
        move = rng.choice((-2, -1, 1, 2))
        new = real.mode.scale_pitch(notes[i].pitch.diatonic + move)
        j = i
        while True:
            notes[j] = replace(notes[j], pitch=new)
            if not notes[j].tie or j + 1 >= len(notes):
                break
            j += 1
    return replace(real, cp=tuple(notes))
