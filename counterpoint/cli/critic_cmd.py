"""`counterpoint critic`: train, evaluate and apply the style critic."""

from __future__ import annotations

import sys
from pathlib import Path

from counterpoint.cli.options import add_max_size
from counterpoint.errors import InputError

MIN_MASSES = 3  # one to hold out, one to validate on, one to train on
MIN_PASSAGES = 30


def add_arguments(p) -> None:
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    t = sub.add_parser("train", help="train the critic on the Palestrina masses bundled with music21")
    t.add_argument("--limit", type=int, metavar="N", help="use only N movements (a quick subset; default: all 1,318)")
    t.add_argument("--out", metavar="FILE",
                   help="where to write the model (default: the installed critic/model.json, which needs --force)")
    t.add_argument("--max-train", type=int, default=None, metavar="N",
                   help="real training windows (default 7000, each also reduced to species skeletons; "
                   "with --free: 20000 per voice count)")
    t.add_argument("--max-test", type=int, default=None, metavar="N",
                   help="real held-out examples (default 400; with --free: 3000 windows per voice count)")
    t.add_argument("--free", action="store_true",
                   help="train the free-polyphony critic (two-, three- and four-voice windows in any rhythm) instead; "
                   "--out is then a folder for free_model_2v.json, free_model_3v.json and free_model_4v.json")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--force", action="store_true", help="overwrite --out (or the installed model) if it exists")
    from counterpoint.cli.feedback_cmd import add_feedback_arguments

    add_feedback_arguments(t)  # --feedback: adjust a trained model to people's judgements (docs/feedback.md)
    e = sub.add_parser("evaluate", help="print the installed model's held-out metrics (or a fresh evaluation)")
    e.add_argument("--model", metavar="FILE", help="a model file (default: the installed one)")
    e.add_argument("--rerun", action="store_true", help="recompute the held-out metrics from the cached corpus")
    e.add_argument("--limit", type=int, metavar="N", help="with --rerun: use only N movements")
    e.add_argument("--free", action="store_true", help="the free-polyphony critic's metrics (with --rerun: "
                   "held-out Palestrina, and every other corpus bundled with music21, no retraining)")
    s = sub.add_parser("score", help="score a passage of two to four voices in any rhythm window by window, or a species "
                       "exercise (MusicXML, kern, ABC), in [0, 1]")
    s.add_argument("file", metavar="FILE")
    s.add_argument("--model", metavar="FILE", help="a model file (default: the installed one; with the free critic, "
                   "a free model for one voice count)")
    s.add_argument("--style", choices=("auto", "species", "free"), default="auto",
                   help="species: the species critic; free: the free-polyphony critic; auto (default): species for a "
                   "species exercise, free for anything else")
    s.add_argument("--voices", type=_voice_list, metavar="1,2,3",
                   help="the free critic: score these voices only, numbered from the top")
    s.add_argument("--format", choices=("text", "json"), default="text")
    add_max_size(s)


def _voice_list(text: str) -> tuple[int, ...]:
    import argparse

    try:
        voices = tuple(int(x) for x in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--voices takes voice numbers from the top, like 1,2,3, not '{text}'") from None
    if not voices or min(voices) < 1 or len(set(voices)) != len(voices):
        raise argparse.ArgumentTypeError(f"--voices takes distinct voice numbers from 1, like 1,2,3, not '{text}'")
    return voices


def run(args) -> int:
    return {"train": _train, "evaluate": _evaluate, "score": _score}[args.action](args)


def _progress():
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from rich.console import Console

    # only on a terminal: piped or captured, a progress bar is noise in the output
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   transient=False, console=Console(stderr=True), disable=not sys.stderr.isatty())
    tasks: dict[str, int] = {}

    def update(label: str, done: int, total: int) -> None:
        if label not in tasks:
            tasks[label] = bar.add_task(label, total=total)
        bar.update(tasks[label], completed=done)

    return bar, update


