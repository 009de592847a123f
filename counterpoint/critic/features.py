"""Features a musician can read, for the critic, computed for many candidates at once.

Every feature function has one signature, ``f(tex, counts) -> (values, names)``: ``tex`` is a
:class:`Texture`, a batch of two-voice exercises that share their rhythm (so their verticals line up),
held as arrays of shape (candidates, verticals) and (candidates, notes); ``counts`` is a
(candidates, rules) array of the violations each one's check found. ``values`` has one row per
candidate; ``names`` read ``"family.descriptor"``, e.g. ``"motion.contrary"`` or ``"rule.V101"``.
:func:`extract` stacks them into a matrix whose columns are ``FEATURE_NAMES``.

The rules the checker reports and the solver enforces are counted here too (``rule.*``): one
definition, three uses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from counterpoint.catalogue.context import Context
from counterpoint.catalogue.base import WARNING
from counterpoint.catalogue.registry import RULES

CLASSES = ("unison", "second", "third", "fourth", "fifth", "sixth", "seventh")  # simple intervals, octaves folded
MOTIONS = ("contrary", "similar", "parallel", "oblique")
MELODIC = ("repeat", "step", "third", "fourth", "fifth", "sixth", "octave", "other")
# Only the preferences (warnings): every line the generator hands out breaks no hard rule, so counting
# hard rules would teach the critic a cue that is constant on the lines it has to rank.
RULE_CODES = tuple(r.code for r in RULES if r.severity == WARNING)
_REF = np.array([0, 2, 4, 5, 7, 9, 11])


class Texture:
    """A batch of exercises with one rhythm, as arrays. Build it with :meth:`from_exercises`."""

    def __init__(self, ctx: Context, cp_d: np.ndarray, cp_m: np.ndarray):
        vs = ctx.verticals
        self.n_bars = max(1, ctx.n_bars)
        self.species = ctx.species
        vi = np.array([v.cp_index for v in vs], dtype=int)
        self.vert_attack = vi  # which counterpoint note sounds in each vertical
        self.cf_d = np.array([v.cf.diatonic for v in vs], dtype=int)[None, :]
        self.cf_m = np.array([v.cf.midi for v in vs], dtype=int)[None, :]
        self.attacked = np.array([v.cp_attacked for v in vs], dtype=bool)
        self.downbeat = np.array([v.offset == 0 for v in vs], dtype=bool)
        self.line_d, self.line_m = cp_d, cp_m  # (B, notes)
        self.cp_d, self.cp_m = cp_d[:, vi], cp_m[:, vi]  # (B, verticals)
        self.steps = np.abs(self.cp_d - self.cf_d)
        self.cls = self.steps % 7
        diff = (np.abs(self.cp_m - self.cf_m) - _REF[self.cls]) % 12
        diff = np.where(diff > 6, diff - 12, diff)
        perfect = np.isin(self.cls, (0, 4)) & (diff == 0)
        self.imperfect = np.isin(self.cls, (2, 5)) & np.isin(diff, (0, -1))
        self.consonant = perfect | self.imperfect
        self.durations = np.array([a.duration for a in ctx.cp], dtype=int)
        self.tied = np.array([a.tied_over for a in ctx.cp], dtype=bool)
        self.cf_line_m = np.array([a.pitch.midi for a in ctx.cf], dtype=int)

    @classmethod
    def from_exercises(cls, exercises: Sequence) -> Texture:
        """A batch from exercises with one batch_key: one Context for the structure, pitches read directly."""
        pitches = [ex.cp_pitches for ex in exercises]
        cp_d = np.array([[p.diatonic for p in ps] for ps in pitches], dtype=int)
        cp_m = np.array([[p.midi for p in ps] for ps in pitches], dtype=int)
        return cls(Context(exercises[0]), cp_d, cp_m)

    @property
    def size(self) -> int:
        return self.line_d.shape[0]


def batch_key(ex) -> tuple:
    """Exercises with equal keys share their verticals' structure and can be featurised as one batch."""
    return (tuple(n.pitch for n in ex.cf), tuple((n.start, n.duration, n.tie, n.pitch is None) for n in ex.cp),
            ex.cp_above, ex.species)


