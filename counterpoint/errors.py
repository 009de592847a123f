"""Errors a user can cause. Each carries one clear sentence; the CLI maps them to exit codes."""


class CounterpointError(Exception):
    """Base class of every error the library raises on purpose."""

    exit_code = 2


class InputError(CounterpointError):
    """Unusable input: a file, a note list, a flag or a rulebook that cannot be read as asked."""

    exit_code = 2


class RulebookError(InputError):
    """A rulebook that is malformed or names something unknown."""


class NoSolutionError(CounterpointError):
    """An exercise that has no solution under the rulebook."""

    exit_code = 1


# -- argument checks for the public API: a wrong type is an InputError with one sentence, not a TypeError --

def _kind(value) -> str:
    if value is None:
        return "None"
    name = type(value).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def require_text(name: str, value, *, optional: bool = False, limit: int = 100_000) -> None:
    """``value`` must be a string (or None when ``optional``) of at most ``limit`` characters."""
    if value is None and optional:
        return
    if not isinstance(value, str):
        raise InputError(f"{name} must be a string, not {_kind(value)}.")
    if len(value) > limit:
        raise InputError(f"{name} is {len(value):,} characters long; at most {limit:,} are accepted.")


def require_int(name: str, value, low: int, high: int, *, optional: bool = False) -> None:
    """``value`` must be an int (not a bool) from ``low`` to ``high`` (or None when ``optional``)."""
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{name} must be a whole number from {low} to {high}, not {_kind(value)}.")
    if not low <= value <= high:
        raise InputError(f"{name} must be a whole number from {low} to {high}, not {value}.")


def require_number(name: str, value, low: float, high: float) -> None:
    """``value`` must be a finite int or float from ``low`` to ``high``."""
    import math

    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(f"{name} must be a number from {low:g} to {high:g}, not {_kind(value)}.")
    if not math.isfinite(value) or not low <= value <= high:
        raise InputError(f"{name} must be a finite number from {low:g} to {high:g}, not {value}.")


def require_flag(name: str, value) -> None:
    if not isinstance(value, bool):
        raise InputError(f"{name} must be True or False, not {_kind(value)}.")
