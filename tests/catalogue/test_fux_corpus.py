"""Fux's own two-voice solutions are the ground truth: all 46 pass the fux rulebook with no errors."""

from __future__ import annotations

import pytest

from counterpoint import check
from tests.support import FUX_DIR, fux_figures

FIGURES = fux_figures()


def test_all_46_figures_are_present():
    assert len(FIGURES) == 46
    assert [sum(1 for r in FIGURES if r["species"] == str(s)) for s in range(1, 6)] == [10, 12, 6, 6, 12]


@pytest.mark.parametrize("row", FIGURES, ids=[r["file"].removesuffix(".musicxml") for r in FIGURES])
def test_fux_solution_passes_fux_rulebook(row):
    report = check(FUX_DIR / row["file"], rules="fux")
    assert report.exercise.species == int(row["species"])
    assert report.exercise.cp_above == (row["cantus_firmus"] == "lower")
    assert report.exercise.mode.label == row["mode"]
    assert report.errors == [], "\n".join(f"{v.place} {v.code} {v.message}" for v in report.errors)
