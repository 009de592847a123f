"""The critic's model as plain JSON coefficients: loading it never unpickles or executes anything.

A model file holds the feature names, the standardisation (mean, scale), the logistic-regression
coefficients and intercept, and metadata (training data, metrics). A SHA-256 digest of that content is
stored beside it, so a file that was edited by hand or damaged in transit is refused with a clear
error, as is any file that is not such a model (a pickle, a skops file, another JSON document).
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

FORMAT = "counterpoint-critic/1"
MAX_BYTES = 5_000_000


class CriticModelError(InputError):
    """A model file that is missing, tampered with, or not a critic model."""


@dataclass
class CriticModel:
    feature_names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    metadata: dict = field(default_factory=dict)

    def decision(self, X: np.ndarray) -> np.ndarray:
        return ((X - self.mean) / self.scale) @ self.coef + self.intercept

    def score(self, X: np.ndarray) -> np.ndarray:
        """Probability that each row is real Renaissance polyphony, in [0, 1]."""
        z = np.clip(self.decision(np.atleast_2d(X)), -50, 50)
        return 1.0 / (1.0 + np.exp(-z))

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """Each feature's push on the log-odds for one row (positive: more like the real music)."""
        return ((x - self.mean) / self.scale) * self.coef

    def reasons(self, x: np.ndarray, k: int = 3) -> list[dict]:
        """The k features that push most for and most against, with their values."""
        c = self.contributions(x)
        order = np.argsort(c)
        picks = [(i, "for") for i in order[::-1][:k] if c[i] > 0] + [(i, "against") for i in order[:k] if c[i] < 0]
        return [{"feature": self.feature_names[i], "direction": d, "value": round(float(x[i]), 3),
                 "typical": round(float(self.mean[i]), 3), "weight": round(float(c[i]), 3)} for i, d in picks]

    # -- files ------------------------------------------------------------------------------------
    def to_payload(self) -> dict:
        return {"format": FORMAT, "feature_names": list(self.feature_names), "mean": self.mean.tolist(),
                "scale": self.scale.tolist(), "coef": self.coef.tolist(), "intercept": float(self.intercept),
                "metadata": self.metadata}

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        payload = self.to_payload()
        doc = {"model": payload, "sha256": _digest(payload)}
        path.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        return path


def _digest(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def default_model_path() -> Path:
    return data_dir("critic") / "model.json"


def load_model(path: str | Path | None = None) -> CriticModel:
    """Load and verify a critic model; raise CriticModelError with one sentence if it cannot be trusted."""
    from counterpoint.critic.features import FEATURE_NAMES

    path = Path(path) if path is not None else default_model_path()
    name = path.name
    if not path.is_file():
        raise CriticModelError(f"no critic model at {path}; train one with `counterpoint critic train`.")
    if path.stat().st_size > MAX_BYTES:
        raise CriticModelError(f"{name} is too large to be a critic model.")
    raw = path.read_bytes()
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise CriticModelError(f"{name} is not a critic model (not JSON); it was not loaded.") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("model"), dict) or doc["model"].get("format") != FORMAT:
        raise CriticModelError(f"{name} is not a {FORMAT} model file; it was not loaded.")
    payload = doc["model"]
    if doc.get("sha256") != _digest(payload):
        raise CriticModelError(f"{name} does not match its checksum: it was changed after training; it was not loaded.")
    try:
        names = tuple(str(n) for n in payload["feature_names"])
        arrays = [np.asarray(payload[k], dtype=float) for k in ("mean", "scale", "coef")]
        intercept = float(payload["intercept"])
    except (KeyError, TypeError, ValueError):
        raise CriticModelError(f"{name} lacks a model field or has one of the wrong type; it was not loaded.") from None
    if any(a.shape != (len(names),) for a in arrays) or not all(np.isfinite(a).all() for a in arrays) \
            or not math.isfinite(intercept) or (arrays[1] <= 0).any():
        raise CriticModelError(f"{name} has coefficients of the wrong shape or value; it was not loaded.")
    if names != FEATURE_NAMES:
        raise CriticModelError(f"{name} was trained on other features than this version computes; retrain it.")
    return CriticModel(names, *arrays, intercept, dict(payload.get("metadata") or {}))
