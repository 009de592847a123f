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
    t.add_argument("--max-train", type=int, default=7000, metavar="N",
                   help="real training windows (default 7000), each also reduced to species skeletons")
    t.add_argument("--max-test", type=int, default=400, metavar="N", help="real held-out examples (default 400)")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--force", action="store_true", help="overwrite --out (or the installed model) if it exists")
    e = sub.add_parser("evaluate", help="print the installed model's held-out metrics (or a fresh evaluation)")
    e.add_argument("--model", metavar="FILE", help="a model file (default: the installed one)")
    e.add_argument("--rerun", action="store_true", help="recompute the held-out metrics from the cached corpus")
    e.add_argument("--limit", type=int, metavar="N", help="with --rerun: use only N movements")
    s = sub.add_parser("score", help="score a two-voice passage, or a species exercise of three voices or more over its voice pairs "
                       "(MusicXML, kern, ABC), in [0, 1]")
    s.add_argument("file", metavar="FILE")
    s.add_argument("--model", metavar="FILE", help="a model file (default: the installed one)")
    s.add_argument("--format", choices=("text", "json"), default="text")
    add_max_size(s)


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
    head = (f"trained on {m.get('train_real')} real passages from {m.get('train_masses')} masses; "
            f"held out {m.get('test_real')} from {m.get('test_masses')} other masses; model: {m.get('model')}")
    return head + "\n\n" + "\n".join(f"  {label:<48} {value}" for label, value in rows if value is not None)


def _evaluate(args) -> int:
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
    print(_metrics_table(metrics))
    return 0


def _score(args) -> int:
    from counterpoint.critic import load_model, score_file

    result = score_file(args.file, load_model(args.model) if args.model else None)
    if args.format == "json":
        from counterpoint.io.writers import strict_json

        print(strict_json(result.to_dict(), indent=2))
        return 0
    print(f"{args.file}: critic score {result.score:.3f}")
    for voices, value in getattr(result, "pairs", ()):
        print(f"  {voices:<24} {value:.3f}")
    for r in result.reasons:
        print(f"  {'for' if r['direction'] == 'for' else 'against':<8} {r['feature']:<32} {r['value']:g} (typical {r['typical']:g})")
    return 0
