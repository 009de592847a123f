"""The constraint model judges every rule of a window on its own, so partial lines are pruned as early as possible."""

from types import SimpleNamespace

from counterpoint.catalogue.base import Hit
from counterpoint.generator.model import PENDING, window_holds
from counterpoint.model.pitch import Pitch


def _reads(k):
    """A rule that compares note k with note 0: broken when they are the same pitch."""
    def rule(ctx, i, opts):
        return Hit(0, "same") if ctx.cp_pitches[k] == ctx.cp_pitches[0] else None
    return rule


def test_a_broken_rule_counts_even_when_an_earlier_rule_is_undecided():
    c4 = Pitch.parse("C4")
    ctx = SimpleNamespace(cp_pitches=[c4, PENDING, c4])
    undecided, broken = (_reads(1), 0, None), (_reads(2), 0, None)
    # Note 1 is not chosen yet, so the first rule cannot judge; the second already sees C4 against C4.
    assert window_holds(ctx, [undecided, broken]) is False
    assert window_holds(ctx, [broken, undecided]) is False
    assert window_holds(ctx, [undecided]) is True  # nothing decided: the window may still hold


def test_a_window_holds_when_every_decided_rule_holds():
    c4, d4 = Pitch.parse("C4"), Pitch.parse("D4")
    ctx = SimpleNamespace(cp_pitches=[c4, PENDING, d4])
    assert window_holds(ctx, [(_reads(1), 0, None), (_reads(2), 0, None)]) is True
    ctx.cp_pitches[1] = c4
    assert window_holds(ctx, [(_reads(2), 0, None), (_reads(1), 0, None)]) is False
