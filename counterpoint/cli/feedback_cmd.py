"""`counterpoint feedback`: record people's judgements of passages, list and export them, retrain the critic on them.

    counterpoint feedback add FILE --rating 4 [--rater ana] [--note "..."]
    counterpoint feedback add --prefer A B           (A is better than B)
    counterpoint feedback list [--format text|json]
    counterpoint feedback remove ID
    counterpoint feedback export --format csv|jsonl [--out FILE]
    counterpoint feedback retrain --out FILE [--base MODEL]

Each takes ``--store PATH`` (default: see :func:`counterpoint.feedback.default_store_path`). The files are read
with the project's own readers, so one that is not music is refused with one sentence, and their text is
stored as the passage. :func:`add_feedback_arguments` and :func:`retrain_with_feedback` are for
``critic train --feedback`` as well.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from counterpoint.cli.options import add_max_size, number_between
from counterpoint.errors import InputError


def rating(text: str) -> int:
    try:
        value = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--rating must be a whole number from 1 to 5, not '{text[:40]}'") from None
    if not 1 <= value <= 5:
        raise argparse.ArgumentTypeError(f"--rating must be a whole number from 1 to 5, not {value}")
    return value


def judgement_id(text: str) -> int:
    try:
        value = int(text, 10)
    except ValueError:
        value = 0
    if not 1 <= value < 2**62:
        raise argparse.ArgumentTypeError(f"ID must be a judgement's number from `feedback list`, not '{text[:40]}'")
    return value


def regularisation(text: str) -> float:
    return number_between(text, "--regularisation", 1e-6, 1e6)


def _store_option(p) -> None:
    p.add_argument("--store", metavar="PATH",
                   help="the feedback store (default: $COUNTERPOINT_DATA/feedback.sqlite3, else "
                        "$XDG_DATA_HOME/counterpoint/feedback.sqlite3, else ~/.local/share/counterpoint/feedback.sqlite3)")


def _fit_options(p) -> None:
    p.add_argument("--base", metavar="MODEL", help="the critic model to adjust (default: the installed one; with "
                   "--free, a folder holding free_model_2v.json, _3v.json and _4v.json)")
    p.add_argument("--rulebook", metavar="NAME", dest="feedback_rulebook",
                   help="use only the judgements made under this rulebook (default: all)")
    p.add_argument("--regularisation", type=regularisation, default=1.0, metavar="C",
                   help="prior variance of the adjustment's log-odds (default 1; smaller: a gentler change)")


def add_feedback_arguments(parser) -> None:
    """``--feedback``, ``--store PATH``, ``--base MODEL`` (and ``--rulebook``, ``--regularisation``), for a command
    that already has ``--out`` and ``--force`` (``critic train``) and calls :func:`retrain_with_feedback`."""
    parser.add_argument("--feedback", action="store_true",
                        help="adjust a trained model to the judgements in the feedback store instead of training anew")
    _store_option(parser)
    _fit_options(parser)


def add_arguments(p) -> None:
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = sub.add_parser("add", help="record a rating of a passage (--rating N) or a preference between two (--prefer A B)")
    a.add_argument("file", metavar="FILE", nargs="?", help="the passage rated (MusicXML, kern, ABC)")
    how = a.add_mutually_exclusive_group(required=True)
    how.add_argument("--rating", type=rating, metavar="N", help="1 (poor) to 5 (excellent)")
    how.add_argument("--prefer", nargs=2, metavar=("A", "B"), help="passage A is better than passage B")
    a.add_argument("--rulebook", default="fux", metavar="NAME",
                   help="the rulebook the passage was judged under (default fux)")
    a.add_argument("--rater", metavar="NAME", help="who judged (a student's or teacher's name)")
    a.add_argument("--note", metavar="TEXT", help="a comment kept with the judgement")
    a.add_argument("--model", metavar="FILE", help="the critic model whose version is recorded (default: the installed one)")
    _store_option(a)
    add_max_size(a)
    ls = sub.add_parser("list", help="list the judgements in the store")
    ls.add_argument("--format", choices=("text", "json"), default="text")
    ls.add_argument("--kind", choices=("rating", "prefer"), help="only ratings, or only preferences")
    ls.add_argument("--rater", metavar="NAME", help="only this rater's judgements")
    _store_option(ls)
    rm = sub.add_parser("remove", help="delete one judgement by its id (see `feedback list`)")
    rm.add_argument("id", type=judgement_id, metavar="ID")
    _store_option(rm)
    e = sub.add_parser("export", help="export every judgement as CSV or JSON lines (with the passages' text)")
    e.add_argument("--format", choices=("csv", "jsonl"), default="csv", help="csv (default) or jsonl")
    e.add_argument("--out", metavar="FILE", help="write to FILE (default: standard output)")
    e.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    _store_option(e)
    r = sub.add_parser("retrain", help="write a copy of the critic adjusted to the judgements in the store")
    r.add_argument("--out", metavar="FILE", required=True, help="where to write the adjusted model")
    r.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    _store_option(r)
    _fit_options(r)


def run(args) -> int:
    return {"add": _add, "list": _list, "remove": _remove, "export": _export,
            "retrain": retrain_with_feedback}[args.action](args)


def _store(args):
    from counterpoint.feedback import FeedbackStore

    return FeedbackStore(args.store) if getattr(args, "store", None) else FeedbackStore()


# -- add ----------------------------------------------------------------------------------------------

def read_passage(path: str | Path):
    """A file read with the project's readers (so that one that is not music is refused), as a Passage."""
    from counterpoint.feedback import Passage
    from counterpoint.scorefile import parse_file

    path = Path(path)
    score = parse_file(path)  # checks existence, suffix, size, and that music21 can read it
    voiced = [p for p in getattr(score, "parts", []) if any(not e.isRest for e in p.recurse().notesAndRests)]
    if not voiced:
        raise InputError(f"{path.name} has no notes; there is nothing to judge.")
    return Passage.from_bytes(path.read_bytes(), path.suffix, title=path.stem[:200], voices=min(len(voiced), 64))


