"""Loading a free-polyphony critic model: the CriticModel JSON format, checked as strictly.

``counterpoint.critic.model.load_model`` refuses a model whose features the *species* critic does not
compute, so the free models are read here with the same checks (size, JSON depth, format, checksum,
field types, every array's shape and every tree's structure, reusing that module's validators) and
their feature names checked against :data:`counterpoint.critic.free_features.NAMES` instead.
"""

from __future__ import annotations

import json
from pathlib import Path

from counterpoint.critic import model as _m
from counterpoint.critic.free_features import NAMES
from counterpoint.critic.model import CriticModel, CriticModelError


def load_free_model(path: str | Path) -> CriticModel:
    """Load and verify a free critic model; raise CriticModelError with one sentence if it cannot be trusted."""
    path = Path(path)
    name = path.name
    try:
        if not path.is_file():
            raise CriticModelError(f"no free critic model at {path}; train one with `counterpoint critic train --free`.")
        with open(path, "rb") as fh:
            raw = fh.read(_m.MAX_BYTES + 1)
    except OSError as exc:
        reason = "permission denied" if isinstance(exc, PermissionError) else (exc.strerror or type(exc).__name__).lower()
        raise CriticModelError(f"the free critic model {path} cannot be read: {reason}.") from None
    if len(raw) > _m.MAX_BYTES:
        raise CriticModelError(f"{name} is too large to be a critic model.")
    try:
        text = raw.decode("utf-8")
        if not _m._json_depth_ok(text):
            raise CriticModelError(f"{name} nests deeper than a critic model does; it was not loaded.")
        doc = json.loads(text, parse_constant=_m._no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise CriticModelError(f"{name} is not a critic model (not JSON); it was not loaded.") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("model"), dict) or doc["model"].get("format") != _m.FORMAT:
        raise CriticModelError(f"{name} is not a {_m.FORMAT} model file; it was not loaded.")
    payload = doc["model"]
    if doc.get("sha256") != _m._text_digest(text) and doc.get("sha256") != _m._digest(payload):
        raise CriticModelError(f"{name} does not match its checksum: it was changed after training; it was not loaded.")
    names = payload.get("feature_names")
    metadata = payload.get("metadata") or {}
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names) or not isinstance(metadata, dict) \
            or not isinstance(payload.get("kind"), str):
        raise CriticModelError(f"{name} lacks a model field or has one of the wrong type; it was not loaded.")
    names = tuple(names)
    if names not in NAMES.values():
        raise CriticModelError(f"{name} is not a free critic model this version computes the features of; retrain it.")
    try:
        typical = _m._floats(payload.get("typical"), len(names))
    except _m._Bad:
        raise CriticModelError(f"{name} has coefficients of the wrong shape or value; it was not loaded.") from None
    params = _m._arrays(name, payload.get("params"), payload["kind"], len(names))
    return CriticModel(names, typical, payload["kind"], params, dict(metadata))
