"""The free-polyphony critic: score any passage of two to four voices, in any metre and rhythm.

>>> from counterpoint.critic.free import score_passage      # doctest: +SKIP
>>> result = score_passage("kyrie.krn")                       # doctest: +SKIP
>>> result.score, result.windows[0], result.reasons[:1]       # doctest: +SKIP

The passage is cut into overlapping windows of ``WINDOW`` quarter lengths (hop ``HOP``), over the
voices that sound in each: every voice pair of a two-voice piece, every voice triple of a three-voice
piece, the four voices of a four-voice piece (where fewer sound together long enough, windows of fewer
voices). Each window is scored by the model for its voice count (``critic/free_model_2v.json``, ``_3v``, ``_4v``:
gradient-boosted trees over :mod:`counterpoint.critic.free_features`, trained on Palestrina's masses
against copies with a third of one voice's notes moved by a step or a third, and against the generator's
textures in Palestrina's rhythm); the whole score is the mean of the windows, and the reasons are those of
the windows' mean features.

A four-voice window scores the mean of the four-voice model and of the three-voice model over its four
triples. Measured on held-out masses and on Fux's figures (docs/benchmarks.md, "A four-voice model"), the
four-voice model alone hears wrong notes best and the triples tell real from generated textures best; the
mean matches the first on wrong notes and comes second to the triples on textures, never last.

The species critic (:func:`counterpoint.critic.score`) stays what ranks species exercises; this one
reads real music, and generated textures (:class:`~counterpoint.model.texture.Texture`) and two-voice
exercises too.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from pathlib import Path

import numpy as np

from counterpoint.critic.free_features import NAMES, VOICE_COUNTS, window_features
from counterpoint.critic.free_read import Line, Piece, key_midi, piece_from_model, pieces_from_parsed
from counterpoint.critic.model import CriticModel
from counterpoint.errors import InputError, require_int
from counterpoint.resources import data_dir

WINDOW = 32.0  # quarter lengths: eight whole notes
HOP = 16.0
MIN_SOUNDING = 0.6  # each voice of a window sounds for at least this share of it
MAX_VOICES = 4


@dataclass(frozen=True)
class FreeScore:
    score: float  # mean over the windows, in [0, 1]
    windows: list[dict] = field(default_factory=list)  # start, end (quarter lengths), bars, voices, score
    reasons: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"score": round(self.score, 4), "windows": self.windows, "reasons": self.reasons}


# -- windows ------------------------------------------------------------------------------------------

def spans(length: float, window: float = WINDOW, hop: float = HOP) -> list[tuple[float, float]]:
    """Window spans covering [0, length): every ``hop``, the last one ending at the end."""
    if length <= window:
        return [(0.0, length)] if length > 0 else []
    starts = list(np.arange(0.0, length - window + 1e-9, hop))
    if length - (starts[-1] + window) > 1e-6:
        starts.append(length - window)
    return [(float(a), float(a) + window) for a in starts]


def windows(piece: Piece, k: int, window: float = WINDOW, hop: float = HOP,
            voices: tuple[int, ...] | None = None) -> list[tuple[float, float, tuple[int, ...]]]:
    """(start, end, voice indices low first) of every window of ``k`` voices that all sound in it enough."""
    chosen = voices if voices is not None else tuple(i for i, v in enumerate(piece.lines) if v.size)
    out = []
    for a, b in spans(piece.length, window, hop):
        need = MIN_SOUNDING * (b - a)
        live = [i for i in chosen if piece.lines[i].sounding_time(a, b) >= need]
        if len(live) < k:
            continue
        # low first by mean pitch in the window; on equal means the later part (lower in the score) first
        order = sorted(live, key=lambda i: (piece.lines[i].mean_pitch(a, b), -i))
        out.extend((a, b, combo) for combo in combinations(order, k))
    return out


def window_lines(piece: Piece, combo: tuple[int, ...]) -> list[Line]:
    return [piece.lines[i] for i in combo]


def perturb(piece: Piece, lines: list[Line], a: float, b: float, rng: random.Random) -> list[Line]:
    """The window with a third of one voice's notes in it moved by a step or a third, rhythm kept.

    Moved notes take the key signature's spelling; the voice is chosen at random.
    """
    r = rng.randrange(len(lines))
    v = lines[r]
    inside = np.nonzero((v.start >= a - 1e-9) & (v.start < b - 1e-9))[0]
    if inside.size == 0:
        return lines
    pick = rng.sample(list(inside), max(1, round(inside.size / 3)))
    return move_notes(piece, lines, r, pick, a, rng)


def move_notes(piece: Piece, lines: list[Line], r: int, pick, a: float, rng: random.Random) -> list[Line]:
    """The lines with voice r's notes at indices ``pick`` each moved by a step or a third, up or down,
    spelled by the key signature in force at ``a``; rhythm kept."""
    v = lines[r]
    diat = v.diat.copy()
    for i in pick:
        diat[i] += rng.choice((-2, -1, 1, 2))
    midi = v.midi.copy()
    midi[pick] = key_midi(diat[pick], piece.sharps_at(a))
    out = list(lines)
    out[r] = Line(v.name, v.start, v.end, midi, diat)
    return out


# -- models -------------------------------------------------------------------------------------------

def default_free_model_path(k: int) -> Path:
    return data_dir("critic") / f"free_model_{k}v.json"


@lru_cache(maxsize=8)
def _cached(path: str) -> CriticModel:
    from counterpoint.critic.free_model import load_free_model

    return load_free_model(path)


def voice_count(model) -> int | None:
    """The number of voices a free critic model scores (2, 3 or 4), by its features; None for any other model."""
    names = tuple(getattr(model, "feature_names", ()))
    return next((k for k, known in NAMES.items() if names == known), None)


def free_models(model=None) -> dict[int, CriticModel]:
    """{2: model, 3: model, 4: model}: the installed ones, or those given (a dict, or one model for its voice count)."""
    if isinstance(model, dict):
        for k, m in model.items():
            if not isinstance(m, CriticModel) or voice_count(m) != k:
                raise InputError(f"a dict of free models maps a voice count to its model ({{2: load_free_model(...)}}); "
                                 f"{k!r} maps to {type(m).__name__}.")
        return model
    if isinstance(model, CriticModel):
        k = voice_count(model)
        if k is None:
            raise InputError("that model is not a free-polyphony critic model.")
        return {k: model}
    if model is not None:
        raise InputError(f"model must be a free critic model (load_free_model) or a dict of them, not "
                         f"{type(model).__name__}; load a file first.")
    return {k: _cached(str(default_free_model_path(k))) for k in VOICE_COUNTS}


# -- scoring ------------------------------------------------------------------------------------------

def as_piece(item) -> Piece:
    """A Piece from a path, a music21 score (an Opus: its first score), a Texture, an Exercise or a Piece."""
    if isinstance(item, Piece):
        return item
    if isinstance(item, (str, Path)):
        from counterpoint.scorefile import parse_file

        path = Path(item)
        return as_piece_named(parse_file(path), path.stem)
    if hasattr(item, "cf") and (hasattr(item, "voices") or hasattr(item, "cp")):
        return piece_from_model(item)
    return as_piece_named(item, "")


def as_piece_named(score, title: str) -> Piece:
    """A Piece from a parsed music21 Score or Opus (see ``pieces_from_parsed``; of several, the first)."""
    if not hasattr(score, "parts") and not hasattr(score, "scores"):
        raise InputError("the free critic scores a file, a music21 score, a Texture or an Exercise.")
    pieces = pieces_from_parsed(score, title=title)
    if not pieces:
        raise InputError(f"{title or 'the file'} holds no score.")
    return pieces[0]


def featurize(piece: Piece, wins) -> np.ndarray:
    """Feature rows of windows of one piece (all of one voice count)."""
    shared: dict = {}
    return np.array([window_features(piece, window_lines(piece, c), a, b, shared) for a, b, c in wins])


def triple_scores(piece: Piece, wins, model3: CriticModel) -> np.ndarray:
    """Per window of four voices, the three-voice model's mean score over its four voice triples."""
    shared: dict = {}
    out = []
    for a, b, combo in wins:
        rows = [window_features(piece, window_lines(piece, c), a, b, shared) for c in combinations(combo, 3)]
        out.append(float(model3.score(np.array(rows)).mean()))
    return np.array(out)