def batches(exercises: Sequence) -> list[list[int]]:
    """Indices of the exercises grouped by batch_key, in first-seen order."""
    groups: dict[tuple, list[int]] = {}
    for i, ex in enumerate(exercises):
        groups.setdefault(batch_key(ex), []).append(i)
    return list(groups.values())


def _mean(mask: np.ndarray, axis: int = 1) -> np.ndarray:
    if mask.shape[axis] == 0:
        return np.zeros(mask.shape[0])
    return mask.mean(axis=axis)


def vertical_intervals(tex: Texture, counts):
    """Share of each interval class where the counterpoint strikes; compound, imperfect and dissonant shares."""
    at = tex.attacked if tex.attacked.any() else np.ones_like(tex.attacked)
    cls = tex.cls[:, at]
    cols = [_mean(cls == k) for k in range(7)]
    cols += [_mean(tex.steps[:, at] > 7), _mean(tex.imperfect[:, at]), _mean(~tex.consonant[:, at])]
    return np.column_stack(cols), [f"vertical.{c}" for c in CLASSES] + ["vertical.compound", "vertical.imperfect",
                                                                         "vertical.dissonant"]


def _motions(tex: Texture) -> np.ndarray:
    """Motion between consecutive verticals: 0 contrary, 1 similar, 2 parallel, 3 oblique, -1 static."""
    dcf = np.sign(np.diff(tex.cf_m, axis=1))
    dcp = np.sign(np.diff(tex.cp_m, axis=1))
    dcf = np.broadcast_to(dcf, dcp.shape)
    octave_folded = np.where(tex.cls == 0, 0, tex.cls)
    same_class = octave_folded[:, 1:] == octave_folded[:, :-1]
    out = np.full(dcp.shape, -1)
    out[(dcf == 0) ^ (dcp == 0)] = 3
    moving = (dcf != 0) & (dcp != 0)
    out[moving & (dcf != dcp)] = 0
    out[moving & (dcf == dcp) & ~same_class] = 1
    out[moving & (dcf == dcp) & same_class] = 2
    return out


def motions(tex: Texture, counts):
    """Share of each motion type between consecutive verticals (static pairs left out)."""
    m = _motions(tex)
    moving = np.maximum(1, (m >= 0).sum(axis=1))
    return np.column_stack([(m == k).sum(axis=1) / moving for k in range(4)]), [f"motion.{n}" for n in MOTIONS]


def melody(tex: Texture, counts):
    """The counterpoint's melodic intervals by size, their mean size, direction changes and rising share."""
    a = np.abs(np.diff(tex.line_d, axis=1))
    kinds = [a == 0, a == 1, a == 2, a == 3, a == 4, a == 5, a == 7, (a == 6) | (a > 7)]
    cols = [_mean(k) for k in kinds]
    dirs = np.sign(np.diff(tex.line_m, axis=1))
    moving = np.maximum(1, (dirs != 0).sum(axis=1))
    turns = np.zeros(tex.size)
    for b in range(tex.size):  # direction changes ignoring repeated notes
        d = dirs[b][dirs[b] != 0]
        turns[b] = (d[1:] != d[:-1]).mean() if d.size > 1 else 0.0
    cols += [a.mean(axis=1) / 4 if a.shape[1] else np.zeros(tex.size), turns, (dirs > 0).sum(axis=1) / moving]
    return np.column_stack(cols), [f"melody.{k}" for k in MELODIC] + ["melody.mean_size", "melody.turns", "melody.up"]


