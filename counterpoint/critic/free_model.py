"""Loading a free-polyphony critic model: the CriticModel JSON format, checked as strictly.

``counterpoint.critic.model.load_model`` refuses a model whose features the *species* critic does not
compute, so the free models are read with the same checks (:func:`counterpoint.critic.model.load_verified`:
size, JSON depth, format, checksum, field types, every array's shape and every tree's structure, any
feedback adjustment) and their feature names checked against :data:`counterpoint.critic.free_features.NAMES`
instead.
"""

from __future__ import annotations

from pathlib import Path

from counterpoint.critic.free_features import NAMES
from counterpoint.critic.model import CriticModel, load_verified


def load_free_model(path: str | Path) -> CriticModel:
    """Load and verify a free critic model; raise CriticModelError with one sentence if it cannot be trusted."""

    def names_problem(names: tuple[str, ...]) -> str | None:
        return None if names in NAMES.values() else "is not a free critic model this version computes the features of"

    return load_verified(Path(path), names_problem, "free critic model", "`counterpoint critic train --free`")
