"""Write exercises and solutions by file extension: MusicXML, MIDI, kern, ABC, JSON, or an engraving (SVG, PNG, PDF)."""

from __future__ import annotations

import json
from pathlib import Path

from counterpoint.errors import InputError

SUFFIXES = (".musicxml", ".xml", ".mxl", ".mid", ".midi", ".krn", ".abc", ".json", ".svg", ".png", ".pdf")


def write_solutions(solutions, path: str | Path) -> Path:
    """Write the first solution as a score (MusicXML, MIDI, kern, ABC) or a picture (SVG, PNG, PDF), or all as JSON."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"cannot write {path.name}; use one of {', '.join(SUFFIXES)}.")
    if not solutions:
        raise InputError("there is nothing to write.")
    if suffix == ".json":
        path.write_text(json.dumps([s.to_dict() for s in solutions], indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path
    return write_exercise(solutions[0].exercise, path)


def write_exercise(ex, path: str | Path) -> Path:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".krn":
        from counterpoint.io.kern import exercise_to_kern

        path.write_text(exercise_to_kern(ex), encoding="utf-8")
        return path
    if suffix in (".svg", ".png", ".pdf"):
        from counterpoint.io.engrave import write_picture

        return write_picture(ex, path)
    if suffix == ".abc":
        from counterpoint.io.abc import exercise_to_abc

        path.write_text(exercise_to_abc(ex), encoding="utf-8")
        return path
    from counterpoint.io.m21 import write_exercise as write_m21

    return write_m21(ex, path)