def leaps(tex: Texture, counts):
    """How leaps are handled: recovered by a step back, two leaps the same way, approached from the other side."""
    names = ["leaps.recovered", "leaps.same_direction_pair", "leaps.approached_from_opposite", "leaps.large_share"]
    d = np.diff(tex.line_d, axis=1)
    if d.shape[1] < 2:
        return np.zeros((tex.size, 4)), names
    first, second = d[:, :-1], d[:, 1:]
    big = np.abs(first) >= 3
    recovered = big & (first * second < 0) & (np.abs(second) == 1)
    pair = (np.abs(first) >= 2) & (np.abs(second) >= 2) & (first * second > 0)
    big_after = np.abs(second) >= 3
    approached = big_after & (first * second < 0)
    cols = [recovered.sum(1) / np.maximum(1, big.sum(1)), _mean(pair),
            approached.sum(1) / np.maximum(1, big_after.sum(1)), _mean(np.abs(d) >= 3)]
    return np.column_stack(cols), names


def contour(tex: Texture, counts):
    """Range, where the climax falls, whether it is unique, the longest run one way, the distance to the cantus firmus."""
    names = ["contour.range", "contour.climax_position", "contour.climax_unique", "contour.longest_run",
             "contour.distance_to_cf"]
    m = tex.line_m
    n = m.shape[1]
    if n == 0:
        return np.zeros((tex.size, 5)), names
    top = m.max(axis=1)
    pos = np.argmax(m, axis=1) / max(1, n - 1)
    unique = ((m == top[:, None]).sum(axis=1) == 1).astype(float)
    signs = np.sign(np.diff(m, axis=1))
    run = np.zeros(tex.size)
    best = np.zeros(tex.size)
    prev = np.zeros(tex.size)
    for k in range(signs.shape[1]):
        s = signs[:, k]
        run = np.where(s == 0, run, np.where(s == prev, run + 1, 1))
        prev = np.where(s == 0, prev, s)
        best = np.maximum(best, run)
    distance = np.abs(tex.cp_d - tex.cf_d).mean(axis=1) / 7 if tex.cp_d.shape[1] else np.zeros(tex.size)
    return np.column_stack([(top - m.min(axis=1)) / 12, pos, unique, best / n, distance]), names


def dissonance(tex: Texture, counts):
    """Dissonances per vertical by treatment: passing, neighbour, suspension (held, resolved down by step), other."""
    names = [f"dissonance.{k}" for k in ("passing", "neighbour", "suspension", "other")]
    n_notes = tex.line_d.shape[1]
    k = tex.vert_attack
    here = tex.line_d[:, k]
    prev = tex.line_d[:, np.maximum(k - 1, 0)]
    nxt = tex.line_d[:, np.minimum(k + 1, n_notes - 1)]
    has_prev = (k > 0)[None, :]
    has_next = (k + 1 < n_notes)[None, :]
    diss = ~tex.consonant
    held = ~tex.attacked[None, :]
    suspension = diss & held & has_next & (nxt - here == -1)
    stepwise = has_prev & has_next & (np.abs(here - prev) == 1) & (np.abs(nxt - here) == 1)
    passing = diss & ~held & stepwise & (here - prev == nxt - here)
    neighbour = diss & ~held & stepwise & (here - prev != nxt - here)
    other = diss & ~(suspension | passing | neighbour)
    v = max(1, diss.shape[1])
    return np.column_stack([x.sum(axis=1) / v for x in (passing, neighbour, suspension, other)]), names


def rhythm_and_pitch(tex: Texture, counts):
    """How pitch choices fit the rhythm: short notes move by step, leaps leave long notes, and what the downbeats hold."""
    names = ["rhythm.short_notes_step", "rhythm.leaps_from_long_notes", "rhythm.downbeat_imperfect",
             "rhythm.downbeat_perfect", "rhythm.downbeat_dissonant", "rhythm.offbeat_dissonant"]
    d = np.abs(np.diff(tex.line_d, axis=1))
    dur = tex.durations[:-1]
    short = dur <= 4
    leap = d >= 2
    short_step = (d[:, short] == 1).sum(1) / max(1, int(short.sum()))
    from_long = (leap & (dur >= 8)[None, :]).sum(1) / np.maximum(1, leap.sum(1))
    down, off = tex.downbeat, ~tex.downbeat
    nd, no = max(1, int(down.sum())), max(1, int(off.sum()))
    cols = [short_step, from_long, tex.imperfect[:, down].sum(1) / nd,
            (tex.consonant & ~tex.imperfect)[:, down].sum(1) / nd, (~tex.consonant)[:, down].sum(1) / nd,
            (~tex.consonant)[:, off].sum(1) / no]
    return np.column_stack(cols), names


