"""`counterpoint check`: report every broken rule of one or more exercises (a file may hold several)."""

from __future__ import annotations

import sys
from pathlib import Path

from counterpoint.cli import options
from counterpoint.errors import CounterpointError, InputError
from counterpoint.io.writers import strict_json

MARKED_SUFFIXES = (".pdf", ".svg", ".png", ".musicxml", ".xml", ".mxl")


def add_arguments(p) -> None:
    p.add_argument("exercises", nargs="*", metavar="EXERCISE",
                   help="MusicXML (.musicxml .xml .mxl), kern (.krn) or ABC (.abc) files; a file may hold several exercises")
    p.add_argument("--cf", metavar="NOTES", help='the cantus firmus as a note list, e.g. "D4 F4 E4 D4"')
    p.add_argument("--cp", metavar="NOTES", help='the counterpoint as a note list, e.g. "A4:2 D5:2 | ..." (a bare pitch is a whole note)')
    p.add_argument("--rules", default="fux", metavar="NAME|FILE", help="rulebook: a built-in name or a TOML file (default: fux)")
    p.add_argument("--species", type=options.species_list, metavar="N[,N...]",
                   help="species 1-5 (default: from a label, or inferred from the rhythm); for three voices or "
                        "more, one for every free voice or one per free voice, top first, e.g. 1,3")
    p.add_argument("--cf-voice", metavar="N|upper|lower",
                   help="which voice holds the cantus firmus: a number from 1 (the highest), or upper or lower "
                        "(default: inferred from part names, labels or the equal notes)")
    p.add_argument("--below", action="store_true", help="with --cf/--cp: the counterpoint lies below the cantus firmus")
    p.add_argument("--mode", help="mode, e.g. 'dorian' or 'G dorian' (default: inferred from the cantus firmus)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.add_argument("--out", metavar="FILE", help="write the marked exercise, each violation at its place and the "
                   "intervals figured: " + ", ".join(MARKED_SUFFIXES))
    p.add_argument("--force", action="store_true", help="replace --out if it exists")


def run(args) -> int:
    from counterpoint.api import check, check_all, one_species
    from counterpoint.catalogue.rulebook import load_rulebook
    from counterpoint.cli.report_text import format_report, total

    if not args.exercises and not args.cf:
        raise InputError("give an exercise file, or the cantus firmus with --cf (and the counterpoint with --cp).")
    if args.cp and not args.cf:
        raise InputError("--cp needs the cantus firmus too: add --cf.")
    if args.below and not args.cf:
        raise InputError("--below goes with --cf/--cp; for files use --cf-voice.")
    if args.cp is not None and not args.cp.strip():
        raise InputError("--cp is empty; give the counterpoint's notes, or leave --cp out to check the cantus firmus alone.")
    if args.cf and not args.exercises and args.cf_voice is not None:
        raise InputError("--cf-voice goes with files; with --cf/--cp the cantus firmus is --cf, and --below puts the "
                         "counterpoint under it.")
    jobs: list[tuple[str, object]] = [(str(Path(p)), p) for p in args.exercises]
    if args.cf:
        jobs.append(("note list", None))
    out = _check_out(args, jobs)
    book = load_rulebook(args.rules)  # a bad rulebook is reported once, before any exercise

    reports, status = [], 0
    for label, path in jobs:
        try:
            if path is None:
                from counterpoint.model.build import from_text

                ex = from_text(args.cf, args.cp, species=one_species(args.species) if args.cp else 0,
                               cp_above=not args.below if args.cp else None, mode=args.mode)
                found = [check(ex, book)]
                found[0].path = label
            else:
                unread: list = []
                found = check_all(path, book, species=args.species, cf_voice=args.cf_voice, mode=args.mode,
                                  errors=unread)
                for where, exc in unread:  # one unreadable exercise of a file: the others are still checked
                    print(f"counterpoint: {label} {where}: {exc}", file=sys.stderr)
                    status = max(status, exc.exit_code)
        except CounterpointError as exc:
            if len(jobs) == 1:
                raise
            print(f"counterpoint: {label}: {exc}", file=sys.stderr)
            status = max(status, exc.exit_code)
            continue
        for report in found:
            status = max(status, 0 if report.ok else 1)
            if args.mode:
                _warn_if_mode_misfits(report, label)
        reports += found
    if out is not None and reports:
        _write_marked(reports, out, force=args.force)
    if args.format == "json":
        print(strict_json(as_json(reports), indent=2))
    else:
        text = [format_report(r, r.path) for r in reports]
        if len(reports) > 1:
            text.append(total(reports))
        if out is not None and reports:
            text.append(f"wrote the marked exercise{'s' * (len(reports) > 1)} to {out}")
        print("\n\n".join(text))
    return status


def _warn_if_mode_misfits(report, label: str) -> None:
    """A --mode whose final the cantus firmus neither begins nor ends on was most likely mistyped: say so on stderr
    (the report itself, and its JSON, stay as the rules found them)."""
    ex = report.exercise
    notes = [n.pitch for n in ex.cf if n.pitch is not None]
    if not notes or (ex.mode.is_final(notes[0]) and ex.mode.is_final(notes[-1])):
        return
    ends = (f"begins and ends on {notes[0].pretty}" if notes[0] == notes[-1]
            else f"begins on {notes[0].pretty} and ends on {notes[-1].pretty}")
    print(f"counterpoint: note: {label}: the cantus firmus {ends}, not on {ex.mode.final_name}, the final of "
          f"{ex.mode.label}; is --mode right?", file=sys.stderr)


def as_json(reports) -> dict:
    """The one shape of `check --format json`: {"reports": [...], "summary": {...}}, however many files."""
    return {"reports": [r.to_dict() for r in reports],
            "summary": {"exercises": len(reports), "errors": sum(len(r.errors) for r in reports),
                        "warnings": sum(len(r.warnings) for r in reports)}}


def _check_out(args, jobs) -> Path | None:
    if not args.out:
        return None
    out = Path(args.out)
    if out.suffix.lower() not in MARKED_SUFFIXES:
        raise InputError(f"cannot write {out.name}; write the marked exercise as {', '.join(MARKED_SUFFIXES)}.")
    if len(jobs) != 1:
        raise InputError("--out marks one exercise file (or one note list); check the others without --out.")
    if not out.parent.exists():
        raise InputError(f"the folder {out.parent} does not exist.")
    path = jobs[0][1]
    if path is not None and Path(path).exists() and out.exists() and out.resolve() == Path(path).resolve():
        raise InputError("--out names the exercise itself; choose another name.")
    if out.exists() and not args.force:
        raise InputError(f"{out} already exists; choose another name, or add --force to replace it.")
    return out


def _write_marked(reports, out: Path, force: bool = False) -> None:
    """Written atomically; never onto the exercise itself, never over a file without ``force``."""
    from counterpoint.io.engrave import PICTURE_SUFFIXES, reports_pages, write_pages

    inputs = tuple(r.path for r in reports if r.path)
    if out.suffix.lower() in PICTURE_SUFFIXES:
        write_pages(reports_pages(reports), out, force=force, inputs=inputs)  # a PDF starts each exercise on a new page
        return
    from counterpoint.io.m21 import write_marked_score

    write_marked_score(reports, out, force=force, inputs=inputs)
