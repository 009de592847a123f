"""The `counterpoint` command. Each subcommand lives in its own small module; this file only dispatches.

music21 is imported only by the commands that read or write scores, so `counterpoint --help` is fast.
Every failure a user can cause ends in one sentence on stderr (``counterpoint: ...``) and exit code 2:
argparse's own complaints included (:class:`HouseParser`), with no usage dump.
"""

from __future__ import annotations

import argparse
import signal
import sys

from counterpoint.errors import CounterpointError

COMMANDS = {
    "check": ("counterpoint.cli.check_cmd", "check an exercise (or a cantus firmus alone) against a rulebook"),
    "generate": ("counterpoint.cli.generate_cmd", "write ranked counterpoints to a cantus firmus"),
    "rules": ("counterpoint.cli.rules_cmd", "list the rule catalogue, or explain one rule"),
    "critic": ("counterpoint.cli.critic_cmd", "train, evaluate or apply the style critic"),
    "demo": ("counterpoint.cli.demo_cmd", "check two built-in exercises, to see what the tool does"),
    "fill": ("counterpoint.cli.fill_cmd", "fill a worksheet's empty staves with counterpoint"),
    "feedback": ("counterpoint.cli.feedback_cmd", "record, list and export judgements of passages, and retrain the critic on them"),
}
READS_FILES = ("check", "generate", "fill")  # each gets --max-size (critic score adds its own)


class UsageError(Exception):
    """A command line argparse could not make sense of; carries the sentence."""


class HouseParser(argparse.ArgumentParser):
    """argparse, but a bad command line is one sentence and exit 2, not a usage dump; and no abbreviated options,
    so that ``--n 3`` is refused rather than read as ``--no-critic`` followed by a stray 3."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str):
        raise UsageError(sentence(message, self.prog))


def sentence(message: str, prog: str = "") -> str:
    """argparse's message as one sentence: 'generate: argument -n: -n must be ... not 'x'.'"""
    message = " ".join(message.split())
    command = prog.removeprefix("counterpoint").strip()
    text = f"{command}: {message}" if command else message
    return text if text.endswith((".", "?", "!")) else text + "."


def build_parser() -> argparse.ArgumentParser:
    import importlib

    from counterpoint.cli.options import add_max_size

    parser = HouseParser(
        prog="counterpoint",
        description="Write, check and rank species counterpoint against a cantus firmus.",
        epilog="Exit codes: 0 no errors, 1 rule errors, 2 unusable input.",
    )
    parser.add_argument("--version", action="version", version="counterpoint 0.1.0")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=HouseParser)
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text[0].upper() + help_text[1:] + ".")
        importlib.import_module(module).add_arguments(p)
        if name in READS_FILES:
            add_max_size(p)
        p.set_defaults(_module=module)
    return parser


def _os_sentence(exc: OSError) -> str:
    reason = (exc.strerror or type(exc).__name__).lower().rstrip(".")
    name = str(exc.filename) if exc.filename is not None else ""
    if len(name) > 60:
        name = name[:28] + "..." + name[-28:]
    return f"cannot use {name}: {reason}." if name else f"the system refused: {reason}."


class _Terminated(BaseException):
    """SIGTERM, raised where the program is, so that open safe writes clean up their temporary files."""


def _on_sigterm(signum, frame):
    raise _Terminated()


def main(argv: list[str] | None = None) -> int:
    import importlib

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        print(f"counterpoint: {exc}", file=sys.stderr)
        return 2
    if not args.command:
        parser.print_help()
        return 0
    previous = signal.getsignal(signal.SIGTERM)
    try:
        signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread: leave signals alone
        previous = None
    try:
        if getattr(args, "max_size", None) is not None:
            from counterpoint.files.limits import size_limit

            with size_limit(args.max_size):
                return importlib.import_module(args._module).run(args)
        return importlib.import_module(args._module).run(args)
    except CounterpointError as exc:
        print(f"counterpoint: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # the reader (e.g. `| head`) went away: not an error of ours
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("counterpoint: interrupted; no file was left half-written.", file=sys.stderr)
        return 130
    except _Terminated:
        print("counterpoint: terminated; no file was left half-written.", file=sys.stderr)
        return 143
    except OSError as exc:  # the system refused a path outright (a name too long, a loop of links, ...)
        print(f"counterpoint: {_os_sentence(exc)}", file=sys.stderr)
        return 2
    except RecursionError:
        print("counterpoint: the input is nested too deeply to be read.", file=sys.stderr)
        return 2
    except MemoryError:
        print("counterpoint: the input needs more memory than there is; try a smaller file.", file=sys.stderr)
        return 2
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    raise SystemExit(main())
