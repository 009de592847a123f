"""Where the shipped data lives: ``rules/`` and ``critic/`` at the top of a checkout, or inside the wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The folder of shipped data called ``name`` ("rules", "critic", "examples")."""
    inside = _PACKAGE / "_data" / name
    if inside.is_dir():  # an installed wheel
        return inside
    return _PACKAGE.parent / name  # a source checkout or an editable install
