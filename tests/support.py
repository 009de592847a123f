"""Shared test helpers: the Fux figures shipped in tests/data and the per-rule case files."""

from __future__ import annotations

import csv
import tomllib
from functools import lru_cache
from pathlib import Path

from counterpoint.io.m21 import load_exercise
from counterpoint.model.build import from_text
from counterpoint.model.edit import set_cp_pitch
from counterpoint.model.exercise import Exercise

HERE = Path(__file__).resolve().parent
FUX_DIR = HERE / "data" / "fux_gradus"
CASES_DIR = HERE / "catalogue" / "cases"


def fux_figures() -> list[dict]:
    with open(FUX_DIR / "figures.tsv", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@lru_cache(maxsize=None)
def load_fux(file: str) -> Exercise:
    """A Fux figure by file name (``fig-033-cf-lower.musicxml``) or figure label with position (``33-lower``)."""
    if not file.endswith(".musicxml"):
        fig, pos = file.split("-")
        file = next(r["file"] for r in fux_figures() if r["figure"] == fig and r["cantus_firmus"] == pos)
    return load_exercise(FUX_DIR / file)


def case_files() -> list[Path]:
    return sorted(CASES_DIR.glob("*.toml"))


@lru_cache(maxsize=None)
def load_cases(code: str) -> dict:
    with open(CASES_DIR / f"{code}.toml", "rb") as fh:
        return tomllib.load(fh)


def build_case(case: dict) -> Exercise:
    """An exercise from a case: either note lists (cf, cp) or a Fux figure with edits."""
    if "figure" in case:
        ex = load_fux(case["figure"])
        for edit in case.get("edits", []):
            where, pitch = edit.split("=")
            bar, _, beat = where.partition(":")
            ex = set_cp_pitch(ex, int(bar), float(beat or 1), pitch.strip())
        return ex
    species = case.get("species", 1)
    return from_text(case["cf"], case.get("cp") or None, species=species if case.get("cp") else 0,
                     cp_above=case.get("above", True), mode=case.get("mode"))
