"""`counterpoint generate`: write ranked counterpoints to a cantus firmus."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from counterpoint.cli import options
from counterpoint.errors import InputError

OUT_SUFFIXES = (".musicxml", ".xml", ".mxl", ".mid", ".midi", ".krn", ".abc", ".json", ".svg", ".png", ".pdf")


def add_arguments(p) -> None:
    src = p.add_mutually_exclusive_group()
    src.add_argument("--cf", metavar="NOTES", help='the cantus firmus as a note list, e.g. "D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4"')
    src.add_argument("--input", metavar="FILE", help="a score holding the cantus firmus (MusicXML, kern, ABC)")
    p.add_argument("--species", type=options.species_list, metavar="N[,N...]", required=True,
                   help="species 1-5; for three voices or more one species per free voice, top first, e.g. 1,3")
    p.add_argument("--cf-voice", type=int, metavar="K",
                   help="with several species: the cantus firmus's voice, from 1 (the highest; default: the lowest)")
    p.add_argument("--below", action="store_true", help="write the counterpoint below the cantus firmus (default: above)")
    p.add_argument("--rules", default="fux", metavar="NAME|FILE", help="rulebook: a built-in name or a TOML file (default: fux)")
    p.add_argument("-n", type=options.count, default=10, metavar="N",
                   help=f"how many solutions, 1 to {options.MAX_N} (default: 10)")
    p.add_argument("--seed", type=options.seed,
                   help="random seed; the same seed gives the same lines on any machine, unless the time limit "
                        "cuts the search short (the output then says so)")
    p.add_argument("--effort", type=options.count_or_zero, default=None, metavar="STEPS",
                   help="improvement steps at most (default: 60 in first species, 300 in fourth, 1500 otherwise, "
                        "300 for three voices or more; the search stops sooner once no step helps; "
                        "0 ranks the constructed lines as they are)")
    p.add_argument("--time-limit", type=options.seconds, default=None, metavar="SEC",
                   help=f"stop searching after this long, {options.MIN_TIME_LIMIT:g} to {options.MAX_TIME_LIMIT:g} s "
                        "(default: 5; 15 in third species; 10 for three voices or more)")
    p.add_argument("--mode", help="mode, e.g. 'G dorian' (default: inferred from the cantus firmus)")
    p.add_argument("--range", dest="voice_range", metavar="LOW-HIGH", help="the counterpoint's range, e.g. G2-C4")
    p.add_argument("--out", metavar="FILE", help="write the best solution: " + ", ".join(OUT_SUFFIXES))
    p.add_argument("--no-critic", action="store_true", help="rank by rule penalties alone, without the style critic")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists (never an input file)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="terminal output (default: text)")


def run(args) -> int:
    from counterpoint.ranking import generate

    if not args.cf and not args.input:
        raise InputError("give the cantus firmus with --cf \"D4 F4 ...\" or --input FILE.")
    if isinstance(args.species, tuple):
        args.time_limit = 10.0 if args.time_limit is None else args.time_limit
        return run_texture(args)
    if args.cf_voice is not None:
        raise InputError("--cf-voice needs one species per free voice, e.g. --species 1,3 --cf-voice 3.")
    inputs = tuple(p for p in (args.input, args.rules) if p)
    out = None
    if args.out:
        from counterpoint.io.writers import check_out

        if args.input and Path(args.out).resolve() == Path(args.input).resolve():
            raise InputError("--out names the input file; choose another name.")
        out = check_out(args.out, force=args.force, inputs=inputs)  # early; checked again when writing
    cf = args.cf if args.cf else Path(args.input)
    t0 = time.monotonic()
    with _Progress(args.time_limit) as progress:
        found = generate(cf, species=args.species, position="below" if args.below else "above", rules=args.rules,
                         n=args.n, seed=args.seed, time_limit=args.time_limit, mode=args.mode,
                         **({} if args.effort is None else {"effort": args.effort}),
                         voice_range=args.voice_range, progress=progress.update, critic=not args.no_critic)
    elapsed = time.monotonic() - t0
    if out is not None:
        from counterpoint.io.writers import write_solutions

        write_solutions(list(found), out, force=args.force, inputs=inputs)  # .json takes every solution; a score or picture the best
    if args.format == "json":
        from counterpoint.io.writers import strict_json

        solutions = [s.to_dict() | {"critic_reasons": s.critic_reasons(), "style_reasons": s.style} for s in found]
        print(strict_json({"solutions": solutions, "stats": _stats(found, elapsed)}, indent=2))
    else:
        print(_text(found, args, elapsed, out))
    return 0


TEXTURE_SUFFIXES = (".musicxml", ".xml", ".mxl", ".mid", ".midi", ".json")


def run_texture(args) -> int:
    """Three voices or more: every free voice written together against the cantus firmus."""
    from counterpoint.ranking import generate

    for flag, given in (("--below", args.below), ("--range", args.voice_range)):
        if given:
            raise InputError(f"{flag} does not apply to three voices or more; place the cantus firmus with --cf-voice.")
    inputs = tuple(p for p in (args.input, args.rules) if p)
    out = None
    if args.out:
        from counterpoint.io.writers import check_out

        if Path(args.out).suffix.lower() not in TEXTURE_SUFFIXES:
            raise InputError(f"cannot write three voices or more to {Path(args.out).name}; use one of "
                             f"{', '.join(TEXTURE_SUFFIXES)}.")
        if args.input and Path(args.out).resolve() == Path(args.input).resolve():
            raise InputError("--out names the input file; choose another name.")
        out = check_out(args.out, force=args.force, inputs=inputs)
    cf = args.cf if args.cf else Path(args.input)
    t0 = time.monotonic()
    with _Progress(args.time_limit, "textures") as progress:
        found = generate(cf, species=args.species, cf_voice=args.cf_voice, rules=args.rules, n=args.n,
                         seed=args.seed, time_limit=args.time_limit, mode=args.mode, critic=not args.no_critic,
                         progress=progress.update, **({} if args.effort is None else {"effort": args.effort}))
    elapsed = time.monotonic() - t0
    if out is not None:
        _write_texture(found, out, force=args.force, inputs=inputs)
    if args.format == "json":
        from counterpoint.io.writers import strict_json

        stats = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in found.stats.items()}
        print(strict_json({"solutions": [s.to_dict() for s in found], "stats": stats | {"seconds": round(elapsed, 3)}},
                          indent=2))
    else:
        print(_texture_text(found, args, elapsed, out))
    return 0


def _write_texture(found, path: Path, *, force: bool, inputs) -> Path:
    """The best texture as a score, parts top to bottom (MusicXML, MIDI), or every texture as JSON."""
    from counterpoint.files.safe import safe_output
    from counterpoint.io.writers import strict_json, write_text

    if path.suffix.lower() == ".json":
        return write_text(path, strict_json([s.to_dict() for s in found], indent=2) + "\n", force=force, inputs=inputs)
    from counterpoint.io.m21 import write_score
    from counterpoint.io.texture_io import texture_to_score

    fmt = {".musicxml": "musicxml", ".xml": "musicxml", ".mxl": "mxl", ".mid": "midi", ".midi": "midi"}[path.suffix.lower()]
    score = texture_to_score(found[0].texture)
    with safe_output(path, force=force, inputs=inputs) as tmp:
        write_score(score, fmt, tmp)
    return path


def _texture_text(found, args, elapsed, out) -> str:
    tex = found[0].texture
    st = found.stats
    ranked = ("rule penalty and the free-polyphony critic" if "critic" in found[0].parts else "rule penalty")
    lines = [f"{tex.describe}; rulebook {found[0].report.rulebook}: the best {len(found)} of {st['textures']} textures "
             f"that pass every rule, ranked by {ranked} ({elapsed:.1f} s)", ""]
    lines[1:1] = [f"note: {note}" for note in st.get("notes", ())]
    if st.get("timed_out"):
        lines.insert(1, "note: the time limit cut the search short; another run with the same seed may differ "
                        "(allow more with --time-limit).")
    width = max(len(name) for name, _ in found[0].voices)
    for k, s in enumerate(found, 1):
        why = s.penalty_summary() or "no preference broken"
        taste = ""
        if "critic" in s.parts:
            from counterpoint.critic.scoring import CriticScore

            reasons = CriticScore(s.critic.score, s.critic.reasons).summary() if hasattr(s, "critic") else ""
            taste = f", critic {s.parts['critic']:.2f}" + (f" ({reasons})" if reasons else "")
        lines.append(f" #{k:<2} penalty {s.penalty:g}{taste}  ({why})")
        if "style" in s.parts:
            lines.append(f"     style: {_texture_style(s)}")
        for name, notes in s.voices:
            lines.append(f"     {name:<{width}}  {notes}")
    if len(found) < args.n:
        lines.append(f"\nonly {len(found)} of {args.n} asked for: "
                     f"{'the time limit ran out' if st.get('timed_out') else 'no more textures were found'}.")
    lines.append("")
    lines.append(f"wrote {out}" if out else "wrote nothing; add --out texture.musicxml (or .mid, .json)")
    return "\n".join(lines)


def _stats(found, elapsed) -> dict:
    st = found.stats
    return {"candidates": st.solutions, "constructed": st.constructed, "steps": st.steps, "shown": len(found),
            "seconds": round(elapsed, 3), "time_limit": st.time_limit, "timed_out": st.timed_out,
            "history": [{"seconds": round(t, 3), "best": round(c, 4)} for t, c in st.history]}


def _text(found, args, elapsed, out) -> str:
    from counterpoint.model.exercise import SPECIES_NAMES

    ex = found[0].exercise
    where = "below" if args.below else "above"
    st = found.stats
    with_critic = "critic" in found[0].parts
    ranking = "rules + critic" if with_critic else "rule penalties"
    lines = [f"{ex.mode.label}, {SPECIES_NAMES[args.species]} {where}, rulebook {found[0].report.rulebook}: "
             f"the best {len(found)} of {st.solutions} legal lines ({st.constructed} constructed, then {st.steps} "
             f"improvement steps), ranked by {ranking} ({elapsed:.1f} s)", ""]
    if st.timed_out:
        lines.insert(1, "note: the time limit cut the search short; these are the best lines found so far, and "
                        "another run with the same seed may differ (allow more with --time-limit).")
    lines += [f"note: {n}" for n in st.notes if n.startswith("ranked by rules alone")]
    width = max(len(s.notes) for s in found)
    for k, s in enumerate(found, 1):
        why = s.penalty_summary() or "no preference broken"
        critic = f"critic {s.parts['critic']:.2f}  " if with_critic else ""
        lines.append(f" #{k:<2} {s.notes:<{width}}  {critic}penalty {s.penalty:g}  ({why})")
        if with_critic and k <= 3:
            lines.append(f"     critic: {_reasons(s.critic_reasons())}")
        if s.style and k <= 3:
            lines.append(f"     style: {_style(s)}")
    if len(found) < args.n:
        reason = "the time limit ran out" if st.timed_out else "no more different enough lines were found"
        lines.append(f"\nonly {len(found)} of {args.n} asked for: {reason}.")
    lines.append("")
    lines.append(f"wrote {out}" if out else "wrote nothing; add --out solution.musicxml (or .mid, .krn, .abc, .json)")
    return "\n".join(lines)


def _texture_style(sol) -> str:
    """'4.8 from Fux's idioms; farthest: alto repeated notes in 10 0 (Fux 1.67), bass leap share 0.6 (Fux 0.42)'."""
    return _style_line(sol.parts["style"], sol.style, [v.name for v in sol.texture.voices])


