"""`counterpoint check`: report every broken rule of one or more exercises."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from counterpoint.errors import CounterpointError, InputError


def add_arguments(p) -> None:
    p.add_argument("exercises", nargs="*", metavar="EXERCISE",
                   help="MusicXML (.musicxml .xml .mxl), kern (.krn) or ABC (.abc) files")
    p.add_argument("--cf", metavar="NOTES", help='the cantus firmus as a note list, e.g. "D4 F4 E4 D4"')
    p.add_argument("--cp", metavar="NOTES", help='the counterpoint as a note list, e.g. "A4:2 D5:2 | ..." (durations for species 2-5)')
    p.add_argument("--rules", default="fux", metavar="NAME|FILE", help="rulebook: a built-in name or a TOML file (default: fux)")
    p.add_argument("--species", type=int, choices=range(1, 6), metavar="N", help="species 1-5 (default: inferred from the rhythm)")
    p.add_argument("--cf-voice", choices=("upper", "lower"), help="which voice holds the cantus firmus (default: inferred)")
    p.add_argument("--below", action="store_true", help="with --cf/--cp: the counterpoint lies below the cantus firmus")
    p.add_argument("--mode", help="mode, e.g. 'dorian' or 'G dorian' (default: inferred from the cantus firmus)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")


def run(args) -> int:
    from counterpoint.api import check
    from counterpoint.catalogue.rulebook import load_rulebook
    from counterpoint.cli.report_text import format_report

    if not args.exercises and not args.cf:
        raise InputError("give an exercise file, or the cantus firmus with --cf (and the counterpoint with --cp).")
    if args.cp and not args.cf:
        raise InputError("--cp needs the cantus firmus too: add --cf.")
    if args.below and not args.cf:
        raise InputError("--below goes with --cf/--cp; for files use --cf-voice.")
    book = load_rulebook(args.rules)  # a bad rulebook is reported once, before any exercise

    jobs: list[tuple[str, object]] = [(str(Path(p)), p) for p in args.exercises]
    if args.cf:
        jobs.append(("note list", None))
    outputs, status = [], 0
    for label, path in jobs:
        try:
            if path is None:
                from counterpoint.model.build import from_text

                ex = from_text(args.cf, args.cp, species=args.species if args.cp else 0,
                               cp_above=not args.below if args.cp else None, mode=args.mode)
                report = check(ex, book)
            else:
                report = check(path, book, species=args.species, cf_voice=args.cf_voice, mode=args.mode)
        except CounterpointError as exc:
            if len(jobs) == 1:
                raise
            print(f"counterpoint: {label}: {exc}", file=sys.stderr)
            status = max(status, exc.exit_code)
            continue
        status = max(status, 0 if report.ok else 1)
        if args.format == "json":
            outputs.append(report.to_dict() | {"path": label})
        else:
            outputs.append(format_report(report, label))
    if args.format == "json":
        print(json.dumps(outputs[0] if len(jobs) == 1 and outputs else outputs, indent=2, ensure_ascii=False))
    else:
        print("\n\n".join(outputs))
    return status
