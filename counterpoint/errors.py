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
