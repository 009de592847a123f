"""`counterpoint fill`: write counterpoint on a worksheet's empty staves, or an answer key."""

from __future__ import annotations

import time
from pathlib import Path

from counterpoint.cli import options
from counterpoint.errors import InputError

DESCRIPTION = """\
A worksheet is a score with a cantus-firmus staff and an empty staff (whole-bar rests or no notes).
Each empty staff is paired with the nearest cantus-firmus staff; the counterpoint goes above the
cantus firmus when the empty staff is above it, below when below. Several empty staves beside one
cantus firmus (empty, CF, empty) make one exercise of three voices or more, written together, each
staff in the species of its own label. Several staff pairs, and several
exercises along one pair (ended by a double or final barline, or by a bar of rests in the cantus
firmus), are all filled. The species comes from --species, or from a label: a text above the staff,
the staff's name or the title ("Species 2", "2nd species", "second species").

--answer-key writes each exercise N times in a row (-n, default 3), best first, each copy labelled
"Exercise 1 (second species above) - Solution 2 (penalty 3.5)" and ended by a double barline.
"""


def add_arguments(p) -> None:
    p.description = p.description + "\n\n" + DESCRIPTION
    import argparse

    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.add_argument("worksheet", help="the worksheet (MusicXML, kern or ABC)")
    p.add_argument("-o", "--out", metavar="FILE", help="write the filled worksheet (.musicxml, .xml, .mxl) or engrave it (.pdf, .svg, .png)")
    p.add_argument("--species", type=int, choices=range(1, 6), metavar="N",
                   help="species 1-5 for every exercise (default: read from the worksheet's labels)")
    p.add_argument("--answer-key", action="store_true",
                   help="write the best N solutions of each exercise, one after another")
    p.add_argument("-n", type=options.count, metavar="N",
                   help=f"solutions per exercise in the answer key, 1 to {options.MAX_N} (default: 3)")
    p.add_argument("--rules", default="fux", metavar="NAME|FILE",
                   help="rulebook: a built-in name or a TOML file (default: fux)")
    p.add_argument("--seed", type=options.seed, help="random seed; the same seed gives the same output")
    p.add_argument("--time-limit", type=options.seconds, default=5.0, metavar="SEC",
                   help=f"search time per exercise, {options.MIN_TIME_LIMIT:g} to {options.MAX_TIME_LIMIT:g} s (default: 5)")
    p.add_argument("--force", action="store_true",
                   help="replace the output file if it exists (never the worksheet itself)")
    p.add_argument("--no-critic", action="store_true", help="rank by rule penalties alone, without the style critic")
    p.add_argument("--format", choices=("text", "json"), default="text", help="terminal output (default: text)")


def run(args) -> int:
    from counterpoint.filling import fill

    n = args.n if args.n is not None else (3 if args.answer_key else 1)
    if n < 1:
        raise InputError("-n must be at least 1.")
    t0 = time.monotonic()
    try:
        done = fill(Path(args.worksheet), out=args.out, species=args.species, answer_key=args.answer_key, n=n,
                    rules=args.rules, seed=args.seed, time_limit=args.time_limit, force=args.force,
                    critic=not args.no_critic)
    except InputError as exc:  # fill has no --mode: do not advise it
        if "--mode" not in str(exc):
            raise
        raise InputError(str(exc).replace("; name one with --mode.", "; a worksheet's cantus firmus must keep to "
                                          "one church mode, so correct its accidentals.")) from None
    elapsed = time.monotonic() - t0
    if args.format == "json":
        from counterpoint.io.writers import strict_json

        print(strict_json({"exercises": [f.to_dict() for f in done], "out": args.out, "seconds": round(elapsed, 3)},
                          indent=2))
        return 0
    print(_text(done, args, n, elapsed))
    return 0


def _text(done, args, n: int, elapsed: float) -> str:
    lines = []
    for f in done:
        t = f.task
        source = f"from '{t.label}'" if t.label else "from --species"
        if t.is_texture:
            lines.append(f"{t.where}: {t.summary} ({' / '.join(t.names)}), {t.cantus.mode.label}, species {source}")
        else:
            lines.append(f"{t.where}: {t.summary} the cantus firmus ({t.names[0]} / {t.names[1]}), "
                         f"{t.cantus.mode.label}, species {source}")
        for k, s in enumerate(f.solutions, 1):
            why = s.penalty_summary() or "no preference broken"
            if t.is_texture:
                lines.append(f"  #{k:<2} penalty {s.penalty:g}  ({why})")
                width = max(len(name) for name, _ in s.voices)
                lines += [f"      {name:<{width}}  {notes}" for name, notes in s.voices]
            else:
                width = max(len(x.notes) for x in f.solutions)
                lines.append(f"  #{k:<2} {s.notes:<{width}}  penalty {s.penalty:g}  ({why})")
        if len(f.solutions) < n:
            reason = "the time limit ran out" if f.timed_out else "no more different enough lines were found"
            lines.append(f"  only {len(f.solutions)} of {n} asked for: {reason}.")
    lines.append("")
    what = "answer key" if args.answer_key else "filled worksheet"
    lines.append(f"{len(done)} exercise{'s' if len(done) != 1 else ''} in {elapsed:.1f} s; "
                 + (f"wrote the {what} to {args.out}" if args.out else "wrote nothing; add -o filled.musicxml"))
    return "\n".join(lines)
