"""Improving textures: large-neighbourhood search over one voice's window at a time, as for two voices.

The texture search (:mod:`counterpoint.generator.texture`) writes the free voices one after another and keeps
the first textures that pass; nothing there prefers a better line to a worse one. This pass improves them
against the rule penalty: it picks one of the diverse leaders, frees a window of a few notes in one free voice,
and lets python-constraint re-solve just that window with every other note of every voice fixed (the voice's
own problem, :meth:`~counterpoint.generator.texture._Generator.voice_problem`, with every T rule on). Each
neighbour is checked in full (:func:`~counterpoint.catalogue.texture_engine.check_texture`) before it joins the
pool, so a texture handed out never breaks a hard rule.

Work is counted in steps and constraint calls, so a seed gives the same textures on any machine unless the
time limit cuts the search first.
"""

from __future__ import annotations

import random
import time

from counterpoint.catalogue.texture_engine import check_texture
from counterpoint.generator.model import SearchTimeout
from counterpoint.generator.optimise import WINDOW_NOTES, window_around
from counterpoint.generator.rhythm import rhythm_of

NEIGHBOURS = 6  # legal re-solutions of a window checked per step
WINDOW_CALLS = 4_000  # constraint calls one window's re-solve may spend
STALE_STEPS = 30  # steps without a better set of leaders before the search stops
MAX_LEADERS = 10  # the diverse best textures that are improved


def improve_textures(gen, pool: dict, make, deadline: float, n: int, min_diff: int, select, rng: random.Random,
                     max_steps: int = 2_000, progress=None) -> dict:
    """Improve ``pool`` (texture key -> TextureSolution, scored by penalty) in place until it stops improving,
    ``max_steps`` or ``deadline``. ``make(texture, report)`` builds a pool entry; ``select(ranked, n, min_diff)``
    picks the diverse leaders; ``progress(len(pool))`` is told as the pool grows. Returns the search's counts:
    steps, improvements, timed_out."""
    stats = {"steps": 0, "improved": 0, "timed_out": False}
    if not pool:
        return stats
    was_relaxed = gen.relaxed
    gen.relaxed = True  # every voice's whole range, as the relaxed passes search
    try:
        leaders = _leaders(pool, n, min_diff, select)
        mark, stale = _total(leaders), 0
        for _ in range(max_steps):
            if time.monotonic() >= deadline:
                stats["timed_out"] = True
                break
            stats["steps"] += 1
            parent = leaders[min(int(rng.random() ** 1.5 * len(leaders)), len(leaders) - 1)]
            try:
                children = _neighbours(gen, parent, deadline, rng)
            except SearchTimeout:
                stats["timed_out"] = True
                break
            added = False
            for tex in children:
                key = texture_key(tex)
                if key in pool:
                    continue
                report = check_texture(tex, gen.book)
                if report.ok:
                    pool[key] = make(tex, report)
                    added = True
            if added:
                leaders = _leaders(pool, n, min_diff, select)
                if progress:
                    progress(len(pool))
            total = _total(leaders)
            if total < mark - 1e-9:
                mark, stale = total, 0
                stats["improved"] += 1
            else:
                stale += 1
                if stale >= STALE_STEPS:
                    break
    finally:
        gen.relaxed = was_relaxed
    return stats


def texture_key(tex) -> tuple:
    """A texture's identity in the pool: every voice's notes."""
    return tuple(tuple((x.pitch, x.start, x.duration, x.tie) for x in v.notes) for v in tex.voices)


def rank_order(sol) -> tuple:
    """Sort key of a TextureSolution: its cost, then its notes, so that ties break the same way every run."""
    return (sol.score, sol.text)


def _leaders(pool: dict, n: int, min_diff: int, select) -> list:
    ranked = sorted(pool.values(), key=rank_order)
    return select(ranked, min(n, MAX_LEADERS), min_diff) or ranked[:1]


def _total(leaders: list) -> float:
    return sum(s.score for s in leaders)


def _neighbours(gen, parent, deadline: float, rng: random.Random) -> list:
    """Textures that differ from ``parent`` only inside one window of one free voice."""
    tex = parent.texture
    v = _pick_voice(gen, parent, rng)
    notes = tex.voices[v].notes
    fixed = {i: voice.notes for i, voice in enumerate(tex.voices) if i != v}
    sounding = {x.start: x.pitch for x in notes if x.pitch is not None}
    chosen: dict = {}

    def domains(voice, attacks):
        current = [sounding[a.start] for a in attacks]
        free = _window(gen, parent, v, attacks, rng)
        chosen["current"], chosen["free"] = current, free
        out = []
        for k, here in enumerate(current):
            if k in free:  # near the parent's pitch first, with noise; most preferred last
                out.append(sorted(voice.pitches, key=lambda p, d=here.diatonic: -(abs(p.diatonic - d) + rng.random() * 3)))
            else:
                out.append([here])
        return out

    built = gen.voice_problem(v, fixed, True, deadline, rhythm_of(notes, tex.bar_ticks), domains)
    if built is None:
        return []
    voice, models, problem = built
    current, n_attacks = tuple(chosen["current"]), len(chosen["current"])
    voice.budget = voice.calls + WINDOW_CALLS
    out = []
    try:
        for sol in problem.getSolutionIter():
            values = tuple(sol[k] for k in range(n_attacks))
            if values == current or not all(m.whole_ok(values) for _, m in models):
                continue
            out.append(gen.texture({**fixed, v: models[0][1].complete(values).cp}))
            if len(out) >= NEIGHBOURS:
                break
    except SearchTimeout:
        if time.monotonic() >= deadline:
            raise
    return out


def _pick_voice(gen, parent, rng: random.Random) -> int:
    """A free voice: half the time one that a warning names, else any."""
    names = {gen.names[i]: i for i in gen.free}
    warned = [names[name] for w in parent.report.warnings for name in (w.voice or "").split("–") if name in names]
    if warned and rng.random() < 0.5:
        return rng.choice(warned)
    return rng.choice(gen.free)


def _window(gen, parent, v: int, attacks: list, rng: random.Random) -> set[int]:
    """Consecutive attacks of voice v to free: around a bar a warning of that voice names half the time."""
    name = gen.names[v]
    bars = [w.bar - 1 for w in parent.report.warnings if name in (w.voice or "").split("–")]
    return set(window_around(attacks, bars, WINDOW_NOTES[gen.species[v]], rng))
