"""`counterpoint critic`: train, evaluate and apply the style critic."""

from __future__ import annotations

import json
from pathlib import Path

from counterpoint.errors import InputError


def add_arguments(p) -> None:
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    t = sub.add_parser("train", help="train the critic on the Palestrina masses bundled with music21")
    t.add_argument("--limit", type=int, metavar="N", help="use only N movements (a quick subset; default: all 1,318)")
    t.add_argument("--out", metavar="FILE", help="where to write the model (default: the installed critic/model.json)")
    t.add_argument("--max-train", type=int, default=7000, metavar="N",
                   help="real training windows (default 7000), each also reduced to species skeletons")
    t.add_argument("--max-test", type=int, default=400, metavar="N", help="real held-out examples (default 400)")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    e = sub.add_parser("evaluate", help="print the installed model's held-out metrics (or a fresh evaluation)")
    e.add_argument("--model", metavar="FILE", help="a model file (default: the installed one)")
    e.add_argument("--rerun", action="store_true", help="recompute the held-out metrics from the cached corpus")
    e.add_argument("--limit", type=int, metavar="N", help="with --rerun: use only N movements")
    s = sub.add_parser("score", help="score a two-voice passage (MusicXML, kern, ABC) in [0, 1]")
    s.add_argument("file", metavar="FILE")
    s.add_argument("--model", metavar="FILE", help="a model file (default: the installed one)")
    s.add_argument("--format", choices=("text", "json"), default="text")


def run(args) -> int:
    return {"train": _train, "evaluate": _evaluate, "score": _score}[args.action](args)


def _progress():
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   transient=False)
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

    out = Path(args.out) if args.out else default_model_path()
    if args.out and out.exists() and not args.force:
        raise InputError(f"{out} already exists; choose another name or add --force to overwrite it.")
    if args.limit is not None and args.limit < 2:
        raise InputError("--limit must be at least 2, so that a mass can be held out.")
    print(f"reading the Palestrina corpus{f' ({args.limit} movements)' if args.limit else ''}; parsed passages are cached")
    passages = load_dataset(build_dataset(limit=args.limit, progress=True))
    bar, update = _progress()
    with bar:
        model, metrics = train(passages, max_train=args.max_train, max_test=args.max_test, seed=args.seed,
                               progress=update)
    model.metadata["limit"] = args.limit
    model.save(out)
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

    seed = int(model.metadata.get("seed", 0))
    passages = load_dataset(build_dataset(limit=args.limit, progress=True))
    _, test_p = split_by_mass(passages, test_fraction=0.2, seed=seed)
    bar, update = _progress()
    with bar:
        test = make_split(test_p, 400, 20, seed + 1, progress=update, label="held-out negatives")
    print(_metrics_table(evaluate(model, test)))
    return 0


def _score(args) -> int:
    from counterpoint.critic import load_model, score_file

    result = score_file(args.file, load_model(args.model) if args.model else None)
    if args.format == "json":
        print(json.dumps(result.to_dict(), indent=2))
        return 0
    print(f"{args.file}: critic score {result.score:.3f}")
    for r in result.reasons:
        print(f"  {'for' if r['direction'] == 'for' else 'against':<8} {r['feature']:<32} {r['value']:g} (typical {r['typical']:g})")
    return 0
