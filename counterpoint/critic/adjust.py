"""A feedback adjustment on top of any critic model, fitted to human judgements (issue 9.4).

People's judgements say "A is better than B" (or rate passages 1-5, which become such pairs between
passages with different ratings). The adjusted critic scores a line as

    score'(x) = sigmoid(decision(x) + w · z(x)),   z(x) = clip((x_S - mean) / scale, -Z_CLIP, Z_CLIP)

where ``decision`` is the base model's log-odds (logistic or trees alike), ``S`` a subset of its features
and ``w`` is fitted by a Bradley–Terry model: P(A preferred to B) = sigmoid(d(A) - d(B) + w · (z(A) - z(B))),
L2-regularised (the prior variance of ``w · z`` is ``regularisation``, however many features), with the base
model's own difference d(A) - d(B) as a fixed offset. So ``w`` learns only
what the base critic gets wrong about the judgements; where the base already agrees, ``w`` stays small.

The fitting takes feature rows and index pairs, never a store: the feedback package reads the store and
calls :func:`fit_adjustment`. The adjustment is stored as plain numbers in the model file (block
``feedback``) and validated on load like the rest of it (:func:`adjustment_from_payload`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

Z_CLIP = 6.0  # a held-out line far outside the judged ones moves the score by at most 6 standard deviations' worth
MIN_SCALE = 1e-6  # features (nearly) constant over the judged passages carry no information: left out
MAX_COEF = 1e6
MAX_COUNT = 10**12
FIELDS = ("feature_names", "mean", "scale", "coef", "n_judgements", "n_pairs", "fitted_at", "regularisation")


@dataclass(frozen=True)
class FeedbackAdjustment:
    feature_names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    n_judgements: int
    n_pairs: int
    fitted_at: str  # ISO-8601 UTC
    regularisation: float = 1.0  # C: the prior variance of the adjustment's log-odds (the L2 penalty is k / 2C)

    def z(self, X: np.ndarray) -> np.ndarray:
        """Standardised, clipped values of the adjustment's features; ``X`` has these columns, in this order."""
        return np.clip((np.atleast_2d(X) - self.mean) / self.scale, -Z_CLIP, Z_CLIP)

    def delta(self, X: np.ndarray) -> np.ndarray:
        """The change in log-odds for each row."""
        return self.z(X) @ self.coef

    def contributions(self, x: np.ndarray) -> np.ndarray:
        return self.z(x)[0] * self.coef

    def to_payload(self) -> dict:
        return {"feature_names": list(self.feature_names), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "coef": self.coef.tolist(), "n_judgements": int(self.n_judgements), "n_pairs": int(self.n_pairs),
                "fitted_at": self.fitted_at, "regularisation": float(self.regularisation)}


def fit_adjustment(X: np.ndarray, names, base_decision: np.ndarray, pairs, *, n_judgements: int, fitted_at: str,
                   regularisation: float = 1.0) -> FeedbackAdjustment:
    """Fit ``w`` to ``pairs`` of row indices (winner, loser) of ``X``, whose columns are ``names``.

    ``base_decision`` is the base model's log-odds for each row of ``X``. Raises ValueError when there is
    no pair, or no feature varies over the judged rows (nothing to learn from).
    """
    from scipy.optimize import minimize

    X = np.asarray(X, dtype=float)
    pairs = np.asarray(pairs, dtype=int).reshape(-1, 2)
    if not pairs.size:
        raise ValueError("no pairs to learn from")
    used = np.unique(pairs)
    rows = X[used]
    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    keep = np.isfinite(mean) & np.isfinite(scale) & (scale > MIN_SCALE)
    if not keep.any():
        raise ValueError("no feature varies over the judged passages")
    names = tuple(n for n, k in zip(names, keep) if k)
    mean, scale = mean[keep], scale[keep]
    Z = np.clip((X[:, keep] - mean) / scale, -Z_CLIP, Z_CLIP)
    D = Z[pairs[:, 0]] - Z[pairs[:, 1]]
    offset = np.clip(base_decision[pairs[:, 0]] - base_decision[pairs[:, 1]], -50, 50)
    # Prior: w ~ N(0, C / k) for k features, so the adjustment w · z of a typical line (z of unit variance) has
    # variance about C whatever the number of features; a handful of judgements then moves scores a little,
    # not to 0 or 1.
    penalty = D.shape[1] / (2.0 * regularisation)

    def loss(w):
        m = offset + D @ w  # margin of the preferred passage
        value = np.logaddexp(0.0, -m).sum() + penalty * (w @ w)
        grad = -(D * (1.0 / (1.0 + np.exp(np.clip(m, -50, 50))))[:, None]).sum(axis=0) + 2 * penalty * w
        return value, grad

    result = minimize(loss, np.zeros(D.shape[1]), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    coef = np.clip(result.x, -MAX_COEF, MAX_COEF)
    return FeedbackAdjustment(names, mean, scale, coef, int(n_judgements), int(len(pairs)), fitted_at,
                              float(regularisation))


class BadAdjustment(Exception):
    """The ``feedback`` block of a model file is malformed (the loader turns it into one sentence)."""


def _vector(v, n: int) -> np.ndarray:
    if not isinstance(v, list) or len(v) != n or not all(
            isinstance(x, (int, float)) and not isinstance(x, bool) for x in v):
        raise BadAdjustment
    out = np.asarray(v, dtype=float)
    if not np.isfinite(out).all() or (np.abs(out) > 1e300).any():
        raise BadAdjustment
    return out


def _count(v) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= MAX_COUNT:
        raise BadAdjustment
    return v


def adjustment_from_payload(block, model_features) -> FeedbackAdjustment:
    """A FeedbackAdjustment from a model file's ``feedback`` block, every part checked; BadAdjustment if not."""
    if not isinstance(block, dict) or set(block) != set(FIELDS):
        raise BadAdjustment
    names = block["feature_names"]
    known = set(model_features)
    if not isinstance(names, list) or not 1 <= len(names) <= len(known) or len(set(names)) != len(names) \
            or not all(isinstance(n, str) and n in known for n in names):
        raise BadAdjustment
    n = len(names)
    mean, scale, coef = (_vector(block[k], n) for k in ("mean", "scale", "coef"))
    if (scale < MIN_SCALE).any() or (np.abs(coef) > MAX_COEF).any():
        raise BadAdjustment
    fitted_at = block["fitted_at"]
    if not isinstance(fitted_at, str) or len(fitted_at) > 40:
        raise BadAdjustment
    c = block["regularisation"]
    if isinstance(c, bool) or not isinstance(c, (int, float)) or not math.isfinite(c) or not 0 < c <= 1e6:
        raise BadAdjustment
    return FeedbackAdjustment(tuple(names), mean, scale, coef, _count(block["n_judgements"]), _count(block["n_pairs"]),
                              fitted_at, float(c))
