"""Train and evaluate the critic: real Palestrina counterpoint against generated and perturbed lines.

The recipe (see critic/MODEL_CARD.md):

1. Build (or reuse) the cached passage dataset; split it by mass, so no mass is on both sides.
2. Turn passages into species-like exercises (counterpoint/critic/examples.py) and reduce each to its
   first- and fourth-species skeletons where those are legal; each real exercise gets one generated and
   one perturbed negative over the same cantus firmus, in the same rhythm.
3. Features: counterpoint/critic/features.py. Two texture models, florid and reduced, each chosen on a
   validation split of the training masses by the mean of two AUCs (real vs generated, real vs
   perturbed) among gradient-boosted tree candidates (logistic regression is fitted and reported too),
   refitted on all training masses and joined into one tree model (gate_forests), saved as JSON numbers.
4. Held-out evaluation on the florid windows: AUC real vs generated and real vs perturbed, the same for a
   baseline that sees only surface cues, and a ranking test (the real line against 20 generated lines over
   its cantus firmus); then the AUCs on each species' skeletons.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from counterpoint.catalogue.engine import check_exercise
from counterpoint.catalogue.rulebook import load_rulebook
from counterpoint.critic.examples import SKELETON_SPECIES, generated, negatives_rulebook, passage_exercises, perturbed, \
    skeleton
from counterpoint.critic.features import batches, FEATURE_NAMES, Texture, baseline, count_matrix, extract
from counterpoint.critic.model import CriticModel
from counterpoint.critic.parallel import parallel_map
from counterpoint.model.exercise import Exercise

CANDIDATES: dict[str, dict] = {
    "logistic C=0.1": {"kind": "logistic", "C": 0.1},
    "logistic C=1": {"kind": "logistic", "C": 1.0},
    "trees 200x31": {"kind": "trees", "max_iter": 200, "max_leaf_nodes": 31, "learning_rate": 0.1},
    "trees 400x15": {"kind": "trees", "max_iter": 400, "max_leaf_nodes": 15, "learning_rate": 0.05},
    "trees 800x15": {"kind": "trees", "max_iter": 800, "max_leaf_nodes": 15, "learning_rate": 0.05},
    "trees 800x31": {"kind": "trees", "max_iter": 800, "max_leaf_nodes": 31, "learning_rate": 0.05},
}
Progress = Callable[[str, int, int], None]


@dataclass
class Split:
    real: list[Exercise] = field(default_factory=list)
    generated: list[Exercise] = field(default_factory=list)
    perturbed: list[Exercise] = field(default_factory=list)
    masses: set[str] = field(default_factory=set)


def featurize(exercises: Sequence[Exercise], with_baseline: bool = False):
    """Feature rows (and optionally surface-baseline rows) in input order; batches share cantus firmus and rhythm."""
    book = load_rulebook("fux")
    X = np.zeros((len(exercises), len(FEATURE_NAMES)))
    B = np.zeros((len(exercises), 9)) if with_baseline else None
    for idx in batches(exercises):
        batch = [exercises[i] for i in idx]
        tex = Texture.from_exercises(batch)
        X[idx] = extract(tex, count_matrix([check_exercise(ex, book) for ex in batch]))
        if B is not None:
            B[idx] = baseline(tex)
    return (X, B) if with_baseline else X


def _negatives_job(args) -> list[tuple[Exercise, list[Exercise], Exercise]]:
    """A window and its species skeletons, each with its generated and perturbed negatives."""
    window, n, seed = args
    rng = random.Random(seed)
    book = negatives_rulebook()
    reals = [window] + [sk for s in SKELETON_SPECIES if (sk := skeleton(window, s, rng, book)) is not None]
    # The ranking test (20 rivals) is run on the florid windows; a skeleton needs one generated rival.
    return [(ex, generated(ex, n if ex.species == 5 else 1, seed, time_limit=1.5), perturbed(ex, random.Random(seed)))
            for ex in reals]


def make_split(passages, max_real: int, n_generated: int, seed: int, workers: int = 2,
               progress: Progress | None = None, label: str = "") -> Split:
    """Real exercises from the passages (at most ``max_real`` windows, sampled), each with its negatives.

    Each window comes in Palestrina's own rhythm (fifth species) and as its species skeletons
    (:func:`counterpoint.critic.examples.skeleton`, first and fourth species) where those are legal.
    """
    rng = random.Random(seed)
    windows = [ex for p in passages for ex in passage_exercises(p)]
    rng.shuffle(windows)
    windows = windows[:max_real]
    out = Split(masses={p.mass for p in passages})
    jobs = [(ex, n_generated, seed + i) for i, ex in enumerate(windows)]
    for k, results in enumerate(parallel_map(_negatives_job, jobs, workers, chunksize=8)):
        for real, gen, pert in results:
            if gen:  # keep a real example only where the generator could write against its cantus firmus
                out.real.append(real)
                out.generated.append(gen)
                out.perturbed.append(pert)
        if progress:
            progress(label, k + 1, len(jobs))
    return out


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """Area under the ROC curve: the chance a random positive outscores a random negative (ties half)."""
    from sklearn.metrics import roc_auc_score

    y = np.r_[np.ones(len(pos)), np.zeros(len(neg))]
    return float(roc_auc_score(y, np.r_[pos, neg]))


def surface_baseline(positive: np.ndarray, negative: np.ndarray):
    """A naive baseline fitted on rows of surface cues: a logistic regression on standardised columns, positive
    against negative rows; returns the function that scores rows (the probability of positive)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    X = np.vstack([positive, negative])
    y = np.r_[np.ones(len(positive)), np.zeros(len(negative))]
    scaler = StandardScaler().fit(X)
    lr = LogisticRegression(max_iter=2000).fit(scaler.transform(X), y)
    return lambda rows: lr.predict_proba(scaler.transform(rows))[:, 1]