def score_passage(item, model=None, voices: tuple[int, ...] | None = None, reasons: int = 3) -> FreeScore:
    """Score a passage of two to four voices window by window (see the module docstring).

    ``voices`` chooses voices by number from the top (1 is the highest part), e.g. ``(1, 2, 3)`` of a
    six-voice piece; without it a piece of more than four voices is refused.
    """
    require_int("reasons", reasons, 0, 100)
    voices = voice_numbers(voices)
    piece = as_piece(item)
    models = free_models(model)
    k, wins = scored_windows(piece, voices, models)
    m = models[k]
    X = featurize(piece, wins)
    s = m.score(X)
    if k == 4 and 3 in models:  # as measured, the four-voice model and the triples together (module docstring)
        s = (s + triple_scores(piece, wins, models[3])) / 2
    out = []
    for (a, b, combo), x in zip(wins, s):
        top_first = sorted(combo)
        out.append({"start": round(a, 4), "end": round(b, 4), "bars": f"{piece.bar_at(a)}-{piece.bar_at(b - 1e-6)}",
                    "voices": [piece.lines[i].name for i in top_first], "score": round(float(x), 4)})
    return FreeScore(float(s.mean()), out, m.reasons(X.mean(axis=0), reasons))


def voice_numbers(voices) -> tuple[int, ...] | None:
    """``voices`` as a tuple of distinct voice numbers from 1 (None stays None); one sentence otherwise."""
    if voices is None:
        return None
    if isinstance(voices, (str, bytes)) or not isinstance(voices, (tuple, list)) or not voices \
            or any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in voices) \
            or len(set(voices)) != len(voices):
        raise InputError(f"voices must be distinct voice numbers from 1 (the highest), like (1, 2, 3), not {voices!r}.")
    return tuple(voices)


