"""One parametrised runner over every rule's case file (tests/catalogue/cases/CODE.toml).

A case file holds [[fail]] cases, each with the bars (from 1) where the rule must be reported, and
[[pass]] cases where it must not be. A fail case built from a Fux figure with ``edits`` is checked
against the whole fux rulebook: the edit must break exactly that rule (plus any codes in ``also``).
A case may name another ``rulebook`` or set rule ``options`` on top of it, to test a rule's strict
default where the fux rulebook records one of Fux's licences.
"""

from __future__ import annotations

import json

import pytest

from counterpoint.catalogue.engine import check_exercise
from counterpoint.catalogue.registry import BY_CODE
from counterpoint.catalogue.rulebook import load_rulebook
from counterpoint.catalogue.texture_engine import check_texture
from counterpoint.model.texture import Texture
from tests.support import build_case, case_files, load_cases


def _cases(kind: str):
    out = []
    for path in case_files():
        code = path.stem
        for i, case in enumerate(load_cases(code).get(kind, [])):
            out.append(pytest.param(code, case, id=f"{code}-{kind}-{i + 1}"))
    return out


def _book(case: dict, tmp_dir):
    """The case's rulebook: fux by default; ``options = {M105 = {...}}`` sets rule options on top of it."""
    name = case.get("rulebook", "fux")
    if "options" not in case:
        return load_rulebook(name)
    lines = [f'extends = "{name}"']
    for code, opts in case["options"].items():
        lines.append(f"[options.{code}]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in opts.items()]
    path = tmp_dir / "case.toml"
    path.write_text("\n".join(lines) + "\n")
    return load_rulebook(path)


def _bars(code: str, case: dict, tmp_dir) -> list[int]:
    book = _book(case, tmp_dir)
    ex = build_case(case)
    setting = book.get(code)
    assert setting is not None, f"{code} is not active in rulebook {book.name}"
    report = check_texture(ex, book) if isinstance(ex, Texture) else check_exercise(ex, book)
    return sorted({v.bar for v in report.violations if v.code == code}), report


@pytest.mark.parametrize("code, case", _cases("fail"))
def test_rule_reports_fault(code, case, tmp_path):
    bars, report = _bars(code, case, tmp_path)
    assert bars == sorted(case["bars"]), f"{case.get('about', '')}: {code} at {bars}, expected {case['bars']}"
    if case.get("voices_at"):  # where a texture case must name the voices: "alto–bass"
        voices = sorted({v.voice for v in report.violations if v.code == code})
        assert voices == sorted(case["voices_at"]), f"{code} reported for {voices}, expected {case['voices_at']}"
    if ("figure" in case and any(k in case for k in ("edits", "bar_edits", "cf_edits"))) or "voice_edits" in case:
        # A Fux solution with one planted fault: exactly that rule (and the declared companions) breaks.
        also = tuple(case.get("also", []))  # codes or code prefixes that the same edit must also break
        others = sorted({v.code for v in report.errors if v.code != code and not v.code.startswith(also)})
        assert others == [], f"the edit breaks other rules too: {others}"
        assert code in {v.code for v in report.errors} or BY_CODE[code].severity == "warning"


@pytest.mark.parametrize("code, case", _cases("pass"))
def test_rule_accepts_good_music(code, case, tmp_path):
    bars, _ = _bars(code, case, tmp_path)
    assert bars == [], f"{case.get('about', '')}: {code} wrongly reported at bars {bars}"