def _train(args) -> int:
    if args.feedback:
        from counterpoint.cli.feedback_cmd import retrain_free_with_feedback, retrain_with_feedback

        return retrain_free_with_feedback(args) if args.free else retrain_with_feedback(args)
    if args.free:
        return _train_free(args)
    args.max_train = 7000 if args.max_train is None else args.max_train
    args.max_test = 400 if args.max_test is None else args.max_test
    from counterpoint.critic.corpus import build_dataset, load_dataset
    from counterpoint.critic.model import default_model_path
    from counterpoint.critic.train import train

    from counterpoint.files.safe import check_destination

    out = Path(args.out) if args.out else default_model_path()
    if not args.out and out.exists() and not args.force:
        raise InputError(f"training would replace the installed model {out}; give --out FILE, or add --force to replace it.")
    check_destination(out, force=args.force)  # early; checked again, atomically, when the model is written
    if args.limit is not None and args.limit < 2:
        raise InputError("--limit must be at least 2, so that a mass can be held out.")
    for flag, value in (("--max-train", args.max_train), ("--max-test", args.max_test)):
        if value < 1:
            raise InputError(f"{flag} must be at least 1.")
    print(f"reading the Palestrina corpus{f' ({args.limit} movements)' if args.limit else ''}; parsed passages are cached")
    passages = load_dataset(build_dataset(limit=args.limit, progress=sys.stderr.isatty()))
    masses = len({p.mass for p in passages})
    too_few = InputError(f"{len(passages)} passages from {masses} mass(es) are too few to train, validate and hold "
                         f"out a mass; raise --limit (at least {MIN_MASSES} masses and {MIN_PASSAGES} passages).")
    if masses < MIN_MASSES or len(passages) < MIN_PASSAGES:
        raise too_few
    import warnings

    bar, update = _progress()
    with bar, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            model, metrics = train(passages, max_train=args.max_train, max_test=args.max_test, seed=args.seed,
                                   progress=update)
        except ValueError:  # a split left empty: scikit-learn refuses 0 samples
            raise too_few from None
    model.metadata["limit"] = args.limit
    model.save(out, force=args.force)
    print(_metrics_table(metrics))
    print(f"\nwrote {out}")
    return 0


def _metrics_table(m: dict) -> str:
    rows = [
        ("held-out AUC, real vs generated", m.get("auc_real_vs_generated")),
        ("held-out AUC, real vs perturbed", m.get("auc_real_vs_perturbed")),
        ("baseline AUC (surface cues), real vs generated", m.get("baseline_auc_real_vs_generated")),
        ("baseline AUC (surface cues), real vs perturbed", m.get("baseline_auc_real_vs_perturbed")),
        ("real line ranked first among 21", m.get("ranking_first")),
        ("mean reciprocal rank of the real line", m.get("ranking_mrr")),
    ]
    trained = (f"trained on {m['train_real']} real passages from {m['train_masses']} masses"
               if m.get("train_real") is not None else "training facts not recorded")
    masses = m.get("test_masses")
    held = (f"held out {m['test_real']} from {masses} other mass{'' if masses == 1 else 'es'}"
            if m.get("test_real") is not None else "no held-out count recorded")
    head = f"{trained}; {held}; model: {m.get('model') or 'not recorded'}"
    return head + "\n\n" + "\n".join(f"  {label:<48} {value}" for label, value in rows if value is not None)


