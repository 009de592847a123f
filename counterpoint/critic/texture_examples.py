"""Real three- and four-voice textures over a cantus firmus, and the generator's textures in their rhythm.

The texture critic's hardest test (issue 9): can it tell Palestrina's own three (or four) voices from the
generator's, written over the same cantus firmus? As for two voices (:mod:`counterpoint.critic.examples`),
nothing is approximated and nothing but the pitches differs:

* **Real.** A window of :data:`BARS` whole-note bars of a piece (in duple time: a 4/2 measure holds two
  such bars) where one voice moves only on the bar lines, a whole note each (it *is* a cantus firmus) and
  two (or three) other voices sound all through it, in Palestrina's rhythm. Notes are cut at the window's ends and at
  every bar line (tied), as :func:`counterpoint.critic.reduce.cut_notes` does for two voices; a window with
  a rhythm finer than a sixteenth is left out. One texture per cantus-firmus window (of several choices of
  voices that sound over it, one chosen at random), windows of one voice never overlapping.
* **Generated.** :func:`counterpoint.generator.texture.textures_in_rhythm` over the same cantus firmus,
  each free voice in the real voice's rhythm and within its range, under critic/texture_negatives.toml
  (every hard rule of fux for three voices or more that applies to a window cut from real music).

Both are read by the free critic through the same path (:func:`~counterpoint.critic.free_read.piece_from_model`),
so their metre and spelling are alike too.
"""

from __future__ import annotations

import random
from functools import lru_cache

import numpy as np

from counterpoint.critic.examples import passage_mode
from counterpoint.critic.free_read import Piece
from counterpoint.critic.reduce import bar_pieces
from counterpoint.errors import InputError
from counterpoint.model.exercise import WHOLE, Note
from counterpoint.model.pitch import STEP_SEMITONES, Pitch
from counterpoint.model.texture import Texture, Voice, default_names
from counterpoint.resources import data_dir

BARS = 8  # one free-critic window: 32 quarter lengths
CF_ATTACKS = 6  # a cantus firmus strikes at least this many of its bars (holds at most two over)
_QL = 4  # ticks per quarter length (a whole note is 16)


@lru_cache(maxsize=1)
def texture_negatives_rulebook():
    """critic/texture_negatives.toml, read once (it is shipped data, and every training piece needs it)."""
    from counterpoint.catalogue.rulebook import load_rulebook

    return load_rulebook(data_dir("critic") / "texture_negatives.toml")


def whole_note_bars(piece: Piece) -> np.ndarray:
    """The times (quarter lengths) of the whole-note bar lines in measures whose strong beats fall every
    whole note (4/2, 2/2): a 4/2 measure gives two. Triple and other metres are left out."""
    ends = np.r_[piece.bar_offset[1:], piece.length]
    out = []
    for start, end, strong in zip(piece.bar_offset, ends, piece.strong_len):
        if abs(strong - 4.0) < 1e-9 and (end - start) % 4.0 < 1e-9:
            out.extend(np.arange(start, end - 1e-9, 4.0))
    return np.array(out)


def _pitch(midi: int, diat: int) -> Pitch:
    octave, step = divmod(int(diat), 7)
    return Pitch(octave, step, int(midi) - 12 * (octave + 1) - STEP_SEMITONES[step])


def _cantus(line, grid: set, a: float) -> bool:
    """Whether the line sounds a note that starts and ends on bar lines at each of the window's bar lines from
    ``a`` (a note held over several bars is, cut at its bar lines, a cantus firmus' repeated note)."""
    struck = 0
    for k in range(BARS):
        t = a + 4.0 * k
        if t not in grid:
            return False
        i = int(np.searchsorted(line.start, t + 1e-9, "right")) - 1
        if i < 0 or line.end[i] < t + 4.0 - 1e-9 or (line.start[i] - a) % 4.0 > 1e-9 or (line.end[i] - a) % 4.0 > 1e-9:
            return False
        struck += abs(line.start[i] - t) < 1e-9
    return struck >= CF_ATTACKS


