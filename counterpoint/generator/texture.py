"""Three and four voices: every free voice written against the cantus firmus and against each other.

The free voices are written one at a time, the plainer species first (of two in the same species, the
lower first), so that when a voice is written every voice it is judged against (its pair's reference) is
already fixed. Each voice is one python-constraint problem over its attack pitches, the union of the
constraints of several :class:`~counterpoint.generator.model.PitchModel`\\ s that share its variables:

* the pair (this voice, the cantus firmus), with the "line" rules and the pair rules of the pair's roles;
* one pair (this voice, that voice) per voice already written, with the pair rules of that pair's roles
  (between two florid voices only :data:`~counterpoint.catalogue.texture_engine.FLORID_PAIR`);
* for the last voice, the T rules (the chord, the first and last chords, the cadence) on the whole texture.

Each pair's context knows the other voices written so far, so a fourth between upper voices over a
supporting voice is a consonance, as the checker says. Nothing is trusted: every texture is checked in full
(:func:`~counterpoint.catalogue.texture_engine.check_texture`) and only those with no error come back, ranked
by their penalty. A texture that fails is dropped and the voices are written again along other contours.
Every pass from the second first sketches the last voice against the cantus firmus alone
(:meth:`_Generator.sketch_last_voice`); the voices written before it try first, note by note, the pitches consonant
with the sketch, and the last voice, in the sketch's rhythm, tries the sketch's own pitches first. A pass whose
earlier voices leave the last voice no way through (a syncopated line's suspensions and its cadence above all)
is the usual dead end, and this makes it rarer.
The textures found are then improved, a window of one voice at a time
(:mod:`counterpoint.generator.texture_optimise`).

>>> best = generate_texture("D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4", species=(1, 1), cf_voice=3, n=2, seed=1, effort=10)
>>> len(best) >= 1 and all(s.report.ok for s in best)
True
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cached_property

from constraint import FunctionConstraint, Problem

from counterpoint.catalogue.base import ERROR
from counterpoint.catalogue.engine import Report
from counterpoint.catalogue.registry import BY_CODE
from counterpoint.catalogue.rulebook import Rulebook, load_rulebook
from counterpoint.catalogue.texture_context import TextureContext
from counterpoint.catalogue.texture_engine import FLORID_PAIR, check_texture, pair_roles
from counterpoint.errors import InputError, NoSolutionError
from counterpoint.generator import diverse
from counterpoint.generator.domain import VOICES, candidates, contour_domains
from counterpoint.generator.model import PENDING, PitchModel, SearchTimeout, _CadenceFirst, window_holds
from counterpoint.generator.rhythm import PATTERNS, licensed_patterns, rhythm_notes, sample_rhythm
from counterpoint.generator.texture_optimise import improve_textures, rank_order, texture_key
from counterpoint.model.exercise import SPECIES_NAMES, Exercise, Note
from counterpoint.model.interval import Interval
from counterpoint.model.mode import Mode
from counterpoint.model.notation import format_notes
from counterpoint.model.pitch import Pitch
from counterpoint.model.texture import MAX_VOICES, Texture, Voice, default_names

__all__ = ["generate_texture", "TextureSolution", "voice_ranges"]

MAX_N = 1_000
MIN_TIME_LIMIT = 0.05
STEP = 4  # diatonic steps between neighbouring voices' ranges (a fifth)
SHARE = 20_000  # constraint calls one voice's restart may spend before it gives way to a new contour
# The T rules a texture of fewer voices can demand wrongly (a cadence's leading tone that a voice not yet
# written may bring): applied to the last voice only. The others are applied, on the voices written so far
# (with a stand-in for an unwritten bass: _Generator.subtexture), to every voice.
LAST_ONLY = frozenset({"T105"})
RELAXED_EVERY = 4  # one search pass in this many is relaxed (see generate_texture)
SKETCH_EVERY = 1  # from the second pass on, one in this many first sketches the last voice (sketch_last_voice)
EFFORT = 300  # improvement steps at most, by default (texture_optimise.STALE_STEPS without progress stop it sooner)
SUPPORT = Pitch.parse("C1")  # the pitch of the stand-in for an unwritten lower voice (below every voice's range)


@dataclass
class TextureSolution:
    """A generated texture, its full check report (no error) and its rank cost (the penalty)."""

    texture: Texture
    report: Report
    score: float = 0.0
    parts: dict[str, float] = field(default_factory=dict)
    style: list = field(default_factory=list, repr=False, compare=False)  # the farthest idioms, set by the ranking

    @property
    def penalty(self) -> float:
        return self.report.penalty

    @property
    def voices(self) -> list[tuple[str, str]]:
        """(name, notes) of every voice, top first; the cantus firmus's name ends in ' (cf)'."""
        tex = self.texture
        out = []
        for k, v in enumerate(tex.voices):
            default = tex.bar_ticks if v.species in (0, 1) else None
            text = format_notes(v.notes, default=default, bar_ticks=None if v.species in (0, 1) else tex.bar_ticks)
            out.append((v.name + (" (cf)" if k == tex.cf_voice else ""), text))
        return out

    @cached_property
    def text(self) -> str:
        """Every voice's notes, top first: the tie-break of the ranking, so that ties break the same way every run."""
        return " | ".join(notes for _, notes in self.voices)

    def penalty_summary(self) -> str:
        counts = Counter((v.code, v.name) for v in self.report.warnings)
        return ", ".join(f"{code} {name} ×{k}" for (code, name), k in counts.most_common())

    def to_dict(self) -> dict:
        return {"voices": [{"name": name, "notes": notes} for name, notes in self.voices],
                "cf_voice": self.texture.cf_voice + 1, "species": list(self.texture.species),
                "score": round(self.score, 4), "penalty": self.penalty,
                **({"critic": self.parts["critic"]} if "critic" in self.parts else {}),
                **({"style": self.parts["style"], "style_reasons": self.style} if "style" in self.parts else {}),
                "penalties": [{"code": v.code, "name": v.name, "place": v.place, "voice": v.voice, "cost": v.weight}
                              for v in self.report.warnings]}

    def to_music21(self):
        return self.texture.to_music21()

    def __repr__(self) -> str:
        return f"<TextureSolution {' | '.join(n for _, n in self.voices)!r} penalty {self.penalty:g}>"


