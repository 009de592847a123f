"""The critic: a model trained on Palestrina's masses that scores two-voice counterpoint for style fidelity.

>>> from counterpoint.critic import score          # doctest: +SKIP
>>> score(solution).score, score(solution).reasons  # doctest: +SKIP

``score`` takes a generated Solution or an Exercise and returns a :class:`CriticScore`: a number in
[0, 1] (how much the line is like the real music) and the features that weighed most for and against.
``score_file`` scores a passage from a file: a species exercise with this critic, anything else in any
rhythm with the free-polyphony critic (or, with ``style="species"``, reduced to stretches over a cantus
firmus as the training music was). The model, its card and the training recipe are in the repository's
``critic/`` folder.

Free polyphony (two to four voices in any rhythm, as real music is) has a critic of its own:
:func:`counterpoint.critic.free.score_passage`.
"""

from __future__ import annotations

from counterpoint.critic.model import CriticModel, CriticModelError, default_model_path, load_model
from counterpoint.critic.scoring import (BLEND, STYLE, CriticScore, TextureScore, blend_weights, blended_rank, score,
                                         score_many, score_texture, style_weights)

__all__ = ["score", "score_many", "score_file", "auto_style", "score_texture", "CriticScore", "TextureScore", "CriticModel", "CriticModelError", "load_model",
           "default_model_path", "blended_rank", "blend_weights", "BLEND",
           "style_weights", "STYLE"]


def score_file(path, model=None, *, parsed=None, style: str = "auto", voices: tuple[int, ...] | None = None):
    """Score a passage from a file (MusicXML, kern, ABC) in any rhythm, as ``counterpoint critic score`` does.

    ``style`` chooses the critic:

    * ``"species"``: the species critic (a :class:`CriticScore`; three voices or more, a :class:`TextureScore`
      over the voice pairs). A species exercise (a cantus firmus in whole notes) is scored as it is; any other
      two-voice passage is reduced as the training music was: every stretch of at least six bars where one
      voice moves only on bar lines becomes a cantus firmus with the other voice as counterpoint, and the score
      is the mean over those stretches.
    * ``"free"``: the free-polyphony critic, window by window over two to four voices (a
      :class:`~counterpoint.critic.free.FreeScore`; ``voices`` picks them by number from the top).
    * ``"auto"`` (the default): the species critic for a species exercise or texture, the free critic for
      anything else, or when ``voices`` are chosen.

    ``model``: a species model (:func:`load_model`) or a free one
    (:func:`counterpoint.critic.free_model.load_free_model`), by default the installed one; a species model
    makes ``"auto"`` mean the species critic, a free one the free critic. ``parsed``: the file already parsed
    (music21), so that it is not read twice.
    """
    from pathlib import Path

    from counterpoint.critic.free import as_piece_named, score_passage, voice_numbers
    from counterpoint.errors import InputError
    from counterpoint.scorefile import parse_file

    if style not in ("auto", "species", "free"):
        raise InputError(f"the critic's style is 'auto', 'species' or 'free', not {style!r}.")
    if not isinstance(path, (str, Path)):
        raise InputError(f"score_file takes the path of a score file, not {type(path).__name__}; "
                         "score and score_passage take exercises and music21 scores.")
    voices = voice_numbers(voices)
    if voices is not None and style == "species":
        raise InputError("voices picks the voices the free critic scores; the species critic scores the whole exercise.")
    if model is not None and not isinstance(model, (CriticModel, dict)):
        raise InputError(f"model must be a critic model (load_model or load_free_model reads one), not "
                         f"{type(model).__name__}.")
    path = Path(path)
    if parsed is not None and not hasattr(parsed, "parts"):
        raise InputError(f"parsed must be the file as music21 parsed it, not {type(parsed).__name__}.")
    parsed = parsed if parsed is not None else parse_file(path)
    if style == "auto":
        style = auto_style(parsed, path.stem, voices) if model is None else "free" if _is_free(model) else "species"
    if style == "free":
        if model is not None and not _is_free(model):
            raise InputError("the free critic takes a free model (critic/free_model_2v.json, _3v.json or _4v.json), "
                             "not the species critic's.")
        return score_passage(as_piece_named(parsed, path.stem), model, voices=voices)
    return _score_species_file(path, parsed, model)


def _is_free(model) -> bool:
    from counterpoint.critic.free import voice_count

    return isinstance(model, dict) or voice_count(model) is not None


def auto_style(parsed, title: str = "", voices: tuple[int, ...] | None = None) -> str:
    """The critic ``score_file`` chooses by default for a parsed file: "species" for a species exercise or
    texture (unless ``voices`` are chosen), "free" for anything else."""
    from counterpoint.critic.free import is_species

    return "species" if voices is None and is_species(parsed, title) else "free"


def _score_species_file(path, parsed, model: CriticModel | None) -> CriticScore:
    from counterpoint.critic.scoring import cached_model, features

    if model is not None and _is_free(model):
        from counterpoint.errors import InputError

        raise InputError("the species critic takes a species model (critic/model.json), not a free one.")
    model = model or cached_model()
    texture, exercises = file_exercises(parsed, path.name, path.stem, path.name)
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