def _evaluate(args) -> int:
    if args.limit is not None and not args.rerun:
        raise InputError("--limit chooses the movements of a fresh evaluation; add --rerun, or leave --limit out.")
    if args.free:
        return _evaluate_free(args)
    from counterpoint.critic.model import load_model

    model = load_model(args.model)
    if not args.rerun:
        metrics = model.metadata.get("metrics")
        if not metrics:
            raise InputError("this model file carries no metrics; run with --rerun.")
        print(_metrics_table(metrics))
        return 0
    from counterpoint.critic.corpus import build_dataset, load_dataset, split_by_mass
    from counterpoint.critic.train import evaluate, make_split

    if args.limit is not None and args.limit < 2:
        raise InputError("--limit must be at least 2, so that a mass can be held out.")
    seed = int(model.metadata.get("seed", 0))
    passages = load_dataset(build_dataset(limit=args.limit, progress=sys.stderr.isatty()))
    _, test_p = split_by_mass(passages, test_fraction=0.2, seed=seed)
    bar, update = _progress()
    import warnings

    with bar, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            test = make_split(test_p, 400, 20, seed + 1, progress=update, label="held-out negatives")
            metrics = evaluate(model, test)
        except ValueError:  # an empty held-out set: scikit-learn refuses 0 samples
            raise InputError(f"{len(test_p)} held-out passages are too few to evaluate on; raise --limit.") from None
    # The model's own training facts, with today's held-out measurement (negatives generated by today's generator).
    trained = model.metadata.get("metrics") or {}
    metrics = {**{k: trained.get(k) for k in ("train_real", "train_masses", "model")}, **metrics}
    print(_metrics_table(metrics))
    return 0


def _score(args) -> int:
    from counterpoint.critic import auto_style, load_model, score_file
    from counterpoint.scorefile import parse_file

    if args.voices and args.style == "species":
        raise InputError("--voices picks the voices the free critic scores; the species critic scores the whole "
                         "exercise, so leave out --voices or --style species.")
    path = Path(args.file)
    parsed = parse_file(path)
    style = auto_style(parsed, path.stem, args.voices) if args.style == "auto" else args.style
    model = None
    if args.model and style == "free":
        from counterpoint.critic.free_model import load_free_model

        model = load_free_model(args.model)
    elif args.model:
        model = load_model(args.model)
    result = score_file(path, model, parsed=parsed, style=style, voices=args.voices)
    _note_chords(parsed)
    if args.format == "json":
        from counterpoint.io.writers import strict_json

        print(strict_json(result.to_dict(), indent=2))
        return 0
    if style == "free":
        k = len(result.windows[0]["voices"])
        print(f"{args.file}: free critic score {result.score:.3f} (mean of {len(result.windows)} windows of {k} voices)")
        for w in result.windows:
            print(f"  bars {w['bars']:<9} {', '.join(w['voices']):<40} {w['score']:.3f}")
    else:
        print(f"{args.file}: critic score {result.score:.3f}")
    for voices, value in getattr(result, "pairs", ()):
        print(f"  {voices:<24} {value:.3f}")
    for r in result.reasons:
        print(f"  {'for' if r['direction'] == 'for' else 'against':<8} {r['feature']:<32} {r['value']:g} (typical {r['typical']:g})")
    return 0


def _note_chords(parsed) -> None:
    """The critics read single lines: say on stderr which parts had chords, which were left out of the score."""
    from music21 import chord

    for k, part in enumerate(getattr(parsed, "parts", ()), start=1):
        n = sum(1 for el in part.flatten().notes if isinstance(el, chord.Chord))
        if n:
            print(f"counterpoint: note: part {k} has {n} chord{'s' * (n > 1)}; the critic reads single lines, so "
                  f"{'they were' if n > 1 else 'it was'} left out of the score.", file=sys.stderr)


# -- the free-polyphony critic ----------------------------------------------------------------------