class TextureResult(list):
    """Solutions, best first, with ``.stats`` (a dict: textures tried, rejected, improvement steps, seconds,
    first_seconds, timed_out)."""

    stats: dict


# -- arguments ----------------------------------------------------------------------------------------------

def _validate(species, cf_voice, n, seed, time_limit, mode, effort) -> tuple[int, ...]:
    if isinstance(species, (str, bytes)) or not isinstance(species, (tuple, list)):
        raise InputError(f"species for three voices or more is a tuple such as (1, 3), not {species!r}.")
    species = tuple(species)
    if not 2 <= len(species) + 1 <= MAX_VOICES or len(species) < 2:
        raise InputError(f"give 2 to {MAX_VOICES - 1} species (one per free voice) for three voices or more, "
                         f"not {len(species)}.")
    for s in species:
        if isinstance(s, bool) or not isinstance(s, int) or s not in (1, 2, 3, 4, 5):
            raise InputError(f"species {s!r} does not exist; each free voice's species is 1, 2, 3, 4 or 5.")
    total = len(species) + 1
    if isinstance(cf_voice, bool) or not isinstance(cf_voice, int) or not 1 <= cf_voice <= total:
        raise InputError(f"the cantus firmus's voice counts from 1 (the highest) to {total}, not {cf_voice!r}.")
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_N:
        raise InputError(f"n must be a whole number from 1 to {MAX_N}, not {n!r}.")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or not -(2 ** 63) <= seed <= 2 ** 63):
        raise InputError(f"the seed must be a whole number from {-(2 ** 63)} to {2 ** 63}, as for two voices, not {seed!r}.")
    if isinstance(time_limit, bool) or not isinstance(time_limit, (int, float)) or not math.isfinite(time_limit) \
            or time_limit < MIN_TIME_LIMIT:
        raise InputError(f"the time limit must be a finite number of seconds, at least {MIN_TIME_LIMIT:g}, "
                         f"not {time_limit!r}.")
    if mode is not None and not isinstance(mode, (str, Mode)):
        raise InputError(f"a mode is a name such as 'G dorian', not a {type(mode).__name__}.")
    if effort is not None and (isinstance(effort, bool) or not isinstance(effort, int) or effort < 0):
        raise InputError(f"effort must be a whole number of steps, 0 or more, not {effort!r}.")
    return species


def _clamp(low: int, high: int) -> tuple[int, int]:
    floor, ceiling = (Pitch.parse(v).diatonic for v in VOICES)
    low, high = max(floor, low), min(ceiling, high)
    if high - low < 5:  # squeezed against the edge of the voices: keep at least a sixth
        low, high = (low, low + 5) if low == floor else (high - 5, high)
    return low, high


