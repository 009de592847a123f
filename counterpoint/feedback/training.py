"""Retraining the critic on the judgements in a store: pairs from judgements, features of passages, the fit.

* A preference "A is better than B" is one pair (A, B).
* Ratings become pairs between passages the same rater rated differently (a passage rated more than once by
  one rater counts with its mean rating); raters are not compared with each other, since one teacher's 3
  may be another's 4. At most :data:`MAX_RATING_PAIRS` such pairs are used, drawn with a fixed seed.
* Each passage is read as the critic reads it (``critic score``): a species exercise as it is, a texture
  over its voice pairs, free rhythm reduced as the training music was; its feature row is the mean over
  what was read, and its base log-odds the mean of the base model's. A passage the critic cannot read is
  skipped, with every judgement that names it, and counted.

The fit itself is :func:`counterpoint.critic.adjust.fit_adjustment`; the result is the base model with an
adjustment (any earlier one is replaced, not stacked) and ``metadata["feedback"]`` saying how much went in;
the base model's held-out metrics move to ``metadata["base_metrics"]``, since they were not measured on it.
"""

from __future__ import annotations

import hashlib
import random
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np

from counterpoint.errors import InputError
from counterpoint.feedback.passage import FORMATS, Passage, passage_exercise
from counterpoint.feedback.store import EXPORT_COLUMNS, FeedbackStore, Judgement, now

MAX_RATING_PAIRS = 20_000
MAX_SKIP_NOTES = 5