def scored_windows(piece: Piece, voices: tuple[int, ...] | None, available) -> tuple[int, list]:
    """(k, windows) by which a piece is scored: windows of as many of its voices as sound together (at most
    four) for which a model is ``available`` (a collection of voice counts), else of fewer. InputError, one
    sentence, when the voices chosen or the windows do not allow it."""
    name = piece.title or "the passage"
    live = [i for i, v in enumerate(piece.lines) if v.size]
    if voices is not None:
        bad = [v for v in voices if not 1 <= v <= len(piece.lines)]
        if bad:
            raise InputError(f"{name} has {len(piece.lines)} voices; there is no voice {bad[0]}.")
        live = sorted({v - 1 for v in voices} & set(live))
    if len(live) < 2:
        raise InputError(f"{name} has {len(live)} voice(s) with notes; the free critic scores two to four voices.")
    if len(live) > MAX_VOICES:
        raise InputError(f"{name} has {len(live)} voices; choose two to four of them with --voices (e.g. --voices 1,2,3).")
    k, wins = 2, []
    for k in range(len(live), 1, -1):
        if k == 2 or k in available:
            wins = windows(piece, k, voices=tuple(live))
            if wins:
                break
    if k not in available:
        raise InputError(f"no free critic model for {k} voices was given.")
    if not wins:
        raise InputError(f"{name} has no stretch where two voices sound together for most of "
                         f"{WINDOW:g} quarter notes, which the free critic needs.")
    return k, wins


def window_rows(item, model: CriticModel) -> np.ndarray:
    """The feature rows by which :func:`score_passage` scores a passage, for the free ``model`` of its voice
    count (feedback retraining reads passages through this). InputError when the passage is scored by the
    other voice count's model."""
    (k_model,) = free_models(model)
    piece = as_piece(item)
    k, wins = scored_windows(piece, None, VOICE_COUNTS)
    if k != k_model:
        raise InputError(f"it is scored by the {k}-voice model, not this {k_model}-voice one.")
    return featurize(piece, wins)


def is_species(score, title: str = "") -> bool:
    """Whether a parsed score reads as a species exercise (two voices over a cantus firmus in whole notes, or
    a species texture of three voices or more): the species critic's input, not free polyphony."""
    from counterpoint.model.exercise import Exercise, edge

    parts = [p for p in getattr(score, "parts", []) if any(not e.isRest for e in p.recurse().notesAndRests)]
    try:
        if len(parts) >= 3:
            edge("texture_from_score")(score, title=title)
            return True
        return not Exercise.from_music21(score).is_cantus_only
    except InputError:
        return False