def voice_ranges(cf_pitches: list[Pitch], n_voices: int, cf_voice: int) -> list[tuple[int, int]]:
    """Diatonic (low, high) of each voice's search space, top first, around the cantus firmus's compass
    (lo, hi), within C2-C6. ``cf_voice`` from 0.

    The k-th voice above the cantus firmus spans lo - 1 + 2(k - 1) to hi + 7 + 4(k - 1); the m-th below,
    lo - 10 - 2(m - 1) to hi - 2m. Measured on Fux's 76 three- and four-voice solutions, these hold every
    note he writes (tests/generator/test_texture_search_space.py): his voices overlap the cantus firmus's
    register more than stacking them a fifth apart would allow (the voice next below the cantus firmus
    climbs to within a third of its top note; the one next above goes down to its lowest note). Where the
    search looks first is :func:`contour_bands`.
    """
    lo, hi = min(p.diatonic for p in cf_pitches), max(p.diatonic for p in cf_pitches)
    out = []
    for i in range(n_voices):
        k = cf_voice - i  # voices above the cantus firmus: k > 0
        if k > 0:
            out.append(_clamp(lo - 1 + 2 * (k - 1), hi + 7 + STEP * (k - 1)))
        elif k < 0:
            out.append(_clamp(lo - 10 - 2 * (-k - 1), hi + 2 * k))
        else:
            out.append(_clamp(lo, hi))
    return out


def contour_bands(cf_pitches: list[Pitch], n_voices: int, cf_voice: int) -> list[tuple[int, int]]:
    """Diatonic (low, high) of the band each voice's random contours are drawn in, top first: the voices
    stacked a fifth apart around the cantus firmus (the one next to it spanning as a two-voice counterpoint
    would). The search tries pitches near the contour first, but every pitch of :func:`voice_ranges` stays
    in the domain."""
    lo, hi = min(p.diatonic for p in cf_pitches), max(p.diatonic for p in cf_pitches)
    out = []
    for i in range(n_voices):
        k = cf_voice - i
        if k > 0:
            out.append(_clamp(max(lo - 1, hi - 2) + STEP * (k - 1), hi + 7 + STEP * (k - 1)))
        elif k < 0:
            out.append(_clamp(lo - 8 - STEP * (-k - 1), min(hi + 1, lo + 2) - STEP * (-k - 1)))
        else:
            out.append(_clamp(lo, hi))
    return out


# -- one voice's problem ------------------------------------------------------------------------------------

class _TextureModel:
    """The T rules (errors) over the whole texture, with one voice's attacks as the variables."""

    def __init__(self, texture: Texture, voice: int, settings):
        self.ctx = TextureContext(texture)
        self.pitches = self.ctx.pitches[voice]
        line = self.ctx.lines[voice]
        self.windows: dict[tuple[int, ...], list] = {}
        bar_ticks = self.ctx.bar_ticks
        for s in settings:
            for i in s.rule.positions(self.ctx):
                before, after = s.rule.reach
                first, last = (i - before) * bar_ticks, (i + after + 1) * bar_ticks
                deps = tuple(a.index for a in line if a.start < last and a.end > first)
                if deps:
                    self.windows.setdefault(deps, []).append((s, i))

    def constraint(self, deps, checks, owner):
        pitches, ctx = self.pitches, self.ctx
        calls = [(s.rule.fn, i, s.options) for s, i in checks]
        memo: dict[tuple, bool] = {}

        def satisfied(*values) -> bool:
            owner.tick()
            key = tuple(map(id, values))
            known = memo.get(key)
            if known is None:
                for k, v in zip(deps, values):
                    pitches[k] = v if isinstance(v, Pitch) else PENDING
                known = window_holds(ctx, calls)
                memo[key] = known
            return known

        return satisfied


