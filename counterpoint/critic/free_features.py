"""Features a musician can read, for windows of free polyphony in any rhythm (two, three or four voices).

A window is a time span [a, b) of a :class:`~counterpoint.critic.free_read.Piece` and a choice of its
voices, ordered low to high by their mean pitch in the span. Its *events* are the times where any of
those voices strikes a note (and the window's start); at each event every voice sounds a pitch or rests.

Two-voice windows get the *pair* features, the two voices' *melodic* and *rhythm* features and their
*activity*; three-voice windows get the pair features averaged over the three pairs (and the worst
pair's dissonance), the same melodic, rhythm and activity features, and the *texture* features:
triad completeness, doubling, spacing and the bass's motion. Four-voice windows get the same over all
six pairs and four voices, and two more: how often a complete triad doubles its root, and its third.
Names read ``family.descriptor``.

Intervals are judged by semitones (consonant: unison, thirds, fifth, sixths and their compounds) and
named by diatonic size (``vertical.fourth``). Metric positions come from the time signature in force
(:meth:`Piece.metric_level`): strong beats, other beats, off the beat.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from counterpoint.critic.free_read import Line, Piece

CLASSES = ("unison", "second", "third", "fourth", "fifth", "sixth", "seventh")
MELODIC = ("repeat", "step", "third", "fourth", "fifth", "sixth", "octave", "other")
_PERFECT = (0, 7)
_IMPERFECT = (3, 4, 8, 9)
# Semitone sizes a melodic interval of each diatonic size may have (mod 7) without being augmented or diminished.
_PLAIN = {0: (0,), 1: (1, 2), 2: (3, 4), 3: (5,), 4: (7,), 5: (8, 9), 6: (10, 11)}
_IS_PERFECT = np.isin(np.arange(12), _PERFECT)
_IS_CONSONANT = np.isin(np.arange(12), _PERFECT + _IMPERFECT)
_UPPER_OK = np.isin(np.arange(12), (0, 3, 4, 5, 7, 8, 9))
_PLAIN_TABLE = np.zeros((7, 12), dtype=bool)
for _k, _v in _PLAIN.items():
    _PLAIN_TABLE[_k, list(_v)] = True

PAIR_NAMES = tuple(
    [f"vertical.{c}" for c in CLASSES]
    + ["vertical.compound", "vertical.perfect", "vertical.imperfect", "vertical.dissonant",
       "vertical.dissonant_strong", "vertical.dissonant_weak", "vertical.dissonant_offbeat", "vertical.perfect_strong",
       "motion.contrary", "motion.similar", "motion.parallel", "motion.oblique", "motion.parallel_fifths",
       "motion.parallel_octaves", "motion.similar_to_perfect",
       "dissonance.passing", "dissonance.neighbour", "dissonance.suspension", "dissonance.other",
       "dissonance.treated"])
VOICE_NAMES = tuple(
    [f"melody.{m}" for m in MELODIC]
    + ["melody.mean_size", "melody.augmented", "melody.turns", "leaps.recovered", "leaps.same_direction",
       "rhythm.sixteenth_eighth", "rhythm.quarter", "rhythm.dotted", "rhythm.half", "rhythm.whole",
       "rhythm.longer", "rhythm.syncopated", "rhythm.short_notes_step", "rhythm.notes_per_whole"])
SPREAD_NAMES = ("melody.worst_voice_step", "melody.worst_voice_leap", "melody.worst_voice_augmented",
                "vertical.worst_pair_dissonant")
ACTIVITY_NAMES = ("activity.one_moves", "activity.all_move", "activity.rests")
TEXTURE_NAMES = ("texture.complete_triad", "texture.sixth_chord", "texture.diminished", "texture.two_classes",
                 "texture.one_class", "texture.dissonant", "texture.fourth_over_bass", "doubling.bass",
                 "doubling.unison", "spacing.upper_within_octave", "spacing.upper", "spacing.lower",
                 "spacing.crossing", "bass.step", "bass.fourth_fifth", "bass.octave", "bass.other_leap")

# Four voices: of the full sonorities that are a complete triad, the share that double its root and its third.
FOUR_NAMES = ("doubling.root", "doubling.third")

NAMES = {2: PAIR_NAMES + VOICE_NAMES + SPREAD_NAMES + ACTIVITY_NAMES,
         3: PAIR_NAMES + VOICE_NAMES + SPREAD_NAMES + ACTIVITY_NAMES + TEXTURE_NAMES,
         4: PAIR_NAMES + VOICE_NAMES + SPREAD_NAMES + ACTIVITY_NAMES + TEXTURE_NAMES + FOUR_NAMES}
VOICE_COUNTS = tuple(NAMES)  # one free critic model per voice count


def _share(mask: np.ndarray, of: np.ndarray | None = None) -> float:
    if of is not None:
        mask = mask[of]
    return np.count_nonzero(mask) / mask.size if mask.size else 0.0


def _frac(mask: np.ndarray) -> float:
    """The share of True in a boolean array (0 when empty); count_nonzero is far cheaper than mean here."""
    return np.count_nonzero(mask) / mask.size if mask.size else 0.0


def _ratio(num, den) -> float:
    den = np.count_nonzero(den)
    return np.count_nonzero(num) / den if den else 0.0


class Window:
    """The arrays of one window: per voice (low first) the note index, pitch and attack at every event."""

    def __init__(self, piece: Piece, lines: list[Line], a: float, b: float, shared: dict | None = None):
        self.piece, self.lines, self.a, self.b = piece, lines, a, b
        # Results that depend on one line only (its steps; its features over this span), shared between the
        # windows of one piece: keyed by the line's id and holding the line, so a perturbed copy made later at
        # a freed line's address is never mistaken for it.
        self.shared = shared if shared is not None else {}
        starts = [v.start[slice(*np.searchsorted(v.start, [a - 1e-9, b - 1e-9]))] for v in lines]
        self.times = t = np.unique(np.concatenate([[a], *starts]))
        self.level = piece.metric_level(t)
        k = len(lines)
        self.idx = np.zeros((k, t.size), dtype=int)
        self.sound = np.zeros((k, t.size), dtype=bool)
        self.attack = np.zeros((k, t.size), dtype=bool)
        self.midi = np.zeros((k, t.size), dtype=int)
        self.diat = np.zeros((k, t.size), dtype=int)
        self.prev = np.zeros((k, t.size), dtype=int)  # the sounding note's diatonic move from the one before
        self.next = np.zeros((k, t.size), dtype=int)  # ... and to the one after (0 across a rest)
        self.began = np.full((k, t.size), -1)  # the event where the sounding note began, -1 before the window
        for i, v in enumerate(lines):
            j = np.searchsorted(v.start, t + 1e-9, "right") - 1
            jj = np.maximum(j, 0)
            if not v.size:
                continue
            ok = (j >= 0) & (v.end[jj] > t + 1e-9)
            self.idx[i], self.sound[i] = jj, ok
            self.attack[i] = ok & (np.abs(v.start[jj] - t) < 1e-6)
            self.midi[i], self.diat[i] = v.midi[jj], v.diat[jj]
            prev, nxt = _steps_cached(self, i)
            self.prev[i], self.next[i] = prev[jj], nxt[jj]
            s = v.start[jj]
            self.began[i] = np.where(s < a - 1e-9, -1, np.searchsorted(t, s - 1e-9))


def _steps(v: Line) -> tuple[np.ndarray, np.ndarray]:
    """Each note's diatonic move from the previous note and to the next (0 where a rest or the edge intervenes)."""
    d = np.diff(v.diat)
    joined = np.abs(v.start[1:] - v.end[:-1]) < 1e-6
    d = np.where(joined, d, 0)
    prev = np.concatenate([[0], d])
    nxt = np.concatenate([d, [0]])
    return prev, nxt


