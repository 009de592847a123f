"""The critic's model as plain JSON numbers: loading it never unpickles or executes anything.

Two kinds of model can be stored, and training picks between them by validation:

* ``logistic``: standardised logistic regression (mean, scale, coefficients, intercept);
* ``trees``: gradient-boosted trees exported from scikit-learn's HistGradientBoostingClassifier as
  arrays (split feature, threshold, children, leaf values), evaluated here with numpy.

Both give a probability that a line is real Renaissance polyphony, and per-feature contributions to it
(coefficient times standardised value for the first; the changes in node value along each tree's path
for the second), from which the "reasons" are drawn. ``typical`` is the mean of each feature over the
real training passages, shown beside a line's own value.

A SHA-256 digest of the content is stored beside it, so a file edited by hand or damaged in transit is
refused with a clear error, as is any file that is not such a model (a pickle, another JSON document).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from counterpoint.errors import InputError
from counterpoint.resources import data_dir

FORMAT = "counterpoint-critic/2"
MAX_BYTES = 20_000_000
TREE_FIELDS = ("feature", "threshold", "left", "right", "leaf", "value", "missing_left")


class CriticModelError(InputError):
    """A model file that is missing, tampered with, or not a critic model."""


@dataclass
class CriticModel:
    feature_names: tuple[str, ...]
    typical: np.ndarray
    kind: str  # "logistic" or "trees"
    params: dict  # logistic: mean, scale, coef, intercept; trees: baseline, trees
    metadata: dict = field(default_factory=dict)

    def select(self, X_full: np.ndarray) -> np.ndarray:
        """The model's columns, by name, from a feature matrix in this version's FEATURE_NAMES order.

        A newer catalogue may add rules (and so feature columns); a model trained before keeps using
        the columns it knows.
        """
        from counterpoint.critic.features import FEATURE_NAMES

        if self.feature_names == FEATURE_NAMES:
            return X_full
        if "columns" not in self.__dict__:
            index = {name: i for i, name in enumerate(FEATURE_NAMES)}
            self.__dict__["columns"] = np.array([index[name] for name in self.feature_names])
        return np.atleast_2d(X_full)[:, self.__dict__["columns"]]

    # -- prediction -------------------------------------------------------------------------------
    def decision(self, X: np.ndarray) -> np.ndarray:
        X = np.atleast_2d(np.asarray(X, dtype=float))
        if self.kind == "logistic":
            p = self.params
            return ((X - p["mean"]) / p["scale"]) @ p["coef"] + p["intercept"]
        # All trees at once on flat arrays: one step down per iteration for every (row, tree) pair still
        # at an inner node; pairs that reached a leaf drop out (half the trees of a joined model stop
        # at their gate).
        f = self._forest()
        n_rows, n_feat = X.shape
        n_trees = f["roots"].shape[1]
        flat_x = X.ravel()
        at = np.tile(f["roots"][0], n_rows)  # flat node index of each (row, tree) pair
        base = np.repeat(np.arange(n_rows) * n_feat, n_trees)
        active = np.arange(at.size)
        for _ in range(f["depth"]):
            nodes = at[active]
            inner = ~f["leaf"][nodes]
            active, nodes = active[inner], nodes[inner]
            if not active.size:
                break
            x = flat_x[base[active] + f["feature"][nodes]]
            go_left = np.where(np.isnan(x), f["missing_left"][nodes], x <= f["threshold"][nodes])
            at[active] = np.where(go_left, f["left"][nodes], f["right"][nodes])
        return self.params["baseline"] + f["value"][at].reshape(n_rows, n_trees).sum(axis=1)

    def _forest(self) -> dict:
        """All trees' nodes in flat arrays, children as flat indices, built once."""
        if "forest_arrays" not in self.__dict__:
            trees = self.params["trees"]
            offsets = np.cumsum([0] + [t["value"].shape[0] for t in trees])
            cat = lambda key: np.concatenate([t[key] for t in trees])  # noqa: E731
            forest = {"feature": cat("feature"), "threshold": cat("threshold"), "leaf": cat("leaf"),
                      "value": cat("value"), "missing_left": cat("missing_left"),
                      "left": np.concatenate([t["left"] + o for t, o in zip(trees, offsets)]),
                      "right": np.concatenate([t["right"] + o for t, o in zip(trees, offsets)]),
                      "roots": offsets[:-1][None, :], "depth": max(_depth(t) for t in trees)}
            self.__dict__["forest_arrays"] = forest
        return self.__dict__["forest_arrays"]

    def score(self, X: np.ndarray) -> np.ndarray:
        """Probability that each row is real Renaissance polyphony, in [0, 1]."""
        z = np.clip(self.decision(X), -50, 50)
        return 1.0 / (1.0 + np.exp(-z))

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """Each feature's push on the log-odds for one row (positive: more like the real music)."""
        x = np.asarray(x, dtype=float)
        if self.kind == "logistic":
            p = self.params
            return ((x - p["mean"]) / p["scale"]) * p["coef"]
        out = np.zeros(len(self.feature_names))
        for tree in self.params["trees"]:
            node = 0
            while not tree["leaf"][node]:
                f = tree["feature"][node]
                v = x[f]
                left = tree["missing_left"][node] if math.isnan(v) else v <= tree["threshold"][node]
                child = tree["left"][node] if left else tree["right"][node]
                out[f] += tree["value"][child] - tree["value"][node]
                node = child
        return out

    def reasons(self, x: np.ndarray, k: int = 3) -> list[dict]:
        """The k features that push most for and most against, with the line's value and the typical one."""
        c = self.contributions(x)
        # The species.* features only say which texture's trees judge the line, not what is good in it.
        c = np.where([n.startswith("species.") for n in self.feature_names], 0.0, c)
        order = np.argsort(c)
        picks = [(i, "for") for i in order[::-1][:k] if c[i] > 0] + [(i, "against") for i in order[:k] if c[i] < 0]
        return [{"feature": self.feature_names[i], "direction": d, "value": round(float(x[i]), 3),
                 "typical": round(float(self.typical[i]), 3), "weight": round(float(c[i]), 3)} for i, d in picks]

    # -- files ------------------------------------------------------------------------------------
    def to_payload(self) -> dict:
        def plain(v):
            if isinstance(v, np.ndarray):
                return v.tolist()
            if isinstance(v, dict):
                return {k: plain(x) for k, x in v.items()}
            if isinstance(v, list):
                return [plain(x) for x in v]
            return float(v) if isinstance(v, (np.floating, float)) else v

        return {"format": FORMAT, "kind": self.kind, "feature_names": list(self.feature_names),
                "typical": self.typical.tolist(), "params": plain(self.params), "metadata": self.metadata}

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        payload = self.to_payload()
        doc = {"model": payload, "sha256": _digest(payload)}
        path.write_text(json.dumps(doc, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
        return path


def _depth(tree: dict) -> int:
    """The longest root-to-leaf path of an exported tree."""
    depth, frontier = 0, [0]
    while True:
        frontier = [c for n in frontier if not tree["leaf"][n] for c in (tree["left"][n], tree["right"][n])]
        if not frontier:
            return depth
        depth += 1


def from_sklearn_trees(clf, feature_names, typical, metadata=None) -> CriticModel:
    """Export a fitted binary HistGradientBoostingClassifier (numeric features only) as plain arrays."""
    trees = []
    for (predictor,) in clf._predictors:
        nodes = predictor.nodes
        if nodes["is_categorical"].any():
            raise ValueError("categorical splits cannot be exported")
        trees.append({"feature": nodes["feature_idx"].astype(int), "threshold": nodes["num_threshold"].astype(float),
                      "left": nodes["left"].astype(int), "right": nodes["right"].astype(int),
                      "leaf": nodes["is_leaf"].astype(bool), "value": nodes["value"].astype(float),
                      "missing_left": nodes["missing_go_to_left"].astype(bool)})
    baseline = float(np.ravel(clf._baseline_prediction)[0])
    return CriticModel(tuple(feature_names), np.asarray(typical, dtype=float), "trees",
                       {"baseline": baseline, "trees": trees}, dict(metadata or {}))


def _digest(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def default_model_path() -> Path:
    return data_dir("critic") / "model.json"


def _arrays(name: str, params: dict, kind: str, n_features: int) -> dict:
    """Typed numpy arrays from the payload, checking every shape and index."""
    bad = CriticModelError(f"{name} has coefficients of the wrong shape or value; it was not loaded.")
    if kind == "logistic":
        out = {k: np.asarray(params[k], dtype=float) for k in ("mean", "scale", "coef")}
        out["intercept"] = float(params["intercept"])
        if any(out[k].shape != (n_features,) or not np.isfinite(out[k]).all() for k in ("mean", "scale", "coef")) \
                or (out["scale"] <= 0).any() or not math.isfinite(out["intercept"]):
            raise bad
        return out
    if kind != "trees":
        raise CriticModelError(f"{name} holds a model of unknown kind '{kind}'; it was not loaded.")
    trees = []
    for t in params["trees"]:
        tree = {"feature": np.asarray(t["feature"], dtype=int), "threshold": np.asarray(t["threshold"], dtype=float),
                "left": np.asarray(t["left"], dtype=int), "right": np.asarray(t["right"], dtype=int),
                "leaf": np.asarray(t["leaf"], dtype=bool), "value": np.asarray(t["value"], dtype=float),
                "missing_left": np.asarray(t["missing_left"], dtype=bool)}
        n = tree["value"].shape[0]
        inner = ~tree["leaf"]
        if n == 0 or any(tree[k].shape != (n,) for k in TREE_FIELDS) or not np.isfinite(tree["value"]).all() \
                or ((tree["feature"][inner] < 0) | (tree["feature"][inner] >= n_features)).any() \
                or ((tree["left"][inner] <= 0) | (tree["left"][inner] >= n) | (tree["right"][inner] <= 0)
                    | (tree["right"][inner] >= n)).any():
            raise bad
        trees.append(tree)
    baseline = float(params["baseline"])
    if not math.isfinite(baseline):
        raise bad
    return {"baseline": baseline, "trees": trees}


def load_model(path: str | Path | None = None) -> CriticModel:
    """Load and verify a critic model; raise CriticModelError with one sentence if it cannot be trusted."""
    from counterpoint.critic.features import FEATURE_NAMES

    path = Path(path) if path is not None else default_model_path()
    name = path.name
    if not path.is_file():
        raise CriticModelError(f"no critic model at {path}; train one with `counterpoint critic train`.")
    if path.stat().st_size > MAX_BYTES:
        raise CriticModelError(f"{name} is too large to be a critic model.")
    try:
        doc = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise CriticModelError(f"{name} is not a critic model (not JSON); it was not loaded.") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("model"), dict) or doc["model"].get("format") != FORMAT:
        raise CriticModelError(f"{name} is not a {FORMAT} model file; it was not loaded.")
    payload = doc["model"]
    if doc.get("sha256") != _digest(payload):
        raise CriticModelError(f"{name} does not match its checksum: it was changed after training; it was not loaded.")
    try:
        names = tuple(str(n) for n in payload["feature_names"])
        typical = np.asarray(payload["typical"], dtype=float)
        params = _arrays(name, payload["params"], str(payload["kind"]), len(names))
    except CriticModelError:
        raise
    except (KeyError, TypeError, ValueError):
        raise CriticModelError(f"{name} lacks a model field or has one of the wrong type; it was not loaded.") from None
    if typical.shape != (len(names),):
        raise CriticModelError(f"{name} has coefficients of the wrong shape or value; it was not loaded.")
    missing = [n for n in names if n not in set(FEATURE_NAMES)]
    if missing:
        raise CriticModelError(f"{name} uses features this version does not compute ({', '.join(missing[:3])}); retrain it.")
    return CriticModel(names, typical, str(payload["kind"]), params, dict(payload.get("metadata") or {}))
