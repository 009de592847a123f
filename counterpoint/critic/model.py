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

from counterpoint.critic.adjust import BadAdjustment, FeedbackAdjustment, adjustment_from_payload
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
    feedback: FeedbackAdjustment | None = None  # fitted to people's judgements (counterpoint.critic.adjust)

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
        """Log-odds for each row: the base model's, plus the feedback adjustment if the model has one."""
        X = np.atleast_2d(np.asarray(X, dtype=float))
        out = self.base_decision(X)
        if self.feedback is not None:
            out = out + self.feedback.delta(X[:, self._feedback_columns()])
        return out

    @property
    def digest(self) -> str:
        """The SHA-256 of the model's payload: the one stored in its file, or computed for a model made in memory."""
        if "payload_digest" not in self.__dict__:
            self.__dict__["payload_digest"] = _digest(self.to_payload())
        return self.__dict__["payload_digest"]

    def _feedback_columns(self) -> np.ndarray:
        if "feedback_columns" not in self.__dict__:
            index = {name: i for i, name in enumerate(self.feature_names)}
            self.__dict__["feedback_columns"] = np.array([index[n] for n in self.feedback.feature_names], dtype=int)
        return self.__dict__["feedback_columns"]

    def with_feedback(self, adjustment: FeedbackAdjustment | None, metadata: dict | None = None) -> CriticModel:
        """A copy of this model with ``adjustment`` in place of its own, ``metadata`` added to its own; None: the
        base model alone, without the ``feedback`` entry of its metadata."""
        merged = {**self.metadata, **(metadata or {})}
        if adjustment is None:
            merged.pop("feedback", None)
        return CriticModel(self.feature_names, self.typical, self.kind, self.params, merged, adjustment)

    def base_decision(self, X: np.ndarray) -> np.ndarray:
        """The trained model's log-odds, without any feedback adjustment."""
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
        out = self._base_contributions(x)
        if self.feedback is not None:
            out = out.copy()
            out[self._feedback_columns()] += self.feedback.contributions(x[self._feedback_columns()])
        return out

    def _base_contributions(self, x: np.ndarray) -> np.ndarray:
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

        payload = {"format": FORMAT, "kind": self.kind, "feature_names": list(self.feature_names),
                   "typical": self.typical.tolist(), "params": plain(self.params), "metadata": self.metadata}
        if self.feedback is not None:  # only then: a model without feedback keeps the payload (and digest) it had
            payload["feedback"] = self.feedback.to_payload()
        return payload

    def save(self, path: str | Path, *, force: bool = False) -> Path:
        """Write the model as JSON (strict: no NaN), safely; an existing file is replaced only with ``force``."""
        from counterpoint.files.safe import write_text

        payload = self.to_payload()
        try:
            text = json.dumps({"model": payload, "sha256": _digest(payload)}, sort_keys=True, separators=(",", ":"),
                              allow_nan=False)
        except ValueError:
            raise CriticModelError("the model holds a number that is not finite; it was not saved.") from None
        return write_text(path, text + "\n", force=force)


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


# -- loading: structural validation --------------------------------------------------------------
# The checksum has no key, so anyone can recompute it: it catches accidents, not forgeries. What makes a
# file safe to load is that every part of it is checked for shape, type, range and size first: a tree
# must be a tree (every node but the root has exactly one parent and is reached from the root, no cycles,
# at most MAX_DEPTH deep), every index in range, every number finite, every count bounded.
MAX_FEATURES = 10_000
MAX_TREES = 10_000
MAX_NODES = 100_000  # per tree
MAX_TOTAL_NODES = 2_000_000
MAX_DEPTH = 128
MAX_JSON_DEPTH = 64


class _Bad(Exception):
    """Internal: the payload is malformed (turned into one CriticModelError sentence)."""


def _numeric(v, n: int | None, kinds: str) -> np.ndarray:
    """``v`` as a numpy array, if it is a list (of length ``n``) of plain numbers whose array kind is in ``kinds``.

    Checked by numpy as a whole (a model holds millions of numbers): a string, None, a nested list, a
    boolean list or a number too large for 64 bits gives an array of another kind, and is refused.
    """
    if not isinstance(v, list) or (n is not None and len(v) != n):
        raise _Bad
    try:
        out = np.asarray(v)
    except (ValueError, OverflowError, TypeError):
        raise _Bad from None
    if out.ndim != 1 or out.dtype.kind not in kinds:
        raise _Bad
    return out


