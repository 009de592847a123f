"""Feedback that retrains (issue 9.4): people's judgements of passages, kept in a local SQLite store, and an
adjustment of the critic fitted to them.

>>> import pathlib, tempfile
>>> from counterpoint.model.build import from_text
>>> store = FeedbackStore(pathlib.Path(tempfile.mkdtemp()) / "class.sqlite3")
>>> smooth, leaping = from_text("D4 F4 E4 D4", "A4 A4 G4 A4"), from_text("D4 F4 E4 D4", "A4 D5 C5 A4")
>>> store.add_rating(Passage.from_exercise(smooth), 4, rater="ana")
1
>>> store.add_preference(Passage.from_exercise(smooth), Passage.from_exercise(leaping), rater="ana")
2
>>> [(j.kind, j.rating, j.passage_id, j.other_id) for j in store.judgements()]
[('rating', 4, 1, None), ('prefer', None, 1, 2)]

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