def _train_free(args) -> int:
    import warnings

    from counterpoint.critic.free import default_free_model_path
    from counterpoint.critic.free_features import VOICE_COUNTS
    from counterpoint.critic.free_train import cross_corpus, load_pieces, train
    from counterpoint.files.safe import check_destination

    folder = Path(args.out) if args.out else default_free_model_path(2).parent
    outs = {k: folder / f"free_model_{k}v.json" for k in VOICE_COUNTS}
    for out in outs.values():
        if not args.out and out.exists() and not args.force:
            raise InputError(f"training would replace the installed model {out}; give --out FOLDER, or add --force.")
        check_destination(out, force=args.force)
    if args.limit is not None and args.limit < 2:
        raise InputError("--limit must be at least 2, so that a mass can be held out.")
    for flag, value in (("--max-train", args.max_train), ("--max-test", args.max_test)):
        if value is not None and value < 1:
            raise InputError(f"{flag} must be at least 1.")
    n_train = args.max_train or 20_000
    n_test = args.max_test or 3000
    print(f"reading the Palestrina corpus{f' ({args.limit} movements)' if args.limit else ''}; parsed pieces are cached")
    bar, update = _progress()
    with bar, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pieces = load_pieces("palestrina", args.limit, progress=update)
        if len({p.group for p in pieces}) < MIN_MASSES:
            raise InputError(f"{len(pieces)} pieces from {len({p.group for p in pieces})} mass(es) are too few to "
                             f"train and hold out a mass; raise --limit (at least {MIN_MASSES} masses).")
        try:
            models, metrics = train(pieces, budget={k: n_train for k in VOICE_COUNTS}, test_budget=n_test, seed=args.seed,
                                    progress=update)
            josquin = cross_corpus(models, {"josquin": load_pieces("josquin", progress=update)}, budget=n_test,
                                   seed=args.seed, progress=update)
        except ValueError:  # a side left empty: scikit-learn refuses 0 samples
            raise InputError(f"{len(pieces)} pieces give too few windows to train and hold out; raise --limit.") from None
    metrics["cross_corpus"] = josquin
    for k, m in models.items():
        m.metadata["metrics"] = metrics
        m.metadata["limit"] = args.limit
        m.save(outs[k], force=args.force)
    print(_free_table(metrics))
    print("\nwrote " + ", ".join(str(o) for o in outs.values()))
    return 0


def _free_table(m: dict) -> str:
    from counterpoint.critic.free_features import VOICE_COUNTS

    lines = [f"trained on {m.get('train_groups')} masses, held out {m.get('test_groups')} other masses "
             f"({m.get('pieces')} pieces); {m.get('train_seconds')} s", "",
             f"  {'':<52} {'critic':>8} {'baseline':>9}"]
    for k in VOICE_COUNTS:
        r = m.get(f"{k}v")
        if r:
            lines.append(f"  {f'held-out AUC real vs perturbed, {k} voices':<52} {r['auc_real_vs_perturbed']:>8} "
                         f"{r['baseline_auc_real_vs_perturbed']:>9}   ({r['test_windows']} windows)")
            if "auc_real_vs_generated" in r:
                what = f"held-out AUC real vs generated textures, {k} voices"
                lines.append(f"  {what:<52} {r['auc_real_vs_generated']:>8} "
                             f"{r['baseline_auc_real_vs_generated']:>9}   ({r['texture_test_windows']} real, "
                             f"{r['texture_test_generated']} generated over their cantus firmi)")
    for name, r in (m.get("cross_corpus") or {}).items():
        if r.get("windows"):
            lines.append(f"  {f'{name}: real preferred to its perturbed copy':<52} {r['prefer_real']:>8} "
                         f"{r['baseline_prefer_real']:>9}   ({r['windows']} windows, mean score {r['mean_score']})")
    return "\n".join(lines)


def _evaluate_free(args) -> int:
    import warnings

    from counterpoint.critic.free import default_free_model_path
    from counterpoint.critic.free_features import VOICE_COUNTS
    from counterpoint.critic.free_model import load_free_model

    models = {k: load_free_model(default_free_model_path(k)) for k in VOICE_COUNTS}
    if args.model:
        m = load_free_model(args.model)
        models[m.metadata.get("voices", len(models))] = m
    metrics = dict(models[2].metadata.get("metrics") or {})
    if args.rerun:
        from counterpoint.critic.free_train import CORPORA, cross_corpus, load_pieces, split_by_group

        bar, update = _progress()
        with bar, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pal = load_pieces("palestrina", args.limit, progress=update)
            _, held_out = split_by_group(pal, seed=int(models[2].metadata.get("seed", 0)))
            corpora = {"palestrina (held-out masses)": held_out}
            corpora.update({c: load_pieces(c, progress=update) for c in CORPORA if c != "palestrina"})
            metrics["cross_corpus"] = cross_corpus(models, corpora, progress=update)
    if not metrics:
        raise InputError("the free models carry no metrics; run with --rerun.")
    print(_free_table(metrics))
    return 0