def _rows(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Row-wise count of ``num`` over count of ``den`` (0 where ``den`` has none)."""
    d = den.sum(axis=1)
    return num.sum(axis=1) / np.maximum(d, 1)


def pair_features(w: Window, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The pair features of voice pairs (lo[p], hi[p]) of the window, one row per pair, all pairs at once."""
    both = w.sound[lo] & w.sound[hi]  # (pairs, events)
    P, T = both.shape
    out = np.zeros((P, len(PAIR_NAMES)))
    nb = both.sum(axis=1)
    if T < 2 or not nb.any():
        return out
    nbd = np.maximum(nb, 1)[:, None]
    dv = np.abs(w.diat[hi] - w.diat[lo])
    mod = np.abs(w.midi[hi] - w.midi[lo]) % 12
    cls = dv % 7
    perfect = _IS_PERFECT[mod] & both
    cons = _IS_CONSONANT[mod] & both
    diss = both & ~cons
    strong, weak, off = both & (w.level == 0), both & (w.level == 1), both & (w.level == 2)
    codes = (np.arange(P)[:, None] * 7 + cls)[both]
    out[:, 0:7] = np.bincount(codes, minlength=7 * P).reshape(P, 7) / nbd
    out[:, 7] = ((dv > 7) & both).sum(axis=1) / nbd[:, 0]
    out[:, 8] = perfect.sum(axis=1) / nbd[:, 0]
    out[:, 9] = (cons & ~perfect).sum(axis=1) / nbd[:, 0]
    out[:, 10] = diss.sum(axis=1) / nbd[:, 0]
    out[:, 11], out[:, 12], out[:, 13] = _rows(diss & strong, strong), _rows(diss & weak, weak), _rows(diss & off, off)
    out[:, 14] = _rows(perfect & strong, strong)
    # Motion between consecutive events where both voices sound (both held: no motion, left out).
    pair = both[:, 1:] & both[:, :-1]
    ml = np.sign(np.diff(w.midi[lo], axis=1))
    mh = np.sign(np.diff(w.midi[hi], axis=1))
    folded = np.where(cls == 0, 0, cls)
    same_cls = folded[:, 1:] == folded[:, :-1]
    moving = pair & ((ml != 0) | (mh != 0))
    together = pair & (ml == mh) & (ml != 0)
    mov = np.maximum(moving.sum(axis=1), 1)
    c = lambda m: m.sum(axis=1) / mov  # noqa: E731
    out[:, 15:22] = np.column_stack([
        c(pair & (ml * mh < 0)), c(together & ~same_cls), c(together & same_cls), c(pair & ((ml == 0) ^ (mh == 0))),
        c(together & (mod[:, :-1] == 7) & (mod[:, 1:] == 7)), c(together & (mod[:, :-1] == 0) & (mod[:, 1:] == 0)),
        c(together & perfect[:, 1:] & ~(perfect[:, :-1] & same_cls))])
    # Dissonance treatment: a voice striking the dissonance arrives and leaves by step (passing, neighbour);
    # a held voice against which the other strikes was consonant when it began (or began before the window)
    # and falls a step (suspension).
    passing = np.zeros_like(both)
    neighbour = np.zeros_like(both)
    suspension = np.zeros_like(both)
    for x, y in ((lo, hi), (hi, lo)):
        p, q = w.prev[x], w.next[x]
        struck = w.attack[x]
        stepwise = struck & (np.abs(p) == 1) & (np.abs(q) == 1)
        passing |= stepwise & (p == q)
        neighbour |= stepwise & (p != q)
        began = w.began[x]
        prepared = (began < 0) | np.take_along_axis(cons, np.maximum(began, 0), axis=1)
        suspension |= ~struck & w.attack[y] & (q == -1) & prepared
    passing &= diss
    neighbour &= diss
    suspension &= diss & ~(passing | neighbour)
    other = diss & ~(passing | neighbour | suspension)
    n_diss = diss.sum(axis=1)
    out[:, 22:26] = np.column_stack([m.sum(axis=1) for m in (passing, neighbour, suspension, other)]) / nbd
    out[:, 26] = np.where(n_diss > 0, 1 - other.sum(axis=1) / np.maximum(n_diss, 1), 1.0)
    out[nb < 2] = 0.0
    return out


_KIND = np.array([0, 1, 2, 3, 4, 5, 7, 6] + [7] * 200)  # diatonic size -> MELODIC column (6 and > 7: other)


def voice_features(w: Window, i: int) -> np.ndarray:
    """Melody and rhythm of one voice's notes that begin in the window (cached per line and span)."""
    v = w.lines[i]
    key = (id(v), w.a, w.b)
    hit = w.shared.get(key)
    if hit is not None and hit[0] is v:  # the same line, not another that took a freed one's id
        return hit[1]
    out = _voice_features(w, v, i)
    w.shared[key] = (v, out)
    return out


def _voice_features(w: Window, v: Line, i: int) -> np.ndarray:
    lo_i, hi_i = np.searchsorted(v.start, [w.a - 1e-9, w.b - 1e-9])
    out = np.zeros(len(VOICE_NAMES))
    if hi_i <= lo_i:
        return out
    sel = slice(lo_i, hi_i)
    seg = slice(max(0, lo_i - 1), hi_i)
    d_all = np.diff(v.diat[seg])
    s_all = np.diff(v.midi[seg])
    joined = np.abs(v.start[seg][1:] - v.end[seg][:-1]) < 1e-6
    d, s = d_all[joined], s_all[joined]
    a = np.abs(d)
    n = a.size
    if n:
        out[0:8] = np.bincount(_KIND[a], minlength=8)[:8] / n
        out[8] = a.sum() / n / 4
        out[9] = np.count_nonzero(~_PLAIN_TABLE[a % 7, np.abs(s) % 12] & (a != 7)) / n
        dirs = np.sign(d[d != 0])
        out[10] = np.count_nonzero(dirs[1:] != dirs[:-1]) / (dirs.size - 1) if dirs.size > 1 else 0.0
    if n > 1:
        first, second = d[:-1], d[1:]
        big = np.abs(first) >= 3
        out[11] = _ratio(big & (first * second < 0) & (np.abs(second) == 1), big)
        out[12] = np.count_nonzero((np.abs(first) >= 2) & (np.abs(second) >= 2) & (first * second > 0)) / (n - 1)
    starts = v.start[sel]
    dur = v.end[sel] - starts
    m = dur.size
    q = np.round(dur * 8).astype(int)
    out[13:19] = [np.count_nonzero(q <= 4) / m, np.count_nonzero(q == 8) / m,
                  np.count_nonzero((q == 12) | (q == 24) | (q == 48)) / m, np.count_nonzero(q == 16) / m,
                  np.count_nonzero(q == 32) / m, np.count_nonzero(q > 32) / m]
    p = w.piece
    k = np.maximum(np.searchsorted(p.bar_offset, starts + 1e-9, "right") - 1, 0)
    pos = starts - p.bar_offset[k]
    sl = p.strong_len[k]
    r = np.mod(pos, sl)
    on_strong = (r < 1e-6) | (sl - r < 1e-6)
    next_strong = p.bar_offset[k] + (np.floor(pos / sl + 1e-9) + 1) * sl
    out[19] = np.count_nonzero(~on_strong & (v.end[sel] > next_strong + 1e-6)) / m
    _, nxt = _steps_cached(w, i)
    short = q <= 8
    out[20] = _ratio(short & (np.abs(nxt[sel]) == 1), short)
    out[21] = m / max(1e-9, (w.b - w.a) / 4) / 8
    return out


def _steps_cached(w: Window, i: int):
    v = w.lines[i]
    hit = w.shared.get(id(v))
    if hit is None or hit[0] is not v:
        hit = w.shared[id(v)] = (v, _steps(v))
    return hit[1]


def activity(w: Window) -> np.ndarray:
    n_sound = w.sound.sum(axis=0)
    n_att = w.attack.sum(axis=0)
    k = len(w.lines)
    busy = n_sound >= 2
    return np.array([_share((n_att == 1) & (n_sound > 1), busy), _share(n_att == n_sound, busy),
                     float(np.mean(n_sound < k))])


def _chord_tables():
    """By pitch-class set (a 12-bit mask): its size, whether it is a major or minor triad, a diminished
    triad, and the triad's root (-1 when none)."""
    size = np.array([bin(m).count("1") for m in range(4096)])
    triad = np.zeros(4096, dtype=bool)
    dim = np.zeros(4096, dtype=bool)
    root = np.full(4096, -1)
    for r in range(12):
        for third, fifth, table in ((4, 7, triad), (3, 7, triad), (3, 6, dim)):
            m = (1 << r) | (1 << (r + third) % 12) | (1 << (r + fifth) % 12)
            table[m] = True
            if table is triad:
                root[m] = r
    return size, triad, dim, root


_SET_SIZE, _IS_TRIAD, _IS_DIM, _ROOT = _chord_tables()


def texture_features(w: Window) -> np.ndarray:
    """Three voices or more, low first: what the sonorities hold, how they are spaced, how the bass moves.

    Where the voices sound together: a complete (major or minor) triad, one over a bass that is not its root,
    a diminished triad, two pitch classes, one; a dissonance over the bass or between upper voices (a fourth
    between upper voices is consonant), a fourth over the bass; the bass doubled where one pitch class is
    missing, a unison; every upper voice within an octave of the next, the mean distance of adjacent upper
    voices and of the lowest two (octaves), a crossing of adjacent voices. Then the bass's moves: steps,
    fourths or fifths, octaves, other leaps."""
    out = np.zeros(len(TEXTURE_NAMES))
    full = w.sound.all(axis=0)
    k = len(w.lines)
    if full.sum() >= 1:
        m = w.midi[:, full]
        pcs = m % 12
        mask = np.bitwise_or.reduce(1 << pcs, axis=0)
        distinct = _SET_SIZE[mask]
        complete, dim = _IS_TRIAD[mask], _IS_DIM[mask]
        sixth = complete & (_ROOT[mask] != pcs[0])
        over_bass = (m[1:] - m[0]) % 12
        upper_ok = np.ones(m.shape[1], dtype=bool)  # a fourth between upper voices is consonant
        for i, j in combinations(range(1, k), 2):
            upper_ok &= _UPPER_OK[np.abs(m[j] - m[i]) % 12]
        dissonant = ~(_IS_CONSONANT[over_bass].all(axis=0) & upper_ok)
        unison = np.zeros(m.shape[1], dtype=bool)
        for i, j in combinations(range(k), 2):
            unison |= m[i] == m[j]
        f = _frac
        out[0:9] = [f(complete), f(sixth), f(dim), f(distinct == 2), f(distinct == 1), f(dissonant),
                    f((over_bass == 5).any(axis=0)), f((distinct == k - 1) & (pcs[1:] == pcs[0]).any(axis=0)),
                    f(unison)]
        gaps = np.abs(np.diff(m[1:], axis=0))  # adjacent upper voices
        out[9:13] = [f((gaps <= 12).all(axis=0)), gaps.mean() / 12, np.abs(m[1] - m[0]).mean() / 12,
                     f((np.diff(m, axis=0) < 0).any(axis=0))]
    bass = w.lines[0]
    sel = (bass.start >= w.a - 1e-9) & (bass.start < w.b - 1e-9)
    idx = np.nonzero(sel)[0]
    if idx.size > 1:
        joined = np.abs(bass.start[idx[1:]] - bass.end[idx[:-1]]) < 1e-6
        s = np.abs(np.diff(bass.midi[idx]))[joined]
        moving = s[s != 0]
        if moving.size:
            out[13:17] = [_frac(moving <= 2), _frac((moving == 5) | (moving == 7)), _frac(moving == 12),
                          _frac(~((moving <= 2) | (moving == 5) | (moving == 7) | (moving == 12)))]
    return out


def doubling_features(w: Window) -> np.ndarray:
    """Four voices or more: of the full sonorities that form a complete triad, the share whose root is
    doubled and whose third is."""
    full = w.sound.all(axis=0)
    out = np.zeros(len(FOUR_NAMES))
    if not full.any():
        return out
    pcs = w.midi[:, full] % 12
    mask = np.bitwise_or.reduce(1 << pcs, axis=0)
    triad = _IS_TRIAD[mask]
    if not triad.any():
        return out
    pcs, mask, root = pcs[:, triad], mask[triad], _ROOT[mask[triad]]
    third = np.where(mask >> ((root + 4) % 12) & 1, (root + 4) % 12, (root + 3) % 12)
    out[:] = [np.mean((pcs == root).sum(axis=0) >= 2), np.mean((pcs == third).sum(axis=0) >= 2)]
    return out


def window_features(piece: Piece, lines: list[Line], a: float, b: float, shared: dict | None = None) -> np.ndarray:
    """The feature row of one window over 2, 3 or 4 voices (``lines`` low first), columns NAMES[len(lines)].

    ``shared``: a dict kept across the windows of one piece (and its lines alive), to reuse per-line work."""
    w = Window(piece, lines, a, b, shared)
    k = len(lines)
    lo, hi = (np.array(x) for x in zip(*combinations(range(k), 2)))
    pairs = pair_features(w, lo, hi)
    voices = np.array([voice_features(w, i) for i in range(k)])
    step_col, leap_cols = 1, slice(2, 8)
    spread = [voices[:, step_col].min(), voices[:, leap_cols].sum(axis=1).max(), voices[:, 9].max(),
              pairs[:, PAIR_NAMES.index("vertical.dissonant")].max()]
    row = [pairs.mean(axis=0), voices.mean(axis=0), spread, activity(w)]
    if k >= 3:
        row.append(texture_features(w))
    if k >= 4:
        row.append(doubling_features(w))
    return np.concatenate(row)


def consonance_share(piece: Piece, lines: list[Line], a: float, b: float) -> float:
    """The naive baseline: the share of consonant verticals over every pair of the window's voices, at its events."""
    w = Window(piece, lines, a, b)
    hits = total = 0
    for i, j in combinations(range(len(lines)), 2):
        both = w.sound[i] & w.sound[j]
        mod = np.abs(w.midi[j] - w.midi[i]) % 12
        hits += int((both & _IS_CONSONANT[mod]).sum())
        total += int(both.sum())
    return hits / total if total else 0.0
