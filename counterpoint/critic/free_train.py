"""Training and evaluating the free-polyphony critic on the corpora bundled with music21.

The recipe
----------
1. **Pieces.** Every file of a corpus read as a :class:`~counterpoint.critic.free_read.Piece` (an ABC
   file of several tunes gives one piece per tune), cached as gzip JSON lines under
   ``$COUNTERPOINT_CACHE`` (``free-palestrina-v1-all.jsonl.gz``). A Palestrina piece's group is its
   mass (``!!!OPR``); the split (:func:`split_by_group`) holds out 20 % of the masses, seed 0, the same
   rule as the species critic's ``split_by_mass``.
2. **Windows** (:func:`counterpoint.critic.free.windows`): 32 quarter lengths, hop 16, every voice pair
   (two-voice model), voice triple (three-voice model) or four voices (four-voice model) that sound for most
   of the window. Windows are sampled evenly over the pieces up to a budget.
3. **Labels.** Positive: the real window. Negatives, rhythm kept: the issue's perturbation (a third of
   one voice's notes moved by a step or a third, :func:`counterpoint.critic.free.perturb`), and a light
   one (one to three notes of one voice moved), so the critic also feels single wrong notes. The
   three- and four-voice models also learn Palestrina's textures over a cantus firmus (one voice in whole
   notes for eight bars) against the generator's textures over the same cantus firmus in the same rhythm
   (:mod:`counterpoint.critic.texture_examples`), weighted by :data:`GENERATED_WEIGHT`.
4. **Model.** One gradient-boosted tree model per voice count (scikit-learn HistGradientBoosting, 300
   trees of at most 31 leaves), exported as JSON numbers with :func:`counterpoint.critic.model.from_sklearn_trees`.
5. **Evaluation** (:func:`train`, :func:`cross_corpus`): held-out AUC real vs perturbed, per voice count,
   beside the naive baseline (the share of consonant verticals); on Josquin, the share of windows where the real one
   outscores its perturbed copy, and the baseline's; the mean score of real windows by corpus; for three
   and four voices, held-out real textures against generated ones, beside a surface-only baseline
   (:func:`texture_metrics`).
"""

from __future__ import annotations

import gzip
import io
import json
import math
import os
import random
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from counterpoint.critic.free import featurize, move_notes, perturb, window_lines, windows
from counterpoint.critic.free_features import NAMES, VOICE_COUNTS, consonance_share, window_features
from counterpoint.critic.free_read import Line, Piece, pieces_from_parsed
from counterpoint.critic.model import CriticModel, from_sklearn_trees
from counterpoint.critic.parallel import parallel_map
from counterpoint.critic.texture_examples import generated_examples
from counterpoint.critic.train import auc, surface_baseline

VERSION = 1
CORPORA = ("palestrina", "josquin", "monteverdi", "bach", "trecento")
SUFFIX = {"monteverdi": (".mxl",), "bach": (".mxl",), "trecento": (".xml", ".mxl"), "josquin": (".abc",),
          "palestrina": (".krn",)}
TREES = {"max_iter": 300, "max_leaf_nodes": 31, "learning_rate": 0.1}
# The three- and four-voice models also learn real textures over a cantus firmus against the generator's in their rhythm
# (counterpoint.critic.texture_examples): each generated row weighs GENERATED_WEIGHT, each real one three times
# that (a real texture has three generated ones). Chosen on a validation split of the training masses among
# 0, 1, 3, 5 and 10 (critic/MODEL_CARD.md).
GENERATED_WEIGHT = 5.0
TEXTURE_HOP = 4  # bars between training textures over one cantus-firmus voice (held-out ones never overlap)
Progress = Callable[[str, int, int], None]


# -- pieces and their cache -------------------------------------------------------------------------

def corpus_files(name: str, limit: int | None = None) -> list[Path]:
    """The files of a corpus bundled with music21, in a fixed order (Palestrina: one movement per mass in turn)."""
    if name == "palestrina":
        from counterpoint.critic.corpus import select_files

        return select_files(limit)
    from music21 import corpus

    files = sorted(Path(p) for p in corpus.getComposer(name) if Path(p).suffix in SUFFIX[name])
    return files if limit is None else files[:limit]


