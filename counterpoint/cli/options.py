"""Argument types shared by the subcommands: each refuses a bad value with one sentence (see main.HouseParser).

* ``-n``: a whole number from 1 to :data:`MAX_N` (1000);
* ``--time-limit``: seconds, a finite number from :data:`MIN_TIME_LIMIT` (0.05) to :data:`MAX_TIME_LIMIT` (3600);
* ``--max-size``: megabytes, more than 0 and at most 10000 (see :mod:`counterpoint.files.limits`).
"""

from __future__ import annotations

import argparse
import math

MAX_N = 1000
MIN_TIME_LIMIT = 0.05
MAX_TIME_LIMIT = 3600.0


def count(text: str) -> int:
    try:
        value = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"-n must be a whole number from 1 to {MAX_N}, not '{text}'") from None
    if not 1 <= value <= MAX_N:
        raise argparse.ArgumentTypeError(f"-n must be a whole number from 1 to {MAX_N}, not {value}")
    return value


def number_between(text: str, flag: str, low: float, high: float, what: str = "a number") -> float:
    """A finite number from ``low`` to ``high``, or argparse's error naming ``flag``."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not low <= value <= high:
        raise argparse.ArgumentTypeError(f"{flag} must be {what} from {low:g} to {high:g}, not '{text[:40]}'")
    return value


def seconds(text: str) -> float:
    return number_between(text, "--time-limit", MIN_TIME_LIMIT, MAX_TIME_LIMIT, "a number of seconds")


def megabytes(text: str) -> float:
    from counterpoint.errors import InputError
    from counterpoint.files.limits import parse_megabytes

    try:
        return parse_megabytes(text)
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc).rstrip(".")) from None


MAX_EFFORT = 1_000_000


def count_or_zero(text: str) -> int:
    """--effort: improvement steps, 0 or more."""
    try:
        value = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--effort must be a whole number of steps, not '{text}'") from None
    if not 0 <= value <= MAX_EFFORT:
        raise argparse.ArgumentTypeError(f"--effort must be a whole number from 0 to {MAX_EFFORT}, not {value}")
    return value


def seed(text: str) -> int:
    try:
        value = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--seed must be a whole number, not '{text}'") from None
    if abs(value) >= 2**63:
        raise argparse.ArgumentTypeError("--seed must be a whole number below 2**63 in size")
    return value


def add_max_size(p) -> None:
    from counterpoint.files.limits import DEFAULT_MAX_MB

    p.add_argument("--max-size", type=megabytes, metavar="MB",
                   help=f"refuse input files (and .mxl contents) larger than this (default: {DEFAULT_MAX_MB:g} MB)")


def species_list(text: str) -> int | tuple[int, ...]:
    """'2' -> 2; '1,3' -> (1, 3): one species per free voice, top first (three voices or more)."""
    import argparse

    values = []
    for part in text.split(","):
        try:
            value = int(part.strip(), 10)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid int value: '{text}'") from None
        if value not in range(1, 6):
            raise argparse.ArgumentTypeError(f"invalid choice: {value} (choose from 1, 2, 3, 4, 5)")
        values.append(value)
    return values[0] if len(values) == 1 else tuple(values)
