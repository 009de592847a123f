"""Engraving: an exercise as SVG through verovio (from MusicXML made with spelled pitches), and as PNG or
PDF through cairosvg. Both are imported only when a picture is asked for."""

from __future__ import annotations

from pathlib import Path

from counterpoint.errors import InputError

_OPTIONS = {"adjustPageHeight": True, "scale": 40, "pageWidth": 2100, "pageMarginLeft": 120, "header": "none",
            "footer": "none", "breaks": "auto"}


def to_svg(exercise, annotate: bool = False, report=None) -> str:
    """The exercise engraved as one SVG page (the first, if it needs more); with ``report``, violations marked."""
    import verovio
    from music21.musicxml.m21ToXml import GeneralObjectExporter

    score = report.to_music21() if report is not None else exercise.to_music21()
    xml = GeneralObjectExporter(score).parse().decode("utf-8")
    tk = verovio.toolkit()
    tk.setOptions(_OPTIONS)
    if not tk.loadData(xml):
        raise InputError("the score could not be engraved.")
    return tk.renderToSVG(1)


def write_picture(exercise, path: str | Path, *, force: bool = False, inputs=()) -> Path:
    """Write .svg, .png or .pdf (through :func:`counterpoint.io.safe.safe_output`)."""
    from counterpoint.io.safe import safe_output

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".svg", ".png", ".pdf"):
        raise InputError(f"cannot engrave to {path.name}; use .svg, .png or .pdf.")
    svg = to_svg(exercise)
    if suffix != ".svg":
        try:
            import cairosvg
        except (ImportError, OSError) as exc:  # cairosvg needs the system's cairo library
            raise InputError(f"cannot write {path.name}: PNG and PDF need the cairo library ({exc}); write .svg instead.") from None
    with safe_output(path, force=force, inputs=inputs) as tmp:
        if suffix == ".svg":
            tmp.write_text(svg, encoding="utf-8")
        elif suffix == ".png":
            cairosvg.svg2png(bytestring=svg.encode(), write_to=str(tmp), output_width=1600, background_color="white")
        else:
            cairosvg.svg2pdf(bytestring=svg.encode(), write_to=str(tmp))
    return path