def read_pieces(path: Path) -> list[dict] | None:
    """Every score of one file as Piece dicts; None when music21 cannot read it."""
    try:
        from music21 import converter

        from counterpoint.files.quiet import quiet

        with quiet():
            parsed = converter.parse(str(path), forceSource=True)  # never music21's own pickles: a cold read is cold
        group = path.stem
        if path.suffix == ".krn":
            from counterpoint.critic.corpus import read_header

            group = read_header(path).mass
        out = []
        for piece in pieces_from_parsed(parsed, title=path.stem, group=group):
            piece.meta = {"file": f"{path.parent.name}/{path.name}"}
            out.append(piece.to_dict())
        return out
    except Exception:  # noqa: BLE001 - music21 fails on a bad file in many ways; the build skips it
        return None


def cache_path(name: str, limit: int | None = None, cache_dir: Path | str | None = None) -> Path:
    if cache_dir is None:
        cache_dir = os.environ.get("COUNTERPOINT_CACHE") or Path.home() / ".cache" / "counterpoint"
    return Path(cache_dir) / f"free-{name}-v{VERSION}-{'all' if limit is None else f'first{limit}'}.jsonl.gz"


def load_pieces(name: str, limit: int | None = None, workers: int = 2, progress: Progress | None = None,
                files: list[Path] | None = None) -> list[Piece]:
    """The pieces of a corpus, read once into the cache and from it afterwards (``files``: these, uncached)."""
    path = cache_path(name, limit)
    if files is None and path.exists():
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            return [Piece.from_dict(json.loads(line)) for line in fh if line.strip()]
    todo = files if files is not None else corpus_files(name, limit)
    rows: list[dict] = []
    for k, result in enumerate(parallel_map(read_pieces, todo, workers)):
        rows.extend(result or [])
        if progress:
            progress(f"reading {name}", k + 1, len(todo))
    if files is None:
        buf = io.BytesIO()
        with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:
            for row in rows:
                gz.write((json.dumps(row) + "\n").encode("utf-8"))
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(buf.getvalue())
        os.replace(tmp, path)
    return [Piece.from_dict(r) for r in rows]


def split_by_group(pieces: list[Piece], test_fraction: float = 0.2, seed: int = 0) -> tuple[list[Piece], list[Piece]]:
    """(train, test) with whole groups (masses) on the test side, as ``corpus.split_by_mass`` does."""
    from counterpoint.critic.corpus import split_by_key

    return split_by_key(pieces, lambda p: p.group, test_fraction, seed)


# -- examples ---------------------------------------------------------------------------------------

def light_perturb(piece: Piece, lines: list[Line], a: float, b: float, rng: random.Random) -> list[Line]:
    """One to three notes of one voice moved by a step or a third (a subtler negative for training)."""
    r = rng.randrange(len(lines))
    v = lines[r]
    lo, hi = np.searchsorted(v.start, [a - 1e-9, b - 1e-9])
    if hi <= lo:
        return lines
    pick = rng.sample(range(int(lo), int(hi)), min(int(hi - lo), rng.randint(1, 3)))
    return move_notes(piece, lines, r, pick, a, rng)


def _examples_job(args) -> dict:
    """Sampled windows of one piece: real rows, perturbed rows (the issue's), light rows, baseline values."""
    piece, k, fraction, seed, light = args
    rng = random.Random(seed)
    wins = [w for w in windows(piece, k) if rng.random() < fraction]
    shared: dict = {}
    real, pert, lite, b_real, b_pert = [], [], [], [], []
    for a, b, combo in wins:
        lines = window_lines(piece, combo)
        moved = perturb(piece, lines, a, b, rng)
        real.append(window_features(piece, lines, a, b, shared))
        pert.append(window_features(piece, moved, a, b, shared))
        b_real.append(consonance_share(piece, lines, a, b))
        b_pert.append(consonance_share(piece, moved, a, b))
        if light:
            lite.append(window_features(piece, light_perturb(piece, lines, a, b, rng), a, b, shared))
    n = len(NAMES[k])
    arr = lambda rows: np.array(rows).reshape(-1, n)  # noqa: E731
    return {"real": arr(real), "perturbed": arr(pert), "light": arr(lite), "baseline_real": np.array(b_real),
            "baseline_perturbed": np.array(b_pert), "group": [piece.group] * len(wins)}