_NGRAM_NAMES = [f"ngram.{c}.{m}" for c in CLASSES for m in MOTIONS]


def ngrams(tex: Texture, counts):
    """Two-vertical patterns of the texture: the interval class reached and the motion that reached it."""
    m = _motions(tex)
    codes = np.where(m >= 0, tex.cls[:, 1:] * 4 + m, -1)
    out = np.zeros((tex.size, 28))
    for c in range(28):
        out[:, c] = (codes == c).sum(axis=1)
    total = out.sum(axis=1, keepdims=True)
    return out / np.maximum(total, 1), _NGRAM_NAMES


def species(tex: Texture, counts):
    """Which texture the line is judged as: note against note (first species), syncopated (fourth), or
    florid (every other species, as Palestrina's own rhythm). The critic is trained on Palestrina's lines
    reduced to the first two as well as on their florid surface (counterpoint/critic/examples.py), so the
    trees can judge a first-species line against first-species lines."""
    names = ["species.note_against_note", "species.syncopated"]
    row = [float(tex.species == 1), float(tex.species == 4)]
    return np.tile(row, (tex.size, 1)), names


def rules(tex: Texture, counts):
    """Breaches of each catalogue preference per bar, as the checker counted them with the fux rulebook."""
    return counts / tex.n_bars, [f"rule.{c}" for c in RULE_CODES]


FEATURES: tuple[Callable, ...] = (vertical_intervals, motions, melody, leaps, contour, dissonance, rhythm_and_pitch,
                                  ngrams, species, rules)


def count_matrix(reports) -> np.ndarray:
    """(candidates, rules) violation counts from check reports."""
    index = {c: i for i, c in enumerate(RULE_CODES)}
    out = np.zeros((len(reports), len(RULE_CODES)))
    for b, report in enumerate(reports):
        for code, k in report.codes().items():
            if code in index:
                out[b, index[code]] = k
    return out


def extract(tex: Texture, counts: np.ndarray) -> np.ndarray:
    """The feature matrix of a batch, columns in FEATURE_NAMES order."""
    return np.hstack([f(tex, counts)[0] for f in FEATURES])


def _names() -> list[str]:
    from counterpoint.model.build import from_text

    tex = Texture.from_exercises([from_text("D4 F4 E4 D4", "A4 A4 G4 F#4")])
    return [name for f in FEATURES for name in f(tex, np.zeros((1, len(RULE_CODES))))[1]]


FEATURE_NAMES: tuple[str, ...] = tuple(_names())

# Surface cues only, for the trivial baseline the critic must beat: range, note count, rhythm histogram.
BASELINE_NAMES = ("surface.range", "surface.notes_per_bar", "surface.cf_range", "surface.rhythm.eighth",
                  "surface.rhythm.quarter", "surface.rhythm.dotted", "surface.rhythm.half",
                  "surface.rhythm.whole_or_longer", "surface.ties_per_bar")


def baseline(tex: Texture) -> np.ndarray:
    d = tex.durations if tex.durations.size else np.array([16])
    rhythm = [np.mean(d <= 2), np.mean(d == 4), np.mean(np.isin(d, (6, 12, 24))), np.mean(d == 8), np.mean(d >= 16)]
    cf_range = (tex.cf_line_m.max() - tex.cf_line_m.min()) / 12 if tex.cf_line_m.size else 0.0
    fixed = [d.size / tex.n_bars, cf_range, *rhythm, tex.tied.sum() / tex.n_bars]
    rng = (tex.line_m.max(axis=1) - tex.line_m.min(axis=1)) / 12
    return np.column_stack([rng] + [np.full(tex.size, x) for x in fixed])
