"""Engraving with verovio: real notation, spelled accidentals, and the notebook views."""

from __future__ import annotations

import pytest

from counterpoint import check, from_text
from counterpoint.cli.main import main
from counterpoint.ranking import generate
from counterpoint.io.engrave import to_svg

CF = "D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4"


def test_svg_has_both_staves_and_only_the_needed_accidental():
    svg = to_svg(from_text(CF, "A4 A4 G4 A4 B4 C5 C5 B4 D5 C#5 D5"))
    assert svg.startswith("<svg") or "<svg" in svg[:200]
    assert svg.count('class="staff') >= 2
    assert svg.count('class="accid') == 1  # the C-sharp; no natural signs on every note


def test_solution_and_report_display_in_a_notebook():
    sol = generate(CF, species=1, n=1, seed=1)[0]
    html = sol._repr_html_()
    assert "<svg" in html and "penalty" in html
    report = check(from_text("D4 E4 F4 E4 D4", "A4 B4 A4 C#5 D5"))
    html = report._repr_html_()
    assert "V101" in html and "<svg" in html


def test_generate_writes_svg(tmp_path):
    out = tmp_path / "line.svg"
    assert main(["generate", "--cf", CF, "--species", "1", "--seed", "1", "--out", str(out)]) == 0
    assert "<svg" in out.read_text()[:500]


def test_generate_writes_png_when_cairo_is_there(tmp_path):
    try:
        import cairosvg  # noqa: F401
    except (ImportError, OSError):
        pytest.skip("cairosvg or the system's cairo library is not installed")
    out = tmp_path / "line.png"
    assert main(["generate", "--cf", CF, "--species", "1", "--seed", "1", "--out", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