def examples(pieces: list[Piece], k: int, budget: int, seed: int = 0, light: bool = False, workers: int = 2,
             progress: Progress | None = None, label: str = "") -> dict:
    """About ``budget`` windows of ``k`` voices sampled evenly from the pieces, with their negatives."""
    total = sum(len(windows(p, k)) for p in pieces)
    fraction = min(1.0, budget / total) if total else 0.0
    jobs = [(p, k, fraction, seed * 100_003 + i, light) for i, p in enumerate(pieces)]
    parts = []
    for i, r in enumerate(parallel_map(_examples_job, jobs, workers, chunksize=4)):
        parts.append(r)
        if progress:
            progress(label or f"{k}-voice windows", i + 1, len(jobs))
    n = len(NAMES[k])
    out = {key: np.vstack([r[key] for r in parts]) if parts else np.zeros((0, n))
           for key in ("real", "perturbed", "light")}
    for key in ("baseline_real", "baseline_perturbed"):
        out[key] = np.concatenate([r[key] for r in parts]) if parts else np.zeros(0)
    out["group"] = [g for r in parts for g in r["group"]]
    return out


# -- fitting and metrics ----------------------------------------------------------------------------

def prefer_real(real: np.ndarray, fake: np.ndarray) -> float:
    """The share of windows whose real version outscores its perturbed copy (ties count half)."""
    return float(np.mean((real > fake) + 0.5 * (real == fake))) if len(real) else float("nan")