class _Voice:
    """One free voice being written: its rhythm, its pair models, its domains."""

    def __init__(self, gen: "_Generator", index: int, rhythm):
        self.gen, self.index, self.rhythm = gen, index, rhythm
        self.species = gen.species[index]
        template = gen.templates.get(index)
        if template is not None:  # a given rhythm and range (textures_in_rhythm)
            low, high = self.band = gen.template_ranges[index]
        else:
            low, high = gen.ranges[index] if gen.relaxed else gen.bands[index]
            self.band = gen.bands[index]
        self.low, self.high = low, high
        self.pitches = candidates(gen.mode, low, high, final_third=True)
        if template is not None:
            self.notes = tuple(replace(n, pitch=None if n.pitch is None else self.pitches[0]) for n in template)
        else:
            self.notes = rhythm_notes(rhythm, self.pitches[0], gen.bar_ticks)
        self.calls = 0
        self.budget = float("inf")
        self.deadline = float("inf")

    def tick(self) -> None:
        self.calls += 1
        if self.calls > self.budget or (not self.calls & 255 and time.monotonic() > self.deadline):
            raise SearchTimeout

    def models(self, fixed: dict[int, tuple[Note, ...]], last: bool) -> list[tuple[str, PitchModel]]:
        """(what, model) for every pair this voice makes with the voices already written."""
        gen, v = self.gen, self.index
        out = []
        active = gen.book.active(self.species, texture=True)
        for w, notes in sorted(fixed.items()):
            i, j = sorted((v, w))
            roles = set(pair_roles(gen.shape, i, j))
            w_species = gen.species[w]
            if w == gen.cf_voice:
                roles.add("line")
            florid = w_species >= 2 or (w_species > self.species)
            settings = [s for s in active if s.severity == ERROR and s.rule.voices in roles
                        and (not florid or s.rule.voices == "line" or s.rule.code in FLORID_PAIR)]
            if not settings and (out or w != max(fixed)):  # no hard rule for this pair; but one model is needed
                continue                                   # for the voice's notes, even under a rulebook of none
            ex = Exercise(cf=notes, cp=self.notes, mode=gen.mode, species=self.species, cp_above=v < w,
                          bar_ticks=gen.bar_ticks, title=gen.title)
            others = tuple(nn for k, nn in sorted(fixed.items()) if k != w)
            if gen.relaxed and any(u not in fixed and u > max(v, w) for u in range(gen.n_voices)):
                # a voice below both, not written yet, will support this pair (a fourth between them is
                # consonant over it): assumed here, and checked on the whole texture at the end
                others += (gen.support,)
            model = PitchModel(ex, settings, others)
            out.append((f"{gen.names[v]}–{gen.names[w]}", model))
        return out