def fit(X: np.ndarray, y: np.ndarray, spec: dict, seed: int = 0) -> CriticModel:
    """Fit one candidate model; ``typical`` is the mean of the real rows."""
    typical = X[y == 1].mean(axis=0)
    if spec["kind"] == "logistic":
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import StandardScaler

        scaler = StandardScaler().fit(X)
        scale = np.where(scaler.scale_ > 1e-9, scaler.scale_, 1.0)
        lr = LogisticRegression(C=spec["C"], max_iter=5000).fit((X - scaler.mean_) / scale, y)
        return CriticModel(FEATURE_NAMES, typical, "logistic", {"mean": scaler.mean_, "scale": scale,
                                                                "coef": lr.coef_[0], "intercept": float(lr.intercept_[0])})
    from sklearn.ensemble import HistGradientBoostingClassifier

    from counterpoint.critic.model import from_sklearn_trees

    clf = HistGradientBoostingClassifier(max_iter=spec["max_iter"], max_leaf_nodes=spec["max_leaf_nodes"],
                                         learning_rate=spec["learning_rate"], early_stopping=False,
                                         random_state=seed).fit(X, y)
    return from_sklearn_trees(clf, FEATURE_NAMES, typical)


def _xy(split: Split, X_real, X_gen, X_pert):
    X = np.vstack([X_real, X_gen, X_pert])
    y = np.r_[np.ones(len(X_real)), np.zeros(len(X_gen) + len(X_pert))]
    return X, y


