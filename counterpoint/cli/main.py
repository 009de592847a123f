"""The `counterpoint` command. Each subcommand lives in its own small module; this file only dispatches.

music21 is imported only by the commands that read or write scores, so `counterpoint --help` is fast.
"""

from __future__ import annotations

import argparse
import sys

from counterpoint.errors import CounterpointError

COMMANDS = {
    "check": ("counterpoint.cli.check_cmd", "check an exercise (or a cantus firmus alone) against a rulebook"),
    "generate": ("counterpoint.cli.generate_cmd", "write ranked counterpoints to a cantus firmus"),
    "rules": ("counterpoint.cli.rules_cmd", "list the rule catalogue, or explain one rule"),
    "critic": ("counterpoint.cli.critic_cmd", "train, evaluate or apply the style critic"),
    "demo": ("counterpoint.cli.demo_cmd", "check two built-in exercises, to see what the tool does"),
    "fill": ("counterpoint.cli.fill_cmd", "fill a worksheet's empty staves with counterpoint"),
}


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = argparse.ArgumentParser(
        prog="counterpoint",
        description="Write, check and rank species counterpoint against a cantus firmus.",
        epilog="Exit codes: 0 no errors, 1 rule errors, 2 unusable input.",
    )
    parser.add_argument("--version", action="version", version="counterpoint 0.1.0")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text[0].upper() + help_text[1:] + ".")
        importlib.import_module(module).add_arguments(p)
        p.set_defaults(_module=module)
    return parser


def main(argv: list[str] | None = None) -> int:
    import importlib

    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    try:
        return importlib.import_module(args._module).run(args)
    except CounterpointError as exc:
        print(f"counterpoint: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # the reader (e.g. `| head`) went away: not an error of ours
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("counterpoint: interrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