def _floats(v, n: int | None = None, *, inf: bool = False) -> np.ndarray:
    out = _numeric(v, n, "iuf").astype(float)
    if np.isnan(out).any() or (not inf and not np.isfinite(out).all()) or (np.abs(out[np.isfinite(out)]) > 2.0**53 * 1e300).any():
        raise _Bad
    return out


def _ints(v, n: int) -> np.ndarray:
    out = _numeric(v, n, "iu")
    if out.size and (out.min() < -2**31 or out.max() >= 2**31):
        raise _Bad
    return out.astype(np.int64)


def _bools(v, n: int) -> np.ndarray:
    out = _numeric(v, n, "biu")
    if out.dtype.kind != "b" and out.size and (out.min() < 0 or out.max() > 1):
        raise _Bad
    return out.astype(bool)


def _text_digest(text: str) -> str | None:
    """The payload's checksum read straight from a file that ``save`` wrote (``{"model":…,"sha256":"…"}``,
    canonical JSON), without encoding the parsed payload again; None for a file of any other layout, whose
    payload is then encoded and hashed as usual."""
    head, tail = '{"model":', ',"sha256":"'
    cut = text.rfind(tail)
    if not text.startswith(head) or cut < 0 or not text.rstrip().endswith('"}'):
        return None
    return hashlib.sha256(text[len(head):cut].encode()).hexdigest()


def _number(v, *, finite: bool = True) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or (isinstance(v, int) and abs(v) > 2**53):
        raise _Bad
    if not math.isfinite(v):
        raise _Bad
    return float(v)


def _tree(t, n_features: int) -> dict:
    if not isinstance(t, dict) or set(t) != set(TREE_FIELDS) or not isinstance(t["value"], list):
        raise _Bad
    n = len(t["value"])
    if not 1 <= n <= MAX_NODES:
        raise _Bad
    tree = {"feature": _ints(t["feature"], n), "threshold": _floats(t["threshold"], n, inf=True),
            "left": _ints(t["left"], n), "right": _ints(t["right"], n), "leaf": _bools(t["leaf"], n),
            "value": _floats(t["value"], n), "missing_left": _bools(t["missing_left"], n)}
    inner = ~tree["leaf"]
    feature, left, right = tree["feature"][inner], tree["left"][inner], tree["right"][inner]
    if ((feature < 0) | (feature >= n_features)).any() or ((left <= 0) | (left >= n) | (right <= 0) | (right >= n)).any():
        raise _Bad
    # A tree: the root has no parent, every other node exactly one, and all are reached from the root.
    parents = np.bincount(np.concatenate([left, right]), minlength=n)
    if parents[0] != 0 or (parents[1:] != 1).any():
        raise _Bad
    depth, frontier, seen = 0, np.array([0]), 1
    while True:
        frontier = frontier[inner[frontier]]
        if not frontier.size:
            break
        frontier = np.concatenate([tree["left"][frontier], tree["right"][frontier]])
        seen += frontier.size
        depth += 1
        if depth > MAX_DEPTH or seen > n:
            raise _Bad
    if seen != n:
        raise _Bad
    return tree


def _arrays(name: str, params: dict, kind: str, n_features: int) -> dict:
    """Typed numpy arrays from the payload, checking every shape, index, number and size."""
    bad = CriticModelError(f"{name} has coefficients of the wrong shape or value; it was not loaded.")
    if kind not in ("logistic", "trees"):
        raise CriticModelError(f"{name} holds a model of unknown kind '{kind[:40]}'; it was not loaded.")
    try:
        if not isinstance(params, dict):
            raise _Bad
        if kind == "logistic":
            out = {k: _floats(params.get(k), n_features) for k in ("mean", "scale", "coef")}
            out["intercept"] = _number(params.get("intercept"))
            if (out["scale"] <= 0).any():
                raise _Bad
            return out
        trees = params.get("trees")
        if not isinstance(trees, list) or not 1 <= len(trees) <= MAX_TREES:
            raise _Bad
        if sum(len(t.get("value", ())) if isinstance(t, dict) and isinstance(t.get("value"), list) else 0
               for t in trees) > MAX_TOTAL_NODES:
            raise _Bad
        return {"baseline": _number(params.get("baseline")), "trees": [_tree(t, n_features) for t in trees]}
    except _Bad:
        raise bad from None