def _style(sol) -> str:
    """'1.3 from Fux's idioms; farthest: repeated notes in 10 0 (Fux 1.02), leap share 0.5 (Fux 0.32)'."""
    return _style_line(sol.parts["style"], sol.style)


def _style_line(distance: float, far: list[dict], names: list[str] | None = None) -> str:
    """The distance and the two farthest idioms (those half a deviation off or more), each with its voice's name
    when ``names`` is given (the idioms then carry a voice number from 1, the highest)."""
    from counterpoint.analysis import SHORT

    items = [(f"{names[p['voice'] - 1]} " if names else "") + f"{SHORT[p['statistic']]} {p['value']:.3g} (Fux {p['fux']:.3g})"
             for p in far[:2] if abs(p["z"]) >= 0.5]
    return f"{distance:.2f} from Fux's idioms" + (f"; farthest: {', '.join(items)}" if items else "")


def _reasons(reasons: list[dict]) -> str:
    """'for: melody.step 0.67 (typical 0.62); against: leaps.large_share 0.3 (typical 0.12)'."""
    parts = []
    for side in ("for", "against"):
        picked = [f"{r['feature']} {r['value']:g} (typical {r['typical']:g})" for r in reasons if r["direction"] == side][:2]
        if picked:
            parts.append(f"{side}: " + ", ".join(picked))
    return "; ".join(parts) or "no strong reasons"


class _Progress:
    """A progress line on stderr for searches that take more than a moment."""

    def __init__(self, limit: float, what: str = "legal lines"):
        self.limit, self.what, self.bar, self.t0 = limit, what, None, time.monotonic()

    def __enter__(self):
        return self

    def update(self, count: int) -> None:
        if self.bar is None and time.monotonic() - self.t0 > 0.7 and sys.stderr.isatty():
            from rich.progress import Progress

            self.bar = Progress(transient=True)
            self.bar.start()
            self.task = self.bar.add_task("searching", total=None)
        if self.bar is not None:
            self.bar.update(self.task, description=f"searching: {count} {self.what}", completed=count)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