def choose_model(train: Split, seed: int, kinds: tuple[str, ...] = ("logistic", "trees")) -> tuple[str, dict]:
    """The candidate of ``kinds`` with the best mean validation AUC (real vs generated, real vs perturbed);
    every candidate's AUC is reported."""
    masses = sorted({ex.title.split(",")[0] for ex in train.real})
    random.Random(seed).shuffle(masses)
    val_masses = set(masses[: max(1, len(masses) // 5)])
    is_val = np.array([ex.title.split(",")[0] in val_masses for ex in train.real])
    Xr, Xg, Xp = (featurize(x) for x in (train.real, [g[0] for g in train.generated], train.perturbed))
    scores = {}
    for name, spec in CANDIDATES.items():
        m = fit(*_xy(train, Xr[~is_val], Xg[~is_val], Xp[~is_val]), spec, seed)
        real = m.score(Xr[is_val])
        scores[name] = (auc(real, m.score(Xg[is_val])) + auc(real, m.score(Xp[is_val]))) / 2
    best = max((k for k in scores if CANDIDATES[k]["kind"] in kinds), key=lambda k: (scores[k], k))
    return best, {"validation_mean_auc": {k: round(v, 4) for k, v in scores.items()}, "model": best}


def _score(model: CriticModel, X: np.ndarray) -> np.ndarray:
    return model.score(model.select(X))  # a model trained before new rules were added uses its own columns


def _only(split: Split, *species: int) -> Split:
    keep = [k for k, ex in enumerate(split.real) if ex.species in species]
    return Split([split.real[k] for k in keep], [split.generated[k] for k in keep],
                 [split.perturbed[k] for k in keep], split.masses)


def evaluate(model: CriticModel, test: Split, train: Split | None = None) -> dict:
    """Held-out metrics: AUCs of the critic and of the surface baseline, and the ranking test, on the
    florid windows (Palestrina's own rhythm); then the AUCs on each species' skeletons."""
    metrics = _evaluate(model, _only(test, 5), None if train is None else _only(train, 5))
    for s in SKELETON_SPECIES:
        part = _only(test, s)
        if not part.real:
            continue
        r = _score(model, featurize(part.real))
        metrics[f"species{s}_test_real"] = len(part.real)
        metrics[f"species{s}_auc_real_vs_generated"] = round(auc(r, _score(model, featurize([g[0] for g in part.generated]))), 4)
        metrics[f"species{s}_auc_real_vs_perturbed"] = round(auc(r, _score(model, featurize(part.perturbed))), 4)
    return metrics


def _evaluate(model: CriticModel, test: Split, train: Split | None = None) -> dict:
    Xr, Br = featurize(test.real, with_baseline=True)
    gens = [g[0] for g in test.generated]
    Xg, Bg = featurize(gens, with_baseline=True)
    Xp, Bp = featurize(test.perturbed, with_baseline=True)
    metrics = {
        "test_real": len(test.real),
        "test_masses": len(test.masses),
        "auc_real_vs_generated": round(auc(_score(model, Xr), _score(model, Xg)), 4),
        "auc_real_vs_perturbed": round(auc(_score(model, Xr), _score(model, Xp)), 4),
    }
    if train is not None:  # the baseline is trained like the critic, on the same training examples
        _, tBr = featurize(train.real, with_baseline=True)
        _, tBg = featurize([g[0] for g in train.generated], with_baseline=True)
        _, tBp = featurize(train.perturbed, with_baseline=True)
        p = surface_baseline(tBr, np.vstack([tBg, tBp]))
        metrics["baseline_auc_real_vs_generated"] = round(auc(p(Br), p(Bg)), 4)
        metrics["baseline_auc_real_vs_perturbed"] = round(auc(p(Br), p(Bp)), 4)
    ranks = []
    for k, real in enumerate(test.real):
        rivals = test.generated[k][:20]
        if len(rivals) < 20:
            continue
        s = _score(model, featurize([real, *rivals]))
        ranks.append(1 + int((s[1:] > s[0]).sum()))
    if ranks:
        r = np.array(ranks)
        metrics["ranking_cases"] = len(ranks)
        metrics["ranking_first"] = round(float((r == 1).mean()), 4)
        metrics["ranking_mrr"] = round(float((1 / r).mean()), 4)
    return metrics


def train(passages, *, max_train: int = 2500, max_test: int = 400, seed: int = 0, workers: int = 2,
          progress: Progress | None = None) -> tuple[CriticModel, dict]:
    """Train on passages (split by mass), evaluate on the held-out masses; returns the model and its metrics."""
    from counterpoint.critic.corpus import split_by_mass

    train_p, test_p = split_by_mass(passages, test_fraction=0.2, seed=seed)
    train_split = make_split(train_p, max_train, 1, seed, workers, progress, "training negatives")
    test_split = make_split(test_p, max_test, 20, seed + 1, workers, progress, "held-out negatives")
    # Two models, one per texture, joined into one forest (gate_forests): the florid one learns Palestrina's
    # own rhythm as before, the other his lines reduced to first and fourth species. Only trees can be joined.
    florid, reduced = _only(train_split, 5), _only(train_split, *SKELETON_SPECIES)
    parts, selection = [], {}
    for name, part in (("florid", florid), ("reduced", reduced)):
        if len({ex.title.split(",")[0] for ex in part.real}) < 2:  # too few to select on (a tiny subset):
            part = train_split  # this texture's trees learn from every example
        choice, sel = choose_model(part, seed, kinds=("trees",))
        Xr, Xg, Xp = (featurize(x) for x in (part.real, [g[0] for g in part.generated], part.perturbed))
        parts.append(fit(*_xy(part, Xr, Xg, Xp), CANDIDATES[choice], seed))
        selection[name] = {"train_real": len(part.real), **sel}
    model = gate_forests(*parts, typical=featurize(train_split.real).mean(axis=0))
    choice = f"florid: {selection['florid']['model']}; reduced: {selection['reduced']['model']}"
    metrics = {"train_real": len(train_split.real), "train_masses": len(train_split.masses), "model": choice,
               "selection": selection, **evaluate(model, test_split, train_split)}
    model.metadata = {"metrics": metrics, "passages": len(passages), "seed": seed, "model": choice}
    return model, metrics


def gate_forests(florid: CriticModel, reduced: CriticModel, typical: np.ndarray) -> CriticModel:
    """One tree model that scores a line with ``reduced`` when it is first or fourth species (the
    ``species.*`` features) and with ``florid`` otherwise: every tree gets a root that sends the other
    texture to a leaf of value 0, and one more tree adds each model's baseline. The result is an ordinary
    ``trees`` model, so it is stored and loaded like any other."""
    names = florid.feature_names
    gates = [names.index("species.note_against_note"), names.index("species.syncopated")]

    def leaf(value: float) -> dict:
        return {"feature": [0], "threshold": [0.0], "left": [0], "right": [0], "leaf": [True], "value": [value],
                "missing_left": [False]}

    def join(a: dict, b: dict) -> dict:
        """A node splitting on the gate features: florid (both 0) goes to ``a``, reduced to ``b``."""
        # node 0: note_against_note <= 0.5 ? node 1 : b ; node 1: syncopated <= 0.5 ? a : b (second copy)
        na, nb = len(a["value"]), len(b["value"])
        shift = lambda t, k: {**t, "left": [x + k if not lf else x for x, lf in zip(t["left"], t["leaf"])],  # noqa: E731
                              "right": [x + k if not lf else x for x, lf in zip(t["right"], t["leaf"])]}
        a2, b1, b2 = shift(a, 2), shift(b, 2 + na), shift(b, 2 + na + nb)
        out = {"feature": [gates[0], gates[1]], "threshold": [0.5, 0.5], "left": [1, 2], "right": [2 + na, 2 + na + nb],
               "leaf": [False, False], "value": [0.0, 0.0], "missing_left": [False, False]}
        for t in (a2, b1, b2):
            for key in out:
                out[key] = out[key] + list(t[key])
        return {k: np.asarray(v, dtype=type(v[0]) if k != "value" and k != "threshold" else float)
                for k, v in out.items()}

    plain = lambda t: {k: np.asarray(v).tolist() for k, v in t.items()}  # noqa: E731
    trees = [join(plain(t), leaf(0.0)) for t in florid.params["trees"]]
    trees += [join(leaf(0.0), plain(t)) for t in reduced.params["trees"]]
    trees.append(join(leaf(florid.params["baseline"]), leaf(reduced.params["baseline"])))
    return CriticModel(names, np.asarray(typical, dtype=float), "trees", {"baseline": 0.0, "trees": trees})