def _json_depth_ok(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether brackets nest at most ``limit`` deep (strings skipped), checked before json parses anything."""
    import re

    depth = 0
    for m in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        c = m.group()
        if c in "[{":
            depth += 1
            if depth > limit:
                return False
        elif c in "]}":
            depth -= 1
    return True


def _no_constant(word: str):
    raise ValueError(f"{word} is not a JSON number")


def load_model(path: str | Path | None = None) -> CriticModel:
    """Load and verify a critic model; raise CriticModelError with one sentence if it cannot be trusted."""
    from counterpoint.critic.features import FEATURE_NAMES

    def names_problem(names: tuple[str, ...]) -> str | None:
        missing = [n for n in names if n not in set(FEATURE_NAMES)]
        return f"uses features this version does not compute ({', '.join(missing[:3])})" if missing else None

    return load_verified(Path(path) if path is not None else default_model_path(), names_problem)


def load_verified(path: Path, names_problem, what: str = "critic model",
                  train: str = "`counterpoint critic train`") -> CriticModel:
    """Load and verify a model file of this format (size, JSON depth, format, checksum, field types, every
    array's shape and every tree's structure, any feedback adjustment); ``names_problem(feature names)`` says
    what is wrong with its features for the critic reading it, or None. CriticModelError, one sentence, names
    the model as ``what`` and how to make one (``train``)."""
    name = path.name
    try:
        if not path.is_file():
            raise CriticModelError(f"no {what} at {path}; train one with {train}.")
        if path.stat().st_size > MAX_BYTES:
            raise CriticModelError(f"{name} is too large to be a critic model.")
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        reason = "permission denied" if isinstance(exc, PermissionError) else (exc.strerror or type(exc).__name__).lower()
        raise CriticModelError(f"the {what} {path} cannot be read: {reason}.") from None
    if len(raw) > MAX_BYTES:
        raise CriticModelError(f"{name} is too large to be a critic model.")
    try:
        text = raw.decode("utf-8")
        if not _json_depth_ok(text):
            raise CriticModelError(f"{name} nests deeper than a critic model does; it was not loaded.")
        doc = json.loads(text, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):  # JSONDecodeError, NaN, a 5,000-digit number
        raise CriticModelError(f"{name} is not a critic model (not JSON); it was not loaded.") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("model"), dict) or doc["model"].get("format") != FORMAT:
        raise CriticModelError(f"{name} is not a {FORMAT} model file; it was not loaded.")
    payload = doc["model"]
    if doc.get("sha256") != _text_digest(text) and doc.get("sha256") != _digest(payload):
        raise CriticModelError(f"{name} does not match its checksum: it was changed after training; it was not loaded.")
    names = payload.get("feature_names")
    metadata = payload.get("metadata") or {}
    if not isinstance(names, list) or not 1 <= len(names) <= MAX_FEATURES or not all(isinstance(n, str) for n in names) \
            or len(set(names)) != len(names) or not isinstance(payload.get("kind"), str) \
            or not isinstance(metadata, dict):
        raise CriticModelError(f"{name} lacks a model field or has one of the wrong type; it was not loaded.")
    names = tuple(names)
    try:
        typical = _floats(payload.get("typical"), len(names))
    except _Bad:
        raise CriticModelError(f"{name} has coefficients of the wrong shape or value; it was not loaded.") from None
    params = _arrays(name, payload.get("params"), payload["kind"], len(names))
    problem = names_problem(names)
    if problem:
        raise CriticModelError(f"{name} {problem}; retrain it.")
    adjustment = None
    if "feedback" in payload:
        try:
            adjustment = adjustment_from_payload(payload["feedback"], names)
        except BadAdjustment:
            raise CriticModelError(f"{name} has a feedback adjustment of the wrong shape or value; "
                                   "it was not loaded.") from None
    model = CriticModel(names, typical, payload["kind"], params, dict(metadata), adjustment)
    model.__dict__["payload_digest"] = doc["sha256"]
    return model
