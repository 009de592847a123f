"""The library's front door: ``counterpoint.check``."""

from __future__ import annotations

from pathlib import Path

from counterpoint.catalogue.engine import Report, check_exercise
from counterpoint.catalogue.rulebook import Rulebook, load_rulebook
from counterpoint.errors import InputError, require_int, require_text
from counterpoint.model.exercise import Exercise


def as_exercise(exercise, **overrides) -> Exercise:
    """An Exercise from an Exercise, a file path, or a music21 Score."""
    if isinstance(exercise, Exercise):
        overrides = {k: v for k, v in overrides.items() if v is not None}
        if overrides:
            from counterpoint.model.build import assemble

            keep = {"species": exercise.species or None, "cp_above": exercise.cp_above, "mode": exercise.mode}
            if overrides.get("cf_voice"):
                raise InputError("cf_voice applies to files; an Exercise already knows its cantus firmus.")
            keep.update({k: v for k, v in overrides.items() if v is not None and k != "cf_voice"})
            return assemble(exercise.cf, exercise.cp, title=exercise.title, **keep)
        return exercise
    if isinstance(exercise, (str, Path)):
        from counterpoint.io.m21 import load_exercise

        return load_exercise(exercise, **{k: v for k, v in overrides.items() if v is not None})
    if hasattr(exercise, "parts") or hasattr(exercise, "flatten"):
        from counterpoint.io.m21 import exercise_from_score

        return exercise_from_score(exercise, **{k: v for k, v in overrides.items() if v is not None})
    raise InputError(f"cannot check a {type(exercise).__name__}; pass an Exercise, a file path or a music21 Score.")


def check(exercise, rules: str | Path | Rulebook = "fux", *, species: int | None = None,
          cf_voice: str | None = None, mode: str | None = None) -> Report:
    """Check an exercise against a rulebook and return a :class:`Report` of every broken rule.

    >>> from counterpoint.model.build import from_text
    >>> report = check(from_text("D4 E4 F4 E4 D4", "A4 B4 A4 C#5 D5"))
    >>> report.at("V101")
    [2]
    """
    require_int("species", species, 1, 5, optional=True)
    require_text("cf_voice", cf_voice, optional=True)
    if mode is not None and not isinstance(mode, str) and type(mode).__name__ != "Mode":
        raise InputError(f"mode must be a string like 'G dorian' or a Mode, not a {type(mode).__name__}.")
    book = load_rulebook(rules)
    ex = as_exercise(exercise, species=species, cf_voice=cf_voice, mode=mode)
    report = check_exercise(ex, book)
    if isinstance(exercise, (str, Path)):
        report.path = str(exercise)
    return report


def check_all(exercise, rules: str | Path | Rulebook = "fux", *, species: int | None = None,
              cf_voice: str | None = None, mode: str | None = None, errors: list | None = None) -> list[Report]:
    """Like :func:`check`, but a file holding several exercises (a filled worksheet, an answer key, Fux's
    combined files) gives one report per exercise, in score order, each with ``where`` set ("bars 12–22").

    An exercise of such a file that cannot be read raises InputError; with ``errors`` (a list) it is
    recorded there as (where, InputError) and the others are still checked."""
    if not isinstance(exercise, (str, Path)):
        return [check(exercise, rules, species=species, cf_voice=cf_voice, mode=mode)]
    from counterpoint.io.m21 import load_exercises

    book = load_rulebook(rules)
    given = {k: v for k, v in {"species": species, "cf_voice": cf_voice, "mode": mode}.items() if v is not None}
    reports = []
    for where, ex in load_exercises(exercise, errors, **given):
        report = check_exercise(ex, book)
        report.path, report.where = str(exercise), where
        reports.append(report)
    return reports
