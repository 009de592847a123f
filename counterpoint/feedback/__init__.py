"""Feedback that retrains (issue 9.4): people's judgements of passages, kept in a local SQLite store, and an
adjustment of the critic fitted to them.

>>> from counterpoint.feedback import FeedbackStore, Passage          # doctest: +SKIP
>>> store = FeedbackStore("class.sqlite3")                             # doctest: +SKIP
>>> store.add_rating(Passage.from_exercise(solution), 4, rater="ana")  # doctest: +SKIP
>>> store.add_preference(Passage.from_exercise(a), Passage.from_exercise(b))  # doctest: +SKIP

This package sits beside the critic (layer 2): it takes passages as text, never reads files itself. The
command line (``counterpoint feedback``) reads files with the project's readers and hands their text here.
"""

from __future__ import annotations

from counterpoint.feedback.passage import FORMATS, Passage, passage_exercise
from counterpoint.feedback.store import (APPLICATION, EXPORT_COLUMNS, SCHEMA, FeedbackStore, Judgement,
                                         default_store_path)

__all__ = ["FeedbackStore", "Passage", "Judgement", "passage_exercise", "default_store_path", "FORMATS",
           "EXPORT_COLUMNS", "SCHEMA", "APPLICATION", "retrain"]


def retrain(model, store, **kwargs):
    """:func:`counterpoint.feedback.training.retrain`, imported on first use (it needs numpy and scipy)."""
    from counterpoint.feedback.training import retrain as _retrain

    return _retrain(model, store, **kwargs)