def _model_version(path: str | None) -> str | None:
    from counterpoint.critic.model import CriticModelError, load_model

    if path:
        return load_model(path).digest  # a model the user names must be one
    try:
        return load_model().digest
    except CriticModelError:
        return None  # no installed critic: the judgement is still worth keeping


def _add(args) -> int:
    from counterpoint.catalogue.rulebook import load_rulebook

    if args.rating is not None and not args.file:
        raise InputError("feedback add --rating needs the FILE it rates.")
    if args.prefer and args.file:
        raise InputError("feedback add --prefer takes its two files A B after it, not a FILE before it.")
    if args.prefer and Path(args.prefer[0]) == Path(args.prefer[1]):
        raise InputError("--prefer needs two different passages; A and B are the same file.")
    book = load_rulebook(args.rulebook)
    passages = [read_passage(f) for f in ([args.file] if args.file else args.prefer)]
    store = _store(args)
    common = {"rulebook": book.name, "model_version": _model_version(args.model), "rater": args.rater,
              "note": args.note}
    if args.rating is not None:
        ident = store.add_rating(passages[0], args.rating, **common)
        print(f"judgement {ident}: {Path(args.file).name} rated {args.rating} (in {store.path})")
    else:
        ident = store.add_preference(passages[0], passages[1], **common)
        print(f"judgement {ident}: {Path(args.prefer[0]).name} preferred to {Path(args.prefer[1]).name} (in {store.path})")
    return 0


# -- list, export -------------------------------------------------------------------------------------

def _what(j) -> str:
    a = j.passage_title or j.passage_sha256[:12]
    if j.kind == "rating":
        return f"{a} rated {j.rating}"
    return f"{a} > {j.other_title or j.other_sha256[:12]}"


def _list(args) -> int:
    store = _store(args)
    rows = store.judgements(kind=args.kind, rater=args.rater)
    if args.format == "json":
        from counterpoint.io.writers import strict_json

        print(strict_json({"store": str(store.path), "judgements": [j.to_dict() for j in rows]}, indent=2))
        return 0
    if not rows:
        print(f"no judgements{' of that kind' if args.kind or args.rater else ''} in {store.path}")
        return 0
    table = [("id", "judgement", "rulebook", "rater", "model", "when")]
    table += [(str(j.id), _what(j), j.rulebook, j.rater or "", (j.model_version or "")[:12], j.created_at) for j in rows]
    widths = [max(len(r[k]) for r in table) for k in range(len(table[0]))]
    for r in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip())
    s = store.summary()
    print(f"\n{_n(s['judgements'], 'judgement')} ({_n(s['ratings'], 'rating')}, {_n(s['preferences'], 'preference')}) "
          f"of {_n(s['passages'], 'passage')} in {store.path}")
    return 0


def _remove(args) -> int:
    store = _store(args)
    j = store.remove(args.id)
    print(f"removed judgement {j.id}: {_what(j)} ({j.created_at}{', ' + j.rater if j.rater else ''})")
    return 0


def _export(args) -> int:
    store = _store(args)
    if not args.out:
        store.export(args.format, sys.stdout)
        return 0
    from counterpoint.files.safe import check_destination, safe_output

    check_destination(args.out, force=args.force, inputs=[store.path])
    text = store.export(args.format)
    with safe_output(args.out, force=args.force, inputs=[store.path]) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="")
    print(f"wrote {_n(store.summary()['judgements'], 'judgement')} to {args.out}")
    return 0


