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
"""

from __future__ import annotations

import random
import time
from dataclasses import replace

from counterpoint.catalogue.rulebook import load_rulebook
from counterpoint.errors import InputError
from counterpoint.model.exercise import WHOLE, Exercise, Note
from counterpoint.model.mode import CHURCH_MODES, Mode, infer_mode
from counterpoint.resources import data_dir

MIN_BARS, MAX_BARS = 6, 12


def _mode(cf: list, signature: int) -> Mode:
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
    mode = _mode([n.pitch for n in cf], passage.signature)
    return Exercise(cf=cf, cp=tuple(cp), mode=mode, species=5, cp_above=above, bar_ticks=WHOLE,
                    title=f"{passage.mass}, {passage.movement}")


def negatives_rulebook():
    return load_rulebook(data_dir("critic") / "negatives.toml")


def generated(real: Exercise, n: int, seed: int, time_limit: float = 1.0) -> list[Exercise]:
    """Up to ``n`` generated counterpoints over the real cantus firmus, in the real rhythm and range."""
    from counterpoint.generator.search import Search, _Impossible

    pitches = real.cp_pitches
    low, high = min(p.diatonic for p in pitches) - 1, max(p.diatonic for p in pitches) + 1
    base = replace(real, cp=(), species=0)
    search = Search(base, 5, real.cp_above, negatives_rulebook(), low, high, random.Random(seed), template=real.cp)
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
