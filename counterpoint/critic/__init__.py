"""The critic: a model trained on Palestrina's masses that scores two-voice counterpoint for style fidelity.

>>> from counterpoint.critic import score          # doctest: +SKIP
>>> score(solution).score, score(solution).reasons  # doctest: +SKIP

``score`` takes a generated Solution or an Exercise and returns a :class:`CriticScore`: a number in
[0, 1] (how much the line is like the real music) and the features that weighed most for and against.
``score_file`` applies the critic's own reduction to any two-voice passage in any rhythm. The model,
its card and the training recipe are in the repository's ``critic/`` folder.

Free polyphony (two to four voices in any rhythm, as real music is) has a critic of its own:
:func:`counterpoint.critic.free.score_passage`.
"""

from __future__ import annotations

from counterpoint.critic.model import CriticModel, CriticModelError, default_model_path, load_model
from counterpoint.critic.scoring import (BLEND, STYLE, CriticScore, TextureScore, blend_weights, blended_rank, score,
                                         score_many, score_texture, style_weights)

__all__ = ["score", "score_many", "score_file", "score_texture", "CriticScore", "TextureScore", "CriticModel", "CriticModelError", "load_model",
           "default_model_path", "blended_rank", "blend_weights", "BLEND",
           "style_weights", "STYLE"]


def score_file(path, model: CriticModel | None = None, *, parsed=None) -> CriticScore:
    """Score a two-voice passage from a file (MusicXML, kern, ABC) in any rhythm.

    A species exercise (a cantus firmus in whole notes) is scored as it is. Anything else is reduced as
    the training music was: every stretch of at least six bars where one voice moves only on bar lines
    becomes a cantus firmus with the other voice as counterpoint; the score is the mean over those
    stretches, and the reasons are those of the mean features. ``parsed``: the file already parsed (music21),
    so that it is not read twice.
    """
    from pathlib import Path

    from counterpoint.critic.scoring import cached_model, features
    from counterpoint.scorefile import parse_file

    model = model or cached_model()
    path = Path(path)
    texture, exercises = file_exercises(parsed if parsed is not None else parse_file(path), path.name, path.stem,
                                        path.name)
    if texture is not None:  # three voices or more: a species texture, scored over its voice pairs
        return score_texture(texture, model)
    X = features(exercises, model)
    return CriticScore(float(model.score(X).mean()), model.reasons(X.mean(axis=0)))


def file_exercises(parsed, name: str, title: str, file_name: str) -> tuple[object | None, list]:
    """(texture or None, the two-voice exercises the critic reads) in a parsed file: a texture of three voices or
    more over its voice pairs, a species exercise as it is, anything else reduced as the training music was.
    InputError, naming the file as ``name``, when none can be read."""
    from counterpoint.critic.corpus import Passage
    from counterpoint.critic.examples import passage_exercises
    from counterpoint.critic.reduce import score_passages
    from counterpoint.critic.scoring import texture_pairs
    from counterpoint.errors import InputError
    from counterpoint.model.exercise import Exercise, edge

    voiced = [p for p in getattr(parsed, "parts", []) if any(not e.isRest for e in p.recurse().notesAndRests)]
    if len(voiced) >= 3:
        texture = edge("texture_from_score")(parsed, title=title)
        return texture, [ex for _, ex in texture_pairs(texture)]
    try:
        exercise = Exercise.from_music21(parsed)  # the reader lives in counterpoint.io.m21, registered with the model
    except InputError:
        exercise = None  # not a species exercise: reduce it as the training music was
    if exercise is not None and exercise.is_cantus_only:
        raise InputError(f"{name} holds one voice; the critic scores two-voice counterpoint.")
    if exercise is not None:
        return None, [exercise]
    parts = len(getattr(parsed, "parts", []))
    if parts != 2:
        raise InputError(f"{name} has {parts} parts; the critic scores two-voice passages.")
    exercises = [ex for fields in score_passages(parsed)
                 for ex in passage_exercises(Passage("", title, file_name, final=None, **fields))]
    if not exercises:
        raise InputError(f"{name} has no stretch of six bars where one voice moves only on bar lines, "
                         "which the critic needs as its cantus firmus.")
    return None, exercises