def _cut(line, a: float) -> tuple[Note, ...] | None:
    """The line's notes in [a, a + BARS whole notes) in ticks from a, split at bar lines and tied; None when it
    rests anywhere in the window or holds a rhythm finer than a sixteenth."""
    b = a + 4.0 * BARS
    inside = np.nonzero((line.end > a + 1e-9) & (line.start < b - 1e-9))[0]
    if inside.size == 0 or line.start[inside[0]] > a + 1e-9 or line.end[inside[-1]] < b - 1e-9:
        return None
    notes: list[Note] = []
    prev_end = a
    for i in inside:
        s, e = max(float(line.start[i]), a), min(float(line.end[i]), b)
        if abs(s - prev_end) > 1e-9:
            return None  # a rest inside the window
        prev_end = e
        lo, hi = (s - a) * _QL, (e - a) * _QL
        if abs(lo - round(lo)) > 1e-6 or abs(hi - round(hi)) > 1e-6:
            return None
        lo, hi = round(lo), round(hi)
        pitch = _pitch(line.midi[i], line.diat[i])
        pieces = bar_pieces(lo, hi)
        for k, (x, y) in enumerate(pieces):
            notes.append(Note(pitch, x, y - x, k < len(pieces) - 1))
    return tuple(notes)


def _attacks(notes: tuple[Note, ...]) -> int:
    return sum(1 for i, n in enumerate(notes) if i == 0 or not notes[i - 1].tie)


def real_textures(piece: Piece, rng: random.Random, hop: int = BARS, voices: int = 3) -> list[Texture]:
    """The piece's windows of ``voices`` voices over a cantus firmus (module docstring), top voice first; a
    voice's windows start ``hop`` bars apart at least (the default: they never overlap)."""
    grid = whole_note_bars(piece)
    if grid.size < BARS:
        return []
    on_grid = set(float(t) for t in grid)
    out = []
    for c, line in enumerate(piece.lines):
        if line.size < BARS:
            continue
        k = 0
        while k + BARS <= grid.size:
            a = float(grid[k])
            if not _cantus(line, on_grid, a):
                k += 1
                continue
            # the other voices move more than the cantus firmus: at least a note a bar
            others = [(j, notes) for j, other in enumerate(piece.lines) if j != c
                      for notes in [_cut(other, a)] if notes is not None and _attacks(notes) >= BARS]
            if len(others) >= voices - 1:
                cf = tuple(Note(n.pitch, n.start, n.duration) for n in _cut(line, a))
                out.append(_texture(piece, a, [(c, cf), *sorted(rng.sample(others, voices - 1))], c))
                k += hop
            else:
                k += 1
    return [t for t in out if t is not None]


def _texture(piece: Piece, a: float, parts: list[tuple[int, tuple[Note, ...]]], c: int) -> Texture | None:
    def mean(notes):
        return sum(n.pitch.midi * n.duration for n in notes) / sum(n.duration for n in notes)

    # top first; on equal means the later part (lower in the score) below
    parts = sorted(parts, key=lambda p: (-mean(p[1]), p[0]))
    cf_voice = [j for j, _ in parts].index(c)
    cf = parts[cf_voice][1]
    names = default_names(len(parts))
    try:
        mode = passage_mode([n.pitch for n in cf], piece.sharps_at(a))
    except (InputError, ValueError):  # a cantus firmus no church mode can end on (a final such as E#) is left out
        return None
    voices = tuple(Voice(notes, 0 if i == cf_voice else 5, names[i]) for i, (_, notes) in enumerate(parts))
    bar = piece.bar_at(a)
    return Texture(voices, cf_voice, mode, WHOLE, f"{piece.title}, bar {bar}")


# -- feature rows -------------------------------------------------------------------------------------

def texture_rows(texture: Texture) -> np.ndarray:
    """The free critic's feature row of a texture, for its voice count (one window: it is :data:`BARS` bars long)."""
    from counterpoint.critic.free import featurize, windows
    from counterpoint.critic.free_read import piece_from_model

    piece = piece_from_model(texture)
    return featurize(piece, windows(piece, texture.n_voices))


SURFACE_NAMES = ("range.top", "range.middle", "range.bottom", "attacks_per_bar.top", "attacks_per_bar.middle",
                 "attacks_per_bar.bottom", "rhythm.eighths", "rhythm.quarters", "rhythm.dotted", "rhythm.halves",
                 "rhythm.wholes", "ties_per_bar", "spread")


