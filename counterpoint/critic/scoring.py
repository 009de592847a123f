"""Scoring with the critic: one exercise or solution, or many at once, and the blend used for ranking."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
import math
from functools import lru_cache

import numpy as np

from counterpoint.catalogue.engine import check_exercise
from counterpoint.catalogue.rulebook import load_rulebook
from counterpoint.critic.features import batches, Texture, count_matrix, extract
from counterpoint.critic.model import CriticModel, load_model
from counterpoint.errors import InputError, require_int
from counterpoint.model.exercise import Exercise
import counterpoint.model.texture as texture_model  # (features.Texture is the critic's batch of lines)

# Ranking cost = rule penalty + w * (1 - critic score), with w the model's blend weight for the line's
# species (``blend_weights``), stored in model.json beside the trees (metadata "blend_by_species") and
# fitted on Fux's figures by bench/fux_critic.py --fit. BLEND is the weight for a species the model gives
# none (a model trained before the weights existed): a critic difference of 0.1 then weighs as much as
# one point of penalty.
BLEND = 10.0
# The default ranking (counterpoint.ranking) also adds STYLE x the line's distance from Fux's idioms, in
# standard deviations (counterpoint.analysis.profile_distance), unless the model stores a weight for the
# species (``style_weights``): one standard deviation then costs one point, a light preference's weight.
STYLE = 1.0


@dataclass(frozen=True)
class CriticScore:
    score: float  # in [0, 1]: how much the line is like real Renaissance polyphony
    reasons: list[dict]  # the features that pushed most for and against

    def to_dict(self) -> dict:
        return {"score": round(self.score, 4), "reasons": self.reasons}

    def summary(self, k: int = 2) -> str:
        """'melody.step high, rule.M404 high': the main reasons, for one line of text."""
        words = []
        for r in self.reasons[:k] + [r for r in self.reasons if r["direction"] == "against"][:1]:
            level = "high" if r["value"] > r["typical"] else "low"
            sign = "+" if r["direction"] == "for" else "−"
            words.append(f"{sign}{r['feature']} {level}")
        return ", ".join(dict.fromkeys(words))


@lru_cache(maxsize=4)
def cached_model(path: str | None = None) -> CriticModel:
    """The installed model (or one at ``path``), loaded and verified once per process."""
    return load_model(path)


def _exercise(item):
    return getattr(item, "exercise", item)


def _scorable(item, what: str = "the critic scores") -> None:
    """A two-voice Exercise with a counterpoint, or a Solution holding one; one sentence otherwise."""
    ex = _exercise(item)
    if not isinstance(ex, Exercise):
        raise InputError(f"{what} a two-voice Exercise or a generated Solution (score_file reads a file, "
                         f"score_texture a texture), not {type(item).__name__}.")
    if not ex.species:
        raise InputError("this exercise has no counterpoint; the critic scores a counterpoint against its cantus firmus.")


def _model(model) -> CriticModel:
    """The model given, or the installed one; one sentence for anything else (a path: load it first)."""
    if model is None:
        return cached_model()
    if not isinstance(model, CriticModel):
        raise InputError(f"model must be a CriticModel (load_model(path) reads one), not {type(model).__name__}.")
    return model


def _report(item, book):
    report = getattr(item, "report", None)
    return report if report is not None else check_exercise(_exercise(item), book)


def features(items: Sequence, model: CriticModel) -> np.ndarray:
    """The model's feature rows for solutions or exercises, computed in batches of equal rhythm."""
    book = load_rulebook("fux")
    X = np.zeros((len(items), len(model.feature_names)))
    for idx in batches([_exercise(item) for item in items]):
        batch = [items[i] for i in idx]
        tex = Texture.from_exercises([_exercise(b) for b in batch])
        X[idx] = model.select(extract(tex, count_matrix([_report(b, book) for b in batch])))
    return X


def score_many(items: Sequence, model: CriticModel | None = None) -> np.ndarray:
    """Critic scores for solutions or exercises: one pass of the model over the whole pool."""
    model = _model(model)
    if isinstance(items, (str, bytes)) or not isinstance(items, Sequence):
        raise InputError(f"score_many takes a list of exercises or solutions, not {type(items).__name__}.")
    for item in items:
        _scorable(item, "score_many scores")
    return model.score(features(items, model)) if len(items) else np.zeros(0)