class _Generator:
    # Relaxed (the whole search space): each voice's wide range (voice_ranges), the rhythms the rulebook's
    # texture options license, and a lower voice not yet written counted as sounding below the pairs above it.
    # Strict (quicker to search): the contour bands as ranges, the species' own rhythms, no such assumption.
    relaxed = True
    def __init__(self, base: Exercise, species: tuple[int, ...], cf_voice: int, book: Rulebook, rng: random.Random):
        self.base, self.book, self.rng = base, book, rng
        self.mode, self.bar_ticks, self.title = base.mode, base.bar_ticks, base.title
        self.n_voices = len(species) + 1
        self.cf_voice = cf_voice
        self.free = [i for i in range(self.n_voices) if i != cf_voice]
        self.species = {i: s for i, s in zip(self.free, species)}
        self.species[cf_voice] = 0
        self.names = default_names(self.n_voices)
        self.ranges = voice_ranges(base.cf_pitches, self.n_voices, cf_voice)
        self.bands = contour_bands(base.cf_pitches, self.n_voices, cf_voice)
        voices = tuple(Voice(base.cf if i == cf_voice else base.cf, self.species[i], self.names[i])
                       for i in range(self.n_voices))
        self.shape = Texture(voices, cf_voice, base.mode, base.bar_ticks, base.title)  # for pair_roles
        # The reference voices first: every pair's reference is written before its line.
        self.order = sorted(self.free, key=lambda i: (self.species[i], -i))
        self.t_settings = [s for s in book.active(max(species), texture=True)
                           if s.rule.voices == "texture" and s.severity == ERROR]
        self.failures: Counter = Counter()  # (voice name, what) -> how often it blocked a texture
        self.tried = self.rejected = 0
        self._rhythms: dict[int, dict] = {}
        # voices whose rhythm (notes, pitches ignored) and diatonic range are given: textures_in_rhythm
        self.templates: dict[int, tuple[Note, ...]] = {}
        self.template_ranges: dict[int, tuple[int, int]] = {}
        self.hint: tuple | None = None  # (rhythm, notes) of a sketch of the last voice, see sketch_last_voice
        # a stand-in for a lower voice not yet written: one note, below every voice, for the whole exercise
        self.support = (Note(SUPPORT, 0, base.n_bars * base.bar_ticks),)
        bar, last = base.bar_ticks, (base.n_bars - 1) * base.bar_ticks
        final = Pitch.parse(f"{base.mode.final_name}1")
        self.stand_in = (Note(final, 0, bar), Note(None, bar, last - bar), Note(final, last, bar))

    def rhythms(self, species: int):
        """The bar patterns a voice of this species may draw: its own, and in a relaxed pass those the rulebook's
        texture S101 options license (:func:`~counterpoint.generator.rhythm.licensed_patterns`)."""
        if not self.relaxed:
            return PATTERNS[species]
        if species not in self._rhythms:
            s101 = next((s for s in self.book.active(species, texture=True) if s.rule.code == "S101"), None)
            self._rhythms[species] = licensed_patterns(species, s101.options if s101 is not None else None)
        return self._rhythms[species]

    def texture(self, parts: dict[int, tuple[Note, ...]]) -> Texture:
        voices = tuple(Voice(parts[i], self.species[i], self.names[i]) for i in range(self.n_voices))
        return Texture(voices, self.cf_voice, self.mode, self.bar_ticks, self.title)

    def subtexture(self, parts: dict[int, tuple[Note, ...]], v: int) -> tuple[Texture, int]:
        """The voices written so far (and voice v) as a texture of their own, and v's index in it.

        While the lowest voice is still to be written, a stand-in for it holds the final, below every
        voice, in the first and last bars (where the bass must hold it, T103 and T104), and rests between:
        the first and last chords are then judged over the final as they will be, not over a voice that
        is not the bass.
        """
        present = sorted(parts)
        voices = tuple(Voice(parts[i], self.species[i], self.names[i]) for i in present)
        if self.n_voices - 1 not in parts:
            voices += (Voice(self.stand_in, 1, self.names[-1]),)
        return Texture(voices, present.index(self.cf_voice), self.mode, self.bar_ticks, self.title), present.index(v)

    def _domains(self, voice: _Voice, n: int) -> list[list[Pitch]]:
        low, high = voice.band
        return contour_domains(voice.pitches, self.mode, low + 1, high - 1, n, self.rng)

    def voice_problem(self, v: int, fixed: dict[int, tuple[Note, ...]], last: bool, deadline: float, rhythm,
                      domains=None):
        """Voice v's python-constraint problem against the ``fixed`` voices, in ``rhythm``: (voice, models,
        problem), or None when the fixed voices alone break a pair rule (counted in ``failures``).

        ``domains(voice, attacks)`` gives each attack's pitches, most preferred last; by default a random contour's.
        With ``last`` every T rule applies (all the other voices are written).
        """
        voice = _Voice(self, v, rhythm)
        voice.deadline = deadline
        models = voice.models(fixed, last)
        for what, m in models:
            if m.fixed_failures:
                codes = sorted({s.rule.code for s, _ in m.fixed_failures})
                self.failures[(self.names[v], what, " ".join(codes))] += 1
                return None
        n = models[0][1].n
        problem = Problem(_CadenceFirst(sum(1 for a in models[0][1].ctx.cp if a.bar >= self.base.n_bars - 2)))
        attacks = models[0][1].ctx.cp
        for k, options in enumerate(domains(voice, attacks) if domains else self._domains(voice, n)):
            problem.addVariable(k, options)
        for _, m in models:
            m.deadline = deadline
            for deps, checks in m.windows.items():
                problem.addConstraint(FunctionConstraint(_counted(m._constraint(deps, checks), voice), assigned=False),
                                      list(deps))
        t_settings = self.t_settings if last else [s for s in self.t_settings if s.rule.code not in LAST_ONLY]
        if t_settings:
            parts = dict(fixed)
            parts[v] = voice.notes
            sub, at = self.subtexture(parts, v)
            tmodel = _TextureModel(sub, at, t_settings)
            for deps, checks in tmodel.windows.items():
                problem.addConstraint(FunctionConstraint(tmodel.constraint(deps, checks, voice), assigned=False),
                                      list(deps))
        return voice, models, problem

    def sketch_last_voice(self, deadline: float) -> tuple | None:
        """A sketch of the last voice to be written: (its rhythm, its notes) of one line written against the cantus
        firmus alone, or None. Written first, so that the voices before it can prefer notes that sound well with
        it (:meth:`hinted`), and the last voice then tries the sketch's pitches first: a close (or a chain of
        syncopations) that leaves the last voice no way through is the usual dead end of a pass."""
        v = self.order[-1]
        if v in self.templates:
            return None
        rhythm = sample_rhythm(self.species[v], self.base.n_bars, self.rng, table=self.rhythms(self.species[v]))
        # every T rule, as for the last voice: the cadence's semitone (T105) then lies in it or in the cantus firmus
        built = self.voice_problem(v, {self.cf_voice: self.base.cf}, True, deadline, rhythm)
        if built is None:
            return None
        voice, models, problem = built
        voice.budget = voice.calls + SHARE
        lines = _lines(models, problem, 1)
        if not lines:
            return None
        return rhythm, tuple(x for x in lines[0] if x.pitch is not None)

    def hinted(self, voice: _Voice, attacks) -> list[list[Pitch]]:
        """Voice's domains (a random contour's), each attack preferring the pitches that make a consonance (a fourth
        counts as a dissonance) with every sketched note that sounds while it does, a syncopation held into it too,
        and double no sketched chromatic note: the sketch's suspensions are then dissonant against the cantus
        firmus alone, whose rules they were written by. For the sketched voice itself, the sketch's own pitch
        comes first."""
        out = self._domains(voice, len(attacks))
        _, notes = self.hint
        if voice.index == self.order[-1]:
            sketch = {x.start: x.pitch for x in notes}
            for k, a in enumerate(attacks):
                own = sketch.get(a.start)
                if own is not None and own in out[k]:
                    out[k] = [p for p in out[k] if p != own] + [own]
            return out
        chromatic = {x.pitch.pitch_class for x in notes if not self.mode.contains(x.pitch)}
        for k, a in enumerate(attacks):
            start, end = a.start, a.end
            against = [x.pitch for x in notes if x.start < end and x.end > start]
            if not against:
                continue

            def fit(p, against=against) -> bool:
                return p.pitch_class not in chromatic and all(Interval.between(p, q).is_consonant for q in against)

            # most preferred last: the fitting pitches after the others, each in the contour's order (a stable sort)
            out[k] = sorted(out[k], key=fit)
        return out

    def write_voice(self, v: int, fixed: dict[int, tuple[Note, ...]], last: bool, deadline: float,
                    per_voice: int):
        """Up to ``per_voice`` lines for voice v against the fixed voices, as note tuples (with a sketch of the last
        voice, that voice in the sketch's rhythm trying its pitches first, the voices before it preferring notes
        that fit it)."""
        species = self.species[v]
        domains = None
        if v in self.templates:
            rhythm = None
        elif self.hint is not None and v == self.order[-1]:
            rhythm = self.hint[0]
            domains = self.hinted
        else:
            rhythm = sample_rhythm(species, self.base.n_bars, self.rng, table=self.rhythms(species))
            if self.hint is not None:
                domains = self.hinted
        built = self.voice_problem(v, fixed, last, deadline, rhythm, domains)
        if built is None:
            return []
        voice, models, problem = built
        n = models[0][1].n
        voice.budget = SHARE * (1 + len(models))
        out = _lines(models, problem, per_voice)
        if not out:
            frontier = max(m.frontier for _, m in models)
            bar = models[0][1].ctx.cp[min(frontier + 1, n - 1)].bar + 1
            self.failures[(self.names[v], f"near bar {bar}", "")] += 1
        return out

    def attempt(self, deadline: float, per_voice: int = 3):
        """Textures from one pass, each as soon as it is complete: the voices written in order, a few lines for
        each, depth first."""

        def go(depth: int, fixed: dict[int, tuple[Note, ...]]):
            if time.monotonic() > deadline:
                return
            if depth == len(self.order):
                yield self.texture(fixed)
                return
            v = self.order[depth]
            if depth == len(self.order) - 1:
                for notes in self.write_voice(v, fixed, True, deadline, 2 * per_voice):
                    yield from go(depth + 1, {**fixed, v: notes})
                return
            # A voice that others are written against: each of its lines from a search of its own (a contour and
            # a rhythm of its own). Lines from one search differ only in the notes it assigns last, its first
            # bars, since the cadence is assigned first; a cadence that leaves a later voice no way to close
            # would then block every one of them.
            for _ in range(per_voice):
                for notes in self.write_voice(v, fixed, False, deadline, 1):
                    yield from go(depth + 1, {**fixed, v: notes})

        yield from go(0, {self.cf_voice: self.base.cf})