def fit(ex: dict, k: int, seed: int = 0, workers: int = 2, generated: dict | None = None) -> CriticModel:
    """The model for ``k`` voices: real windows against their perturbed copies, and, given ``generated``
    (:func:`~counterpoint.critic.texture_examples.generated_examples`), real textures against generated ones."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    neg = np.vstack([ex["perturbed"], ex["light"]]) if len(ex["light"]) else ex["perturbed"]
    X = np.vstack([ex["real"], neg])
    y = np.r_[np.ones(len(ex["real"])), np.zeros(len(neg))]
    w = np.ones(len(y))
    if generated is not None and len(generated["real"]):
        X = np.vstack([X, generated["real"], generated["generated"]])
        y = np.r_[y, np.ones(len(generated["real"])), np.zeros(len(generated["generated"]))]
        w = np.r_[w, np.full(len(generated["real"]), 3 * GENERATED_WEIGHT),
                  np.full(len(generated["generated"]), GENERATED_WEIGHT)]
    # OpenMP threads that wait for each other spin: on a busy machine a small fit took minutes instead of a
    # second with two threads. One thread for small data, ``workers`` (the cores we may use) otherwise.
    with threadpool_limits(limits=1 if len(y) < 20_000 else max(1, workers)):
        clf = HistGradientBoostingClassifier(**TREES, early_stopping=False, random_state=seed)
        clf.fit(X, y, sample_weight=w)
    return from_sklearn_trees(clf, NAMES[k], ex["real"].mean(axis=0))


def texture_metrics(model: CriticModel, train: dict, test: dict) -> dict:
    """Held-out real textures over a cantus firmus against the generator's in their rhythm: the critic's AUC,
    and that of a surface-only baseline (logistic regression on
    :func:`~counterpoint.critic.texture_examples.surface_row`, fitted on the ``train`` textures). Empty when
    either side has no texture."""
    if not len(test["real"]) or not len(train["real"]) or not len(train["generated"]):
        return {}
    base = surface_baseline(train["surface_real"], train["surface_generated"])
    r, g = model.score(test["real"]), model.score(test["generated"])
    per_window = [float(np.mean(r[i] > g[test["window"] == i])) for i in range(len(r)) if (test["window"] == i).any()]
    return {"texture_train_windows": len(train["real"]), "texture_test_windows": len(test["real"]),
            "texture_test_generated": len(test["generated"]),
            "auc_real_vs_generated": round(auc(r, g), 4),
            "baseline_auc_real_vs_generated": round(auc(base(test["surface_real"]),
                                                        base(test["surface_generated"])), 4),
            "real_above_its_generated": round(float(np.mean(per_window)), 4),
            "mean_score_real_textures": round(float(r.mean()), 4), "mean_score_generated": round(float(g.mean()), 4)}


def train(pieces: list[Piece], *, budget: dict[int, int] | None = None, test_budget: int = 3000, seed: int = 0,
          workers: int = 2, progress: Progress | None = None) -> tuple[dict[int, CriticModel], dict]:
    """Fit the 2-, 3- and 4-voice models on the training masses and measure them on the held-out ones.

    Returns the models (metadata: metrics, counts, seed) and the metrics. The held-out masses are part of
    neither model; the shipped models are these.
    """
    budget = budget or {k: 25_000 for k in VOICE_COUNTS}
    t0 = time.perf_counter()
    train_p, test_p = split_by_group(pieces, seed=seed)
    models, metrics = {}, {"pieces": len(pieces), "train_groups": len({p.group for p in train_p}),
                           "test_groups": len({p.group for p in test_p})}
    for k in VOICE_COUNTS:
        ex = examples(train_p, k, budget[k], seed, light=True, workers=workers, progress=progress,
                      label=f"{k}-voice training windows")
        gen = gen_test = None
        if k >= 3:
            gen = generated_examples(train_p, seed, hop=TEXTURE_HOP, workers=workers, progress=progress, voices=k)
            gen_test = generated_examples(test_p, seed + 1, workers=workers, progress=progress, voices=k)
        m = fit(ex, k, seed, workers, gen)
        test = examples(test_p, k, test_budget, seed + 1, workers=workers, progress=progress,
                        label=f"{k}-voice held-out windows")
        r, q = m.score(test["real"]), m.score(test["perturbed"])
        metrics[f"{k}v"] = {"train_windows": len(ex["real"]), "test_windows": len(test["real"]),
                            "auc_real_vs_perturbed": round(auc(r, q), 4),
                            "baseline_auc_real_vs_perturbed": round(auc(test["baseline_real"], test["baseline_perturbed"]), 4),
                            "prefer_real": round(prefer_real(r, q), 4),
                            "baseline_prefer_real": round(prefer_real(test["baseline_real"], test["baseline_perturbed"]), 4),
                            "mean_score_real": round(float(r.mean()), 4)}
        if gen is not None:
            metrics[f"{k}v"].update(texture_metrics(m, gen, gen_test))
        models[k] = m
    metrics["train_seconds"] = round(time.perf_counter() - t0, 1)
    for k, m in models.items():
        m.metadata = {"metrics": metrics, "voices": k, "seed": seed, "trees": TREES,
                      "test_groups": sorted({p.group for p in test_p})}
    return models, metrics


def cross_corpus(models: dict[int, CriticModel], pieces_by_corpus: dict[str, list[Piece]], budget: int = 2000,
                 seed: int = 0, workers: int = 2, progress: Progress | None = None) -> dict:
    """For each corpus and voice count: windows, mean score of the real windows, prefer-real share (real
    vs its perturbed copy) for the critic and for the consonance baseline. No retraining."""
    out: dict = {}
    for name, pieces in pieces_by_corpus.items():
        for k, m in models.items():
            ex = examples(pieces, k, budget, seed + 7, workers=workers, progress=progress, label=f"{name} {k}-voice")
            if not len(ex["real"]):
                out[f"{name} {k}v"] = {"windows": 0}
                continue
            r, q = m.score(ex["real"]), m.score(ex["perturbed"])
            out[f"{name} {k}v"] = {"windows": len(r), "pieces": len({g for g in ex["group"]}),
                                   "mean_score": round(float(r.mean()), 4),
                                   "prefer_real": round(prefer_real(r, q), 4),
                                   "baseline_prefer_real": round(prefer_real(ex["baseline_real"], ex["baseline_perturbed"]), 4),
                                   "auc_real_vs_perturbed": round(auc(r, q), 4)}
    return out


def scoring_speed(model: CriticModel, pieces: list[Piece], k: int, seconds: float = 3.0) -> dict:
    """Windows scored per second (features and model, from pieces already read), on one core."""
    done, t0 = 0, time.perf_counter()
    for p in pieces:
        wins = windows(p, k)
        if wins:
            model.score(featurize(p, wins))
            done += len(wins)
        if time.perf_counter() - t0 > seconds:
            break
    dt = time.perf_counter() - t0
    return {"windows": done, "seconds": round(dt, 2), "windows_per_second": round(done / dt) if dt else math.inf}