# -- retrain ------------------------------------------------------------------------------------------

def retrain_with_feedback(args) -> int:
    """Adjust the base model (``args.base``, default the installed one) to the store's judgements and write it
    to ``args.out`` (required; replaced only with ``args.force``; never the installed model)."""
    import warnings

    from counterpoint.critic.model import default_model_path, load_model
    from counterpoint.feedback import retrain
    from counterpoint.files.safe import check_destination

    out = getattr(args, "out", None)
    if not out:
        raise InputError("retraining with feedback writes a new model: give --out FILE "
                         "(the installed model is never replaced).")
    base_path = Path(args.base) if getattr(args, "base", None) else default_model_path()
    installed = default_model_path()
    if Path(out).resolve() == installed.resolve():
        raise InputError(f"{out} is the installed model, which feedback never replaces; give another --out FILE.")
    check_destination(out, force=args.force, inputs=[base_path, installed])
    base = load_model(base_path)
    store = _store(args)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model, summary = retrain(base, store, rulebook=getattr(args, "feedback_rulebook", None),
                                 regularisation=getattr(args, "regularisation", 1.0))
    model.save(out, force=args.force)
    for note in summary["notes"]:
        print(f"note: {note}")
    print(summary_text(summary))
    print(f"\nwrote {out}")
    return 0


def retrain_free_with_feedback(args) -> int:
    """Adjust the free critic's models (``args.base``, a folder holding free_model_2v.json, _3v.json and _4v.json;
    default the installed ones) to the store's judgements, each to the passages it scores, and write them to
    the folder ``args.out`` (required; a file there replaced only with ``args.force``; never the installed ones).
    A model whose passages give no pair to learn from is not written, and a note says so."""
    import warnings

    from counterpoint.critic.free import default_free_model_path
    from counterpoint.critic.free_features import VOICE_COUNTS
    from counterpoint.critic.free_model import load_free_model
    from counterpoint.feedback import retrain
    from counterpoint.feedback.training import free_passage_rows
    from counterpoint.files.safe import check_destination

    if not getattr(args, "out", None):
        raise InputError("retraining the free critic with feedback writes new models: give --out FOLDER "
                         "(the installed ones are never replaced).")
    folder, installed = Path(args.out), default_free_model_path(2).parent
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder} is a file; with --free, --out names a folder for free_model_2v.json, "
                         "free_model_3v.json and free_model_4v.json.")
    if folder.resolve() == installed.resolve():
        raise InputError(f"{folder} holds the installed models, which feedback never replaces; give another --out "
                         "FOLDER.")
    base = Path(args.base) if getattr(args, "base", None) else installed
    store = _store(args)
    names = {k: f"free_model_{k}v.json" for k in VOICE_COUNTS}
    for name in names.values():  # all, before any is written
        check_destination(folder / name, force=args.force, inputs=[base / name, installed / name])
    bases = {k: load_free_model(base / name) for k, name in names.items()}  # a bad base model: its own sentence
    written = []
    for k, name in names.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                model, summary = retrain(bases[k], store,
                                         rulebook=getattr(args, "feedback_rulebook", None),
                                         regularisation=getattr(args, "regularisation", 1.0), rows=free_passage_rows)
            except InputError as exc:
                print(f"note: {name} not written: {str(exc).rstrip('.')}.")
                continue
        model.save(folder / name, force=args.force)
        for note in summary["notes"]:
            print(f"note: {note}")
        print(f"{k} voices: " + summary_text(summary).replace("\n", f"\n{k} voices: "))
        written.append(folder / name)
    if not written:
        raise InputError("no judged passage gave the free critic a pair to learn from; nothing was written.")
    print("\nwrote " + ", ".join(map(str, written)))
    return 0


def _n(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def summary_text(s: dict) -> str:
    skipped = (f"; skipped {_n(s['skipped_passages'], 'passage')} the critic cannot read, and "
               f"{_n(s['skipped_judgements'], 'judgement')} naming them" if s["skipped_passages"] else "")
    return (f"feedback: {_n(s['judgements'], 'judgement')} ({_n(s['preferences'], 'preference')}, "
            f"{_n(s['ratings'], 'rating')}) of {_n(s['passages'], 'passage')} gave {_n(s['pairs'], 'pair')}{skipped}\n"
            f"adjusted {s['features']} features of the base model {s['base_model'][:12]}"
            + (" (its earlier feedback adjustment replaced)" if s["replaced_adjustment"] else ""))