def _lines(models, problem, count: int) -> list[tuple[Note, ...]]:
    """Up to ``count`` of the voice's lines (its notes) that ``problem`` yields and every pair model accepts
    whole, until the voice's budget runs out."""
    n = models[0][1].n
    out = []
    try:
        for sol in problem.getSolutionIter():
            values = tuple(sol[k] for k in range(n))
            if not all(m.whole_ok(values) for _, m in models):
                continue
            out.append(models[0][1].complete(values).cp)
            if len(out) >= count:
                break
    except SearchTimeout:
        pass
    return out


def _counted(fn, voice: _Voice):
    def satisfied(*values):
        voice.tick()
        return fn(*values)
    return satisfied


# -- the entry point ----------------------------------------------------------------------------------------

def generate_texture(cf, species=(1, 1), cf_voice: int | None = None, rules="fux", n: int = 10, seed: int | None = None,
                     time_limit: float = 10.0, mode: str | Mode | None = None, rank=None,
                     effort: int | None = None, progress=None, start: float | None = None) -> TextureResult:
    """Up to ``n`` textures, best first, of ``len(species) + 1`` voices with ``cf`` in voice ``cf_voice``
    (counted from 1, the highest; by default the lowest voice) and each free voice, top first, in its ``species``; every one passes
    :func:`~counterpoint.catalogue.texture_engine.check_texture` with no error, ranked by its penalty, or by
    ``rank`` (a function of the list of solutions that returns their costs, lower better; it may fill each
    solution's ``parts``), which gets the last tenth of the time limit.

    The textures first found are then improved against the penalty, a window of one voice at a time
    (:mod:`counterpoint.generator.texture_optimise`), for ``effort`` steps at most (default
    :data:`EFFORT`; 0 ranks the constructed textures as they are), stopping sooner once no step helps.
    ``progress(count)``, if given, is called with the number of textures found as it grows.

    Raises :class:`NoSolutionError` when none is found within ``time_limit`` seconds, naming the voice that
    could not be written, and :class:`InputError` for unusable arguments. The same seed gives the same
    textures unless the time limit cuts the search short.
    """
    from counterpoint.generator import _check_cantus, _check_pitches, cantus_exercise, clock_start
    from counterpoint.generator.search import checked_rank

    # the limit counts from the call (reading the rulebook is in it), or from a caller's own start (its critic)
    t0 = clock_start(start)
    if cf_voice is None and isinstance(species, (tuple, list)):
        cf_voice = len(species) + 1
    species = _validate(species, cf_voice, n, seed, time_limit, mode, effort)
    rank = checked_rank(rank, progress)
    base = cantus_exercise(cf, mode)
    _check_pitches(base)
    book = load_rulebook(rules)
    _check_cantus(base, book)
    deadline = t0 + 0.9 * time_limit  # a tenth left for the ranking and the final choice
    rng = random.Random(seed)
    gen = _Generator(base, species, cf_voice - 1, book, rng)
    pool: dict[tuple, TextureSolution] = {}
    want = max(n, 10)  # textures to collect before ranking: three times as many as asked for, at least 30
    first = None
    attempts = 0
    while time.monotonic() < deadline and len(pool) < 3 * want and attempts < 400:
        attempts += 1
        # Most passes are strict (narrow ranges, the species' own rhythms), which finds a texture soonest;
        # every RELAXED_EVERY-th is relaxed, whose search space holds all of Fux's own textures (wider ranges, his
        # licensed rhythms, a fourth between upper voices over a lower voice still to be written).
        gen.relaxed = attempts % RELAXED_EVERY == 0
        gen.hint = gen.sketch_last_voice(deadline) if attempts > 1 and attempts % SKETCH_EVERY == 0 else None
        for tex in gen.attempt(deadline):
            gen.tried += 1
            key = texture_key(tex)
            if key in pool:
                continue
            report = check_texture(tex, book)
            if not report.ok:
                gen.rejected += 1
                for e in report.errors[:1]:
                    gen.failures[("the texture", "check", e.code)] += 1
                continue
            pool[key] = _solution(tex, report)
            if progress:
                progress(len(pool))
            if first is None:
                first = time.monotonic() - t0
    gen.hint = None
    if not pool:
        raise NoSolutionError(_why(gen, time_limit))
    min_diff = max(2, (base.n_bars + 2) // 4)
    # Then improve the best of them against the penalty, a window of one voice at a time.
    polished = improve_textures(gen, pool, _solution, deadline, n, min_diff, select_diverse, rng,
                                max_steps=EFFORT if effort is None else effort, progress=progress)
    # The ranker (the critic) sees the best by penalty, as many as the construction collects.
    found = sorted(pool.values(), key=rank_order)[:3 * want]
    if rank is not None:  # a cost per texture (lower is better), in place of the penalty
        found = _ranked_in_time(found, rank, t0 + time_limit - _FINAL_CHOICE)
    ranked = sorted(found, key=rank_order)
    # The choice may run to the limit itself (a large n): then the textures chosen so far are handed out.
    result = TextureResult(select_diverse(ranked, n, min_diff, deadline=t0 + time_limit))
    result.stats = {"textures": len(pool), "tried": gen.tried, "rejected": gen.rejected, "attempts": attempts,
                    "steps": polished["steps"], "improved": polished["improved"],
                    "seconds": time.monotonic() - t0, "first_seconds": first,
                    "timed_out": time.monotonic() >= deadline}
    return result


_FINAL_CHOICE = 0.15  # seconds kept for the diverse choice and the answer after the ranker has run
_RANK_CHUNK = 10  # textures the ranker scores at a time, the clock checked between


def _ranked_in_time(found: list, rank, end: float) -> list:
    """``found`` (best by penalty first) with each one's cost from ``rank``, scored a chunk at a time until
    ``end``: those the time limit leaves unscored are dropped (at least one chunk is always scored), so that a
    large ``n`` cannot carry the ranking past the limit."""
    scored = []
    for k in range(0, len(found), _RANK_CHUNK):
        if scored and time.monotonic() >= end:
            break
        chunk = found[k:k + _RANK_CHUNK]
        for sol, cost in zip(chunk, rank(chunk)):
            sol.score = float(cost)
        scored += chunk
    return scored


def textures_in_rhythm(given: Texture, book: Rulebook, n: int, seed: int, time_limit: float = 2.0) -> list[Texture]:
    """Up to ``n`` other textures over ``given``'s cantus firmus, each free voice in its own rhythm and within
    its own range (a step wider each way), in the order found, each passing ``book`` with no error.

    The critic's generated negatives (real music re-voiced by the generator, so that only the choice of
    pitches differs); not improved against the penalty, and possibly fewer than ``n``, or none, within
    ``time_limit`` seconds.
    """
    free = [i for i in range(len(given.voices)) if i != given.cf_voice]
    base = Exercise(cf=given.cf, mode=given.mode, bar_ticks=given.bar_ticks, title=given.title)
    gen = _Generator(base, tuple(given.voices[i].species for i in free), given.cf_voice, book, random.Random(seed))
    for i in free:
        notes = given.voices[i].notes
        steps = [x.pitch.diatonic for x in notes if x.pitch is not None]
        gen.templates[i] = notes
        gen.template_ranges[i] = (min(steps) - 1, max(steps) + 1)
    seen = {texture_key(given)}
    out: list[Texture] = []
    deadline = time.monotonic() + time_limit
    while time.monotonic() < deadline and len(out) < n:
        for tex in gen.attempt(deadline):
            key = texture_key(tex)
            if key in seen:
                continue
            seen.add(key)
            if check_texture(tex, book).ok:
                out.append(tex)
                if len(out) >= n:
                    break
    return out


def _solution(tex: Texture, report: Report) -> TextureSolution:
    return TextureSolution(tex, report, score=report.penalty, parts={"penalty": report.penalty})


def select_diverse(ranked: list[TextureSolution], n: int, min_diff: int,
                   deadline: float | None = None) -> list[TextureSolution]:
    """The best ``n`` textures in rank order that differ in at least ``min_diff`` bars (:mod:`.diverse`); a bar
    differs when any voice strikes other notes there."""
    return diverse.select_diverse(ranked, n, min_diff, _bars, deadline)


def _bars(sol: TextureSolution) -> tuple:
    """Per bar, what each voice strikes in it; kept on the solution, which never changes."""
    cached = sol.__dict__.get("_bars")
    if cached is None:
        cached = sol.__dict__["_bars"] = _texture_bars(sol.texture)
    return cached


def _texture_bars(tex: Texture) -> tuple:
    per_bar: list[list] = [[] for _ in range(tex.n_bars)]
    for k, v in enumerate(tex.voices):
        for note in v.notes:
            per_bar[min(note.start // tex.bar_ticks, tex.n_bars - 1)].append((k, note.start, note.pitch, note.tie))
    return tuple(map(tuple, per_bar))


def _why(gen: _Generator, time_limit: float) -> str:
    kinds = ", ".join(f"{gen.names[i]} in {SPECIES_NAMES[gen.species[i]]}" for i in gen.free)
    head = f"no texture ({kinds}, cantus firmus in the {gen.names[gen.cf_voice]}) was found within {time_limit:g} s"
    if not gen.failures:
        return head + "; allow more time with --time-limit."
    (who, where, codes), _ = gen.failures.most_common(1)[0]
    if who == "the texture":
        rule = BY_CODE.get(codes)
        name = f"{codes} {rule.name}" if rule else codes
        return f"{head}: the complete textures broke {name}; allow more time with --time-limit."
    if codes:
        names = " and ".join(f"{c} {BY_CODE[c].name}" for c in codes.split() if c in BY_CODE)
        return f"{head}: the {who} cannot be written against the {where.split('–')[-1]} ({names})."
    return f"{head}: the {who} could not be written {where} against the voices already written; allow more " \
           "time with --time-limit or try another cantus firmus position."
