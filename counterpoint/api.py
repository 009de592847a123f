"""The library's front door: ``counterpoint.check``."""

from __future__ import annotations

from pathlib import Path

from counterpoint.catalogue.engine import Report, check_exercise
from counterpoint.catalogue.rulebook import Rulebook, load_rulebook
from counterpoint.catalogue.texture_engine import check_texture
from counterpoint.errors import InputError, require_int, require_text
from counterpoint.model.exercise import Exercise
from counterpoint.model.texture import Texture


def _is_score(obj) -> bool:
    """A music21 stream (a Score, a Part, an Opus), not one of this package's own exercises."""
    return not isinstance(obj, (Exercise, Texture)) and (hasattr(obj, "parts") or hasattr(obj, "flatten"))


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
    species = _species(species)
    if isinstance(cf_voice, int) and not isinstance(cf_voice, bool):
        cf_voice = str(cf_voice)  # a voice number, counted from 1 for the highest
    require_text("cf_voice", cf_voice, optional=True)
    if mode is not None and not isinstance(mode, str) and type(mode).__name__ != "Mode":
        raise InputError(f"mode must be a string like 'G dorian' or a Mode, not a {type(mode).__name__}.")
    book = load_rulebook(rules)
    if isinstance(exercise, (str, Path, Texture)) or _is_score(exercise):
        reports = check_all(exercise, book, species=species, cf_voice=cf_voice, mode=mode)
        if len(reports) == 1:
            return reports[0]
        if reports and (isinstance(reports[0].exercise, Texture) or _is_score(exercise)):
            name = Path(exercise).name if isinstance(exercise, (str, Path)) else "the score"
            raise InputError(f"{name} holds {len(reports)} exercises ({reports[0].where}, ...); "
                             "check_all gives a report for each.")
    ex = as_exercise(exercise, species=one_species(species), cf_voice=cf_voice, mode=mode)
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
    species = _species(species)
    if isinstance(exercise, Texture):
        return [check_texture(exercise, load_rulebook(rules))]
    is_path = isinstance(exercise, (str, Path))
    if not is_path and not _is_score(exercise):
        return [check(exercise, rules, species=one_species(species), cf_voice=cf_voice, mode=mode)]
    from counterpoint.io.m21 import exercises_from_score, parse_file, score_sections

    book = load_rulebook(rules)
    score = parse_file(exercise) if is_path else exercise
    stem = Path(exercise).stem if is_path else ""
    if is_texture(score, cf_voice):  # one texture, or several one after another (an answer key)
        reports = []
        for where, sub in score_sections(score):
            try:
                tex = _texture(sub, cf_voice, species, mode, stem)
            except InputError as exc:
                if errors is None or not where:
                    raise InputError(f"{where}: {exc}" if where else str(exc)) from None
                errors.append((where, exc))
                continue
            report = check_texture(tex, book)
            report.path, report.where = (str(exercise) if is_path else ""), where
            reports.append(report)
        return reports
    species = one_species(species)
    if cf_voice is not None and str(cf_voice).strip().isdigit():
        cf_voice = {"1": "upper", "2": "lower"}.get(str(cf_voice).strip(), cf_voice)
    given = {k: v for k, v in {"species": species, "cf_voice": cf_voice, "mode": mode}.items() if v is not None}
    reports = []
    if stem:
        given.setdefault("title", stem)
    given["cf_voice"] = cf_voice
    given = {k: v for k, v in given.items() if v is not None}
    for where, ex in exercises_from_score(score, errors, **given):
        report = check_exercise(ex, book)
        report.path, report.where = (str(exercise) if is_path else ""), where
        reports.append(report)
    return reports


def _species(species):
    """None, a species 1-5, or (for three voices or more) a tuple of them, one per free voice top first."""
    if isinstance(species, (tuple, list)):
        if not species:
            raise InputError("give at least one species.")
        for s in species:
            require_int("species", s, 1, 5)
        return tuple(species) if len(species) > 1 else species[0]
    require_int("species", species, 1, 5, optional=True)
    return species


def one_species(species):
    """The species of a two-voice exercise: a tuple of several is refused."""
    if isinstance(species, tuple):
        raise InputError(f"{len(species)} species were given for a two-voice exercise, which has one counterpoint; "
                         "give one.")
    return species


def is_texture(score, cf_voice=None) -> bool:
    """Whether a score is one exercise in three voices or more (rather than one or more two-voice exercises).

    Three or more voiced parts make a texture, except four or six that a filled worksheet of staff pairs
    writes (each pair with its own cantus firmus part); a voice number above 2 in ``cf_voice`` settles it."""
    from counterpoint.io.m21 import _CF_WORDS
    from counterpoint.io.texture_io import voiced_parts

    parts = voiced_parts(score)
    if len(parts) < 3:
        return False
    text = str(cf_voice or "").strip()
    if text.isdigit() and int(text) > 2:
        return True
    named_cf = sum(bool(_CF_WORDS.search(str(p.partName or ""))) for p in parts)
    return not (len(parts) % 2 == 0 and named_cf == len(parts) // 2 and named_cf > 1)


def _texture(score, cf_voice, species, mode, title):
    from counterpoint.io.texture_io import texture_from_score

    return texture_from_score(score, cf_voice=cf_voice, species=species, mode=mode, title=title)

