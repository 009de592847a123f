"""Write exercises and solutions by file extension: MusicXML, MIDI, kern, ABC, JSON, or an engraving (SVG, PNG, PDF).

Every writer goes through :mod:`counterpoint.files.safe`: the file appears whole or not at all, an existing
file is replaced only with ``force=True``, and no input (``inputs``) is ever written onto.
"""

from __future__ import annotations

import json
from pathlib import Path

from counterpoint.errors import InputError
from counterpoint.files.safe import check_destination, safe_output, write_text

SUFFIXES = (".musicxml", ".xml", ".mxl", ".mid", ".midi", ".krn", ".abc", ".json", ".svg", ".png", ".pdf")


def check_suffix(path: str | Path, suffixes=SUFFIXES) -> Path:
    path = Path(path)
    if path.suffix.lower() not in suffixes:
        raise InputError(f"cannot write {path.name}; use one of {', '.join(suffixes)}.")
    return path


def check_out(path: str | Path, *, force: bool = False, inputs=()) -> Path:
    """The early checks for an output path (suffix, folder, links, inputs, existing file), before any work."""
    return check_destination(check_suffix(path), force=force, inputs=inputs)


def strict_json(data, **kwargs) -> str:
    """JSON with no NaN or Infinity (which are not JSON); InputError if ``data`` holds one."""
    try:
        return json.dumps(data, allow_nan=False, ensure_ascii=False, **kwargs)
    except ValueError:
        raise InputError("the result holds a number that is not finite (NaN or infinity), which JSON cannot carry.") from None


def write_solutions(solutions, path: str | Path, *, force: bool = False, inputs=()) -> Path:
    """Write the first solution as a score (MusicXML, MIDI, kern, ABC) or a picture (SVG, PNG, PDF), or all as JSON."""
    path = check_suffix(path)
    if not solutions:
        raise InputError("there is nothing to write.")
    if path.suffix.lower() == ".json":
        text = strict_json([s.to_dict() for s in solutions], indent=2) + "\n"
        return write_text(path, text, force=force, inputs=inputs)
    return write_exercise(solutions[0].exercise, path, force=force, inputs=inputs)


def write_exercise(ex, path: str | Path, *, force: bool = False, inputs=()) -> Path:
    path = check_suffix(path, tuple(s for s in SUFFIXES if s != ".json"))
    suffix = path.suffix.lower()
    if suffix == ".krn":
        from counterpoint.io.kern import exercise_to_kern

        return write_text(path, exercise_to_kern(ex), force=force, inputs=inputs)
    if suffix == ".abc":
        from counterpoint.io.abc import exercise_to_abc

        return write_text(path, exercise_to_abc(ex), force=force, inputs=inputs)
    if suffix in (".svg", ".png", ".pdf"):
        from counterpoint.io.engrave import write_picture

        return write_picture(ex, path, force=force, inputs=inputs)
    from counterpoint.io.m21 import write_exercise as write_m21

    return write_m21(ex, path, force=force, inputs=inputs)


__all__ = ["SUFFIXES", "check_out", "check_suffix", "strict_json", "write_solutions", "write_exercise", "safe_output"]