def score(item, model: CriticModel | None = None, reasons: int = 3) -> CriticScore:
    """The critic's score of one solution or exercise, with the features that weigh most for and against."""
    model = _model(model)
    require_int("reasons", reasons, 0, 100)
    _scorable(item)
    x = features([item], model)[0]
    return CriticScore(float(model.score(x)[0]), model.reasons(x, reasons))


@dataclass(frozen=True)
class TextureScore(CriticScore):
    pairs: tuple[tuple[str, float], ...] = ()  # ("alto–bass", score) for each pair the critic read

    def to_dict(self) -> dict:
        return {"score": round(self.score, 4), "reasons": self.reasons,
                "pairs": [{"voices": v, "score": round(x, 4)} for v, x in self.pairs]}


def texture_pairs(texture) -> list[tuple[str, object]]:
    """The two-voice exercises the critic reads in a texture of three voices or more: each free voice against
    the cantus firmus, and against every voice in first species (a line against whole notes, as the critic
    was trained). Labels name the voices top first ('alto–bass')."""
    out = []
    for i, j in texture.pairs():
        line, ref = texture.reference(i, j)
        if texture.voices[ref].species > 1 or texture.voices[line].species == 0:
            continue
        out.append((f"{texture.voices[i].name}–{texture.voices[j].name}", texture.pair(line, ref)))
    return out


def score_texture(texture, model: CriticModel | None = None, reasons: int = 3) -> TextureScore:
    """The critic's score of a texture, until the critic has a texture model of its own: the mean over its voice
    pairs (:func:`texture_pairs`), with the reasons of the mean features and each pair's score."""
    model = _model(model)
    require_int("reasons", reasons, 0, 100)
    texture = getattr(texture, "texture", texture)  # a generated TextureSolution
    if not isinstance(texture, texture_model.Texture):
        raise InputError(f"score_texture scores a Texture of three voices or more, not {type(texture).__name__}.")
    pairs = texture_pairs(texture)
    X = features([ex for _, ex in pairs], model)
    scores = model.score(X)
    return TextureScore(float(scores.mean()), model.reasons(X.mean(axis=0), reasons),
                        tuple((label, float(x)) for (label, _), x in zip(pairs, scores)))


def _by_species(model: CriticModel, key: str, default: float) -> dict[int, float]:
    """A per-species weight table from the model's metadata ``key``; ``default`` where it gives none or a bad one."""
    stored = model.metadata.get(key) or {}
    out = {}
    for species in range(1, 6):
        w = stored.get(str(species), stored.get(species, default))
        try:
            w = float(w)
        except (TypeError, ValueError):
            w = default
        out[species] = w if math.isfinite(w) and w >= 0 else default
    return out


def blend_weights(model: CriticModel | None = None) -> dict[int, float]:
    """The blend weight w of each species (1-5) in penalty + w × (1 − critic): the model's own, else BLEND."""
    return _by_species(model or cached_model(), "blend_by_species", BLEND)


def style_weights(model: CriticModel | None = None) -> dict[int, float]:
    """The weight of each species' style distance (its z-scores against Fux's idioms) in the
    default ranking: fitted beside the blend weights (metadata "style_by_species"), else STYLE."""
    return _by_species(model or cached_model(), "style_by_species", STYLE)


def blended_rank(model: CriticModel | None = None, weight: float | None = None):
    """A ranking for generate(): rule penalty plus the critic's doubt, lower is better.

    Each solution's weight is the model's blend weight for its exercise's species (``blend_weights``),
    unless ``weight`` fixes one for all.
    """
    weights = blend_weights(model)

    def rank(solutions: Sequence) -> list[float]:
        critic = score_many(solutions, model)
        costs = []
        for s, c in zip(solutions, critic):
            w = weight if weight is not None else weights.get(_exercise(s).species, BLEND)
            s.parts["critic"] = round(float(c), 4)
            costs.append(s.penalty + w * (1.0 - float(c)))
        return costs

    if weight is not None:
        rank.__doc__ = f"penalty + {weight:g} × (1 − critic score)"
    else:
        rank.__doc__ = "penalty + w × (1 − critic score), w by species: " + ", ".join(
            f"{k}: {v:g}" for k, v in weights.items())
    return rank
