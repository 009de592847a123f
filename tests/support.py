"""Shared test helpers: the Fux figures shipped in tests/data and the per-rule case files."""

from __future__ import annotations

import csv
import tomllib
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from counterpoint.io.m21 import load_exercise
from counterpoint.model.build import assemble, from_text
from counterpoint.model.edit import set_cp_pitch
from counterpoint.model.exercise import Exercise
from counterpoint.model.notation import parse_notes
from counterpoint.model.pitch import Pitch

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


def _rewrite_bar(ex: Exercise, bar: int, text: str) -> Exercise:
    """Replace the counterpoint's notes in one bar (from 1) by a note list laid from the bar's start."""
    first, last = (bar - 1) * ex.bar_ticks, bar * ex.bar_ticks
    new = [replace(n, start=n.start + first) for n in parse_notes(text)]
    assert new and new[-1].end == last, f"bar_edits for bar {bar} must fill the bar exactly"
    before = [n for n in ex.cp if n.end <= first]
    if before and before[-1].tie:
        before[-1] = replace(before[-1], tie=False)
    after = [n for n in ex.cp if n.start >= last]
    return replace(ex, cp=tuple(before + new + after))


def candidate_pool(ex: Exercise, book, size: int, seed: int = 1, seconds: float = 60) -> list[Exercise]:
    """The generator's first ``size`` distinct legal lines over ``ex``'s cantus firmus (construction only, no
    improvement), Fux's own line excluded: the pool that benchmarks and tests rank his line in."""
    import random
    import time

    from counterpoint.generator import cantus_exercise
    from counterpoint.generator.domain import default_range
    from counterpoint.generator.search import Search

    base = cantus_exercise(ex)
    low, high = default_range(base.cf_pitches, ex.cp_above)
    search = Search(base, ex.species, ex.cp_above, book, low, high, random.Random(seed))
    seen = {tuple((n.pitch, n.start, n.tie) for n in ex.cp)}
    pool: list[Exercise] = []
    for cand in search.stream(time.monotonic() + seconds, max(6, size // 12)):
        key = tuple((n.pitch, n.start, n.tie) for n in cand.cp)
        if key not in seen:
            seen.add(key)
            pool.append(cand)
            if len(pool) >= size:
                break
    return pool


def fux_voice_figures() -> list[dict]:
    """The 76 three- and four-voice figures (tests/data/fux_gradus/figures_voices.tsv)."""
    with open(FUX_DIR / "figures_voices.tsv", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@lru_cache(maxsize=None)
def load_fux_voices(figure: str):
    """A three- or four-voice Fux figure as a Texture, by figure number ("134")."""
    from counterpoint.io.texture_io import load_texture

    return load_texture(FUX_DIR / f"fig-{figure}-voices.musicxml")


def texture_from_lists(voices, cf_voice: int, mode: str | None = None):
    """A Texture from note lists, the highest voice first; ``cf_voice`` counts from 1."""
    from counterpoint.model.build import assemble_texture

    return assemble_texture([(parse_notes(v), "") for v in voices], cf_voice - 1, mode=mode)


def build_texture_case(case: dict):
    """A texture case: ``voices`` (note lists, top first) with ``cf_voice``, or a three- or four-voice Fux
    ``texture`` figure with ``voice_edits = ["2:5=E5"]`` (voice from the top : bar [: beat] = pitch)."""
    from counterpoint.model.edit import set_voice_pitch

    if "texture" in case:
        tex = load_fux_voices(str(case["texture"]))
        for edit in case.get("voice_edits", []):
            where, pitch = edit.split("=")
            voice, bar, *beat = where.split(":")
            tex = set_voice_pitch(tex, int(voice), int(bar), float(beat[0]) if beat else 1.0, pitch.strip())
        return tex
    return texture_from_lists(case["voices"], case["cf_voice"], case.get("mode"))


def case_files() -> list[Path]:
    return sorted(CASES_DIR.glob("*.toml"))


@lru_cache(maxsize=None)
def load_cases(code: str) -> dict:
    with open(CASES_DIR / f"{code}.toml", "rb") as fh:
        return tomllib.load(fh)


def build_case(case: dict) -> Exercise:
    """An exercise from a case: either note lists (cf, cp) or a Fux figure with edits.

    Edits of a figure: ``edits = ["5:3=E5"]`` changes the counterpoint note that begins on bar 5, beat 3;
    ``bar_edits = ["5=A4:4 G4:4 F4:2"]`` rewrites bar 5 of the counterpoint (rhythm too);
    ``cantus_only = true`` keeps the figure's cantus firmus alone, and ``cf_edits = ["3=A4"]`` changes
    its note in bar 3.
    """
    if "texture" in case or "voices" in case:
        return build_texture_case(case)
    if "figure" in case:
        ex = load_fux(case["figure"])
        if case.get("cantus_only"):
            cf = list(ex.cf)
            for edit in case.get("cf_edits", []):
                bar, pitch = edit.split("=")
                cf[int(bar) - 1] = replace(cf[int(bar) - 1], pitch=Pitch.parse(pitch.strip()))
            return assemble(tuple(cf), species=0, mode=ex.mode)
        for edit in case.get("bar_edits", []):
            bar, notes = edit.split("=")
            ex = _rewrite_bar(ex, int(bar), notes)
        for edit in case.get("edits", []):
            where, pitch = edit.split("=")
            bar, _, beat = where.partition(":")
            ex = set_cp_pitch(ex, int(bar), float(beat or 1), pitch.strip())
        return ex
    species = case.get("species", 1)
    return from_text(case["cf"], case.get("cp") or None, species=species if case.get("cp") else 0,
                     cp_above=case.get("above", True), mode=case.get("mode"))


def assert_round_trip(ex: Exercise, path: Path, text: str) -> str:
    """Write ``text`` (a rendering of ``ex``) to ``path``, read it back, and assert nothing was lost."""
    from counterpoint.model.notation import format_notes

    path.write_text(text, encoding="utf-8")
    back = load_exercise(path)
    assert format_notes(back.cf, None) == format_notes(ex.cf, None)
    assert format_notes(back.cp, None) == format_notes(ex.cp, None)
    assert back.cf == ex.cf and back.cp == ex.cp  # starts, durations, spelled pitches, ties
    assert (back.species, back.cp_above, back.mode) == (ex.species, ex.cp_above, ex.mode)
    return text