def surface_row(texture: Texture) -> np.ndarray:
    """What a texture shows on its surface, without its voice leading (the baseline's cues): each voice's range
    (octaves) and attacks per bar, top, middle (the inner voices' mean) and bottom; the free voices' note values (shares of eighths or shorter,
    quarters, dotted values, halves, wholes or longer) and ties per bar; the distance from the top voice's
    mean pitch to the bottom's (octaves)."""
    bars = texture.n_bars
    rows, durations, ties, means = [], [], 0, []
    for i, v in enumerate(texture.voices):
        notes = [n for n in v.notes if n.pitch is not None]
        midi = [n.pitch.midi for n in notes]
        rows.append(((max(midi) - min(midi)) / 12, _attacks(tuple(notes)) / bars))
        means.append(sum(n.pitch.midi * n.duration for n in notes) / sum(n.duration for n in notes))
        if i != texture.cf_voice:
            durations += [n.duration for n in notes]
            ties += sum(n.tie for n in notes)
    d = np.array(durations)
    rhythm = [np.mean(d <= 2), np.mean(d == 4), np.mean(np.isin(d, (3, 6, 12, 24))), np.mean(d == 8), np.mean(d >= 16)]
    outer = lambda x: [x[0], float(np.mean(x[1:-1])), x[-1]]  # noqa: E731
    return np.array(outer([r for r, _ in rows]) + outer([a for _, a in rows]) + rhythm
                    + [ties / bars, (means[0] - means[-1]) / 12])


def _rows_job(args) -> dict:
    piece, seed, per_window, time_limit, hop, voices = args
    from counterpoint.generator.texture import textures_in_rhythm

    rng = random.Random(seed)
    book = texture_negatives_rulebook()
    real, gen, window, s_real, s_gen = [], [], [], [], []
    for k, tex in enumerate(real_textures(piece, rng, hop, voices)):
        made = textures_in_rhythm(tex, book, per_window, seed=seed * 1_000 + k, time_limit=time_limit)
        if not made:
            continue
        real.append(texture_rows(tex)[0])
        s_real.append(surface_row(tex))
        gen.extend(texture_rows(g)[0] for g in made)
        s_gen.extend(surface_row(g) for g in made)
        window.extend([len(real) - 1] * len(made))
    return {"real": real, "generated": gen, "window": window, "group": piece.group, "surface_real": s_real,
            "surface_generated": s_gen}


def generated_examples(pieces: list[Piece], seed: int = 0, per_window: int = 3, time_limit: float = 2.0,
                       hop: int = BARS, workers: int = 2, progress=None, voices: int = 3) -> dict:
    """Feature rows of every real texture of ``voices`` voices over a cantus firmus in the pieces (``real``) and of up to
    ``per_window`` generated ones in its rhythm (``generated``, with ``window``: the index of its real one,
    ``group``: each real one's piece group, and ``surface_real``, ``surface_generated``: their
    :func:`surface_row` rows). A window the generator finds nothing for within
    ``time_limit`` seconds is left out."""
    from counterpoint.critic.free_features import NAMES
    from counterpoint.critic.parallel import parallel_map

    jobs = [(p, seed * 100_003 + i, per_window, time_limit, hop, voices) for i, p in enumerate(pieces)]
    out: dict = {key: [] for key in ("real", "generated", "window", "group", "surface_real", "surface_generated")}
    for i, r in enumerate(parallel_map(_rows_job, jobs, workers, chunksize=4)):
        out["window"].extend(len(out["real"]) + w for w in r["window"])
        out["group"].extend([r["group"]] * len(r["real"]))
        for key in ("real", "generated", "surface_real", "surface_generated"):
            out[key].extend(r[key])
        if progress:
            progress(f"{voices}-voice textures over a cantus firmus", i + 1, len(jobs))
    n, m = len(NAMES[voices]), len(SURFACE_NAMES)
    for key, width in (("real", n), ("generated", n), ("surface_real", m), ("surface_generated", m)):
        out[key] = np.array(out[key], dtype=float).reshape(-1, width)
    out["window"] = np.array(out["window"], dtype=int)
    return out