def rating_pairs(judgements: list[Judgement], limit: int = MAX_RATING_PAIRS, seed: int = 0) -> list[tuple[int, int]]:
    """(better, worse) passage ids from ratings: within each rater, every two passages with different mean ratings."""
    by_rater: dict[str | None, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for j in judgements:
        if j.kind == "rating":
            by_rater[j.rater][j.passage_id].append(j.rating)
    pairs = []
    for ratings in by_rater.values():
        means = sorted((sum(r) / len(r), pid) for pid, r in ratings.items())
        for i, (mi, pi) in enumerate(means):
            for mj, pj in means[i + 1:]:
                if mj > mi:
                    pairs.append((pj, pi))
    if len(pairs) > limit:
        pairs = random.Random(seed).sample(pairs, limit)
    return pairs


def preference_pairs(judgements: list[Judgement]) -> list[tuple[int, int]]:
    return [(j.passage_id, j.other_id) for j in judgements if j.kind == "prefer"]


def passage_rows(passage: Passage, model) -> np.ndarray:
    """The species model's feature rows for a passage, read as ``critic score`` reads a file; InputError if it
    cannot."""
    from counterpoint.critic.scoring import features

    return _read(passage, lambda exercise: features([exercise], model), lambda path: _file_rows(path, model,
                                                                                           passage.title or "passage"))


def free_passage_rows(passage: Passage, model) -> np.ndarray:
    """A free model's feature rows for a passage: the windows ``critic score`` scores it by, when that model is
    the one of the passage's voice count; InputError otherwise (the passage is then skipped)."""
    from counterpoint.critic.free import window_rows

    return _read(passage, lambda exercise: window_rows(exercise, model), lambda path: window_rows(path, model))


def _read(passage: Passage, of_exercise, of_file):
    """``of_exercise(Exercise)`` for a note-list passage, else ``of_file(path)`` on a private copy of its file."""
    if passage.format == "notes":
        return of_exercise(passage_exercise(passage))
    with tempfile.TemporaryDirectory(prefix="counterpoint-feedback-") as folder:
        path = Path(folder) / ("passage" + FORMATS[passage.format])
        path.write_bytes(passage.file_bytes())
        return of_file(path)


def _file_rows(path: Path, model, title: str) -> np.ndarray:
    from counterpoint.critic import file_exercises
    from counterpoint.critic.scoring import features
    from counterpoint.scorefile import parse_file

    _, exercises = file_exercises(parse_file(path), "it", title, path.name)
    return features(exercises, model)


def retrain(model, store: FeedbackStore | str | Path | None = None, *, rulebook: str | None = None,
            regularisation: float = 1.0, rows=passage_rows):
    """The base ``model`` with a feedback adjustment fitted to the store's judgements; returns (model, summary).

    ``rulebook`` keeps only the judgements made under that rulebook. ``rows(passage, model)`` gives a
    passage's feature rows (the default reads it as the critic does). InputError with one sentence when
    there is nothing to learn from.
    """
    from counterpoint.critic.adjust import fit_adjustment
    from counterpoint.errors import require_number

    require_number("the regularisation", regularisation, 1e-6, 1e6)
    store = store if isinstance(store, FeedbackStore) else FeedbackStore(store)
    judgements = store.judgements()
    if rulebook is not None:
        judgements = [j for j in judgements if j.rulebook == rulebook]
    if not judgements:
        where = f" under the rulebook '{rulebook}'" if rulebook else ""
        raise InputError(f"the feedback store {store.path.name} holds no judgements{where} to learn from.")
    ids = sorted({j.passage_id for j in judgements} | {j.other_id for j in judgements if j.other_id is not None})
    passages = store.passages(ids)
    index, blocks, notes = {}, [], []
    for pid in ids:
        try:
            X = np.atleast_2d(rows(passages[pid], model))
            if not len(X):
                raise InputError("nothing in it could be read.")
        except InputError as exc:
            if len(notes) < MAX_SKIP_NOTES:
                notes.append(f"passage {pid} ({passages[pid].title or passages[pid].format}) was skipped: "
                             f"{str(exc).rstrip('.')}.")
            continue
        index[pid] = len(blocks)
        blocks.append((X.mean(axis=0), float(model.base_decision(X).mean())))
    skipped = len(ids) - len(index)
    usable = [j for j in judgements if j.passage_id in index and (j.other_id is None or j.other_id in index)]
    pairs = [(index[a], index[b]) for a, b in preference_pairs(usable) + rating_pairs(usable)]
    summary = {"judgements": len(usable), "ratings": sum(j.kind == "rating" for j in usable),
               "preferences": sum(j.kind == "prefer" for j in usable), "pairs": len(pairs),
               "passages": len(index), "skipped_passages": skipped,
               "skipped_judgements": len(judgements) - len(usable), "rulebook": rulebook,
               "judgements_sha256": _judgements_digest(usable), "base_model": model.digest,
               "replaced_adjustment": model.feedback is not None}
    if not pairs:
        n = len(usable)
        raise InputError(f"the {n} usable judgement{'' if n == 1 else 's'} give{'s' if n == 1 else ''} no pair of "
                         "passages to compare (a preference, or two passages one rater rated differently); "
                         "nothing was learnt.")
    X = np.array([x for x, _ in blocks])
    base = np.array([d for _, d in blocks])
    try:
        adjustment = fit_adjustment(X, model.feature_names, base, pairs, n_judgements=len(usable), fitted_at=now(),
                                    regularisation=regularisation)
    except ValueError:
        raise InputError("the judged passages do not differ in any feature the critic measures; nothing was learnt.") \
            from None
    summary["fitted_at"] = adjustment.fitted_at
    summary["features"] = len(adjustment.feature_names)
    adjusted = model.with_feedback(adjustment, {"feedback": summary})
    # The held-out metrics were measured on the base model, not on this one: kept, but under another name, so
    # that `critic evaluate` does not show them as this model's.
    if "metrics" in adjusted.metadata:
        adjusted.metadata["base_metrics"] = adjusted.metadata.pop("metrics")
    return adjusted, {**summary, "notes": notes}


def _judgements_digest(judgements: list[Judgement]) -> str:
    """SHA-256 of the judgements used (their export columns, in order): which feedback went in, reproducibly."""
    h = hashlib.sha256()
    for j in judgements:
        d = j.to_dict()
        h.update(("\t".join("" if d[c] is None else str(d[c]) for c in EXPORT_COLUMNS) + "\n").encode())
    return h.hexdigest()
