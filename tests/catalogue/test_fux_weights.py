"""The fux rulebook's weights are calibrated to Fux's own lines (rules/fux.toml, [species_weight.N]): on
these figures his line costs less, by rule penalty alone, than the median of 100 of the generator's legal
lines over the same cantus firmus (seed 1, as bench/fux_weights.py builds them).

Under the catalogue's default weights figs. 35 and 45 (second species, counterpoint below) and fig. 23
(first species) fail this: Fux's line there costs as much as the median candidate or more.
"""

from __future__ import annotations

import statistics

import pytest

from counterpoint.catalogue.engine import check_exercise
from counterpoint.catalogue.rulebook import load_rulebook
from tests.support import candidate_pool, load_fux

POOL = 100
FIGURES = ["5-lower", "13-lower", "23-upper",  # species 1
           "35-upper", "41-upper", "45-upper",  # species 2
           "56-upper", "59-upper",  # species 3
           "73-lower", "78-upper",  # species 4
           "84a-lower", "85b-upper"]  # species 5


def _candidates(ex, book, size: int = POOL):
    return candidate_pool(ex, book, size, seed=1, seconds=30)


@pytest.mark.parametrize("figure", FIGURES)
def test_fux_costs_less_than_the_median_candidate(figure):
    book = load_rulebook("fux")
    ex = load_fux(figure)
    fux = check_exercise(ex, book)
    assert fux.ok
    pool = _candidates(ex, book)
    assert len(pool) == POOL
    median = statistics.median(check_exercise(c, book).penalty for c in pool)
    assert fux.penalty < median, f"fig. {figure}: Fux's line costs {fux.penalty:g}, the median candidate {median:g}"
