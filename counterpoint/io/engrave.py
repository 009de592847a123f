"""Engraving: an exercise, a marked report or a whole worksheet as SVG through verovio (from MusicXML made with
spelled pitches), and as PNG or PDF through cairosvg. Both are imported only when a picture is asked for.

A marked report shows each violation's code above its place, the interval figures between the staves, and
below the music a numbered list of the violations with their messages. A title is written above the music.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from counterpoint.errors import InputError

PICTURE_SUFFIXES = (".svg", ".png", ".pdf")
_OPTIONS = {"adjustPageHeight": True, "scale": 40, "pageWidth": 2100, "pageHeight": 2970, "pageMarginLeft": 120,
            "header": "none", "footer": "none", "breaks": "auto"}
_TITLE_H, _LINE_H, _FONT = 56, 26, "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\""


def score_pages(score, title: str = "", lines: list[tuple[str, str]] = ()) -> list[str]:
    """A music21 Score engraved as SVG pages (verovio's page layout), ``title`` above the first page and
    ``lines`` ((text, colour)) below the last."""
    import verovio
    from music21.musicxml.m21ToXml import GeneralObjectExporter

    xml = GeneralObjectExporter(score).parse().decode("utf-8")
    tk = verovio.toolkit()
    tk.setOptions(_OPTIONS)
    if not tk.loadData(xml):
        raise InputError("the score could not be engraved.")
    pages = [tk.renderToSVG(k) for k in range(1, tk.getPageCount() + 1)]
    if title or lines:
        if len(pages) == 1:
            return [_compose(pages[0], title, list(lines))]
        pages[0] = _compose(pages[0], title, []) if title else pages[0]
        pages[-1] = _compose(pages[-1], "", list(lines)) if lines else pages[-1]
    return pages


def score_to_svg(score, title: str = "", lines: list[tuple[str, str]] = ()) -> str:
    """The pages of :func:`score_pages` one under another in one SVG."""
    return stack(score_pages(score, title, lines))


def stack(pages: list[str]) -> str:
    """SVG pages one under another in one SVG, as wide as the widest."""
    import re

    if len(pages) == 1:
        return pages[0]
    sizes = [tuple(float(x) for x in re.search(r'width="([\d.]+)px" height="([\d.]+)px"', p).groups()) for p in pages]
    width, y = max(w for w, _ in sizes), 0.0
    out = [f'<svg width="{width:g}px" height="{sum(h for _, h in sizes):g}px" version="1.1" '
           f'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">']
    for page, (_, h) in zip(pages, sizes):
        out.append(page.replace("<svg ", f'<svg x="0" y="{y:g}" ', 1))
        y += h
    out.append("</svg>")
    return "\n".join(out)


def _compose(music: str, title: str, lines: list[tuple[str, str]]) -> str:
    """Wrap verovio's page in a taller SVG with a title above and text lines below."""
    import re

    head = re.match(r"<svg[^>]*>", music).group(0)
    width = float(re.search(r'width="([\d.]+)px"', head).group(1))
    height = float(re.search(r'height="([\d.]+)px"', head).group(1))
    top = _TITLE_H if title else 0
    longest = max([len(title) * 11] + [len(t) * 9 for t, _ in lines])  # roughly, in px at these font sizes
    width = max(width, longest + 80)
    total = top + height + (len(lines) * _LINE_H + 20 if lines else 0)
    inner = music.replace(head, head.replace("<svg ", f'<svg x="0" y="{top}" ', 1), 1)
    out = [f'<svg width="{width:g}px" height="{total:g}px" version="1.1" xmlns="http://www.w3.org/2000/svg" '
           f'xmlns:xlink="http://www.w3.org/1999/xlink">',
           f'<rect width="100%" height="100%" fill="white"/>']
    if title:
        out.append(f'<text x="40" y="36" font-size="20" font-weight="bold" {_FONT}>{escape(title)}</text>')
    out.append(inner)
    for k, (text, colour) in enumerate(lines):
        y = top + height + 10 + (k + 1) * _LINE_H
        out.append(f'<text x="40" y="{y:g}" font-size="16" fill="{colour}" {_FONT}>{escape(text)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def report_pages(report, title: str | None = None) -> list[str]:
    """A marked report as SVG pages: the codes at their places, the intervals figured, the list below."""
    from counterpoint.io.m21 import report_to_score

    lines = [(f"{v.place}  {v.code} {v.name}: {v.message}" + ("" if v.severity == "error" else "  (warning)"),
              "#c00000" if v.severity == "error" else "#b36b00") for v in report.violations]
    e, w = len(report.errors), len(report.warnings)
    lines.append((f"{e} error{'s' * (e != 1)}, {w} warning{'s' * (w != 1)}", "black"))
    heading = title if title is not None else (report.exercise.title or report.exercise.describe)
    return score_pages(report_to_score(report), heading, lines)


def to_svg(exercise, annotate: bool = False, report=None, title: str | None = None) -> str:
    """The exercise engraved as one SVG (its pages one under another); with ``report``, violations marked and
    listed, intervals figured."""
    from counterpoint.io.m21 import exercise_to_score

    if report is None:
        return score_to_svg(exercise_to_score(exercise), title or "")
    return stack(report_pages(report, title))


def report_title(report) -> str:
    """'homework.musicxml, bars 12–22: first species, counterpoint above the cantus firmus, D dorian'."""
    name = Path(report.path).name if report.path else (report.exercise.title or "")
    head = ", ".join(t for t in (name, report.where) if t)
    return f"{head}: {report.exercise.describe}" if head else report.exercise.describe


def reports_pages(reports) -> list[str]:
    """Marked reports as SVG pages, each report starting a new page."""
    return [page for r in reports for page in report_pages(r, report_title(r))]


def reports_to_svg(reports) -> str:
    """Marked reports engraved one under another in one SVG, each with its title and its list."""
    return stack(reports_pages(reports))


def write_pages(pages: list[str], path: str | Path, *, force: bool = False, inputs=()) -> Path:
    """Write SVG pages as .svg or .png (one under another) or as .pdf, one PDF page each (PNG and PDF need
    cairosvg and the system's cairo library), through :func:`counterpoint.files.safe.safe_output`."""
    from counterpoint.files.safe import safe_output

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in PICTURE_SUFFIXES:
        raise InputError(f"cannot engrave to {path.name}; use .svg, .png or .pdf.")
    if suffix == ".svg":
        with safe_output(path, force=force, inputs=inputs) as tmp:
            tmp.write_text(stack(pages), encoding="utf-8")
        return path
    try:
        import cairocffi
        import cairosvg
        from cairosvg.parser import Tree
        from cairosvg.surface import PDFSurface
    except (ImportError, OSError) as exc:  # cairosvg needs the system's cairo library
        raise InputError(f"cannot write {path.name}: PNG and PDF need the cairo library ({exc}); write .svg instead.") from None
    with safe_output(path, force=force, inputs=inputs) as tmp:
        if suffix == ".png":
            cairosvg.svg2png(bytestring=stack(pages).encode(), write_to=str(tmp), output_width=1600, background_color="white")
        else:
            _write_pdf(pages, tmp, cairocffi, Tree, PDFSurface)
    return path


def _write_pdf(pages: list[str], path: Path, cairocffi, Tree, PDFSurface) -> None:
    shared: dict = {}

    class _Page(PDFSurface):  # every page drawn on one cairo PDF surface, so the PDF has them all
        def _create_surface(self, width, height):
            if "pdf" in shared:
                shared["pdf"].set_size(width, height)
            else:
                shared["pdf"] = cairocffi.PDFSurface(str(path), width, height)
            return shared["pdf"], width, height

    for page in pages:
        _Page(Tree(bytestring=page.encode()), None, 96)
        shared["pdf"].show_page()
    shared["pdf"].finish()


def write_svg_picture(svg: str, path: str | Path, *, force: bool = False, inputs=()) -> Path:
    """Write one SVG text as .svg, .png or .pdf."""
    return write_pages([svg], path, force=force, inputs=inputs)


def write_picture(exercise, path: str | Path, report=None, title: str | None = None, *, force: bool = False,
                  inputs=()) -> Path:
    """Write .svg, .png or .pdf of an exercise, or of a marked report."""
    from counterpoint.io.m21 import exercise_to_score

    if Path(path).suffix.lower() not in PICTURE_SUFFIXES:
        raise InputError(f"cannot engrave to {Path(path).name}; use .svg, .png or .pdf.")
    if report is not None:
        return write_pages(report_pages(report, title), path, force=force, inputs=inputs)
    return write_pages(score_pages(exercise_to_score(exercise), title or ""), path, force=force, inputs=inputs)


def write_score_picture(score, path: str | Path, *, force: bool = False, inputs=()) -> Path:
    """Engrave any music21 Score (a filled worksheet, an answer key) under its title."""
    title = score.metadata.title if score.metadata is not None and score.metadata.title else ""
    return write_pages(score_pages(score, title), path, force=force, inputs=inputs)


def _register() -> None:
    from counterpoint.model.exercise import register_edge

    register_edge("to_svg", to_svg)
    register_edge("write_score_picture", write_score_picture)


_register()
